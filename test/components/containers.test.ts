// AppContainer, Swarm and DockerHost under Pulumi mocks: exact registered inputs, and
// bad input refused before anything is registered.
import test from "ava";
import * as pulumi from "@pulumi/pulumi";
import { AppContainer, resetDetachedHostPorts } from "../../provider/containers";
import { DockerHost } from "../../provider/host/docker-host";
import { BridgeNetwork, Swarm, resetDetachedAddressPlan } from "../../provider/networks";
import { captureFailure, captureResources, ofType, resolve } from "./lib/mocks";

test.beforeEach(() => {
  resetDetachedAddressPlan();
  resetDetachedHostPorts();
});

const failure = captureFailure;

test.serial("AppContainer: ports normalized, network with alias and a checked static address", async (t) => {
  const rs = await captureResources(() => {
    const net = new BridgeNetwork("redis", { subnet: "172.38.0.0/16" });
    return new AppContainer("redis-1", {
      image: "dockwire/app:local",
      command: ["redis-server", "/etc/redis/redis.conf"],
      env: { B: "2", A: "1" },
      ports: ["6371:6379", "16371:16379"],
      networks: [{ network: net, aliases: ["node1", "node1"], ipv4Address: "172.38.0.11" }],
      restart: "unless-stopped",
    }).containerName;
  });
  const c = ofType(rs, "docker:index/container:Container")[0];
  t.is(c.name, "redis-1");
  t.deepEqual(c.inputs, {
    name: "redis-1",
    image: "dockwire/app:local",
    command: ["redis-server", "/etc/redis/redis.conf"],
    envs: ["A=1", "B=2"],
    ports: [
      { internal: 6379, external: 6371, ip: "0.0.0.0", protocol: "tcp" },
      { internal: 16379, external: 16371, ip: "0.0.0.0", protocol: "tcp" },
    ],
    networksAdvanced: [{ name: "redis", aliases: ["node1"], ipv4Address: "172.38.0.11" }],
    restart: "unless-stopped",
  });
});

test.serial("AppContainer: stopGraceSeconds becomes the provider's destroyGraceSeconds; unset or 0 registers nothing", async (t) => {
  const rs = await captureResources(() => {
    new AppContainer("a", { image: "x", stopGraceSeconds: 10 });
    new AppContainer("b", { image: "x", stopGraceSeconds: 0 });
    new AppContainer("c", { image: "x" });
  });
  t.deepEqual(
    ofType(rs, "docker:index/container:Container")
      .map((r) => [r.name, r.inputs.destroyGraceSeconds])
      .sort(),
    [
      ["a", 10],
      ["b", undefined],
      ["c", undefined],
    ],
  );
});

test.serial(
  "AppContainer: network modes host, none and container:NAME (the program's container by its id, as the daemon reports it)",
  async (t) => {
    const id = "0123456789abcdef".repeat(4);
    const rs = await captureResources(() => {
      new AppContainer("h", { image: "busybox", networkMode: "host" });
      new AppContainer("n", { image: "busybox", networkMode: "none" });
      new AppContainer("c", { image: "busybox", networkMode: "container:h" });
      new AppContainer("x", { image: "busybox", networkMode: `container:${id}` });
    });
    t.deepEqual(
      ofType(rs, "docker:index/container:Container")
        .map((r) => [r.name, r.inputs.networkMode])
        .sort(),
      [
        ["c", "container:h-id"],
        ["h", "host"],
        ["n", "none"],
        ["x", `container:${id}`],
      ],
    );
  },
);

const bad: [string, () => unknown, string][] = [
  [
    "static address outside the subnet",
    () => {
      const net = new BridgeNetwork("mynet", { subnet: "192.168.0.0/16" });
      new AppContainer("web", { image: "x", networks: [{ network: net, ipv4Address: "10.0.0.5" }] });
    },
    'dockwire:containers:AppContainer "web": networks[0].ipv4Address "10.0.0.5" is outside subnet 192.168.0.0/16: pick an address inside it.',
  ],
  [
    "static address on a network given by name",
    () => new AppContainer("web", { image: "x", networks: [{ network: "mynet", ipv4Address: "192.168.0.5" }] }),
    'dockwire:containers:AppContainer "web": networks[0].ipv4Address "192.168.0.5" needs the network\'s subnet to be known: attach a dockwire network (BridgeNetwork, ...) with a subnet, not a network name.',
  ],
  [
    "ports with host mode",
    () => new AppContainer("web", { image: "x", networkMode: "host", ports: ["80:80"] }),
    'dockwire:containers:AppContainer "web": ports cannot be published with networkMode "host": the container already uses the host\'s ports; remove ports.',
  ],
  [
    "networks with none mode",
    () => new AppContainer("web", { image: "x", networkMode: "none", networks: [{ network: "mynet" }] }),
    'dockwire:containers:AppContainer "web": networks cannot be combined with networkMode "none": the container shares no network stack; drop networks or networkMode.',
  ],
  [
    "unsafe container name",
    () => new AppContainer("web", { image: "x", containerName: "web$(id)" }),
    'dockwire:containers:AppContainer "web": containerName "web$(id)" is not a valid container name: use letters, digits, "_", "." and "-", starting with a letter or digit.',
  ],
  [
    "a fractional stop grace",
    () => new AppContainer("web", { image: "x", stopGraceSeconds: 2.5 }),
    'dockwire:containers:AppContainer "web": stopGraceSeconds 2.5 must be a whole number of seconds from 0 to 3600, e.g. 10.',
  ],
];
for (const [title, build, message] of bad) {
  test.serial(`AppContainer refuses ${title} before registering it`, async (t) => {
    const r = await failure(build);
    t.is(r.message, message);
  });
}

