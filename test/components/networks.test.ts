// Each network component under Pulumi mocks: the exact inputs of the DockerNetwork (dockwire's
// own dynamic resource) it registers, the options of that child (parent, alias of the
// docker.Network it replaces, the daemon's connection as a secret), and bad input or a
// taken name failing before anything is registered.
import test from "ava";
import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import { DOCKER_RESOURCE_TYPES } from "../../provider/docker/resources";
import { DockerHost } from "../../provider/host/docker-host";
import { AddressPlan } from "../../provider/ipam";
import {
  BridgeNetwork,
  IpvlanNetwork,
  MacvlanNetwork,
  OverlayNetwork,
  resetDetachedAddressPlan,
  resetDetachedNames,
} from "../../provider/networks";
import { Registered, captureResources, captureWithRequests, dynamicInputs, ofType, secret } from "./lib/mocks";

test.beforeEach(() => {
  resetDetachedAddressPlan();
  resetDetachedNames();
});

const NETWORK = DOCKER_RESOURCE_TYPES.network;
const URN = "urn:pulumi:test::dockwire::";
/** The owner label value of every object under the mocks (project dockwire, stack test). */
const OWNER = "dockwire/test";

/** The one DockerNetwork registered, its inputs without the serialized provider (which loads docker/network-live). */
function networkInputs(rs: readonly Registered[]): Record<string, any> {
  const [n, ...more] = ofType(rs, NETWORK);
  if (!n || more.length > 0) throw new Error(`expected one ${NETWORK}, got ${ofType(rs, NETWORK).length}`);
  if (typeof n.inputs.__provider !== "string" || !/docker\/network-live/.test(n.inputs.__provider)) {
    throw new Error(`${NETWORK} ${n.name} does not load docker/network-live`);
  }
  return dynamicInputs(n);
}

test.serial("BridgeNetwork registers a component and one DockerNetwork with the seed's exact inputs", async (t) => {
  const rs = await captureResources(
    () =>
      new BridgeNetwork("eagleslab-net", {
        subnet: "10.10.0.0/16",
        gateway: "10.10.0.1",
        ipRange: "10.10.5.0/24",
        auxAddresses: { router: "10.10.0.254", dns: "10.10.0.253" },
        labels: { team: "net", app: "seed001" },
        bridgeName: "br-eagles",
        enableIcc: true,
        mtu: 1450,
      }).networkName,
  );
  t.deepEqual(
    rs.map((r) => [r.type, r.name]),
    [
      ["dockwire:networks:BridgeNetwork", "eagleslab-net"],
      [NETWORK, "eagleslab-net"],
    ],
  );
  t.deepEqual(networkInputs(rs), {
    owner: OWNER,
    name: "eagleslab-net",
    driver: "bridge",
    ipamConfigs: [
      { subnet: "10.10.0.0/16", gateway: "10.10.0.1", ipRange: "10.10.5.0/24", auxAddress: { dns: "10.10.0.253", router: "10.10.0.254" } },
    ],
    options: {
      "com.docker.network.bridge.enable_icc": "true",
      "com.docker.network.bridge.name": "br-eagles",
      "com.docker.network.driver.mtu": "1450",
    },
    labels: [
      { label: "app", value: "seed001" },
      { label: "team", value: "net" },
    ],
  });
});

test.serial("BridgeNetwork defaults the gateway to the first host and networkName to the component name", async (t) => {
  const rs = await captureResources(() => new BridgeNetwork("redis", { subnet: "172.38.0.0/16" }).networkName);
  t.deepEqual(networkInputs(rs), {
    owner: OWNER,
    name: "redis",
    driver: "bridge",
    ipamConfigs: [{ subnet: "172.38.0.0/16", gateway: "172.38.0.1" }],
  });
});

