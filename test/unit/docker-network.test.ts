import test from "ava";
import type Docker from "dockerode";
import { DiffResult, UNKNOWN } from "../../provider/docker/common";
import {
  NETWORK_FIELDS,
  checkNetworkInputs,
  diffNetwork,
  flattenNetwork,
  implicitGateway,
  networkCreateBody,
} from "../../provider/docker/network-live";
import { LEGACY_NETWORK } from "./fixtures/legacy-docker";

const OWNER = "dockwire-lab/dev";
const ID = "1a43b4f9c911988f8cc9e4e7c5e5cf80a5bb1c9d5e6171515f9249346c3eef37";

test("the fields that define a network", (t) => {
  t.deepEqual([...NETWORK_FIELDS], ["name", "driver", "ipamConfigs", "ipv6", "internal", "attachable", "options", "labels"]);
});

// ---------------------------------------------------------------- networkCreateBody

const bodies: [string, Record<string, unknown>, Docker.NetworkCreateOptions][] = [
  [
    "bridge with subnet, gateway, ip range, aux address, options, labels and the owner",
    {
      name: "redis",
      driver: "bridge",
      ipamConfigs: [{ subnet: "172.38.0.0/16", gateway: "172.38.0.1", ipRange: "172.38.5.0/24", auxAddress: { nas: "172.38.0.2" } }],
      ipv6: false,
      internal: false,
      options: { "com.docker.network.bridge.name": "br-redis", "com.docker.network.driver.mtu": "1400" },
      labels: [
        { label: "tier", value: "cache" },
        { label: "app", value: "redis" },
      ],
      owner: OWNER,
      networkId: undefined,
      assignedSubnets: undefined,
    },
    {
      Name: "redis",
      Driver: "bridge",
      CheckDuplicate: true,
      IPAM: {
        Driver: "default",
        Config: [{ Subnet: "172.38.0.0/16", Gateway: "172.38.0.1", IPRange: "172.38.5.0/24", AuxiliaryAddresses: { nas: "172.38.0.2" } }],
      },
      EnableIPv6: false,
      Internal: false,
      Options: { "com.docker.network.bridge.name": "br-redis", "com.docker.network.driver.mtu": "1400" },
      Labels: { tier: "cache", app: "redis", "dockwire.owner": OWNER },
    },
  ],
  [
    "overlay, attachable",
    { name: "mesh", driver: "overlay", attachable: true, ipamConfigs: [{ subnet: "10.99.0.0/24", gateway: "10.99.0.1" }], owner: OWNER },
    {
      Name: "mesh",
      Driver: "overlay",
      CheckDuplicate: true,
      IPAM: { Driver: "default", Config: [{ Subnet: "10.99.0.0/24", Gateway: "10.99.0.1" }] },
      Attachable: true,
      Labels: { "dockwire.owner": OWNER },
    },
  ],
  [
    "dual stack, internal",
    {
      name: "dual",
      driver: "bridge",
      ipv6: true,
      internal: true,
      ipamConfigs: [
        { subnet: "10.20.0.0/24", gateway: "10.20.0.1" },
        { subnet: "fd00:20::/64", gateway: "fd00:20::1" },
      ],
    },
    {
      Name: "dual",
      Driver: "bridge",
      CheckDuplicate: true,
      IPAM: {
        Driver: "default",
        Config: [
          { Subnet: "10.20.0.0/24", Gateway: "10.20.0.1" },
          { Subnet: "fd00:20::/64", Gateway: "fd00:20::1" },
        ],
      },
      EnableIPv6: true,
      Internal: true,
      Labels: {},
    },
  ],
  [
    "no pools: Docker picks",
    { name: "plain", driver: "bridge", owner: OWNER },
    { Name: "plain", Driver: "bridge", CheckDuplicate: true, Labels: { "dockwire.owner": OWNER } },
  ],
  [
    "an empty pool list is no pools",
    { name: "plain", driver: "bridge", ipamConfigs: [] },
    { Name: "plain", Driver: "bridge", CheckDuplicate: true, Labels: {} },
  ],
  [
    "a pool without a gateway",
    { name: "nogw", driver: "macvlan", ipamConfigs: [{ subnet: "192.168.1.0/24" }], options: { parent: "eth0" } },
    {
      Name: "nogw",
      Driver: "macvlan",
      CheckDuplicate: true,
      IPAM: { Driver: "default", Config: [{ Subnet: "192.168.1.0/24" }] },
      Options: { parent: "eth0" },
      Labels: {},
    },
  ],
];

