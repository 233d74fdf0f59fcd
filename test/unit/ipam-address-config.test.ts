import test from "ava";
import {
  AddressConfig,
  AddressConfigInput,
  IpamError,
  canonicalizeAddressConfig,
  canonicalizeAddressConfigs,
  checkStaticAddress,
} from "../../provider/ipam";

// ---------------------------------------------------------------- one pool: valid

const valid: [string, AddressConfigInput, AddressConfig][] = [
  [
    "seed 10.10.0.0/16 gw 10.10.0.1",
    { subnet: "10.10.0.0/16", gateway: "10.10.0.1" },
    { family: 4, subnet: "10.10.0.0/16", gateway: "10.10.0.1" },
  ],
  [
    "seed 192.168.0.0/16 gw 192.168.0.1",
    { subnet: "192.168.0.0/16", gateway: "192.168.0.1" },
    { family: 4, subnet: "192.168.0.0/16", gateway: "192.168.0.1" },
  ],
  [
    "seed 172.26.0.0/16 gw 172.26.0.1",
    { subnet: "172.26.0.0/16", gateway: "172.26.0.1" },
    { family: 4, subnet: "172.26.0.0/16", gateway: "172.26.0.1" },
  ],
  ["seed 172.38.0.0/16, default gateway", { subnet: "172.38.0.0/16" }, { family: 4, subnet: "172.38.0.0/16", gateway: "172.38.0.1" }],
  [
    "seed 172.18.0.0/16 with ip-range 172.18.5.0/24",
    { subnet: "172.18.0.0/16", ipRange: "172.18.5.0/24" },
    { family: 4, subnet: "172.18.0.0/16", gateway: "172.18.0.1", ipRange: "172.18.5.0/24" },
  ],
  ["seed 10.0.9.0/24", { subnet: "10.0.9.0/24" }, { family: 4, subnet: "10.0.9.0/24", gateway: "10.0.9.1" }],
  ["smallest IPv4 subnet /30", { subnet: "10.0.0.0/30" }, { family: 4, subnet: "10.0.0.0/30", gateway: "10.0.0.1" }],
  [
    "gateway at the last host",
    { subnet: "10.10.0.0/16", gateway: "10.10.255.254" },
    { family: 4, subnet: "10.10.0.0/16", gateway: "10.10.255.254" },
  ],
  ["IPv6 subnet canonicalized", { subnet: "FD00:10:0::/64" }, { family: 6, subnet: "fd00:10::/64", gateway: "fd00:10::1" }],
  [
    "IPv6 gateway canonicalized",
    { subnet: "fd00:10::/64", gateway: "fd00:10:0:0::FE" },
    { family: 6, subnet: "fd00:10::/64", gateway: "fd00:10::fe" },
  ],
  [
    "IPv6 gateway may be the last address (no broadcast)",
    { subnet: "fd00::/126", gateway: "fd00::3" },
    { family: 6, subnet: "fd00::/126", gateway: "fd00::3" },
  ],
  [
    "aux addresses canonical and sorted",
    { subnet: "10.10.0.0/16", auxAddresses: { router: "10.10.0.3", nas: "10.10.0.2" } },
    { family: 4, subnet: "10.10.0.0/16", gateway: "10.10.0.1", auxAddresses: { nas: "10.10.0.2", router: "10.10.0.3" } },
  ],
  [
    "empty aux addresses omitted",
    { subnet: "10.10.0.0/16", auxAddresses: {} },
    { family: 4, subnet: "10.10.0.0/16", gateway: "10.10.0.1" },
  ],
  [
    "IPv6 aux address and ip-range",
    { subnet: "fd00:10::/64", ipRange: "fd00:10::100/120", auxAddresses: { "host-1.a_b": "FD00:10::0:5" } },
    { family: 6, subnet: "fd00:10::/64", gateway: "fd00:10::1", ipRange: "fd00:10::100/120", auxAddresses: { "host-1.a_b": "fd00:10::5" } },
  ],
];

for (const [title, input, expected] of valid) {
  test(`canonicalizeAddressConfig: ${title}`, (t) => {
    const config = canonicalizeAddressConfig(input);
    t.deepEqual(config, expected);
    t.deepEqual(Object.keys(config), Object.keys(expected));
    t.deepEqual(Object.keys(config.auxAddresses ?? {}), Object.keys(expected.auxAddresses ?? {}));
  });
}

// ---------------------------------------------------------------- one pool: invalid

