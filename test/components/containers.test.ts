// AppContainer, Swarm and DockerHost under Pulumi mocks: the exact inputs of the
// DockerContainer and SwarmNode resources (dockwire's own dynamic resources) they register,
// their options (parent, alias, dependencies, secret outputs), the daemon's connection as a
// secret, and bad input or a taken name refused before anything is registered.
import test from "ava";
import * as pulumi from "@pulumi/pulumi";
import { AppContainer, resetDetachedHostPorts } from "../../provider/containers";
import { DOCKER_RESOURCE_TYPES } from "../../provider/docker/resources";
import { DockerHost } from "../../provider/host/docker-host";
import { BridgeNetwork, Swarm, resetDetachedAddressPlan, resetDetachedNames } from "../../provider/networks";
import { captureFailure, captureResources, captureWithRequests, dynamicInputs, ofType, resolve, secret } from "./lib/mocks";

test.beforeEach(() => {
  resetDetachedAddressPlan();
  resetDetachedHostPorts();
  resetDetachedNames();
});

const failure = captureFailure;

const CONTAINER = DOCKER_RESOURCE_TYPES.container;
const NETWORK = DOCKER_RESOURCE_TYPES.network;
const SWARM_NODE = DOCKER_RESOURCE_TYPES.swarm;
const PROVIDER = "pulumi:providers:docker";
const URN = "urn:pulumi:test::dockwire::";
/** The owner label value of every object under the mocks (project dockwire, stack test). */
const OWNER = "dockwire/test";

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
  const c = ofType(rs, CONTAINER)[0];
  t.is(c.name, "redis-1");
  t.regex(c.inputs.__provider, /docker\/container-live/);
  t.deepEqual(dynamicInputs(c), {
    owner: OWNER,
    running: true,
    name: "redis-1",
    image: "dockwire/app:local",
    command: ["redis-server", "/etc/redis/redis.conf"],
    envs: ["A=1", "B=2"],
    ports: [
      { internal: 6379, external: 6371, ip: "0.0.0.0", protocol: "tcp" },
      { internal: 16379, external: 16371, ip: "0.0.0.0", protocol: "tcp" },
    ],
    // The network by name and by id (the mocks' id of the DockerNetwork "redis").
    networksAdvanced: [{ name: "redis", networkId: "redis-id", aliases: ["node1"], ipv4Address: "172.38.0.11" }],
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
    ofType(rs, CONTAINER)
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
      ofType(rs, CONTAINER)
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
    ofType(rs, CONTAINER).map((r) => r.name),
    ["a"],
  );
});

test.serial("AppContainer: the DockerContainer is its child named like it, aliased to the docker.Container it replaces", async (t) => {
  const got = await captureWithRequests(() => new AppContainer("web", { image: "nginx", containerName: "web-1" }).containerName);
  t.deepEqual(
    got.resources.map((r) => `${r.type} ${r.name}`),
    ["dockwire:containers:AppContainer web", `${CONTAINER} web`],
  );
  t.deepEqual(dynamicInputs(got.resources[1]), { owner: OWNER, running: true, name: "web-1", image: "nginx" });
  const parent = `${URN}dockwire:containers:AppContainer::web`;
  t.deepEqual(got.requests[1], {
    type: CONTAINER,
    name: "web",
    parent,
    // No docker provider plugin: without a host the container goes to DOCKER_HOST, without a connection.
    provider: "",
    dependencies: [],
    replaceOnChanges: [],
    deleteBeforeReplace: false,
    additionalSecretOutputs: [],
    // The state of a container made by dockwire 0.2 (a docker.Container) moves to it without a replacement.
    aliases: [{ type: "docker:index/container:Container", parentUrn: parent }],
  });
  t.deepEqual(got.requests[0].aliases, []);
});

test.serial(
  "AppContainer: networksAdvanced carry each dockwire network's networkId, so a replaced network reconnects the container in place",
  async (t) => {
    const got = await captureWithRequests(() => {
      const front = new BridgeNetwork("front", { subnet: "10.61.0.0/24" });
      const back = new BridgeNetwork("back", { networkName: "back-net", subnet: "10.61.1.0/24" });
      return new AppContainer("app", {
        image: "x",
        networks: [
          { network: front, ipv4Address: "10.61.0.5" },
          { network: back, aliases: ["api"] },
          // A network made elsewhere: by name only, or with the id the caller has.
          { network: "legacy" },
          { network: { networkName: "ext", networkId: "0123456789ab" } },
        ],
      }).containerName;
    });
    t.deepEqual(ofType(got.resources, CONTAINER)[0].inputs.networksAdvanced, [
      { name: "front", networkId: "front-id", ipv4Address: "10.61.0.5" },
      { name: "back-net", networkId: "back-id", aliases: ["api"] },
      { name: "legacy" },
      { name: "ext", networkId: "0123456789ab" },
    ]);
    t.deepEqual(got.requests.find((r) => r.type === CONTAINER)!.dependencies.sort(), [
      `${URN}dockwire:networks:BridgeNetwork$${NETWORK}::back`,
      `${URN}dockwire:networks:BridgeNetwork$${NETWORK}::front`,
    ]);
  },
);

