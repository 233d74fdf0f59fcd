import test from "ava";
import {
  Cidr,
  IpamError,
  cidrContains,
  cidrContainsCidr,
  cidrSize,
  cidrsOverlap,
  firstHost,
  formatCidr,
  formatIp,
  lastAddress,
  parseCidr,
  parseIp,
} from "../../provider/ipam";

const cidr = (text: string): Cidr => parseCidr(text, "subnet");

// ---------------------------------------------------------------- parseIp: valid

const validIps: [string, 4 | 6, bigint, string][] = [
  ["10.10.0.1", 4, 0x0a0a0001n, "10.10.0.1"],
  ["0.0.0.0", 4, 0n, "0.0.0.0"],
  ["255.255.255.255", 4, 0xffffffffn, "255.255.255.255"],
  ["::", 6, 0n, "::"],
  ["::1", 6, 1n, "::1"],
  ["2001:DB8::1", 6, 0x20010db8000000000000000000000001n, "2001:db8::1"],
  ["::ffff:10.0.0.1", 6, 0xffff0a000001n, "::ffff:a00:1"],
  ["1:2:3:4:5:6:7:8", 6, 0x00010002000300040005000600070008n, "1:2:3:4:5:6:7:8"],
  ["fd00:0010:0000:0000:0000:0000:0000:0001", 6, 0xfd000010000000000000000000000001n, "fd00:10::1"],
  ["1::", 6, 1n << 112n, "1::"],
];

for (const [text, family, value, canonical] of validIps) {
  test(`parseIp accepts ${JSON.stringify(text)}`, (t) => {
    const ip = parseIp(text);
    t.deepEqual(ip, { family, value });
    t.is(formatIp(family, value), canonical);
  });
}

// ---------------------------------------------------------------- parseIp: invalid

const invalidIps = [
  "010.0.0.1",
  "256.0.0.1",
  "1.2.3",
  "1.2.3.4.5",
  "",
  " 10.0.0.1",
  "10.0.0.-1",
  "0x1.0.0.0",
  "1::2::3",
  "fe80::1%eth0",
  "12345::",
  "1:2:3:4:5:6:7:8:9",
  "1:2:3:4:5:6:7::8",
  "1:2:3:4:5:6:7",
  "1.2.3.4::",
  ":1::",
  "[::1]",
  "::ffff:010.0.0.1",
  "g::1",
];

for (const text of invalidIps) {
  test(`parseIp rejects ${JSON.stringify(text)}`, (t) => {
    t.is(parseIp(text), undefined);
  });
}

// ---------------------------------------------------------------- formatIp (RFC 5952)

const formats: [4 | 6, bigint, string][] = [
  [6, 0x20010db8000000000001000000000001n, "2001:db8::1:0:0:1"],
  [6, 0x20010db8000000010001000100010001n, "2001:db8:0:1:1:1:1:1"],
  [6, 0x20010000000000010000000000000001n, "2001:0:0:1::1"],
  [6, 0x00000000000000000000000000000000n, "::"],
  [6, 0xfd000010000000000000000000000000n, "fd00:10::"],
  [6, 0xabcdef00000000000000000000000000n, "abcd:ef00::"],
  [6, 0x00010000000000000000000000000001n, "1::1"],
  [6, 0x0001000000020000000000000000000an, "1:0:2::a"],
  [4, 0xac1a0001n, "172.26.0.1"],
];

for (const [family, value, text] of formats) {
  test(`formatIp(${family}, 0x${value.toString(16)}) is ${text}`, (t) => {
    t.is(formatIp(family, value), text);
  });
}

test("formatIp rejects a value too large for IPv4", (t) => {
  t.throws(() => formatIp(4, 1n << 32n), {
    instanceOf: RangeError,
    message: "formatIp: 4294967296 is not a valid IPv4 address value",
  });
});

// ---------------------------------------------------------------- parseCidr: valid

