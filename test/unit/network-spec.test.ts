import test from "ava";
import { AddressConfig, AddressPlan, IpamError } from "../../provider/ipam";
import { DriverOptionError } from "../../provider/networks/driver-options";
import { DriverSpec, NetworkCommonArgs, NetworkSpec, networkSpec } from "../../provider/networks/spec";

const bridge: DriverSpec = { driver: "bridge" };

// ---------------------------------------------------------------- valid specs

const valid: [string, string, NetworkCommonArgs, DriverSpec, NetworkSpec, AddressConfig[]][] = [
  [
    "seed eagleslab-net 10.10.0.0/16 gw 10.10.0.1",
    "eagleslab-net",
    { subnet: "10.10.0.0/16", gateway: "10.10.0.1" },
    bridge,
    { name: "eagleslab-net", driver: "bridge", ipamConfigs: [{ subnet: "10.10.0.0/16", gateway: "10.10.0.1" }] },
    [{ family: 4, subnet: "10.10.0.0/16", gateway: "10.10.0.1" }],
  ],
  [
    "seed mynet 192.168.0.0/16 gw 192.168.0.1",
    "mynet",
    { subnet: "192.168.0.0/16", gateway: "192.168.0.1" },
    bridge,
    { name: "mynet", driver: "bridge", ipamConfigs: [{ subnet: "192.168.0.0/16", gateway: "192.168.0.1" }] },
    [{ family: 4, subnet: "192.168.0.0/16", gateway: "192.168.0.1" }],
  ],
  [
    "seed mybr0 172.26.0.0/16 gw 172.26.0.1",
    "mybr0",
    { subnet: "172.26.0.0/16", gateway: "172.26.0.1" },
    bridge,
    { name: "mybr0", driver: "bridge", ipamConfigs: [{ subnet: "172.26.0.0/16", gateway: "172.26.0.1" }] },
    [{ family: 4, subnet: "172.26.0.0/16", gateway: "172.26.0.1" }],
  ],
  [
    "seed redis 172.38.0.0/16 with the default gateway",
    "redis",
    { subnet: "172.38.0.0/16" },
    bridge,
    { name: "redis", driver: "bridge", ipamConfigs: [{ subnet: "172.38.0.0/16", gateway: "172.38.0.1" }] },
    [{ family: 4, subnet: "172.38.0.0/16", gateway: "172.38.0.1" }],
  ],
  ["no addressing: Docker picks, no ipamConfigs", "plain", {}, bridge, { name: "plain", driver: "bridge" }, []],
  [
    "networkName overrides the component name",
    "component",
    { networkName: "eagleslab-net", subnet: "10.10.0.0/16" },
    bridge,
    { name: "eagleslab-net", driver: "bridge", ipamConfigs: [{ subnet: "10.10.0.0/16", gateway: "10.10.0.1" }] },
    [{ family: 4, subnet: "10.10.0.0/16", gateway: "10.10.0.1" }],
  ],
  [
    "ip-range",
    "ranged",
    { subnet: "172.18.0.0/16", ipRange: "172.18.5.0/24" },
    bridge,
    { name: "ranged", driver: "bridge", ipamConfigs: [{ subnet: "172.18.0.0/16", gateway: "172.18.0.1", ipRange: "172.18.5.0/24" }] },
    [{ family: 4, subnet: "172.18.0.0/16", gateway: "172.18.0.1", ipRange: "172.18.5.0/24" }],
  ],
  [
    "aux addresses become auxAddress, sorted",
    "aux",
    { subnet: "10.10.0.0/16", auxAddresses: { router: "10.10.0.3", nas: "10.10.0.2" } },
    bridge,
    {
      name: "aux",
      driver: "bridge",
      ipamConfigs: [{ subnet: "10.10.0.0/16", gateway: "10.10.0.1", auxAddress: { nas: "10.10.0.2", router: "10.10.0.3" } }],
    },
    [{ family: 4, subnet: "10.10.0.0/16", gateway: "10.10.0.1", auxAddresses: { nas: "10.10.0.2", router: "10.10.0.3" } }],
  ],
  [
    "dual stack pools set ipv6 and canonicalize IPv6",
    "dual",
    { pools: [{ subnet: "10.20.0.0/16" }, { subnet: "FD00:20::/64", gateway: "fd00:20:0::1" }] },
    { driver: "bridge", ipv6: true },
    {
      name: "dual",
      driver: "bridge",
      ipamConfigs: [
        { subnet: "10.20.0.0/16", gateway: "10.20.0.1" },
        { subnet: "fd00:20::/64", gateway: "fd00:20::1" },
      ],
      ipv6: true,
    },
    [
      { family: 4, subnet: "10.20.0.0/16", gateway: "10.20.0.1" },
      { family: 6, subnet: "fd00:20::/64", gateway: "fd00:20::1" },
    ],
  ],
  [
    "an IPv6 pool sets ipv6 even when the driver does not ask",
    "v6only",
    { pools: [{ subnet: "fd00:30::/64" }] },
    bridge,
    { name: "v6only", driver: "bridge", ipamConfigs: [{ subnet: "fd00:30::/64", gateway: "fd00:30::1" }], ipv6: true },
    [{ family: 6, subnet: "fd00:30::/64", gateway: "fd00:30::1" }],
  ],
  [
    "internal, attachable, options and labels present",
    "backend",
    { subnet: "10.30.0.0/24", internal: true, labels: { tier: "db", "com.example.team": "net" } },
    { driver: "overlay", attachable: true, options: { encrypted: "" } },
    {
      name: "backend",
      driver: "overlay",
      ipamConfigs: [{ subnet: "10.30.0.0/24", gateway: "10.30.0.1" }],
      internal: true,
      attachable: true,
      options: { encrypted: "" },
      labels: [
        { label: "com.example.team", value: "net" },
        { label: "tier", value: "db" },
      ],
    },
    [{ family: 4, subnet: "10.30.0.0/24", gateway: "10.30.0.1" }],
  ],
  [
    "internal false and attachable false are kept",
    "flags",
    { internal: false },
    { driver: "bridge", attachable: false },
    { name: "flags", driver: "bridge", internal: false, attachable: false },
    [],
  ],
  [
    "empty options and empty labels are omitted",
    "bare",
    { labels: {} },
    { driver: "bridge", options: {} },
    { name: "bare", driver: "bridge" },
    [],
  ],
  [
    "macvlan options are passed through",
    "lan",
    { subnet: "192.168.10.0/24", gateway: "192.168.10.254" },
    { driver: "macvlan", options: { macvlan_mode: "bridge", parent: "eth0.10" } },
    {
      name: "lan",
      driver: "macvlan",
      ipamConfigs: [{ subnet: "192.168.10.0/24", gateway: "192.168.10.254" }],
      options: { macvlan_mode: "bridge", parent: "eth0.10" },
    },
    [{ family: 4, subnet: "192.168.10.0/24", gateway: "192.168.10.254" }],
  ],
];

