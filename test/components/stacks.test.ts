// The example stacks' programs under Pulumi mocks: each registers exactly the expected
// resources with the exact key inputs (names, subnets, ports, env, aliases, image build
// arguments, the netns lab's scripts equal to the builders' output, the daemon connection
// each Docker resource goes to), and bad config fails before anything is registered.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import test, { ExecutionContext } from "ava";
import * as pulumi from "@pulumi/pulumi";
import { resetDetachedHostPorts } from "../../provider/containers";
import { DOCKER_RESOURCE_TYPES } from "../../provider/docker/resources";
import { resetDetachedAddressPlan, resetDetachedNames } from "../../provider/networks";
import * as flaskStack from "../../stacks/flask-redis/program";
import { FlaskRedisConfig, REDIS_COMMAND, SEED_FLASK_REDIS, appDir, flaskRedis } from "../../stacks/flask-redis/program";
import { contextDigest } from "../../stacks/flask-redis/image";
import * as overlayStack from "../../stacks/multi-host-overlay/program";
import { MultiHostOverlayConfig, OVERLAY_DEFAULTS, SLEEP_COMMAND, multiHostOverlay } from "../../stacks/multi-host-overlay/program";
import * as netnsStack from "../../stacks/netns-lab/program";
import { SEED_NETNS_LAB, netnsLab } from "../../stacks/netns-lab/program";
import { SEED_CLUSTER, planCluster } from "../../stacks/redis-cluster/cluster-plan";
import { clusterCreateScript, redisCluster } from "../../stacks/redis-cluster/program";
import {
  RegisterRequest,
  Registered,
  captureFailure,
  captureResources,
  captureWithRequests,
  dynamicInputs,
  resolve,
  secret,
} from "./lib/mocks";

/** Forgets what an earlier program run claimed (subnets, host ports, Docker names): the mocks run outside a stack. */
function resetPrograms(): void {
  resetDetachedAddressPlan();
  resetDetachedHostPorts();
  resetDetachedNames();
}

test.beforeEach(resetPrograms);

const URN = "urn:pulumi:test::dockwire::";
const NETWORK = DOCKER_RESOURCE_TYPES.network;
const CONTAINER = DOCKER_RESOURCE_TYPES.container;
const VOLUME = DOCKER_RESOURCE_TYPES.volume;
const IMAGE = DOCKER_RESOURCE_TYPES.image;
const EXEC = DOCKER_RESOURCE_TYPES.exec;
const SWARM_NODE = DOCKER_RESOURCE_TYPES.swarm;
const PROVIDER = "pulumi:providers:docker";
const DOCKER_TYPES: readonly string[] = Object.values(DOCKER_RESOURCE_TYPES);
/** The owner label value of every object under the mocks (project dockwire, stack test). */
const OWNER = "dockwire/test";

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

/**
 * Every Docker resource of the run goes to DOCKER_HOST where Pulumi runs: no connection
 * input (so no secret output), no provider, and no docker provider registered at all.
 */
function assertLocalDaemon(t: ExecutionContext, got: { resources: readonly Registered[]; requests: readonly Request[] }): void {
  const docker = got.resources.filter((r) => DOCKER_TYPES.includes(r.type));
  t.true(docker.length > 0);
  for (const r of docker) t.false("connection" in r.inputs, `${r.type} ${r.name} has no connection`);
  for (const r of got.requests.filter((x) => DOCKER_TYPES.includes(x.type))) {
    t.deepEqual([r.provider, r.additionalSecretOutputs], ["", []], `${r.type} ${r.name} uses no provider and no secret connection`);
  }
  t.deepEqual(
    got.resources.filter((r) => r.type === PROVIDER),
    [],
  );
}

/** The implementation module each Docker resource's serialized provider loads. */
const LIVE_MODULE: Record<string, string> = {
  [NETWORK]: "docker/network-live",
  [CONTAINER]: "docker/container-live",
  [VOLUME]: "docker/volume-live",
  [IMAGE]: "docker/image-live",
  [EXEC]: "docker/exec-live",
  [SWARM_NODE]: "docker/swarm-live",
};