const validCidrs: [string, string, 4 | 6, number][] = [
  ["10.10.0.0/16", "10.10.0.0/16", 4, 16],
  ["192.168.0.0/16", "192.168.0.0/16", 4, 16],
  ["172.26.0.0/16", "172.26.0.0/16", 4, 16],
  ["172.38.0.0/16", "172.38.0.0/16", 4, 16],
  ["172.18.0.0/16", "172.18.0.0/16", 4, 16],
  ["172.18.5.0/24", "172.18.5.0/24", 4, 24],
  ["10.0.9.0/24", "10.0.9.0/24", 4, 24],
  ["0.0.0.0/0", "0.0.0.0/0", 4, 0],
  ["10.0.0.1/32", "10.0.0.1/32", 4, 32],
  ["FD00:10:0::/64", "fd00:10::/64", 6, 64],
  ["::/0", "::/0", 6, 0],
  ["2001:db8::1/128", "2001:db8::1/128", 6, 128],
];

for (const [text, canonical, family, prefix] of validCidrs) {
  test(`parseCidr accepts ${text}`, (t) => {
    const c = parseCidr(text, "subnet");
    t.is(c.family, family);
    t.is(c.prefix, prefix);
    t.is(formatCidr(c), canonical);
  });
}

// ---------------------------------------------------------------- parseCidr: invalid

const invalidCidrs: [unknown, string][] = [
  [
    "10.10.0.1/16",
    'subnet "10.10.0.1/16" has host bits set. For a prefix of length 16 the network address is 10.10.0.0: use "10.10.0.0/16".',
  ],
  [
    "172.18.5.1/24",
    'subnet "172.18.5.1/24" has host bits set. For a prefix of length 24 the network address is 172.18.5.0: use "172.18.5.0/24".',
  ],
  ["fd00::1/64", 'subnet "fd00::1/64" has host bits set. For a prefix of length 64 the network address is fd00::: use "fd00::/64".'],
  ["10.10.0.0/33", 'subnet "10.10.0.0/33" has an invalid prefix length "33": an IPv4 prefix length is a whole number from 0 to 32.'],
  ["fd00::/129", 'subnet "fd00::/129" has an invalid prefix length "129": an IPv6 prefix length is a whole number from 0 to 128.'],
  ["10.10.0.0/016", 'subnet "10.10.0.0/016" has an invalid prefix length "016": an IPv4 prefix length is a whole number from 0 to 32.'],
  ["10.10.0.0/", 'subnet "10.10.0.0/" has an invalid prefix length "": an IPv4 prefix length is a whole number from 0 to 32.'],
  ["10.10.0.0/-1", 'subnet "10.10.0.0/-1" has an invalid prefix length "-1": an IPv4 prefix length is a whole number from 0 to 32.'],
  ["10.10.0.0", 'subnet "10.10.0.0" has no prefix length: write it as ADDRESS/PREFIX, e.g. "10.10.0.0/16" or "fd00:10::/64".'],
  ["10.10.0.0/16/8", 'subnet "10.10.0.0/16/8" is not a valid CIDR: write it as ADDRESS/PREFIX, e.g. "10.10.0.0/16" or "fd00:10::/64".'],
  ["banana", 'subnet "banana" is not a valid CIDR: write it as ADDRESS/PREFIX, e.g. "10.10.0.0/16" or "fd00:10::/64".'],
  [
    "010.10.0.0/16",
    'subnet "010.10.0.0/16" has an invalid address "010.10.0.0": use a dotted-quad IPv4 address without leading zeros or an IPv6 address, e.g. "10.10.0.0/16" or "fd00:10::/64".',
  ],
  [
    "fe80::%eth0/64",
    'subnet "fe80::%eth0/64" has an invalid address "fe80::%eth0": use a dotted-quad IPv4 address without leading zeros or an IPv6 address, e.g. "10.10.0.0/16" or "fd00:10::/64".',
  ],
  [undefined, 'subnet must be a CIDR string such as "10.10.0.0/16", got undefined.'],
];

for (const [text, message] of invalidCidrs) {
  test(`parseCidr rejects ${String(JSON.stringify(text))}`, (t) => {
    const error = t.throws(() => parseCidr(text as string, "subnet"), { instanceOf: IpamError, message });
    t.is(error?.field, "subnet");
  });
}