for (const [title, name, args, driver, spec, pools] of valid) {
  test(`networkSpec: ${title}`, (t) => {
    const out = networkSpec(name, args, driver, undefined);
    t.deepEqual(out, { spec, pools });
    // optional keys are omitted, never present as undefined
    t.deepEqual(Object.keys(out.spec), Object.keys(spec));
  });
}

// ---------------------------------------------------------------- invalid specs

type FieldError = IpamError | DriverOptionError;
type ErrorClass = { new (...args: any[]): FieldError; readonly prototype: FieldError };

const invalid: [string, string, NetworkCommonArgs, DriverSpec, ErrorClass, string, string][] = [
  [
    "pools together with the shorthand",
    "n",
    { pools: [{ subnet: "10.10.0.0/16" }], subnet: "10.10.0.0/16" },
    bridge,
    IpamError,
    "pools",
    "Only one of [pools] and [subnet, gateway, ipRange, auxAddresses] can be specified: move the shorthand fields into a pool, or drop pools.",
  ],
  [
    "pools together with ipRange only",
    "n",
    { pools: [{ subnet: "10.10.0.0/16" }], ipRange: "10.10.1.0/24" },
    bridge,
    IpamError,
    "pools",
    "Only one of [pools] and [subnet, gateway, ipRange, auxAddresses] can be specified: move the shorthand fields into a pool, or drop pools.",
  ],
  [
    "gateway without subnet",
    "n",
    { gateway: "10.10.0.1" },
    bridge,
    IpamError,
    "subnet",
    'subnet is required when gateway, ipRange or auxAddresses is given: add the subnet they belong to, e.g. "10.10.0.0/16".',
  ],
  [
    "auxAddresses without subnet",
    "n",
    { auxAddresses: { nas: "10.10.0.2" } },
    bridge,
    IpamError,
    "subnet",
    'subnet is required when gateway, ipRange or auxAddresses is given: add the subnet they belong to, e.g. "10.10.0.0/16".',
  ],
  [
    "ipv6 true without an IPv6 pool",
    "n",
    { subnet: "10.10.0.0/16" },
    { driver: "bridge", ipv6: true },
    IpamError,
    "ipv6",
    'ipv6 is true but no IPv6 pool is given: add one to pools, e.g. { subnet: "fd00:10::/64" }, so its range is known and checked.',
  ],
  [
    "ipv6 true with no addressing at all",
    "n",
    {},
    { driver: "bridge", ipv6: true },
    IpamError,
    "ipv6",
    'ipv6 is true but no IPv6 pool is given: add one to pools, e.g. { subnet: "fd00:10::/64" }, so its range is known and checked.',
  ],
  [
    "networkName starting with a dash",
    "n",
    { networkName: "-net" },
    bridge,
    IpamError,
    "networkName",
    'networkName "-net" is not a valid Docker network name: use letters, digits, "_", "." and "-", starting with a letter or digit.',
  ],
  [
    "component name with a space used as network name",
    "my net",
    {},
    bridge,
    IpamError,
    "networkName",
    'networkName "my net" is not a valid Docker network name: use letters, digits, "_", "." and "-", starting with a letter or digit.',
  ],
  [
    "networkName with injection",
    "n",
    { networkName: "net;rm -rf /" },
    bridge,
    IpamError,
    "networkName",
    'networkName "net;rm -rf /" is not a valid Docker network name: use letters, digits, "_", "." and "-", starting with a letter or digit.',
  ],
  [
    "empty networkName",
    "n",
    { networkName: "" },
    bridge,
    IpamError,
    "networkName",
    'networkName "" is not a valid Docker network name: use letters, digits, "_", "." and "-", starting with a letter or digit.',
  ],
  [
    "networkName longer than 128 characters",
    "n",
    { networkName: "a".repeat(129) },
    bridge,
    IpamError,
    "networkName",
    `networkName "${"a".repeat(129)}" is not a valid Docker network name: use letters, digits, "_", "." and "-", starting with a letter or digit.`,
  ],
  [
    "shorthand subnet with host bits (top-level field name)",
    "n",
    { subnet: "10.10.0.1/16" },
    bridge,
    IpamError,
    "subnet",
    'subnet "10.10.0.1/16" has host bits set. For a prefix of length 16 the network address is 10.10.0.0: use "10.10.0.0/16".',
  ],
  [
    "shorthand gateway outside the subnet",
    "n",
    { subnet: "10.10.0.0/16", gateway: "10.11.0.1" },
    bridge,
    IpamError,
    "gateway",
    'gateway "10.11.0.1" is outside subnet 10.10.0.0/16: pick an address inside it, or omit gateway to use 10.10.0.1.',
  ],
  [
    "shorthand ipRange outside the subnet",
    "n",
    { subnet: "172.18.0.0/16", ipRange: "172.19.5.0/24" },
    bridge,
    IpamError,
    "ipRange",
    'ipRange "172.19.5.0/24" is not inside subnet 172.18.0.0/16: use a range inside it, or omit ipRange to allocate from the whole subnet.',
  ],
  [
    "shorthand aux address on the gateway",
    "n",
    { subnet: "10.10.0.0/16", auxAddresses: { router: "10.10.0.1" } },
    bridge,
    IpamError,
    "auxAddresses.router",
    'auxAddresses.router "10.10.0.1" is the gateway of subnet 10.10.0.0/16: pick another address inside it, or move the gateway.',
  ],
  [
    "two IPv4 pools",
    "n",
    { pools: [{ subnet: "10.10.0.0/16" }, { subnet: "10.20.0.0/16" }] },
    bridge,
    IpamError,
    "pools[1].subnet",
    'pools[1].subnet "10.20.0.0/16" is a second IPv4 pool: pools[0] already has subnet 10.10.0.0/16; use at most one IPv4 and one IPv6 pool per network.',
  ],
  [
    "pool gateway of the wrong family",
    "n",
    { pools: [{ subnet: "10.10.0.0/16" }, { subnet: "fd00:10::/64", gateway: "10.10.0.1" }] },
    { driver: "bridge", ipv6: true },
    IpamError,
    "pools[1].gateway",
    'pools[1].gateway "10.10.0.1" is an IPv4 address but subnet fd00:10::/64 is IPv6: use an IPv6 address inside it, or omit gateway to use fd00:10::1.',
  ],
  [
    "label key with a space",
    "n",
    { subnet: "10.10.0.0/16", labels: { "my team": "net" } },
    bridge,
    DriverOptionError,
    "labels",
    'labels key "my team" is not a valid label key: use a non-empty key without spaces, e.g. "com.example.team".',
  ],
];