test.serial("BridgeNetwork dual stack sets ipv6 and one pool per family", async (t) => {
  const rs = await captureResources(
    () =>
      new BridgeNetwork("ds", { networkName: "dual", pools: [{ subnet: "10.30.0.0/24" }, { subnet: "fd00:30::/64" }], internal: true })
        .networkName,
  );
  t.deepEqual(networkInputs(rs), {
    owner: OWNER,
    name: "dual",
    driver: "bridge",
    ipamConfigs: [
      { subnet: "10.30.0.0/24", gateway: "10.30.0.1" },
      { subnet: "fd00:30::/64", gateway: "fd00:30::1" },
    ],
    ipv6: true,
    internal: true,
  });
});

test.serial("MacvlanNetwork on an 802.1q parent", async (t) => {
  const rs = await captureResources(
    () =>
      new MacvlanNetwork("mv", { parent: "mvparent0", vlan: 10, mode: "bridge", subnet: "192.168.50.0/24", gateway: "192.168.50.1" })
        .networkName,
  );
  t.deepEqual(networkInputs(rs), {
    owner: OWNER,
    name: "mv",
    driver: "macvlan",
    ipamConfigs: [{ subnet: "192.168.50.0/24", gateway: "192.168.50.1" }],
    options: { macvlan_mode: "bridge", parent: "mvparent0.10" },
  });
});

test.serial("IpvlanNetwork l3 with a flag", async (t) => {
  const rs = await captureResources(
    () => new IpvlanNetwork("iv", { parent: "ivparent0", mode: "l3", flag: "private", subnet: "192.168.60.0/24" }).networkName,
  );
  t.deepEqual(networkInputs(rs), {
    owner: OWNER,
    name: "iv",
    driver: "ipvlan",
    ipamConfigs: [{ subnet: "192.168.60.0/24", gateway: "192.168.60.1" }],
    options: { ipvlan_flag: "private", ipvlan_mode: "l3", parent: "ivparent0" },
  });
});

test.serial("OverlayNetwork is attachable by default and encrypted on request", async (t) => {
  const rs = await captureResources(() => new OverlayNetwork("ov", { subnet: "10.0.9.0/24", encrypted: true }).networkName);
  t.deepEqual(networkInputs(rs), {
    owner: OWNER,
    name: "ov",
    driver: "overlay",
    ipamConfigs: [{ subnet: "10.0.9.0/24", gateway: "10.0.9.1" }],
    attachable: true,
    options: { encrypted: "" },
  });
});

const bad: [string, () => unknown, string][] = [
  [
    "host bits",
    () => new BridgeNetwork("n1", { subnet: "10.10.0.1/16" }),
    'dockwire:networks:BridgeNetwork "n1": subnet "10.10.0.1/16" has host bits set. For a prefix of length 16 the network address is 10.10.0.0: use "10.10.0.0/16".',
  ],
  [
    "gateway outside",
    () => new BridgeNetwork("n2", { subnet: "10.10.0.0/16", gateway: "10.20.0.1" }),
    'dockwire:networks:BridgeNetwork "n2": gateway "10.20.0.1" is outside subnet 10.10.0.0/16: pick an address inside it, or omit gateway to use 10.10.0.1.',
  ],
  [
    "unknown macvlan mode",
    () => new MacvlanNetwork("n3", { parent: "mvparent0", mode: "bridged" as any, subnet: "10.40.0.0/24" }),
    'dockwire:networks:MacvlanNetwork "n3": mode "bridged" is not a macvlan mode: use one of "bridge", "private", "vepa", "passthru".',
  ],
  [
    "unsafe parent",
    () => new IpvlanNetwork("n4", { parent: "eth0;reboot", subnet: "10.41.0.0/24" }),
    'dockwire:networks:IpvlanNetwork "n4": parent "eth0;reboot" contains ";": dockwire names use only letters, digits, "_", "." and "-" so they never need shell quoting; rename it.',
  ],
];
for (const [title, build, message] of bad) {
  test.serial(`bad input fails before anything is registered: ${title}`, async (t) => {
    let err: unknown;
    const rs = await captureResources(() => {
      try {
        build();
      } catch (e) {
        err = e;
      }
    });
    t.is((err as Error | undefined)?.message, message);
    t.deepEqual(rs, []);
  });
}