test("parseCidr names the given field", (t) => {
  const error = t.throws(() => parseCidr("10.10.0.1/16", "networks.a.ipam[0].subnet"), {
    instanceOf: IpamError,
    message:
      'networks.a.ipam[0].subnet "10.10.0.1/16" has host bits set. For a prefix of length 16 the network address is 10.10.0.0: use "10.10.0.0/16".',
  });
  t.is(error?.field, "networks.a.ipam[0].subnet");
  t.is(error?.name, "IpamError");
  t.true(error instanceof Error);
});

// ---------------------------------------------------------------- containment and overlap

const contains: [string, string, boolean][] = [
  ["10.10.0.0/16", "10.10.255.255", true],
  ["10.10.0.0/16", "10.10.0.0", true],
  ["10.10.0.0/16", "10.11.0.0", false],
  ["10.10.0.0/16", "fd00::1", false],
  ["fd00:10::/64", "fd00:10::ffff", true],
  ["fd00:10::/64", "fd00:11::", false],
];

for (const [block, address, expected] of contains) {
  test(`cidrContains(${block}, ${address}) is ${expected}`, (t) => {
    const ip = parseIp(address)!;
    t.is(cidrContains(cidr(block), ip.family, ip.value), expected);
  });
}

const containsCidr: [string, string, boolean][] = [
  ["172.18.0.0/16", "172.18.5.0/24", true],
  ["172.18.5.0/24", "172.18.0.0/16", false],
  ["10.0.9.0/24", "10.0.9.0/24", true],
  ["0.0.0.0/0", "::/0", false],
  ["fd00::/8", "fd00:10::/64", true],
];

for (const [outer, inner, expected] of containsCidr) {
  test(`cidrContainsCidr(${outer}, ${inner}) is ${expected}`, (t) => {
    t.is(cidrContainsCidr(cidr(outer), cidr(inner)), expected);
  });
}

const overlaps: [string, string, boolean][] = [
  ["10.10.0.0/16", "10.10.128.0/17", true],
  ["10.10.128.0/17", "10.10.0.0/16", true],
  ["10.10.0.0/16", "10.11.0.0/16", false],
  ["10.0.9.0/24", "10.0.0.0/8", true],
  ["10.0.9.0/24", "10.10.0.0/16", false],
  ["172.26.0.0/16", "172.38.0.0/16", false],
  ["0.0.0.0/0", "::/0", false],
  ["fd00:10::/64", "fd00:10::/48", true],
];

for (const [a, b, expected] of overlaps) {
  test(`cidrsOverlap(${a}, ${b}) is ${expected}`, (t) => {
    t.is(cidrsOverlap(cidr(a), cidr(b)), expected);
  });
}

// ---------------------------------------------------------------- host arithmetic

const hosts: [string, string, string, bigint][] = [
  ["10.10.0.0/16", "10.10.0.1", "10.10.255.255", 65536n],
  ["10.0.9.0/24", "10.0.9.1", "10.0.9.255", 256n],
  ["10.0.0.0/30", "10.0.0.1", "10.0.0.3", 4n],
  ["10.0.0.0/31", "10.0.0.0", "10.0.0.1", 2n],
  ["10.0.0.7/32", "10.0.0.7", "10.0.0.7", 1n],
  ["fd00:10::/64", "fd00:10::1", "fd00:10::ffff:ffff:ffff:ffff", 1n << 64n],
  ["fd00::/127", "fd00::", "fd00::1", 2n],
  ["fd00::5/128", "fd00::5", "fd00::5", 1n],
  ["::/0", "::1", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", 1n << 128n],
];

for (const [block, first, last, size] of hosts) {
  test(`firstHost/lastAddress/cidrSize of ${block}`, (t) => {
    const c = cidr(block);
    t.is(formatIp(c.family, firstHost(c)), first);
    t.is(formatIp(c.family, lastAddress(c)), last);
    t.is(cidrSize(c), size);
  });
}