for (const [title, name, args, driver, cls, field, message] of invalid) {
  test(`networkSpec rejects ${title}`, (t) => {
    const plan = new AddressPlan();
    const err = t.throws(() => networkSpec(name, args, driver, plan), { instanceOf: cls, message });
    t.is(err.field, field);
    // nothing is registered when a check fails
    t.deepEqual(plan.entries(), []);
  });
}

test("networkSpec accepts a networkName of exactly 128 characters", (t) => {
  const name = `n${"-".repeat(126)}1`;
  t.deepEqual(networkSpec("x", { networkName: name }, bridge, undefined).spec, { name, driver: "bridge" });
});

// ---------------------------------------------------------------- address plan registration

test('address plan: the four seed networks register under network "NAME" in order', (t) => {
  const plan = new AddressPlan();
  networkSpec("eagleslab-net", { subnet: "10.10.0.0/16", gateway: "10.10.0.1" }, bridge, plan);
  networkSpec("mynet", { subnet: "192.168.0.0/16", gateway: "192.168.0.1" }, bridge, plan);
  networkSpec("mybr0", { subnet: "172.26.0.0/16", gateway: "172.26.0.1" }, bridge, plan);
  networkSpec("redis", { subnet: "172.38.0.0/16" }, bridge, plan);
  t.deepEqual(plan.entries(), [
    { owner: 'network "eagleslab-net"', subnet: "10.10.0.0/16" },
    { owner: 'network "mynet"', subnet: "192.168.0.0/16" },
    { owner: 'network "mybr0"', subnet: "172.26.0.0/16" },
    { owner: 'network "redis"', subnet: "172.38.0.0/16" },
  ]);
});