const invalid: [string, AddressConfigInput, string, string][] = [
  [
    "subnet with host bits",
    { subnet: "10.10.0.1/16" },
    "ipam.subnet",
    'ipam.subnet "10.10.0.1/16" has host bits set. For a prefix of length 16 the network address is 10.10.0.0: use "10.10.0.0/16".',
  ],
  [
    "subnet without prefix",
    { subnet: "10.10.0.0" },
    "ipam.subnet",
    'ipam.subnet "10.10.0.0" has no prefix length: write it as ADDRESS/PREFIX, e.g. "10.10.0.0/16" or "fd00:10::/64".',
  ],
  [
    "IPv4 subnet /31 too small",
    { subnet: "10.0.0.0/31" },
    "ipam.subnet",
    'ipam.subnet "10.0.0.0/31" is too small for a Docker network: it needs room for a gateway and at least one container; use a prefix length of at most 30.',
  ],
  [
    "IPv6 subnet /127 too small",
    { subnet: "fd00::/127" },
    "ipam.subnet",
    'ipam.subnet "fd00::/127" is too small for a Docker network: it needs room for a gateway and at least one container; use a prefix length of at most 126.',
  ],
  [
    "gateway outside subnet",
    { subnet: "10.10.0.0/16", gateway: "10.20.0.1" },
    "ipam.gateway",
    'ipam.gateway "10.20.0.1" is outside subnet 10.10.0.0/16: pick an address inside it, or omit gateway to use 10.10.0.1.',
  ],
  [
    "gateway not an address",
    { subnet: "10.10.0.0/16", gateway: "10.10.0.256" },
    "ipam.gateway",
    'ipam.gateway "10.10.0.256" is not a valid IP address: use an address inside 10.10.0.0/16, or omit gateway to use 10.10.0.1.',
  ],
  [
    "gateway with a prefix",
    { subnet: "10.10.0.0/16", gateway: "10.10.0.1/16" },
    "ipam.gateway",
    'ipam.gateway "10.10.0.1/16" is not a valid IP address: use an address inside 10.10.0.0/16, or omit gateway to use 10.10.0.1.',
  ],
  [
    "IPv6 gateway in an IPv4 subnet",
    { subnet: "10.10.0.0/16", gateway: "fd00::1" },
    "ipam.gateway",
    'ipam.gateway "fd00::1" is an IPv6 address but subnet 10.10.0.0/16 is IPv4: use an IPv4 address inside it, or omit gateway to use 10.10.0.1.',
  ],
  [
    "gateway is the network address",
    { subnet: "10.10.0.0/16", gateway: "10.10.0.0" },
    "ipam.gateway",
    'ipam.gateway "10.10.0.0" is the network address of subnet 10.10.0.0/16: pick a host address inside it, or omit gateway to use 10.10.0.1.',
  ],
  [
    "gateway is the broadcast address",
    { subnet: "192.168.0.0/16", gateway: "192.168.255.255" },
    "ipam.gateway",
    'ipam.gateway "192.168.255.255" is the broadcast address of subnet 192.168.0.0/16: pick a host address inside it, or omit gateway to use 192.168.0.1.',
  ],
  [
    "IPv6 gateway is the network address",
    { subnet: "fd00:10::/64", gateway: "fd00:10::" },
    "ipam.gateway",
    'ipam.gateway "fd00:10::" is the network address of subnet fd00:10::/64: pick a host address inside it, or omit gateway to use fd00:10::1.',
  ],
  [
    "ip-range with host bits",
    { subnet: "172.18.0.0/16", ipRange: "172.18.5.1/24" },
    "ipam.ipRange",
    'ipam.ipRange "172.18.5.1/24" has host bits set. For a prefix of length 24 the network address is 172.18.5.0: use "172.18.5.0/24".',
  ],
  [
    "ip-range outside subnet",
    { subnet: "172.18.0.0/16", ipRange: "172.19.5.0/24" },
    "ipam.ipRange",
    'ipam.ipRange "172.19.5.0/24" is not inside subnet 172.18.0.0/16: use a range inside it, or omit ipRange to allocate from the whole subnet.',
  ],
  [
    "ip-range larger than subnet",
    { subnet: "172.18.0.0/16", ipRange: "172.0.0.0/8" },
    "ipam.ipRange",
    'ipam.ipRange "172.0.0.0/8" is not inside subnet 172.18.0.0/16: use a range inside it, or omit ipRange to allocate from the whole subnet.',
  ],
  [
    "IPv6 ip-range in an IPv4 subnet",
    { subnet: "172.18.0.0/16", ipRange: "fd00::/64" },
    "ipam.ipRange",
    'ipam.ipRange "fd00::/64" is IPv6 but subnet 172.18.0.0/16 is IPv4: use an IPv4 range inside it, or omit ipRange to allocate from the whole subnet.',
  ],
  [
    "aux name with a space",
    { subnet: "10.10.0.0/16", auxAddresses: { "my host": "10.10.0.5" } },
    "ipam.auxAddresses",
    'ipam.auxAddresses key "my host" is not a valid name: use a non-empty name made of letters, digits, "_", "." and "-".',
  ],
  [
    "aux name empty",
    { subnet: "10.10.0.0/16", auxAddresses: { "": "10.10.0.5" } },
    "ipam.auxAddresses",
    'ipam.auxAddresses key "" is not a valid name: use a non-empty name made of letters, digits, "_", "." and "-".',
  ],
  [
    "aux address not an address",
    { subnet: "10.10.0.0/16", auxAddresses: { nas: "nas.local" } },
    "ipam.auxAddresses.nas",
    'ipam.auxAddresses.nas "nas.local" is not a valid IP address: use an address inside 10.10.0.0/16.',
  ],
  [
    "aux address outside subnet",
    { subnet: "10.10.0.0/16", auxAddresses: { nas: "10.11.0.5" } },
    "ipam.auxAddresses.nas",
    'ipam.auxAddresses.nas "10.11.0.5" is outside subnet 10.10.0.0/16: pick an address inside it.',
  ],
  [
    "aux address is the default gateway",
    { subnet: "10.10.0.0/16", auxAddresses: { nas: "10.10.0.1" } },
    "ipam.auxAddresses.nas",
    'ipam.auxAddresses.nas "10.10.0.1" is the gateway of subnet 10.10.0.0/16: pick another address inside it, or move the gateway.',
  ],
  [
    "aux address is the explicit IPv6 gateway in another spelling",
    { subnet: "fd00:10::/64", gateway: "fd00:10::fe", auxAddresses: { r: "FD00:10:0::00FE" } },
    "ipam.auxAddresses.r",
    'ipam.auxAddresses.r "FD00:10:0::00FE" is the gateway of subnet fd00:10::/64: pick another address inside it, or move the gateway.',
  ],
  [
    "two aux addresses share an address",
    { subnet: "10.10.0.0/16", auxAddresses: { b: "10.10.0.5", a: "10.10.0.5" } },
    "ipam.auxAddresses.b",
    'ipam.auxAddresses.b "10.10.0.5" is also used by ipam.auxAddresses.a: give each auxiliary address its own address.',
  ],
  [
    "aux address is the broadcast address",
    { subnet: "10.0.9.0/24", auxAddresses: { bc: "10.0.9.255" } },
    "ipam.auxAddresses.bc",
    'ipam.auxAddresses.bc "10.0.9.255" is the broadcast address of subnet 10.0.9.0/24: pick a host address inside it.',
  ],
  [
    "aux IPv4 address in an IPv6 subnet",
    { subnet: "fd00:10::/64", auxAddresses: { nas: "10.10.0.5" } },
    "ipam.auxAddresses.nas",
    'ipam.auxAddresses.nas "10.10.0.5" is an IPv4 address but subnet fd00:10::/64 is IPv6: use an IPv6 address inside it.',
  ],
];