for (const [title, inputs, expected] of bodies) {
  test(`networkCreateBody: ${title}`, (t) => {
    t.deepEqual(networkCreateBody(inputs), expected);
  });
}

// ---------------------------------------------------------------- implicitGateway

const gateways: [string, string | undefined, string | undefined][] = [
  ["IPv4 /16", "172.38.0.0/16", "172.38.0.1"],
  ["IPv4 /24", "10.99.0.0/24", "10.99.0.1"],
  ["IPv4 /30", "10.0.0.4/30", "10.0.0.5"],
  ["IPv4 /31: no network address to skip", "10.0.0.0/31", "10.0.0.0"],
  ["IPv4 /32: the address itself", "10.0.0.5/32", "10.0.0.5"],
  ["IPv6 /64", "fd00:10::/64", "fd00:10::1"],
  ["IPv6 /48", "2001:db8:1::/48", "2001:db8:1::1"],
  ["IPv6 /127", "fd00::/127", "fd00::"],
  ["IPv6 /128", "fd00::5/128", "fd00::5"],
  ["host bits set", "10.0.0.1/24", undefined],
  ["no prefix", "10.0.0.0", undefined],
  ["prefix out of range", "10.0.0.0/33", undefined],
  ["garbage", "garbage", undefined],
  ["empty", "", undefined],
  ["undefined", undefined, undefined],
];

for (const [title, subnet, expected] of gateways) {
  test(`implicitGateway: ${title}`, (t) => {
    t.is(implicitGateway(subnet), expected);
  });
}

// ---------------------------------------------------------------- flattenNetwork

/** `docker network inspect` of a bridge made by dockwire (Docker 26). */
function inspected(over: Partial<Docker.NetworkInspectInfo> = {}): Docker.NetworkInspectInfo {
  return {
    Name: "redis",
    Id: ID,
    Created: "2025-05-02T09:14:03.512345678Z",
    Scope: "local",
    Driver: "bridge",
    EnableIPv6: false,
    IPAM: { Driver: "default", Options: {}, Config: [{ Subnet: "172.38.0.0/16", Gateway: "172.38.0.1" }] },
    Internal: false,
    Attachable: false,
    Ingress: false,
    ConfigFrom: { Network: "" },
    ConfigOnly: false,
    Containers: {},
    Options: { "com.docker.network.bridge.name": "br-redis", "com.docker.network.driver.mtu": "1500" },
    Labels: { "dockwire.owner": OWNER, tier: "cache" },
    ...over,
  };
}