test("address plan: the owner is the networkName, not the component name", (t) => {
  const plan = new AddressPlan();
  networkSpec("component", { networkName: "eagleslab-net", subnet: "10.10.0.0/16" }, bridge, plan);
  t.deepEqual(plan.entries(), [{ owner: 'network "eagleslab-net"', subnet: "10.10.0.0/16" }]);
});

test("address plan: dual stack registers both pools", (t) => {
  const plan = new AddressPlan();
  networkSpec("dual", { pools: [{ subnet: "10.20.0.0/16" }, { subnet: "FD00:20::/64" }] }, { driver: "bridge", ipv6: true }, plan);
  t.deepEqual(plan.entries(), [
    { owner: 'network "dual"', subnet: "10.20.0.0/16" },
    { owner: 'network "dual"', subnet: "fd00:20::/64" },
  ]);
});

test("address plan: a network without addressing registers nothing", (t) => {
  const plan = new AddressPlan();
  networkSpec("plain", {}, bridge, plan);
  t.deepEqual(plan.entries(), []);
});

const overlaps: [string, string, NetworkCommonArgs, string, string][] = [
  [
    "the same subnet",
    "other",
    { subnet: "10.10.0.0/16" },
    "subnet",
    'subnet 10.10.0.0/16 of network "other" overlaps 10.10.0.0/16 of network "eagleslab-net": choose a range that does not overlap, e.g. the next free /16: 10.11.0.0/16.',
  ],
  [
    "a smaller subnet inside",
    "inner",
    { subnet: "10.10.5.0/24", gateway: "10.10.5.254" },
    "subnet",
    'subnet 10.10.5.0/24 of network "inner" overlaps 10.10.0.0/16 of network "eagleslab-net": choose a range that does not overlap, e.g. the next free /24: 10.11.0.0/24.',
  ],
  [
    "a larger subnet around",
    "outer",
    { subnet: "10.0.0.0/8" },
    "subnet",
    'subnet 10.0.0.0/8 of network "outer" overlaps 10.10.0.0/16 of network "eagleslab-net": choose a range that does not overlap.',
  ],
  [
    "the IPv4 pool of a dual-stack network",
    "dual",
    { pools: [{ subnet: "10.10.128.0/17" }, { subnet: "fd00:20::/64" }] },
    "pools[0].subnet",
    'pools[0].subnet 10.10.128.0/17 of network "dual" overlaps 10.10.0.0/16 of network "eagleslab-net": choose a range that does not overlap, e.g. the next free /17: 10.11.0.0/17.',
  ],
];