test.serial("AppContainer: two containers asking for the same host port fail naming both", async (t) => {
  let err: Error | undefined;
  const rs = await captureResources(() => {
    new AppContainer("a", { image: "x", ports: ["8080:80"] });
    try {
      new AppContainer("b", { image: "x", ports: ["127.0.0.1:8080:8080"] });
    } catch (e) {
      err = e as Error;
    }
  });
  t.is(
    err?.message,
    'dockwire:containers:AppContainer "b": ports: host port 127.0.0.1:8080/tcp of container "b" collides with 0.0.0.0:8080/tcp of container "a": give one of them another host port or host address.',
  );
  t.deepEqual(
    ofType(rs, "docker:index/container:Container").map((r) => r.name),
    ["a"],
  );
});

test.serial("Swarm: init on the manager, a secret token, one join per worker", async (t) => {
  const rs = await captureResources(() => {
    const s = new Swarm("sw", {
      manager: { cliEnv: { DOCKER_HOST: "unix:///run/a.sock" } },
      advertiseAddr: "10.99.0.1",
      workers: [{ name: "hostb", host: { cliEnv: { DOCKER_HOST: "tcp://10.99.0.2:2376" } } }],
    });
    return s.workerToken;
  });
  t.deepEqual(
    rs.map((r) => [r.type, r.name]),
    [
      ["dockwire:networks:Swarm", "sw"],
      ["command:local:Command", "sw-init"],
      ["command:local:Command", "sw-worker-token"],
      ["command:local:Command", "sw-join-hostb"],
    ],
  );
  const init = rs[1].inputs;
  t.regex(init.create, /docker swarm init --advertise-addr 10\.99\.0\.1 >\/dev\/null/);
  t.regex(init.delete, /docker swarm leave --force/);
  t.deepEqual(init.environment, { DOCKER_HOST: "unix:///run/a.sock" });
  const join = rs[3].inputs;
  t.regex(join.create, /docker swarm join --token "\$DOCKWIRE_JOIN_TOKEN" 10\.99\.0\.1:2377/);
  t.false(String(join.create).includes("sw-worker-token-id"), "the token never appears in the command text");
});

test.serial("Swarm refuses an advertise address that is not an IP", async (t) => {
  const r = await failure(() => new Swarm("sw", { manager: { cliEnv: {} }, advertiseAddr: "10.99.0.1; reboot" }));
  t.is(
    r.message,
    'dockwire:networks:Swarm "sw": advertiseAddr "10.99.0.1; reboot" is not an IP address: give the address other nodes reach this one at, e.g. "10.99.0.1".',
  );
  t.is(r.registered, 0);
});

test.serial("DockerHost over TLS: a provider with secret material; plain TCP refused; allowInsecure allowed", async (t) => {
  const rs = await captureResources(() => {
    const h = new DockerHost("remote", { host: "tcp://10.99.0.2:2376", tls: { caPem: "CA", certPem: "CERT", keyPem: "KEY" } });
    return h.cliEnv;
  });
  const p = ofType(rs, "pulumi:providers:docker")[0];
  t.is(p.name, "remote");
  t.is(p.inputs.host, "tcp://10.99.0.2:2376");
  // Pulumi's wire form of a secret: the signature key marks the value as secret.
  const secret = (value: string) => ({ "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", value });
  t.deepEqual(p.inputs.caMaterial, secret("CA"));
  t.deepEqual(p.inputs.certMaterial, secret("CERT"));
  t.deepEqual(p.inputs.keyMaterial, secret("KEY"));

  const refused = await failure(() => new DockerHost("lab", { host: "tcp://10.99.0.2:2375" }));
  t.is(
    refused.message,
    'dockwire:host:DockerHost "lab": host "tcp://10.99.0.2:2375" is plain TCP without TLS: anyone who reaches the port gets root on that host. Add tls { caPem, certPem, keyPem } and use port 2376, use "ssh://USER@HOST", or set allowInsecure: true for a lab you control.',
  );
  t.is(refused.registered, 0);

  const missing = await failure(
    () => new DockerHost("lab", { host: "tcp://10.99.0.2:2376", tls: { caPem: "CA", certPem: "", keyPem: "K" } }),
  );
  t.is(
    missing.message,
    'dockwire:host:DockerHost "lab": tls.certPem is missing: give all three of caPem, certPem and keyPem (PEM text), or drop tls.',
  );

  const ok = await captureResources(() => new DockerHost("lab", { host: "tcp://10.99.0.2:2375", allowInsecure: true }).provider.urn);
  t.is(ofType(ok, "pulumi:providers:docker").length, 1);
});

test.serial("DockerHost over SSH gives the command connection", async (t) => {
  let conn: pulumi.Output<any> | undefined;
  await captureResources(() => {
    const h = new DockerHost("b", { host: "ssh://root@10.99.0.2:2222" });
    conn = h.connection;
    return h.provider.urn;
  });
  t.deepEqual(await resolve(conn), { host: "10.99.0.2", port: 2222, user: "root" });
});