const flattens: [string, Docker.NetworkInspectInfo, Record<string, unknown>, Record<string, unknown>][] = [
  [
    "every managed field wanted; options filtered to the wanted keys; owner label left out",
    inspected(),
    {
      name: "redis",
      driver: "bridge",
      ipamConfigs: [{ subnet: "172.38.0.0/16", gateway: "172.38.0.1" }],
      ipv6: false,
      internal: false,
      attachable: false,
      options: { "com.docker.network.bridge.name": "br-redis" },
      labels: [{ label: "tier", value: "cache" }],
    },
    {
      name: "redis",
      driver: "bridge",
      ipamConfigs: [{ subnet: "172.38.0.0/16", gateway: "172.38.0.1" }],
      assignedSubnets: ["172.38.0.0/16"],
      ipv6: false,
      internal: false,
      attachable: false,
      options: { "com.docker.network.bridge.name": "br-redis" },
      labels: [{ label: "tier", value: "cache" }],
      networkId: ID,
    },
  ],
  [
    "nothing but name and driver wanted: only the owner label on the daemon",
    inspected({ Labels: { "dockwire.owner": OWNER } }),
    { name: "redis", driver: "bridge" },
    { name: "redis", driver: "bridge", assignedSubnets: ["172.38.0.0/16"], networkId: ID },
  ],
  [
    "labels not wanted but on the daemon are kept (someone added them)",
    inspected(),
    { name: "redis", driver: "bridge" },
    { name: "redis", driver: "bridge", assignedSubnets: ["172.38.0.0/16"], labels: [{ label: "tier", value: "cache" }], networkId: ID },
  ],
  [
    "labels wanted empty, none on the daemon",
    inspected({ Labels: {} }),
    { name: "redis", driver: "bridge", labels: [] },
    { name: "redis", driver: "bridge", assignedSubnets: ["172.38.0.0/16"], labels: [], networkId: ID },
  ],
  [
    "options wanted that the daemon lacks read as absent",
    inspected({ Options: {} }),
    { name: "redis", driver: "bridge", options: { "com.docker.network.bridge.name": "br-redis" } },
    {
      name: "redis",
      driver: "bridge",
      assignedSubnets: ["172.38.0.0/16"],
      options: {},
      labels: [{ label: "tier", value: "cache" }],
      networkId: ID,
    },
  ],
  [
    "a pool without a gateway (docker network create --subnet) gets the implicit one",
    inspected({ IPAM: { Driver: "default", Options: {}, Config: [{ Subnet: "172.38.0.0/16" }] }, Labels: {} }),
    { name: "redis", driver: "bridge", ipamConfigs: [{ subnet: "172.38.0.0/16" }] },
    {
      name: "redis",
      driver: "bridge",
      ipamConfigs: [{ subnet: "172.38.0.0/16", gateway: "172.38.0.1" }],
      assignedSubnets: ["172.38.0.0/16"],
      networkId: ID,
    },
  ],
  [
    "dual stack: IPv6 pool without a gateway, empty ip range and aux addresses dropped",
    inspected({
      EnableIPv6: true,
      IPAM: {
        Driver: "default",
        Options: {},
        Config: [
          { Subnet: "10.20.0.0/24", Gateway: "10.20.0.1", IPRange: "", AuxiliaryAddresses: {} },
          { Subnet: "fd00:20::/64", IPRange: "fd00:20::/80", AuxiliaryAddresses: { router: "fd00:20::fe" } },
        ],
      },
      Labels: {},
    }),
    { name: "redis", driver: "bridge", ipv6: true, ipamConfigs: [] },
    {
      name: "redis",
      driver: "bridge",
      ipamConfigs: [
        { subnet: "10.20.0.0/24", gateway: "10.20.0.1" },
        { subnet: "fd00:20::/64", gateway: "fd00:20::1", ipRange: "fd00:20::/80", auxAddress: { router: "fd00:20::fe" } },
      ],
      assignedSubnets: ["10.20.0.0/24", "fd00:20::/64"],
      ipv6: true,
      networkId: ID,
    },
  ],
  [
    "overlay attachable",
    inspected({
      Name: "mesh",
      Scope: "swarm",
      Driver: "overlay",
      Attachable: true,
      IPAM: { Driver: "default", Options: undefined, Config: [{ Subnet: "10.99.0.0/24", Gateway: "10.99.0.1" }] },
      Options: { "com.docker.network.driver.overlay.vxlanid_list": "4097" },
      Labels: { "dockwire.owner": OWNER },
    }),
    { name: "mesh", driver: "overlay", attachable: true, ipamConfigs: [{ subnet: "10.99.0.0/24", gateway: "10.99.0.1" }] },
    {
      name: "mesh",
      driver: "overlay",
      ipamConfigs: [{ subnet: "10.99.0.0/24", gateway: "10.99.0.1" }],
      assignedSubnets: ["10.99.0.0/24"],
      attachable: true,
      networkId: ID,
    },
  ],
  [
    "a swarm network not allocated yet: no driver, no pools, no labels",
    inspected({ Driver: "", IPAM: undefined, Options: undefined, Labels: undefined }),
    { name: "redis", driver: "overlay", ipamConfigs: [{ subnet: "10.99.0.0/24" }], options: {} },
    { name: "redis", driver: "", ipamConfigs: [], assignedSubnets: [], options: {}, networkId: ID },
  ],
];

for (const [title, info, want, expected] of flattens) {
  test(`flattenNetwork: ${title}`, (t) => {
    t.deepEqual(flattenNetwork(info, want), expected);
  });
}

// ---------------------------------------------------------------- diffNetwork

const TLS_HOST = { host: "tcp://10.0.0.5:2376", tls: { caPem: "CA1", certPem: "CERT1", keyPem: "KEY1" } };