for (const [title, name, args, field, message] of overlaps) {
  test(`address plan: a second network overlapping the first fails (${title})`, (t) => {
    const plan = new AddressPlan();
    networkSpec("eagleslab-net", { subnet: "10.10.0.0/16", gateway: "10.10.0.1" }, bridge, plan);
    const err = t.throws(() => networkSpec(name, args, { driver: "bridge" }, plan), { instanceOf: IpamError, message });
    t.is(err.field, field);
    t.deepEqual(plan.entries(), [{ owner: 'network "eagleslab-net"', subnet: "10.10.0.0/16" }]);
  });
}

test("address plan: an IPv6 pool overlapping another network names pools[1]", (t) => {
  const plan = new AddressPlan();
  networkSpec("v6", { pools: [{ subnet: "fd00:10::/64" }] }, bridge, plan);
  t.throws(() => networkSpec("dual", { pools: [{ subnet: "10.20.0.0/16" }, { subnet: "fd00:10::/64" }] }, bridge, plan), {
    instanceOf: IpamError,
    message:
      'pools[1].subnet fd00:10::/64 of network "dual" overlaps fd00:10::/64 of network "v6": choose a range that does not overlap, e.g. the next free /64: fd00:10:0:1::/64.',
  });
});

// Known issue: registration is not atomic. The IPv4 pool of "dual" is registered before its
// IPv6 pool is found to overlap, so the failed network stays in the plan. Remove `.failing` once fixed.
test("address plan: a network whose second pool overlaps leaves no entry behind", (t) => {
  const plan = new AddressPlan();
  networkSpec("v6", { pools: [{ subnet: "fd00:10::/64" }] }, bridge, plan);
  t.throws(() => networkSpec("dual", { pools: [{ subnet: "10.20.0.0/16" }, { subnet: "fd00:10::/64" }] }, bridge, plan), {
    instanceOf: IpamError,
  });
  t.deepEqual(plan.entries(), [{ owner: 'network "v6"', subnet: "fd00:10::/64" }]);
});

test("address plan: networks that do not overlap all register in one plan", (t) => {
  const plan = new AddressPlan();
  networkSpec("a", { subnet: "10.10.0.0/16" }, bridge, plan);
  networkSpec("b", { subnet: "10.11.0.0/16" }, bridge, plan);
  networkSpec("c", { pools: [{ subnet: "10.12.0.0/16" }, { subnet: "fd00:12::/64" }] }, bridge, plan);
  t.deepEqual(plan.entries(), [
    { owner: 'network "a"', subnet: "10.10.0.0/16" },
    { owner: 'network "b"', subnet: "10.11.0.0/16" },
    { owner: 'network "c"', subnet: "10.12.0.0/16" },
    { owner: 'network "c"', subnet: "fd00:12::/64" },
  ]);
});

test("address plan: the same network built twice is idempotent", (t) => {
  const plan = new AddressPlan();
  const first = networkSpec("redis", { subnet: "172.38.0.0/16" }, bridge, plan);
  const second = networkSpec("redis", { subnet: "172.38.0.0/16" }, bridge, plan);
  t.deepEqual(second, first);
  t.deepEqual(plan.entries(), [{ owner: 'network "redis"', subnet: "172.38.0.0/16" }]);
});