test.serial(
  "AppContainer: host: a DockerHost's connection as a secret, no docker provider; registryAuth a secret input and output; adopt by name",
  async (t) => {
    const got = await captureWithRequests(() => {
      const h = new DockerHost("remote", { host: "tcp://10.99.0.2:2376", tls: { caPem: "CA", certPem: "CERT", keyPem: "KEY" } });
      return pulumi.all([
        new AppContainer("web", {
          image: "registry.example/web:1",
          host: h,
          adopt: true,
          registryAuth: { username: "u", password: "p", serveraddress: "registry.example" },
        }).containerName,
        new AppContainer("db", { image: "redis", containerName: "db-1", host: h, adopt: "0123456789ab" }).containerName,
      ]);
    });
    const inputs = (name: string) => dynamicInputs(ofType(got.resources, CONTAINER).find((r) => r.name === name)!);
    const connection = secret({ host: "tcp://10.99.0.2:2376", tls: { caPem: "CA", certPem: "CERT", keyPem: "KEY" } });
    t.deepEqual(inputs("web"), {
      connection,
      adopt: "web",
      registryAuth: secret({ username: "u", password: "p", serveraddress: "registry.example" }),
      owner: OWNER,
      running: true,
      name: "web",
      image: "registry.example/web:1",
    });
    t.deepEqual(inputs("db"), { connection, adopt: "0123456789ab", owner: OWNER, running: true, name: "db-1", image: "redis" });
    const req = (name: string) => got.requests.find((r) => r.type === CONTAINER && r.name === name)!;
    t.deepEqual([req("web").provider, req("web").additionalSecretOutputs], ["", ["connection", "registryAuth"]]);
    t.deepEqual([req("db").provider, req("db").additionalSecretOutputs], ["", ["connection"]]);
    t.deepEqual(ofType(got.resources, PROVIDER), []);
  },
);

test.serial("AppContainer: opts.provider made by a DockerHost (dockwire 0.2 programs) maps back to that host's connection", async (t) => {
  const got = await captureWithRequests(() => {
    const h = new DockerHost("b", { host: "ssh://root@10.99.0.3" });
    return new AppContainer("web", { image: "x" }, { provider: h.provider }).containerName;
  });
  const c = ofType(got.resources, CONTAINER)[0];
  t.deepEqual(c.inputs.connection, secret({ host: "ssh://root@10.99.0.3" }));
  t.is(got.requests.find((r) => r.type === CONTAINER)!.provider, "");
  t.deepEqual(
    ofType(got.resources, PROVIDER).map((r) => r.name),
    ["b"],
  );
});

test.serial(
  "AppContainer: two containers of one program with the same name fail naming the field; nothing of the second registered",
  async (t) => {
    const errors: string[] = [];
    const rs = await captureResources(() => {
      new AppContainer("web", { image: "x", ports: ["8080:80"] });
      // Container and network names are apart on the daemon: a network may be called web too.
      new BridgeNetwork("web", { subnet: "10.62.0.0/24" });
      for (const make of [
        () => new AppContainer("b", { image: "x", containerName: "web", ports: ["8081:80"] }),
        () => new AppContainer("web", { image: "y" }),
      ]) {
        try {
          make();
        } catch (e) {
          errors.push((e as Error).message);
        }
      }
      // The refused container's host port was not taken.
      new AppContainer("c", { image: "x", ports: ["8081:80"] });
    });
    t.deepEqual(errors, [
      'dockwire:containers:AppContainer "b": containerName "web" is taken by another container of this program: Docker container names are unique on a daemon; give this one another containerName.',
      'dockwire:containers:AppContainer "web": containerName "web" is taken by another container of this program: Docker container names are unique on a daemon; give this one another containerName.',
    ]);
    t.deepEqual(rs.map((r) => `${r.type} ${r.name}`).sort(), [
      "dockwire:containers:AppContainer c",
      "dockwire:containers:AppContainer web",
      "dockwire:networks:BridgeNetwork web",
      `${CONTAINER} c`,
      `${CONTAINER} web`,
      `${NETWORK} web`,
    ]);
  },
);