for (const [title, input, field, message] of invalid) {
  test(`canonicalizeAddressConfig rejects: ${title}`, (t) => {
    const error = t.throws(() => canonicalizeAddressConfig(input), { instanceOf: IpamError, message });
    t.is(error?.field, field);
  });
}

test("canonicalizeAddressConfig uses the given field path", (t) => {
  const error = t.throws(() => canonicalizeAddressConfig({ subnet: "10.10.0.0/16", gateway: "10.20.0.1" }, "networks.a.ipam"), {
    instanceOf: IpamError,
    message:
      'networks.a.ipam.gateway "10.20.0.1" is outside subnet 10.10.0.0/16: pick an address inside it, or omit gateway to use 10.10.0.1.',
  });
  t.is(error?.field, "networks.a.ipam.gateway");
});

// ---------------------------------------------------------------- several pools

test("canonicalizeAddressConfigs: dual stack", (t) => {
  t.deepEqual(canonicalizeAddressConfigs([{ subnet: "10.10.0.0/16", gateway: "10.10.0.1" }, { subnet: "FD00:10::/64" }], "ipam"), [
    { family: 4, subnet: "10.10.0.0/16", gateway: "10.10.0.1" },
    { family: 6, subnet: "fd00:10::/64", gateway: "fd00:10::1" },
  ]);
});

test("canonicalizeAddressConfigs: no pools", (t) => {
  t.deepEqual(canonicalizeAddressConfigs([], "ipam"), []);
});