/** The inputs of a network as the component gives them. */
const NEWS: Record<string, unknown> = {
  name: "redis",
  driver: "bridge",
  ipamConfigs: [{ subnet: "172.38.0.0/16", gateway: "172.38.0.1" }],
  options: { "com.docker.network.bridge.name": "br-redis" },
  owner: OWNER,
  networkId: undefined,
  assignedSubnets: undefined,
  connection: TLS_HOST,
};

/** The state create wrote for NEWS. */
const STATE: Record<string, unknown> = {
  name: "redis",
  driver: "bridge",
  ipamConfigs: [{ subnet: "172.38.0.0/16", gateway: "172.38.0.1" }],
  options: { "com.docker.network.bridge.name": "br-redis" },
  owner: OWNER,
  assignedSubnets: ["172.38.0.0/16"],
  networkId: ID,
  connection: TLS_HOST,
  stateVersion: 1,
};

const noChange: DiffResult = { changes: false, replaces: [], deleteBeforeReplace: true };
const replace = (...fields: string[]): DiffResult => ({ changes: true, replaces: fields, deleteBeforeReplace: true });
const update: DiffResult = { changes: true, replaces: [], deleteBeforeReplace: true };

/** A docker.Network state of @pulumi/docker 4.11.2 (dockwire 0.2), as the checkpoint holds it. */
const LEGACY = LEGACY_NETWORK;
const LEGACY_NEWS: Record<string, unknown> = {
  name: "lg-redis",
  driver: "bridge",
  ipamConfigs: [{ subnet: "172.40.0.0/16", gateway: "172.40.0.1" }],
  owner: OWNER,
  networkId: undefined,
  assignedSubnets: undefined,
};

const diffs: [string, Record<string, unknown>, Record<string, unknown>, DiffResult][] = [
  ["no change", STATE, NEWS, noChange],
  [
    "no change, key order of the inputs aside",
    STATE,
    { ...NEWS, ipamConfigs: [{ gateway: "172.38.0.1", subnet: "172.38.0.0/16" }] },
    noChange,
  ],
  ["no change, labels absent on one side and empty on the other", { ...STATE, labels: [] }, NEWS, noChange],
  ["name", STATE, { ...NEWS, name: "redis-2" }, replace("name")],
  ["driver", STATE, { ...NEWS, driver: "macvlan" }, replace("driver")],
  ["subnet", STATE, { ...NEWS, ipamConfigs: [{ subnet: "172.39.0.0/16", gateway: "172.39.0.1" }] }, replace("ipamConfigs")],
  ["gateway", STATE, { ...NEWS, ipamConfigs: [{ subnet: "172.38.0.0/16", gateway: "172.38.0.254" }] }, replace("ipamConfigs")],
  ["ipv6", STATE, { ...NEWS, ipv6: true }, replace("ipv6")],
  ["internal", STATE, { ...NEWS, internal: true }, replace("internal")],
  ["attachable", STATE, { ...NEWS, attachable: true }, replace("attachable")],
  ["options", STATE, { ...NEWS, options: { "com.docker.network.bridge.name": "br-cache" } }, replace("options")],
  ["labels added", STATE, { ...NEWS, labels: [{ label: "tier", value: "cache" }] }, replace("labels")],
  ["labels removed", { ...STATE, labels: [{ label: "tier", value: "cache" }] }, NEWS, replace("labels")],
  [
    "several fields, in field order",
    STATE,
    { ...NEWS, attachable: true, driver: "overlay", name: "mesh" },
    replace("name", "driver", "attachable"),
  ],
  [
    "a pool list the program stopped setting (Docker picks; the old pool is one it may pick)",
    STATE,
    { ...NEWS, ipamConfigs: undefined },
    noChange,
  ],
  ["another daemon", STATE, { ...NEWS, connection: { host: "ssh://deploy@10.0.0.6" } }, replace("connection")],
  ["from the environment's daemon to an explicit one", { ...STATE, connection: undefined }, NEWS, replace("connection")],
  ["another owner", STATE, { ...NEWS, owner: "dockwire-lab/prod" }, replace("owner")],
  [
    "a changed secret on the same daemon: update, no replace",
    STATE,
    { ...NEWS, connection: { ...TLS_HOST, tls: { ...TLS_HOST.tls, keyPem: "KEY2" } } },
    update,
  ],
  ["a subnet unknown at preview", STATE, { ...NEWS, ipamConfigs: [{ subnet: UNKNOWN, gateway: UNKNOWN }] }, replace("ipamConfigs")],
  ["legacy 0.2 state that matches: update, nothing replaced", LEGACY, LEGACY_NEWS, update],
  [
    "legacy 0.2 state, the program sets ipv6, internal, attachable false and empty options",
    LEGACY,
    { ...LEGACY_NEWS, ipv6: false, internal: false, attachable: false, options: {} },
    update,
  ],
  [
    "legacy 0.2 state with labels the program adds (labels are not compared)",
    LEGACY,
    { ...LEGACY_NEWS, labels: [{ label: "tier", value: "cache" }] },
    update,
  ],
  [
    "legacy 0.2 state with another subnet",
    LEGACY,
    { ...LEGACY_NEWS, ipamConfigs: [{ subnet: "172.41.0.0/16", gateway: "172.41.0.1" }] },
    replace("ipamConfigs"),
  ],
  [
    "legacy 0.2 state with another name and driver",
    LEGACY,
    { ...LEGACY_NEWS, name: "lg-redis-2", driver: "overlay" },
    replace("name", "driver"),
  ],
];