test.serial("two networks of one program with overlapping subnets: the second fails naming both", async (t) => {
  const plan = new AddressPlan();
  let err: unknown;
  const rs = await captureResources(() => {
    new BridgeNetwork("mynet", { subnet: "192.168.0.0/16", addressPlan: plan });
    try {
      new BridgeNetwork("lab", { subnet: "192.168.1.0/24", addressPlan: plan });
    } catch (e) {
      err = e;
    }
  });
  t.is(
    (err as Error).message,
    'dockwire:networks:BridgeNetwork "lab": subnet 192.168.1.0/24 of network "lab" overlaps 192.168.0.0/16 of network "mynet": choose a range that does not overlap.',
  );
  t.deepEqual(
    rs.map((r) => r.name),
    ["mynet", "mynet"],
  );
});

// ---------------------------------------------------------------- the DockerNetwork child

const KINDS: [string, (name: string) => pulumi.Resource][] = [
  ["dockwire:networks:BridgeNetwork", (n) => new BridgeNetwork(n, { subnet: "10.50.0.0/24" })],
  ["dockwire:networks:OverlayNetwork", (n) => new OverlayNetwork(n, { subnet: "10.50.1.0/24" })],
  ["dockwire:networks:MacvlanNetwork", (n) => new MacvlanNetwork(n, { parent: "mvparent0", subnet: "10.50.2.0/24" })],
  ["dockwire:networks:IpvlanNetwork", (n) => new IpvlanNetwork(n, { parent: "ivparent0", subnet: "10.50.3.0/24" })],
];

test.serial(
  "every network component registers its DockerNetwork as its child named like it, aliased to the docker.Network it replaces",
  async (t) => {
    const got = await captureWithRequests(() => pulumi.all(KINDS.map(([, make], i) => (make(`net${i}`) as BridgeNetwork).networkId)));
    t.deepEqual(
      got.resources.map((r) => `${r.type} ${r.name}`).sort(),
      [...KINDS.map(([type], i) => `${type} net${i}`), ...KINDS.map((_, i) => `${NETWORK} net${i}`)].sort(),
    );
    KINDS.forEach(([type], i) => {
      const parent = `${URN}${type}::net${i}`;
      t.deepEqual(
        got.requests.find((r) => r.type === NETWORK && r.name === `net${i}`),
        {
          type: NETWORK,
          name: `net${i}`,
          parent,
          // No docker provider plugin: the dynamic resource goes to DOCKER_HOST without a connection.
          provider: "",
          dependencies: [],
          replaceOnChanges: [],
          deleteBeforeReplace: false,
          additionalSecretOutputs: [],
          // The state of a network made by dockwire 0.2 (a docker.Network) moves to it without a replacement.
          aliases: [{ type: "docker:index/network:Network", parentUrn: parent }],
        },
        type,
      );
      t.deepEqual(
        got.requests.find((r) => r.type === type),
        {
          type,
          name: `net${i}`,
          parent: "",
          provider: "",
          dependencies: [],
          replaceOnChanges: [],
          deleteBeforeReplace: false,
          additionalSecretOutputs: [],
          aliases: [],
        },
        type,
      );
    });
  },
);

