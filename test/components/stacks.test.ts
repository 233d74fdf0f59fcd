// The example stacks' programs under Pulumi mocks: each registers exactly the expected
// resources with the exact key inputs (names, subnets, ports, env, aliases, image build
// arguments, the netns lab's scripts equal to the builders' output, the provider each
// docker resource goes to), and bad config fails before anything is registered.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import test, { ExecutionContext } from "ava";
import * as pulumi from "@pulumi/pulumi";
import { resetDetachedHostPorts } from "../../provider/containers";
import { SWARM_TOKEN_SCRIPT, resetDetachedAddressPlan, swarmInitScripts, swarmJoinScripts } from "../../provider/networks";
import * as flaskStack from "../../stacks/flask-redis/program";
import { FlaskRedisConfig, REDIS_COMMAND, SEED_FLASK_REDIS, appDir, flaskRedis } from "../../stacks/flask-redis/program";
import { BUILD_SCRIPT, REMOVE_SCRIPT, contextDigest } from "../../stacks/flask-redis/image";
import * as overlayStack from "../../stacks/multi-host-overlay/program";
import { MultiHostOverlayConfig, OVERLAY_DEFAULTS, SLEEP_COMMAND, multiHostOverlay } from "../../stacks/multi-host-overlay/program";
import * as netnsStack from "../../stacks/netns-lab/program";
import { SEED_NETNS_LAB, netnsLab } from "../../stacks/netns-lab/program";
import { RegisterRequest, Registered, captureFailure, captureResources, captureWithRequests, resolve } from "./lib/mocks";

test.beforeEach(() => {
  resetDetachedAddressPlan();
  resetDetachedHostPorts();
});

const URN = "urn:pulumi:test::dockwire::";
const NETWORK = "docker:index/network:Network";
const CONTAINER = "docker:index/container:Container";
const PROVIDER = "pulumi:providers:docker";
const LOCAL = "command:local:Command";
/** Pulumi's wire form of a secret. */
const secret = (value: unknown) => ({ "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", value });

type Request = RegisterRequest;

/** Runs a stack program under mocks; returns what it registered, the requests' options and its outputs, resolved. */
async function capture(
  build: () => Record<string, unknown>,
): Promise<{ resources: Registered[]; requests: Request[]; outputs: Record<string, unknown> }> {
  let out: Record<string, unknown> = {};
  const { resources, requests } = await captureWithRequests(() => {
    out = build();
    return pulumi.output(out);
  });
  const outputs: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(out)) outputs[k] = await resolve(v);
  return { resources, requests, outputs };
}

const failure = captureFailure;

function one<T extends { type: string; name: string }>(rs: readonly T[], type: string, name: string): T {
  const found = rs.filter((r) => r.type === type && r.name === name);
  if (found.length !== 1) throw new Error(`expected one ${type} named ${name}, got ${found.length}`);
  return found[0];
}

const list = (rs: readonly { type: string; name: string }[]) => rs.map((r) => `${r.type} ${r.name}`).sort();

function assertNoProvider(t: ExecutionContext, requests: readonly Request[], types: readonly string[]): void {
  for (const r of requests.filter((x) => types.includes(x.type))) t.is(r.provider, "", `${r.type} ${r.name} uses the default provider`);
}

// ---------------------------------------------------------------- flask-redis