/** The one resource of this type and name, its inputs without the serialized provider (checked to load its module). */
function dockerInputs(rs: readonly Registered[], type: string, name: string): Record<string, any> {
  const r = one(rs, type, name);
  if (typeof r.inputs.__provider !== "string" || !r.inputs.__provider.includes(LIVE_MODULE[type])) {
    throw new Error(`${type} ${name} does not load ${LIVE_MODULE[type]}`);
  }
  return dynamicInputs(r);
}

// ---------------------------------------------------------------- flask-redis

test.serial(
  "flask-redis: image built from ./app on the daemon without pushing, a bridge network, redis with alias redis, the app on 5000:5000",
  async (t) => {
    const got = await capture(() => flaskRedis(SEED_FLASK_REDIS));
    t.deepEqual(list(got.resources), [
      "dockwire:containers:AppContainer flask-redis",
      "dockwire:containers:AppContainer redis",
      "dockwire:networks:BridgeNetwork flask-redis",
      `${CONTAINER} flask-redis`,
      `${CONTAINER} redis`,
      `${IMAGE} app-image`,
      `${NETWORK} flask-redis`,
    ]);
    const dir = path.resolve(__dirname, "../../../stacks/flask-redis/app");
    t.is(appDir(), dir);
    t.deepEqual(dockerInputs(got.resources, IMAGE, "app-image"), {
      name: "dockwire/flask-redis:local",
      context: dir,
      contextDigest: contextDigest(dir),
      buildArgs: { BASE_IMAGE: "dockwire/app:local" },
    });
    // The build's state made by 0.2 (a command.local.Command) moves to the DockerImage.
    t.deepEqual(one(got.requests, IMAGE, "app-image").aliases, [{ type: "command:local:Command" }]);
    t.deepEqual(dockerInputs(got.resources, NETWORK, "flask-redis"), { owner: OWNER, name: "flask-redis", driver: "bridge" });
    t.deepEqual(dockerInputs(got.resources, CONTAINER, "redis"), {
      owner: OWNER,
      running: true,
      name: "redis",
      image: "dockwire/app:local",
      command: ["redis-server", "--protected-mode", "no"],
      networksAdvanced: [{ name: "flask-redis", networkId: "flask-redis-id", aliases: ["redis"] }],
    });
    t.deepEqual(REDIS_COMMAND, ["redis-server", "--protected-mode", "no"]);
    // The app runs the built image's id (the mocks' imageId of the DockerImage "app-image").
    t.deepEqual(dockerInputs(got.resources, CONTAINER, "flask-redis"), {
      owner: OWNER,
      running: true,
      name: "flask-redis",
      image: "app-image-id",
      envs: ["REDIS_HOST=redis"],
      ports: [{ internal: 5000, external: 5000, ip: "0.0.0.0", protocol: "tcp" }],
      networksAdvanced: [{ name: "flask-redis", networkId: "flask-redis-id" }],
    });
    t.deepEqual(one(got.requests, CONTAINER, "flask-redis").dependencies.sort(), [
      `${URN}dockwire:networks:BridgeNetwork$${NETWORK}::flask-redis`,
      `${URN}${IMAGE}::app-image`,
    ]);
    // The app waits for redis; everything goes to the daemon of DOCKER_HOST.
    t.true(
      one(got.requests, "dockwire:containers:AppContainer", "flask-redis").dependencies.includes(
        `${URN}dockwire:containers:AppContainer$${CONTAINER}::redis`,
      ),
    );
    assertLocalDaemon(t, got);
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
  };
  const got = await capture(() => flaskRedis(cfg, "t-"));
  const build = dockerInputs(got.resources, IMAGE, "app-image");
  t.is(build.name, "me/flask-redis:dev");
  t.deepEqual(build.buildArgs, { BASE_IMAGE: "python-flask:3" });
  assertLocalDaemon(t, got);
  t.deepEqual(dockerInputs(got.resources, NETWORK, "flask-redis"), {
    owner: OWNER,
    name: "t-fr",
    driver: "bridge",
    ipamConfigs: [{ subnet: "10.20.0.0/24", gateway: "10.20.0.1" }],
  });
  const redis = one(got.resources, CONTAINER, "redis").inputs;
  t.is(redis.name, "t-redis");
  t.is(redis.image, "redis:7");
  t.deepEqual(redis.networksAdvanced, [{ name: "t-fr", networkId: "flask-redis-id", aliases: ["redis"] }]);
  const app = one(got.resources, CONTAINER, "flask-redis").inputs;
  t.is(app.name, "t-flask-redis");
  t.deepEqual(app.envs, ["REDIS_HOST=redis"]);
  t.deepEqual(app.ports, [{ internal: 5000, external: 8080, ip: "127.0.0.1", protocol: "tcp" }]);
  t.is(got.outputs.url, "http://127.0.0.1:8080/");

  resetPrograms();
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

const MANAGER_CONNECTION = secret({ host: "unix:///run/dockwire/docker.sock" });
const WORKER_CONNECTION = secret({ host: "unix:///run/dockwire-lab/docker.sock" });
const swarmUrn = (name: string) => `${URN}dockwire:networks:Swarm$${SWARM_NODE}::${name}`;

test.serial(
  "multi-host-overlay: two hosts, a swarm, an attachable overlay 10.0.9.0/24 on the manager, a busybox on each host",
  async (t) => {
    const got = await capture(() => multiHostOverlay(TWO_HOSTS));
    t.deepEqual(list(got.resources), [
      "dockwire:containers:AppContainer test1",
      "dockwire:containers:AppContainer test2",
      "dockwire:host:DockerHost manager",
      "dockwire:host:DockerHost worker",
      "dockwire:networks:OverlayNetwork overlay",
      "dockwire:networks:Swarm swarm",
      `${CONTAINER} test1`,
      `${CONTAINER} test2`,
      `${NETWORK} overlay`,
      `${SWARM_NODE} swarm-init`,
      `${SWARM_NODE} swarm-join-worker`,
    ]);
    // Every Docker object goes through dockwire's own resources: no docker provider at all.
    for (const r of got.requests.filter((x) => DOCKER_TYPES.includes(x.type))) {
      t.deepEqual([r.provider, r.additionalSecretOutputs.includes("connection")], ["", true], `${r.type} ${r.name}`);
    }

    t.deepEqual(dockerInputs(got.resources, SWARM_NODE, "swarm-init"), {
      connection: MANAGER_CONNECTION,
      role: "manager",
      advertiseAddr: "10.99.7.1",
    });
    // The worker joins with the manager's token (the mocks' "swarm-init-worker-token"), a secret, after the init.
    t.deepEqual(dockerInputs(got.resources, SWARM_NODE, "swarm-join-worker"), {
      connection: WORKER_CONNECTION,
      role: "worker",
      managerAddr: "10.99.7.1",
      joinToken: secret("swarm-init-worker-token"),
      advertiseAddr: "10.99.7.2",
    });
    t.deepEqual(one(got.requests, SWARM_NODE, "swarm-join-worker").dependencies, [swarmUrn("swarm-init")]);
    for (const name of ["swarm-init", "swarm-join-worker"]) {
      t.deepEqual(one(got.requests, SWARM_NODE, name).additionalSecretOutputs, ["connection", "workerToken", "joinToken"], name);
    }

    t.deepEqual(dockerInputs(got.resources, NETWORK, "overlay"), {
      connection: MANAGER_CONNECTION,
      owner: OWNER,
      name: "demo",
      driver: "overlay",
      attachable: true,
      ipamConfigs: [{ subnet: "10.0.9.0/24", gateway: "10.0.9.1" }],
    });
    // The network waits for the whole swarm: the init and the worker's join.
    t.deepEqual(one(got.requests, NETWORK, "overlay").dependencies.sort(), [swarmUrn("swarm-init"), swarmUrn("swarm-join-worker")]);
    for (const [name, connection] of [
      ["test1", MANAGER_CONNECTION],
      ["test2", WORKER_CONNECTION],
    ] as const) {
      // Each runs on its own host: the connection is that host's.
      t.deepEqual(
        dockerInputs(got.resources, CONTAINER, name),
        {
          connection,
          owner: OWNER,
          running: true,
          name,
          image: "dockwire/busybox:local",
          command: ["/bin/sh", "-c", "while true; do sleep 3600; done"],
          networksAdvanced: [{ name: "demo", networkId: "overlay-id" }],
        },
        name,
      );
      // The network carries the wait for the swarm (the worker's container needs the join).
      t.deepEqual(one(got.requests, CONTAINER, name).dependencies, [`${URN}dockwire:networks:OverlayNetwork$${NETWORK}::overlay`], name);
    }
    t.deepEqual(SLEEP_COMMAND, ["/bin/sh", "-c", "while true; do sleep 3600; done"]);
    t.deepEqual(got.outputs.network, "demo");
    t.deepEqual(got.outputs.containers, ["test1", "test2"]);
    t.is(got.outputs.check, "docker exec test1 ping -c 1 test2");
  },
);

test.serial("multi-host-overlay: a tcp+TLS worker gets secret material, in its join and its container's connection", async (t) => {
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
  const tls = secret({ host: "tcp://10.99.7.2:2376", tls: { caPem: "CA", certPem: "CERT", keyPem: "KEY" } });
  t.deepEqual(dockerInputs(got.resources, SWARM_NODE, "swarm-join-worker"), {
    connection: tls,
    role: "worker",
    managerAddr: "10.99.7.1",
    joinToken: secret("swarm-init-worker-token"),
  });
  t.deepEqual(one(got.resources, CONTAINER, "test2").inputs.connection, tls);
  t.deepEqual(one(got.resources, CONTAINER, "test1").inputs.connection, MANAGER_CONNECTION);
  t.deepEqual(
    got.resources.filter((r) => r.type === PROVIDER),
    [],
  );
  t.deepEqual(one(got.resources, NETWORK, "overlay").inputs.name, "t-ov");
  t.deepEqual(one(got.resources, NETWORK, "overlay").inputs.ipamConfigs, [{ subnet: "10.0.19.0/24", gateway: "10.0.19.1" }]);
  t.deepEqual(
    ["test1", "test2"].map((n) => one(got.resources, CONTAINER, n).inputs.name),
    ["t-test1", "t-test2"],
  );
  t.deepEqual(
    ["test1", "test2"].map((n) => one(got.resources, CONTAINER, n).inputs.networksAdvanced),
    [[{ name: "t-ov", networkId: "overlay-id" }], [{ name: "t-ov", networkId: "overlay-id" }]],
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
  t.deepEqual(
    one(ok.resources, SWARM_NODE, "swarm-join-worker").inputs.connection,
    secret({ host: "tcp://10.99.7.2:2375", allowInsecure: true }),
  );
});

// ---------------------------------------------------------------- redis-cluster

test.serial(
  "redis-cluster: seed 002's network, six nodes with their conf, ports, address and own volume, and cluster-create run in node 1",
  async (t) => {
    const got = await capture(() => redisCluster(SEED_CLUSTER));
    const nodes = planCluster(SEED_CLUSTER);
    t.deepEqual(
      list(got.resources),
      [
        "dockwire:networks:BridgeNetwork redis",
        `${NETWORK} redis`,
        `${EXEC} cluster-create`,
        ...nodes.flatMap((n) => [`dockwire:containers:AppContainer ${n.name}`, `${CONTAINER} ${n.name}`, `${VOLUME} ${n.name}-data`]),
      ].sort(),
    );
    t.deepEqual(dockerInputs(got.resources, NETWORK, "redis"), {
      owner: OWNER,
      name: "redis",
      driver: "bridge",
      ipamConfigs: [{ subnet: "172.38.0.0/16", gateway: "172.38.0.1" }],
    });
    for (const n of nodes) {
      t.deepEqual(dockerInputs(got.resources, VOLUME, `${n.name}-data`), { owner: OWNER, name: `${n.name}-data` }, n.name);
      t.deepEqual(
        dockerInputs(got.resources, CONTAINER, n.name),
        {
          owner: OWNER,
          running: true,
          name: n.name,
          image: "dockwire/app:local",
          command: ["redis-server", "/etc/redis/redis.conf"],
          ports: [
            { internal: 6379, external: n.clientPort, ip: "0.0.0.0", protocol: "tcp" },
            { internal: 16379, external: n.busPort, ip: "0.0.0.0", protocol: "tcp" },
          ],
          networksAdvanced: [{ name: "redis", networkId: "redis-id", ipv4Address: n.address }],
          mounts: [{ type: "volume", source: `${n.name}-data`, target: "/data" }],
          uploads: [{ file: "/etc/redis/redis.conf", content: n.conf }],
          destroyGraceSeconds: 10,
        },
        n.name,
      );
      // The container waits for its volume (the mount names it) and its network.
      t.deepEqual(
        one(got.requests, CONTAINER, n.name).dependencies.sort(),
        [`${URN}dockwire:networks:BridgeNetwork$${NETWORK}::redis`, `${URN}${VOLUME}::${n.name}-data`],
        n.name,
      );
    }
    // The cluster is formed from inside the first node; a replaced node (new container id) runs it again.
    t.deepEqual(dockerInputs(got.resources, EXEC, "cluster-create"), {
      container: "redis-1",
      command: ["sh", "-c", clusterCreateScript(nodes, 1)],
      triggers: [...nodes.map((n) => n.address), ...nodes.map((n) => `${n.name}-id`)],
      timeoutSeconds: 180,
    });
    const exec = one(got.requests, EXEC, "cluster-create");
    t.deepEqual(exec.dependencies.sort(), nodes.map((n) => `${URN}dockwire:containers:AppContainer$${CONTAINER}::${n.name}`).sort());
    // The state of 0.2's command.local.Command moves to the ContainerExec.
    t.deepEqual(exec.aliases, [{ type: "command:local:Command" }]);
    assertLocalDaemon(t, got);
    t.deepEqual(got.outputs, {
      network: "redis",
      nodes: nodes.map((n) => `${n.address}:6379`),
      clusterState: "cluster-create-stdout",
    });
  },
);

test.serial("redis-cluster: a prefix renames the network, containers, volumes and the exec's container, not the addresses", async (t) => {
  const got = await capture(() => redisCluster({ ...SEED_CLUSTER, nodes: 3, replicas: 0, subnet: "10.38.0.0/24" }, "t-"));
  const nodes = planCluster({ ...SEED_CLUSTER, nodes: 3, replicas: 0, subnet: "10.38.0.0/24" });
  t.is(one(got.resources, NETWORK, "redis").inputs.name, "t-redis");
  t.deepEqual(
    nodes.map((n) => [one(got.resources, CONTAINER, n.name).inputs.name, one(got.resources, VOLUME, `${n.name}-data`).inputs.name]),
    [
      ["t-redis-1", "t-redis-1-data"],
      ["t-redis-2", "t-redis-2-data"],
      ["t-redis-3", "t-redis-3-data"],
    ],
  );
  t.deepEqual(
    nodes.map((n) => one(got.resources, CONTAINER, n.name).inputs.mounts),
    nodes.map((n) => [{ type: "volume", source: `t-${n.name}-data`, target: "/data" }]),
  );
  const exec = dockerInputs(got.resources, EXEC, "cluster-create");
  t.is(exec.container, "t-redis-1");
  t.deepEqual(exec.command, ["sh", "-c", clusterCreateScript(nodes, 0)]);
  t.deepEqual(exec.triggers, ["10.38.0.11", "10.38.0.12", "10.38.0.13", "redis-1-id", "redis-2-id", "redis-3-id"]);
});

test.serial("redis-cluster refuses bad config before registering anything", async (t) => {
  const r = await failure(() => redisCluster({ ...SEED_CLUSTER, nodes: 5 }));
  t.is(r.message, "nodes 5 is too few for 1 replica(s) per master: Redis Cluster needs 3 masters, so use at least 6 nodes.");
  t.is(r.registered, 0);
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
  const readFlask = () => flaskStack.readConfig();
  t.deepEqual(await withConfig({}, [], readFlask), SEED_FLASK_REDIS);
  // The daemon is not config: every resource goes to DOCKER_HOST where Pulumi runs, whatever it is.
  const envHost = process.env.DOCKER_HOST;
  process.env.DOCKER_HOST = "unix:///run/x.sock";
  try {
    t.deepEqual(await withConfig({}, [], readFlask), SEED_FLASK_REDIS);
  } finally {
    if (envHost === undefined) delete process.env.DOCKER_HOST;
    else process.env.DOCKER_HOST = envHost;
  }
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