for (const [title, olds, news, expected] of diffs) {
  test(`diffNetwork: ${title}`, (t) => {
    t.deepEqual(diffNetwork(olds, news), expected);
  });
}

// A setting the program stops giving (internal, attachable, driver options) goes back to
// Docker's default: the network is replaced.
const { options: _options, ...NEWS_WITHOUT_OPTIONS } = NEWS;
const droppedFields: [string, Record<string, unknown>, Record<string, unknown>, DiffResult][] = [
  ["internal: true dropped", { ...STATE, internal: true }, NEWS, replace("internal")],
  ["attachable: true dropped", { ...STATE, attachable: true }, NEWS, replace("attachable")],
  ["driver options dropped", STATE, NEWS_WITHOUT_OPTIONS, replace("options")],
];

for (const [title, olds, news, expected] of droppedFields) {
  test(`diffNetwork: ${title} replaces the network`, (t) => {
    t.deepEqual(diffNetwork(olds, news), expected);
  });
}

// ---------------------------------------------------------------- checkNetworkInputs

const nameReason = (name: unknown) =>
  `name ${JSON.stringify(name)} is not a valid Docker network name: use letters, digits, "_", "." and "-".`;
const DRIVER = { property: "driver", reason: 'driver is required, e.g. "bridge".' };

const checks: [string, Record<string, unknown>, { property: string; reason: string }[]][] = [
  ["valid", { name: "redis_net-1.0", driver: "bridge" }, []],
  ["a one-character name", { name: "r", driver: "bridge" }, []],
  ["name and driver unknown at preview", { name: UNKNOWN, driver: UNKNOWN }, []],
  [
    "empty name",
    { name: "", driver: "bridge" },
    [{ property: "name", reason: 'name "" is not a valid Docker network name: use letters, digits, "_", "." and "-".' }],
  ],
  ["name starting with a dash", { name: "-redis", driver: "bridge" }, [{ property: "name", reason: nameReason("-redis") }]],
  ["name with a space", { name: "my net", driver: "bridge" }, [{ property: "name", reason: nameReason("my net") }]],
  ["name with a slash", { name: "a/b", driver: "bridge" }, [{ property: "name", reason: nameReason("a/b") }]],
  [
    "name missing",
    { driver: "bridge" },
    [{ property: "name", reason: 'name undefined is not a valid Docker network name: use letters, digits, "_", "." and "-".' }],
  ],
  ["name not a string", { name: 42, driver: "bridge" }, [{ property: "name", reason: nameReason(42) }]],
  ["driver missing", { name: "redis" }, [DRIVER]],
  ["driver empty", { name: "redis", driver: "" }, [DRIVER]],
  ["both", { name: "", driver: "" }, [{ property: "name", reason: nameReason("") }, DRIVER]],
];

for (const [title, news, expected] of checks) {
  test(`checkNetworkInputs: ${title}`, (t) => {
    t.deepEqual(checkNetworkInputs(news), expected);
  });
}