test.serial("AppContainer: the same container name on two DockerHosts is two containers", async (t) => {
  const rs = await captureResources(() => {
    const a = new DockerHost("a", { host: "unix:///run/a.sock" });
    const b = new DockerHost("b", { host: "unix:///run/b.sock" });
    return pulumi.all([
      new AppContainer("test1", { image: "x", containerName: "box", host: a }).containerName,
      new AppContainer("test2", { image: "x", containerName: "box", host: b }).containerName,
    ]);
  });
  t.deepEqual(
    ofType(rs, CONTAINER)
      .map((r) => [r.name, r.inputs.name, r.inputs.connection])
      .sort((x, y) => (x[0] < y[0] ? -1 : 1)),
    [
      ["test1", "box", secret({ host: "unix:///run/a.sock" })],
      ["test2", "box", secret({ host: "unix:///run/b.sock" })],
    ],
  );
});

// ---------------------------------------------------------------- Swarm

test.serial("Swarm: init on the manager, a secret token, one join per worker", async (t) => {
  let token: pulumi.Output<string> | undefined;
  const got = await captureWithRequests(() => {
    const s = new Swarm("sw", {
      manager: { engine: { host: "unix:///run/a.sock" } },
      advertiseAddr: "10.99.0.1",
      listenAddr: "0.0.0.0:2377",
      workers: [
        { name: "hostb", host: { engine: { host: "tcp://10.99.0.2:2375", allowInsecure: true } } },
        { name: "hostc", host: { engine: { host: "ssh://root@10.99.0.3" } }, advertiseAddr: "10.99.0.3" },
      ],
    });
    token = s.workerToken;
    return pulumi.all([s.workerToken, ...Object.values(s.workerNodeIds)]);
  });
  const rs = got.resources;
  t.deepEqual(rs.map((r) => [r.type, r.name]).sort(), [
    ["dockwire:networks:Swarm", "sw"],
    [SWARM_NODE, "sw-init"],
    [SWARM_NODE, "sw-join-hostb"],
    [SWARM_NODE, "sw-join-hostc"],
  ]);
  const node = (name: string) => rs.find((r) => r.type === SWARM_NODE && r.name === name)!;
  for (const name of ["sw-init", "sw-join-hostb", "sw-join-hostc"]) t.regex(node(name).inputs.__provider, /docker\/swarm-live/, name);
  t.deepEqual(dynamicInputs(node("sw-init")), {
    connection: secret({ host: "unix:///run/a.sock" }),
    role: "manager",
    advertiseAddr: "10.99.0.1",
    listenAddr: "0.0.0.0:2377",
  });
  // Each join gets the manager's worker token (the mocks' "sw-init-worker-token"), only as a secret input.
  t.deepEqual(dynamicInputs(node("sw-join-hostb")), {
    connection: secret({ host: "tcp://10.99.0.2:2375", allowInsecure: true }),
    role: "worker",
    managerAddr: "10.99.0.1",
    joinToken: secret("sw-init-worker-token"),
  });
  t.deepEqual(dynamicInputs(node("sw-join-hostc")), {
    connection: secret({ host: "ssh://root@10.99.0.3" }),
    role: "worker",
    managerAddr: "10.99.0.1",
    joinToken: secret("sw-init-worker-token"),
    advertiseAddr: "10.99.0.3",
  });
  const parent = `${URN}dockwire:networks:Swarm::sw`;
  const initUrn = `${URN}dockwire:networks:Swarm$${SWARM_NODE}::sw-init`;
  for (const [name, dependencies] of [
    ["sw-init", []],
    ["sw-join-hostb", [initUrn]],
    ["sw-join-hostc", [initUrn]],
  ] as const) {
    t.deepEqual(
      got.requests.find((r) => r.name === name),
      {
        type: SWARM_NODE,
        name,
        parent,
        provider: "",
        dependencies: [...dependencies],
        replaceOnChanges: [],
        deleteBeforeReplace: false,
        additionalSecretOutputs: ["connection", "workerToken", "joinToken"],
        // dockwire 0.2 made each membership with a @pulumi/command Command of the same name.
        aliases: [{ parentUrn: parent, type: "command:local:Command" }],
      },
      name,
    );
  }
  // The component's token is a secret output too.
  t.true(await (token as any).isSecret);
  t.is(await resolve(token), "sw-init-worker-token");
});