test.serial(
  "flask-redis: image built from ./app on the daemon without pushing, a bridge network, redis with alias redis, the app on 5000:5000",
  async (t) => {
    const got = await capture(() => flaskRedis(SEED_FLASK_REDIS));
    t.deepEqual(list(got.resources), [
      `${LOCAL} app-image`,
      `${CONTAINER} flask-redis`,
      `${CONTAINER} redis`,
      `${NETWORK} flask-redis`,
      "dockwire:containers:AppContainer flask-redis",
      "dockwire:containers:AppContainer redis",
      "dockwire:networks:BridgeNetwork flask-redis",
    ]);
    const dir = path.resolve(__dirname, "../../../stacks/flask-redis/app");
    t.is(appDir(), dir);
    t.deepEqual(one(got.resources, LOCAL, "app-image").inputs, {
      create: BUILD_SCRIPT,
      delete: REMOVE_SCRIPT,
      interpreter: ["/bin/sh", "-c"],
      environment: {
        DOCKER_HOST: "unix:///var/run/docker.sock",
        DOCKWIRE_BASE_IMAGE: "dockwire/app:local",
        DOCKWIRE_IMAGE_NAME: "dockwire/flask-redis:local",
        DOCKWIRE_DOCKERFILE: path.join(dir, "Dockerfile"),
        DOCKWIRE_CONTEXT: dir,
      },
      triggers: [contextDigest(dir), "dockwire/app:local", "dockwire/flask-redis:local", "unix:///var/run/docker.sock"],
    });
    t.deepEqual(one(got.resources, NETWORK, "flask-redis").inputs, { name: "flask-redis", driver: "bridge" });
    t.deepEqual(one(got.resources, CONTAINER, "redis").inputs, {
      name: "redis",
      image: "dockwire/app:local",
      command: ["redis-server", "--protected-mode", "no"],
      networksAdvanced: [{ name: "flask-redis", aliases: ["redis"] }],
    });
    t.deepEqual(REDIS_COMMAND, ["redis-server", "--protected-mode", "no"]);
    // The app runs the id the build printed (the mocks answer the command's stdout with "").
    const app = one(got.resources, CONTAINER, "flask-redis").inputs;
    t.deepEqual(
      { ...app, image: undefined },
      {
        name: "flask-redis",
        image: undefined,
        envs: ["REDIS_HOST=redis"],
        ports: [{ internal: 5000, external: 5000, ip: "0.0.0.0", protocol: "tcp" }],
        networksAdvanced: [{ name: "flask-redis" }],
      },
    );
    // The app waits for redis; everything goes to the default provider (DOCKER_HOST).
    t.true(
      one(got.requests, "dockwire:containers:AppContainer", "flask-redis").dependencies.includes(
        `${URN}dockwire:containers:AppContainer$${CONTAINER}::redis`,
      ),
    );
    assertNoProvider(t, got.requests, [NETWORK, CONTAINER]);
    t.deepEqual(got.outputs, {
      network: "flask-redis",
      image: "dockwire/flask-redis:local",
      redisContainer: "redis",
      appContainer: "flask-redis",
      url: "http://127.0.0.1:5000/",
    });
  },
);

test("flask-redis: the build context digest changes with any file's name or content, and only then", (t) => {
  const a = fs.mkdtempSync(path.join(os.tmpdir(), "dw-ctx-"));
  try {
    fs.writeFileSync(path.join(a, "Dockerfile"), "FROM x\n");
    fs.writeFileSync(path.join(a, "app.py"), "print(1)\n");
    const d1 = contextDigest(a);
    t.regex(d1, /^sha256:[0-9a-f]{64}$/);
    t.is(contextDigest(a), d1);
    fs.writeFileSync(path.join(a, "app.py"), "print(2)\n");
    const d2 = contextDigest(a);
    t.not(d2, d1);
    fs.renameSync(path.join(a, "app.py"), path.join(a, "main.py"));
    t.not(contextDigest(a), d2);
  } finally {
    fs.rmSync(a, { recursive: true, force: true });
  }
});