const invalidPools: [string, AddressConfigInput[], string, string][] = [
  [
    "overlapping pools",
    [{ subnet: "10.10.0.0/16" }, { subnet: "10.10.128.0/17" }],
    "ipam[1].subnet",
    'ipam[1].subnet "10.10.128.0/17" overlaps ipam[0].subnet 10.10.0.0/16: give each pool its own range.',
  ],
  [
    "two IPv4 pools",
    [{ subnet: "10.10.0.0/16" }, { subnet: "fd00::/64" }, { subnet: "10.20.0.0/16" }],
    "ipam[2].subnet",
    'ipam[2].subnet "10.20.0.0/16" is a second IPv4 pool: ipam[0] already has subnet 10.10.0.0/16; use at most one IPv4 and one IPv6 pool per network.',
  ],
  [
    "error inside the second pool",
    [{ subnet: "10.10.0.0/16" }, { subnet: "fd00:10::/64", gateway: "fd00:20::1" }],
    "ipam[1].gateway",
    'ipam[1].gateway "fd00:20::1" is outside subnet fd00:10::/64: pick an address inside it, or omit gateway to use fd00:10::1.',
  ],
];

for (const [title, inputs, field, message] of invalidPools) {
  test(`canonicalizeAddressConfigs rejects: ${title}`, (t) => {
    const error = t.throws(() => canonicalizeAddressConfigs(inputs, "ipam"), { instanceOf: IpamError, message });
    t.is(error?.field, field);
  });
}

// ---------------------------------------------------------------- static addresses

const dualStack = canonicalizeAddressConfigs(
  [{ subnet: "10.10.0.0/16", gateway: "10.10.0.1", auxAddresses: { nas: "10.10.0.5" } }, { subnet: "fd00:10::/64" }],
  "ipam",
);
const v4Only = canonicalizeAddressConfigs([{ subnet: "172.18.0.0/16", ipRange: "172.18.5.0/24" }], "ipam");

const validStatic: [string, AddressConfig[], string][] = [
  ["10.10.0.10", dualStack, "10.10.0.10"],
  ["10.10.255.254", dualStack, "10.10.255.254"],
  ["FD00:10::0a", dualStack, "fd00:10::a"],
  ["172.18.0.10", v4Only, "172.18.0.10"],
  ["172.18.5.7", v4Only, "172.18.5.7"],
];

for (const [address, configs, expected] of validStatic) {
  test(`checkStaticAddress accepts ${address} in ${configs.map((c) => c.subnet).join("+")}`, (t) => {
    t.is(checkStaticAddress(address, configs, "containers.web.ipv4Address"), expected);
  });
}

const F = "containers.web.ipv4Address";
const invalidStatic: [string, AddressConfig[], string][] = [
  ["10.10.0", dualStack, `${F} "10.10.0" is not a valid IP address: use an address inside subnets 10.10.0.0/16 and fd00:10::/64.`],
  ["10.20.0.5", dualStack, `${F} "10.20.0.5" is outside subnet 10.10.0.0/16: pick an address inside it.`],
  ["10.10.0.0", dualStack, `${F} "10.10.0.0" is the network address of subnet 10.10.0.0/16: pick a host address inside it.`],
  ["10.10.255.255", dualStack, `${F} "10.10.255.255" is the broadcast address of subnet 10.10.0.0/16: pick a host address inside it.`],
  ["10.10.0.1", dualStack, `${F} "10.10.0.1" is the gateway of subnet 10.10.0.0/16: pick another address inside it.`],
  [
    "10.10.0.5",
    dualStack,
    `${F} "10.10.0.5" is reserved as auxiliary address "nas" of subnet 10.10.0.0/16: pick another address inside it.`,
  ],
  ["fd00:10::", dualStack, `${F} "fd00:10::" is the network address of subnet fd00:10::/64: pick a host address inside it.`],
  ["fd00:10:0::1", dualStack, `${F} "fd00:10:0::1" is the gateway of subnet fd00:10::/64: pick another address inside it.`],
  [
    "fd00::5",
    v4Only,
    `${F} "fd00::5" is an IPv6 address but the network has no IPv6 subnet: use an address inside subnet 172.18.0.0/16, or add an IPv6 pool.`,
  ],
  [
    "10.0.0.5",
    [],
    `${F} "10.0.0.5" needs a network with a configured subnet: Docker accepts a static address only on networks whose ipam config sets a subnet.`,
  ],
];

for (const [address, configs, message] of invalidStatic) {
  test(`checkStaticAddress rejects ${address} in ${configs.map((c) => c.subnet).join("+") || "no pools"}`, (t) => {
    const error = t.throws(() => checkStaticAddress(address, configs, F), { instanceOf: IpamError, message });
    t.is(error?.field, F);
  });
}