const badSwarms: [string, () => unknown, string][] = [
  [
    "an advertise address that is not an IP",
    () => new Swarm("sw", { manager: { engine: { host: "unix:///run/a.sock" } }, advertiseAddr: "10.99.0.1; reboot" }),
    'dockwire:networks:Swarm "sw": advertiseAddr "10.99.0.1; reboot" is not an IP address: give the address other nodes reach this one at, e.g. "10.99.0.1".',
  ],
  [
    "a manager without an engine connection (dockwire 0.2's cliEnv)",
    () => new Swarm("sw", { manager: { cliEnv: { DOCKER_HOST: "unix:///run/a.sock" } } as any, advertiseAddr: "10.99.0.1" }),
    'dockwire:networks:Swarm "sw": manager must be a DockerHost (or an object with an engine connection).',
  ],
  [
    "a worker without an engine connection",
    () =>
      new Swarm("sw", {
        manager: { engine: { host: "unix:///run/a.sock" } },
        advertiseAddr: "10.99.0.1",
        workers: [{ name: "b", host: { cliEnv: {} } as any }],
      }),
    'dockwire:networks:Swarm "sw": workers[0].host must be a DockerHost (or an object with an engine connection).',
  ],
  [
    "two workers of one name",
    () =>
      new Swarm("sw", {
        manager: { engine: { host: "unix:///run/a.sock" } },
        advertiseAddr: "10.99.0.1",
        workers: [
          { name: "b", host: { engine: { host: "unix:///run/b.sock" } } },
          { name: "b", host: { engine: { host: "unix:///run/c.sock" } } },
        ],
      }),
    'dockwire:networks:Swarm "sw": workers[1].name "b" is used twice: give each worker its own name.',
  ],
];
for (const [title, build, message] of badSwarms) {
  test.serial(`Swarm refuses ${title}`, async (t) => {
    const r = await failure(build);
    t.is(r.message, message);
    t.is(r.registered, 0);
  });
}

// ---------------------------------------------------------------- DockerHost

test.serial("DockerHost over TLS: a provider with secret material; plain TCP refused; allowInsecure allowed", async (t) => {
  let engine: pulumi.Output<unknown> | undefined;
  const rs = await captureResources(() => {
    const h = new DockerHost("remote", { host: "tcp://10.99.0.2:2376", tls: { caPem: "CA", certPem: "CERT", keyPem: "KEY" } });
    engine = h.engine;
    return h.dockerProvider().urn;
  });
  const p = ofType(rs, PROVIDER)[0];
  t.is(p.name, "remote");
  t.is(p.inputs.host, "tcp://10.99.0.2:2376");
  // Pulumi's wire form of a secret: the signature key marks the value as secret.
  t.deepEqual(p.inputs.caMaterial, secret("CA"));
  t.deepEqual(p.inputs.certMaterial, secret("CERT"));
  t.deepEqual(p.inputs.keyMaterial, secret("KEY"));
  // dockwire's own resources use the engine connection: a secret, as it holds the key.
  t.true(await (engine as any).isSecret);
  t.deepEqual(await resolve(engine), { host: "tcp://10.99.0.2:2376", tls: { caPem: "CA", certPem: "CERT", keyPem: "KEY" } });

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

  let insecure: pulumi.Output<unknown> | undefined;
  const ok = await captureResources(() => {
    const h = new DockerHost("lab", { host: "tcp://10.99.0.2:2375", allowInsecure: true });
    insecure = h.engine;
    return h.provider.urn;
  });
  t.is(ofType(ok, PROVIDER).length, 1);
  t.false(await (insecure as any).isSecret);
  t.deepEqual(await resolve(insecure), { host: "tcp://10.99.0.2:2375", allowInsecure: true });
});

test.serial("DockerHost registers no docker provider until dockerProvider() is asked; provider registers exactly one", async (t) => {
  const none = await captureResources(() => new DockerHost("a", { host: "unix:///run/a.sock" }).engine);
  t.deepEqual(
    none.map((r) => `${r.type} ${r.name}`),
    ["dockwire:host:DockerHost a"],
  );

  let same = false;
  const got = await captureWithRequests(() => {
    const h = new DockerHost("a", { host: "unix:///run/a.sock" });
    const p = h.provider;
    same = h.provider === p && h.dockerProvider() === p;
    return p.urn;
  });
  t.true(same, "provider and dockerProvider() return the one provider");
  t.deepEqual(
    got.resources.map((r) => [r.type, r.name, r.inputs]),
    [
      ["dockwire:host:DockerHost", "a", {}],
      [PROVIDER, "a", { host: "unix:///run/a.sock" }],
    ],
  );
  t.is(got.requests[1].parent, `${URN}dockwire:host:DockerHost::a`);
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

test.serial("DockerHost over SSH with a key: the engine holds the key and the pinned host key, as a secret", async (t) => {
  let engine: pulumi.Output<unknown> | undefined;
  const rs = await captureResources(() => {
    const h = new DockerHost("b", { host: "ssh://root@10.99.0.2:2222", sshPrivateKey: "KEY", sshHostKey: "ssh-ed25519 AAAA" });
    engine = h.engine;
    return h.engine;
  });
  t.deepEqual(ofType(rs, PROVIDER), []);
  t.true(await (engine as any).isSecret);
  t.deepEqual(await resolve(engine), { host: "ssh://root@10.99.0.2:2222", sshPrivateKey: "KEY", sshHostKey: "ssh-ed25519 AAAA" });
});