test.serial("networkId is the DockerNetwork's output; adopt takes over a network by its name or an id", async (t) => {
  let ids: pulumi.Output<string[]> | undefined;
  const rs = await captureResources(() => {
    const a = new BridgeNetwork("seed", { subnet: "10.60.0.0/24", adopt: true });
    const b = new BridgeNetwork("other", { networkName: "lab", subnet: "10.60.1.0/24", adopt: "0123456789ab" });
    const c = new BridgeNetwork("plain", { subnet: "10.60.2.0/24", adopt: false });
    ids = pulumi.all([a.networkId, b.networkId, c.networkId]);
    return ids;
  });
  t.deepEqual(
    ofType(rs, NETWORK)
      .map((r) => [r.name, r.inputs.name, r.inputs.adopt])
      .sort(),
    [
      ["other", "lab", "0123456789ab"],
      ["plain", "plain", undefined],
      ["seed", "seed", "seed"],
    ],
  );
  t.false("adopt" in ofType(rs, NETWORK).find((r) => r.name === "plain")!.inputs);
  t.deepEqual(await new Promise((res) => ids!.apply(res)), ["seed-id", "other-id", "plain-id"]);
});

test.serial(
  "host: a DockerHost's engine connection goes to the DockerNetwork as a secret input and output; no docker provider",
  async (t) => {
    let tlsEngine: pulumi.Output<unknown> | undefined;
    let sshEngine: pulumi.Output<unknown> | undefined;
    const got = await captureWithRequests(() => {
      const tls = new DockerHost("remote", { host: "tcp://10.99.0.2:2376", tls: { caPem: "CA", certPem: "CERT", keyPem: "KEY" } });
      const ssh = new DockerHost("b", { host: "ssh://root@10.99.0.3:2222" });
      tlsEngine = tls.engine;
      sshEngine = ssh.engine;
      return pulumi.all([
        new BridgeNetwork("web", { subnet: "10.70.0.0/24", host: tls }).networkId,
        new OverlayNetwork("ov", { subnet: "10.70.1.0/24", host: ssh }).networkId,
      ]);
    });
    // The host's engine is a secret when it holds key material, not otherwise ...
    t.true(await (tlsEngine as any).isSecret);
    t.false(await (sshEngine as any).isSecret);
    // ... and the resource keeps any connection as a secret input and a secret output.
    t.deepEqual(networkInputs(got.resources.filter((r) => r.name === "web")), {
      connection: secret({ host: "tcp://10.99.0.2:2376", tls: { caPem: "CA", certPem: "CERT", keyPem: "KEY" } }),
      owner: OWNER,
      name: "web",
      driver: "bridge",
      ipamConfigs: [{ subnet: "10.70.0.0/24", gateway: "10.70.0.1" }],
    });
    t.deepEqual(networkInputs(got.resources.filter((r) => r.name === "ov")), {
      connection: secret({ host: "ssh://root@10.99.0.3:2222" }),
      owner: OWNER,
      name: "ov",
      driver: "overlay",
      ipamConfigs: [{ subnet: "10.70.1.0/24", gateway: "10.70.1.1" }],
      attachable: true,
    });
    for (const name of ["web", "ov"]) {
      const req = got.requests.find((r) => r.type === NETWORK && r.name === name)!;
      t.deepEqual([req.provider, req.additionalSecretOutputs], ["", ["connection"]], name);
    }
    t.deepEqual(ofType(got.resources, "pulumi:providers:docker"), []);
    t.deepEqual(got.resources.map((r) => `${r.type} ${r.name}`).sort(), [
      "dockwire:host:DockerHost b",
      "dockwire:host:DockerHost remote",
      "dockwire:networks:BridgeNetwork web",
      "dockwire:networks:OverlayNetwork ov",
      `${NETWORK} ov`,
      `${NETWORK} web`,
    ]);
  },
);