test.serial("flask-redis: the Dockerfile and app.py are the seed's app on a configurable base", async (t) => {
  const dockerfile = fs.readFileSync(path.join(appDir(), "Dockerfile"), "utf8");
  t.regex(dockerfile, /^ARG BASE_IMAGE=dockwire\/app:local$/m);
  t.regex(dockerfile, /^FROM \$\{BASE_IMAGE\}$/m);
  t.regex(dockerfile, /^COPY app\.py /m);
  t.regex(dockerfile, /^CMD \["python3", "app\.py"\]$/m);
  const app = fs.readFileSync(path.join(appDir(), "app.py"), "utf8");
  t.regex(app, /redis\.incr\("hits"\)/);
  t.regex(app, /os\.environ\.get\("REDIS_HOST"/);
  t.true(app.includes('"Hello Container World! I have been seen %s times and my hostname is %s.\\n"'));
  t.regex(app, /port=5000/);
});

test.serial("flask-redis: config changes images, subnet, host address and port; a prefix renames every object but the alias", async (t) => {
  const cfg: FlaskRedisConfig = {
    baseImage: "python-flask:3",
    appImageName: "me/flask-redis:dev",
    redisImage: "redis:7",
    networkName: "fr",
    subnet: "10.20.0.0/24",
    hostPort: 8080,
    hostIp: "127.0.0.1",
    dockerHost: "tcp://10.99.0.2:2376",
  };
  const got = await capture(() => flaskRedis(cfg, "t-"));
  const build = one(got.resources, LOCAL, "app-image").inputs;
  t.is(build.environment.DOCKWIRE_IMAGE_NAME, "me/flask-redis:dev");
  t.is(build.environment.DOCKWIRE_BASE_IMAGE, "python-flask:3");
  t.is(build.environment.DOCKER_HOST, "tcp://10.99.0.2:2376");
  t.deepEqual(one(got.resources, NETWORK, "flask-redis").inputs, {
    name: "t-fr",
    driver: "bridge",
    ipamConfigs: [{ subnet: "10.20.0.0/24", gateway: "10.20.0.1" }],
  });
  const redis = one(got.resources, CONTAINER, "redis").inputs;
  t.is(redis.name, "t-redis");
  t.is(redis.image, "redis:7");
  t.deepEqual(redis.networksAdvanced, [{ name: "t-fr", aliases: ["redis"] }]);
  const app = one(got.resources, CONTAINER, "flask-redis").inputs;
  t.is(app.name, "t-flask-redis");
  t.deepEqual(app.envs, ["REDIS_HOST=redis"]);
  t.deepEqual(app.ports, [{ internal: 5000, external: 8080, ip: "127.0.0.1", protocol: "tcp" }]);
  t.is(got.outputs.url, "http://127.0.0.1:8080/");

  resetDetachedAddressPlan();
  resetDetachedHostPorts();
  const v6 = await capture(() => flaskRedis({ ...SEED_FLASK_REDIS, hostIp: "::1", hostPort: 5001 }));
  t.deepEqual(one(v6.resources, CONTAINER, "flask-redis").inputs.ports, [{ internal: 5000, external: 5001, ip: "::1", protocol: "tcp" }]);
  t.is(v6.outputs.url, "http://[::1]:5001/");
});

test.serial("flask-redis refuses a bad port or subnet before registering anything", async (t) => {
  const port = await failure(() => flaskRedis({ ...SEED_FLASK_REDIS, hostPort: 70000 }));
  t.regex(port.message ?? "", /^flask-redis stack: hostPort "70000:5000": .*70000/);
  t.is(port.registered, 0);
  const subnet = await failure(() => flaskRedis({ ...SEED_FLASK_REDIS, subnet: "10.20.0.1/24" }));
  t.regex(subnet.message ?? "", /^dockwire:networks:BridgeNetwork "flask-redis": subnet "10\.20\.0\.1\/24"/);
  t.is(subnet.registered, 0);
});

// ---------------------------------------------------------------- netns-lab

const DYN_NS = "pulumi-nodejs:dynamic/dockwire:NetworkNamespace";
const DYN_VETH = "pulumi-nodejs:dynamic/dockwire:VethPair";
/** A child's inputs without the serialized provider. */
const spec = (r: Registered) => Object.fromEntries(Object.entries(r.inputs).filter(([k]) => k !== "__provider"));

test.serial("netns-lab: seed 000's test1/test2 and veth-test1/veth-test2, each a dynamic resource with its spec", async (t) => {
  const got = await capture(() => netnsLab(SEED_NETNS_LAB));
  t.deepEqual(list(got.resources), [
    "dockwire:netns:NetworkNamespace test1",
    "dockwire:netns:NetworkNamespace test2",
    "dockwire:netns:VethPair veth",
    `${DYN_NS} test1-netns`,
    `${DYN_NS} test2-netns`,
    `${DYN_VETH} veth-veth`,
  ]);
  for (const ns of ["test1", "test2"]) {
    t.deepEqual(spec(one(got.resources, DYN_NS, `${ns}-netns`)), { kind: "netns", name: ns, loopbackUp: true });
  }
  t.deepEqual(spec(one(got.resources, DYN_VETH, "veth-veth")), {
    kind: "veth",
    name: "veth-test1",
    peerName: "veth-test2",
    ends: [
      { namespace: "test1", addresses: ["192.168.1.1/24"], up: true },
      { namespace: "test2", addresses: ["192.168.1.2/24"], up: true },
    ],
  });
  t.deepEqual(one(got.requests, DYN_VETH, "veth-veth").dependencies, [
    `${URN}dockwire:netns:NetworkNamespace$${DYN_NS}::test1-netns`,
    `${URN}dockwire:netns:NetworkNamespace$${DYN_NS}::test2-netns`,
  ]);
  t.deepEqual(got.outputs, {
    namespaces: ["test1", "test2"],
    veth: ["veth-test1", "veth-test2"],
    addresses: ["192.168.1.1/24", "192.168.1.2/24"],
    check: "ip netns exec test1 ping -c 1 192.168.1.2",
  });
});

test.serial("netns-lab: config renames namespaces and ends and changes addresses", async (t) => {
  const cfg = { ns1: "lab-a", ns2: "lab-b", veth1: "lab-a0", veth2: "lab-b0", addr1: "10.250.7.1/30", addr2: "10.250.7.2/30" };
  const got = await capture(() => netnsLab(cfg));
  t.is(spec(one(got.resources, DYN_NS, "test1-netns")).name, "lab-a");
  t.is(spec(one(got.resources, DYN_NS, "test2-netns")).name, "lab-b");
  t.deepEqual(spec(one(got.resources, DYN_VETH, "veth-veth")), {
    kind: "veth",
    name: "lab-a0",
    peerName: "lab-b0",
    ends: [
      { namespace: "lab-a", addresses: ["10.250.7.1/30"], up: true },
      { namespace: "lab-b", addresses: ["10.250.7.2/30"], up: true },
    ],
  });
  t.is(got.outputs.check, "ip netns exec lab-a ping -c 1 10.250.7.2");
});

test.serial("netns-lab refuses bad names and addresses before registering anything", async (t) => {
  const cases: [Partial<typeof SEED_NETNS_LAB>, RegExp][] = [
    [
      { veth1: "veth-test1-too-long" },
      /^netns-lab stack: veth1 "veth-test1-too-long" is 19 characters: Linux interface names are at most 15; shorten it\.$/,
    ],
    [
      { veth2: "veth-test1" },
      /^netns-lab stack: veth2 "veth-test1" is the same as veth1: the two ends of a veth pair need different names\.$/,
    ],
    [{ ns2: "a;b" }, /^netns-lab stack: ns2 "a;b"/],
    [{ addr2: "192.168.1.300/24" }, /^netns-lab stack: addr2 "192\.168\.1\.300\/24" is not an IPv4 or IPv6 CIDR/],
    [{ ns2: "test1" }, /^netns-lab stack: ns1 and ns2 are both "test1"/],
  ];
  for (const [change, message] of cases) {
    const r = await failure(() => netnsLab({ ...SEED_NETNS_LAB, ...change }));
    t.regex(r.message ?? "", message);
    t.is(r.registered, 0, JSON.stringify(change));
  }
});

// ---------------------------------------------------------------- multi-host-overlay

const TWO_HOSTS: MultiHostOverlayConfig = {
  manager: { host: "unix:///run/dockwire/docker.sock", advertiseAddr: "10.99.7.1" },
  worker: { host: "unix:///run/dockwire-lab/docker.sock", advertiseAddr: "10.99.7.2" },
  ...OVERLAY_DEFAULTS,
};

const providerRef = (name: string) => `${URN}dockwire:host:DockerHost$${PROVIDER}::${name}::${name}-id`;

test.serial(
  "multi-host-overlay: two hosts, a swarm, an attachable overlay 10.0.9.0/24 on the manager, a busybox on each host",
  async (t) => {
    const got = await capture(() => multiHostOverlay(TWO_HOSTS));
    t.deepEqual(list(got.resources), [
      `${LOCAL} swarm-init`,
      `${LOCAL} swarm-join-worker`,
      `${LOCAL} swarm-worker-token`,
      `${CONTAINER} test1`,
      `${CONTAINER} test2`,
      `${NETWORK} overlay`,
      "dockwire:containers:AppContainer test1",
      "dockwire:containers:AppContainer test2",
      "dockwire:host:DockerHost manager",
      "dockwire:host:DockerHost worker",
      "dockwire:networks:OverlayNetwork overlay",
      "dockwire:networks:Swarm swarm",
      `${PROVIDER} manager`,
      `${PROVIDER} worker`,
    ]);
    t.deepEqual(one(got.resources, PROVIDER, "manager").inputs, { host: "unix:///run/dockwire/docker.sock" });
    t.deepEqual(one(got.resources, PROVIDER, "worker").inputs, { host: "unix:///run/dockwire-lab/docker.sock" });

    const init = swarmInitScripts("10.99.7.1");
    t.deepEqual(one(got.resources, LOCAL, "swarm-init").inputs, {
      create: init.create,
      delete: init.delete,
      environment: { DOCKER_HOST: "unix:///run/dockwire/docker.sock" },
      interpreter: ["/bin/sh", "-c"],
    });
    t.deepEqual(one(got.resources, LOCAL, "swarm-worker-token").inputs, {
      create: SWARM_TOKEN_SCRIPT,
      environment: { DOCKER_HOST: "unix:///run/dockwire/docker.sock" },
      interpreter: ["/bin/sh", "-c"],
    });
    const join = swarmJoinScripts("10.99.7.1", "10.99.7.2");
    // The join environment is a secret (it carries the token; no token under mocks).
    t.deepEqual(one(got.resources, LOCAL, "swarm-join-worker").inputs, {
      create: join.create,
      delete: join.delete,
      environment: secret({ DOCKER_HOST: "unix:///run/dockwire-lab/docker.sock" }),
      interpreter: ["/bin/sh", "-c"],
    });

    t.deepEqual(one(got.resources, NETWORK, "overlay").inputs, {
      name: "demo",
      driver: "overlay",
      attachable: true,
      ipamConfigs: [{ subnet: "10.0.9.0/24", gateway: "10.0.9.1" }],
    });
    const net = one(got.requests, NETWORK, "overlay");
    t.is(net.provider, providerRef("manager"));
    // The network waits for the whole swarm: init, token and the worker's join.
    for (const c of ["swarm-init", "swarm-worker-token", "swarm-join-worker"]) {
      t.true(net.dependencies.includes(`${URN}dockwire:networks:Swarm$${LOCAL}::${c}`), c);
    }
    for (const [name, host] of [
      ["test1", "manager"],
      ["test2", "worker"],
    ]) {
      t.deepEqual(one(got.resources, CONTAINER, name).inputs, {
        name,
        image: "dockwire/busybox:local",
        command: ["/bin/sh", "-c", "while true; do sleep 3600; done"],
        networksAdvanced: [{ name: "demo" }],
      });
      t.is(one(got.requests, CONTAINER, name).provider, providerRef(host), `${name} runs on the ${host}`);
    }
    t.deepEqual(SLEEP_COMMAND, ["/bin/sh", "-c", "while true; do sleep 3600; done"]);
    t.deepEqual(got.outputs.network, "demo");
    t.deepEqual(got.outputs.containers, ["test1", "test2"]);
    t.is(got.outputs.check, "docker exec test1 ping -c 1 test2");
  },
);

test.serial("multi-host-overlay: a tcp+TLS worker gets secret material, in its provider and its join environment", async (t) => {
  const got = await capture(() =>
    multiHostOverlay(
      {
        ...TWO_HOSTS,
        worker: { host: "tcp://10.99.7.2:2376", tls: { caPem: "CA", certPem: "CERT", keyPem: "KEY" } },
        networkName: "ov",
        subnet: "10.0.19.0/24",
      },
      "t-",
    ),
  );
  const p = one(got.resources, PROVIDER, "worker").inputs;
  t.is(p.host, "tcp://10.99.7.2:2376");
  t.deepEqual([p.caMaterial, p.certMaterial, p.keyMaterial], [secret("CA"), secret("CERT"), secret("KEY")]);
  t.deepEqual(
    one(got.resources, LOCAL, "swarm-join-worker").inputs.environment,
    secret({
      DOCKER_HOST: "tcp://10.99.7.2:2376",
      DOCKWIRE_TLS_CA: "CA",
      DOCKWIRE_TLS_CERT: "CERT",
      DOCKWIRE_TLS_KEY: "KEY",
    }),
  );
  t.is(one(got.resources, LOCAL, "swarm-join-worker").inputs.create, swarmJoinScripts("10.99.7.1").create);
  t.deepEqual(one(got.resources, NETWORK, "overlay").inputs.name, "t-ov");
  t.deepEqual(one(got.resources, NETWORK, "overlay").inputs.ipamConfigs, [{ subnet: "10.0.19.0/24", gateway: "10.0.19.1" }]);
  t.deepEqual(
    ["test1", "test2"].map((n) => one(got.resources, CONTAINER, n).inputs.name),
    ["t-test1", "t-test2"],
  );
  t.deepEqual(
    ["test1", "test2"].map((n) => one(got.resources, CONTAINER, n).inputs.networksAdvanced),
    [[{ name: "t-ov" }], [{ name: "t-ov" }]],
  );
});

test.serial("multi-host-overlay refuses bad config before registering anything", async (t) => {
  const cases: [MultiHostOverlayConfig, string | RegExp][] = [
    [
      { ...TWO_HOSTS, worker: { host: "tcp://10.99.7.2:2375" } },
      'multi-host-overlay stack: workerHost "tcp://10.99.7.2:2375" is plain TCP without TLS: anyone who reaches the port gets root on that host. Add tls { caPem, certPem, keyPem } and use port 2376, use "ssh://USER@HOST", or set allowInsecure: true for a lab you control.',
    ],
    [
      { ...TWO_HOSTS, manager: { ...TWO_HOSTS.manager, advertiseAddr: "10.99.7.1; reboot" } },
      'multi-host-overlay stack: managerAddr "10.99.7.1; reboot" is not an IP address: give the address the other host reaches this one at, e.g. "192.168.205.10".',
    ],
    [
      { ...TWO_HOSTS, worker: { host: TWO_HOSTS.manager.host } },
      /^multi-host-overlay stack: managerHost and workerHost are both "unix:\/\/\/run\/dockwire\/docker\.sock"/,
    ],
    [{ ...TWO_HOSTS, subnet: "10.0.9.1/24" }, /^multi-host-overlay stack: subnet "10\.0\.9\.1\/24"/],
  ];
  for (const [cfg, message] of cases) {
    const r = await failure(() => multiHostOverlay(cfg));
    if (typeof message === "string") t.is(r.message, message);
    else t.regex(r.message ?? "", message);
    t.is(r.registered, 0);
  }
  // allowInsecure lets a plain-TCP lab worker through (DockerHost then warns).
  const ok = await capture(() => multiHostOverlay({ ...TWO_HOSTS, worker: { host: "tcp://10.99.7.2:2375", allowInsecure: true } }));
  t.is(one(ok.resources, PROVIDER, "worker").inputs.host, "tcp://10.99.7.2:2375");
});

// ---------------------------------------------------------------- stack config

/** Runs `read` under mocks (project "dockwire") with this stack config; returns its result or the error message. */
async function withConfig<T>(config: Record<string, string>, secretKeys: string[], read: () => T): Promise<T | string> {
  let result: T | string = "not run";
  pulumi.runtime.setAllConfig(
    Object.fromEntries(Object.entries(config).map(([k, v]) => [`dockwire:${k}`, v])),
    secretKeys.map((k) => `dockwire:${k}`),
  );
  try {
    await captureResources(() => {
      try {
        result = read();
      } catch (e) {
        result = (e as Error).message;
      }
    });
  } finally {
    pulumi.runtime.setAllConfig({});
  }
  return result;
}

test.serial("readConfig: defaults when unset; Pulumi.yaml's empty-string defaults mean unset", async (t) => {
  const readFlask = () => flaskStack.readConfig("unix:///var/run/docker.sock");
  t.deepEqual(await withConfig({}, [], readFlask), SEED_FLASK_REDIS);
  t.deepEqual(await withConfig({}, [], () => flaskStack.readConfig("unix:///run/x.sock")), {
    ...SEED_FLASK_REDIS,
    dockerHost: "unix:///run/x.sock",
  });
  // What `pulumi up` passes from Pulumi.yaml's defaults.
  t.deepEqual(
    await withConfig({ subnet: "", hostIp: "", hostPort: "5000", baseImage: "dockwire/app:local" }, [], readFlask),
    SEED_FLASK_REDIS,
  );
  t.deepEqual(await withConfig({ subnet: "10.20.0.0/24", hostIp: "127.0.0.1", hostPort: "8080", redisImage: "redis:7" }, [], readFlask), {
    ...SEED_FLASK_REDIS,
    subnet: "10.20.0.0/24",
    hostIp: "127.0.0.1",
    hostPort: 8080,
    redisImage: "redis:7",
  });
  t.deepEqual(await withConfig({}, [], netnsStack.readConfig), SEED_NETNS_LAB);
  t.deepEqual(await withConfig({ ns1: "a", addr2: "10.0.0.2/24" }, [], netnsStack.readConfig), {
    ...SEED_NETNS_LAB,
    ns1: "a",
    addr2: "10.0.0.2/24",
  });
});

test.serial("readConfig of multi-host-overlay: required keys, the local daemon as manager, TLS secrets", async (t) => {
  const missing = await withConfig({ workerHost: "unix:///run/b.sock" }, [], () => overlayStack.readConfig("unix:///run/a.sock"));
  t.regex(
    typeof missing === "string" ? missing : JSON.stringify(missing),
    /Missing required configuration variable 'dockwire:managerAddr'/,
  );
  const defaults = { managerHost: "", workerAddr: "", managerAllowInsecure: "false", workerAllowInsecure: "false", ...OVERLAY_DEFAULTS };
  t.deepEqual(
    await withConfig({ ...defaults, managerAddr: "10.99.7.1", workerHost: "unix:///run/b.sock" }, [], () =>
      overlayStack.readConfig("unix:///run/a.sock"),
    ),
    {
      manager: { host: "unix:///run/a.sock", advertiseAddr: "10.99.7.1" },
      worker: { host: "unix:///run/b.sock" },
      ...OVERLAY_DEFAULTS,
    },
  );
  const tls = { workerTlsCa: "CA", workerTlsCert: "CERT", workerTlsKey: "KEY" };
  const cfg = await withConfig(
    { ...defaults, managerAddr: "10.99.7.1", workerAddr: "10.99.7.2", workerHost: "tcp://10.99.7.2:2376", ...tls },
    Object.keys(tls),
    () => overlayStack.readConfig("unix:///run/a.sock"),
  );
  if (typeof cfg === "string") return t.fail(cfg);
  t.is(cfg.worker.host, "tcp://10.99.7.2:2376");
  t.is(cfg.worker.advertiseAddr, "10.99.7.2");
  t.deepEqual(
    await Promise.all(
      [cfg.worker.tls!.caPem, cfg.worker.tls!.certPem, cfg.worker.tls!.keyPem].map(async (v) => [
        pulumi.Output.isInstance(v) && (await (v as any).isSecret),
        await resolve(v),
      ]),
    ),
    [
      [true, "CA"],
      [true, "CERT"],
      [true, "KEY"],
    ],
  );
  // Only part of the material: DockerHost names what is missing, before anything is registered.
  const partial = await withConfig(
    { ...defaults, managerAddr: "10.99.7.1", workerHost: "tcp://10.99.7.2:2376", workerTlsCa: "CA" },
    ["workerTlsCa"],
    () => overlayStack.multiHostOverlay(overlayStack.readConfig("unix:///run/a.sock")),
  );
  t.is(
    partial,
    'dockwire:host:DockerHost "worker": tls.certPem is missing: give all three of caPem, certPem and keyPem (PEM text), or drop tls.',
  );
});