test.serial("opts.provider or providers made by a DockerHost (dockwire 0.2 programs) map back to that host's connection", async (t) => {
  const got = await captureWithRequests(() => {
    const h = new DockerHost("remote", { host: "unix:///run/remote.sock" });
    return pulumi.all([
      new BridgeNetwork("a", { subnet: "10.80.0.0/24" }, { provider: h.dockerProvider() }).networkId,
      new BridgeNetwork("b", { subnet: "10.80.1.0/24" }, { providers: [h.provider] }).networkId,
    ]);
  });
  // One docker provider: the one dockerProvider() made (and `provider` returned again).
  t.deepEqual(
    ofType(got.resources, "pulumi:providers:docker").map((r) => [r.name, r.inputs]),
    [["remote", { host: "unix:///run/remote.sock" }]],
  );
  for (const name of ["a", "b"]) {
    t.deepEqual(
      ofType(got.resources, NETWORK).find((r) => r.name === name)!.inputs.connection,
      secret({ host: "unix:///run/remote.sock" }),
      name,
    );
    t.is(got.requests.find((r) => r.type === NETWORK && r.name === name)!.provider, "", name);
  }
});

test.serial("opts.provider of a docker.Provider no DockerHost made is refused before the network is registered", async (t) => {
  let err: Error | undefined;
  const rs = await captureResources(() => {
    const p = new docker.Provider("mine", { host: "unix:///run/mine.sock" });
    try {
      new BridgeNetwork("web", { subnet: "10.90.0.0/24" }, { provider: p });
    } catch (e) {
      err = e as Error;
    }
  });
  t.is(
    err?.message,
    'dockwire:networks:BridgeNetwork "web": opts.provider is a docker.Provider that no DockerHost made: dockwire\'s resources do not use it. Pass host: a DockerHost for that daemon.',
  );
  t.deepEqual(
    rs.map((r) => `${r.type} ${r.name}`),
    ["pulumi:providers:docker mine"],
  );
});

// ---------------------------------------------------------------- names

test.serial(
  "two networks of one program with the same Docker name: the second fails naming the field, nothing of it registered",
  async (t) => {
    const errors: string[] = [];
    const rs = await captureResources(() => {
      new BridgeNetwork("a", { networkName: "shared", subnet: "10.91.0.0/24" });
      new BridgeNetwork("web", { subnet: "10.91.1.0/24" });
      for (const make of [
        () => new BridgeNetwork("b", { networkName: "shared", subnet: "10.91.2.0/24" }),
        // Docker network names are unique whatever the driver; the default name is the component's.
        () => new OverlayNetwork("ov", { networkName: "web", subnet: "10.91.3.0/24" }),
      ]) {
        try {
          make();
        } catch (e) {
          errors.push((e as Error).message);
        }
      }
    });
    t.deepEqual(errors, [
      'dockwire:networks:BridgeNetwork "b": networkName "shared" is taken by another network of this program: Docker network names are unique on a daemon; give this one another networkName.',
      'dockwire:networks:OverlayNetwork "ov": networkName "web" is taken by another network of this program: Docker network names are unique on a daemon; give this one another networkName.',
    ]);
    t.deepEqual(rs.map((r) => `${r.type} ${r.name}`).sort(), [
      "dockwire:networks:BridgeNetwork a",
      "dockwire:networks:BridgeNetwork web",
      `${NETWORK} a`,
      `${NETWORK} web`,
    ]);
  },
);

test.serial("the same Docker name on two DockerHosts is two networks, each with its host's connection", async (t) => {
  const rs = await captureResources(() => {
    const h1 = new DockerHost("h1", { host: "unix:///run/h1.sock" });
    const h2 = new DockerHost("h2", { host: "unix:///run/h2.sock" });
    new BridgeNetwork("n1", { networkName: "demo", subnet: "10.92.0.0/24", host: h1 });
    new BridgeNetwork("n2", { networkName: "demo", subnet: "10.92.1.0/24", host: h2 });
  });
  t.deepEqual(
    ofType(rs, NETWORK)
      .map((r) => [r.name, r.inputs.name, r.inputs.connection])
      .sort((a, b) => (a[0] < b[0] ? -1 : 1)),
    [
      ["n1", "demo", secret({ host: "unix:///run/h1.sock" })],
      ["n2", "demo", secret({ host: "unix:///run/h2.sock" })],
    ],
  );
});
