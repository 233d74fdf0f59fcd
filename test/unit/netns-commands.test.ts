import test from "ava";
import { execFileSync } from "node:child_process";
import {
  CommandArgError,
  CommandScripts,
  linuxBridgeCommands,
  netnsCommands,
  routeCommands,
  validateCidrArg,
  validateIpArg,
  vethCommands,
} from "../../provider/netns/commands";
import { NameError, validateInterfaceName, validateNamespaceName } from "../../provider/netns/names";
import { shellQuote } from "../../provider/shell";

const lines = (...l: string[]) => [...l, ""].join("\n");

const HEAD_FAIL = `dw_fail() { echo "dockwire: $dw_res: $*" >&2; trap - EXIT; exit 1; }`;
const HEAD_HAS = `dw_has() { [ -n "$(ip "$@" 2>/dev/null)" ]; }`;
const trap = (phase: string) => `trap 'dw_rc=$?; [ "$dw_rc" -eq 0 ] || echo "dockwire: $dw_res: ${phase} failed (exit $dw_rc)" >&2' EXIT`;

// ---------------------------------------------------------------- netns

test("netnsCommands r1: exact scripts", (t) => {
  t.deepEqual(netnsCommands({ name: "r1" }), {
    create: lines(
      "set -e",
      "dw_res='netns r1'",
      trap("create"),
      "if [ ! -e /var/run/netns/r1 ]; then",
      "  ip netns add r1",
      "fi",
      "ip -n r1 link set dev lo up",
    ),
    delete: lines("set -e", "dw_res='netns r1'", trap("delete"), "if [ -e /var/run/netns/r1 ]; then", "  ip netns del r1", "fi"),
  });
});

// ---------------------------------------------------------------- veth seed labs

test("vethCommands seed lab 1: veth1.1 -> r1 as eth0, host end veth1.2", (t) => {
  const scripts = vethCommands({
    name: "veth1.1",
    peerName: "veth1.2",
    ends: [{ namespace: "r1", rename: "eth0", addresses: ["10.250.1.6/24"] }, { addresses: ["10.250.1.5/24"] }],
  });
  t.is(
    scripts.create,
    lines(
      "set -e",
      "dw_res='veth veth1.1 (peer veth1.2)'",
      HEAD_FAIL,
      HEAD_HAS,
      trap("create"),
      "[ -e /var/run/netns/r1 ] || dw_fail 'namespace r1 does not exist; create it first'",
      "if ! dw_has -n r1 link show dev eth0 type veth && ! dw_has -n r1 link show dev veth1.1 type veth && " +
        "! dw_has link show dev veth1.1 type veth && ! dw_has link show dev eth0 type veth && ! dw_has link show dev veth1.2 type veth; then",
      "  ip link add veth1.1 type veth peer name veth1.2",
      "fi",
      "if dw_has -n r1 link show dev eth0 type veth; then",
      "  :",
      "elif dw_has -n r1 link show dev veth1.1 type veth; then",
      "  ip -n r1 link set dev veth1.1 name eth0",
      "elif dw_has link show dev veth1.1 type veth; then",
      "  ip link set dev veth1.1 netns r1",
      "  ip -n r1 link set dev veth1.1 name eth0",
      // moved back out of r1 by hand, keeping its name: moved in again
      "elif dw_has link show dev eth0 type veth; then",
      "  ip link set dev eth0 netns r1",
      "else",
      "  dw_fail 'end veth1.1 (to be eth0 in namespace r1) is not a veth in either namespace r1 or the host namespace'",
      "fi",
      "ip -n r1 addr replace 10.250.1.6/24 dev eth0",
      "ip -n r1 link set dev eth0 up",
      "if dw_has link show dev veth1.2 type veth; then",
      "  :",
      "else",
      "  dw_fail 'end veth1.2 is not a veth in the host namespace'",
      "fi",
      "ip addr replace 10.250.1.5/24 dev veth1.2",
      "ip link set dev veth1.2 up",
    ),
  );
  t.is(
    scripts.delete,
    lines(
      "set -e",
      "dw_res='veth veth1.1 (peer veth1.2)'",
      HEAD_HAS,
      trap("delete"),
      "if dw_has -n r1 link show dev eth0 type veth; then",
      "  ip -n r1 link del dev eth0",
      "elif dw_has -n r1 link show dev veth1.1 type veth; then",
      "  ip -n r1 link del dev veth1.1",
      "elif dw_has link show dev veth1.1 type veth; then",
      "  ip link del dev veth1.1",
      "elif dw_has link show dev eth0 type veth; then",
      "  ip link del dev eth0",
      "elif dw_has link show dev veth1.2 type veth; then",
      "  ip link del dev veth1.2",
      "fi",
    ),
  );
});

test("vethCommands seed lab 2: veth-test1/veth-test2 into test1/test2", (t) => {
  const scripts = vethCommands({
    name: "veth-test1",
    peerName: "veth-test2",
    ends: [
      { namespace: "test1", addresses: ["192.168.1.1/24"] },
      { namespace: "test2", addresses: ["192.168.1.2/24"] },
    ],
  });
  t.is(
    scripts.create,
    lines(
      "set -e",
      "dw_res='veth veth-test1 (peer veth-test2)'",
      HEAD_FAIL,
      HEAD_HAS,
      trap("create"),
      "[ -e /var/run/netns/test1 ] || dw_fail 'namespace test1 does not exist; create it first'",
      "[ -e /var/run/netns/test2 ] || dw_fail 'namespace test2 does not exist; create it first'",
      "if ! dw_has -n test1 link show dev veth-test1 type veth && ! dw_has link show dev veth-test1 type veth && " +
        "! dw_has -n test2 link show dev veth-test2 type veth && ! dw_has link show dev veth-test2 type veth; then",
      "  ip link add veth-test1 type veth peer name veth-test2",
      "fi",
      "if dw_has -n test1 link show dev veth-test1 type veth; then",
      "  :",
      "elif dw_has link show dev veth-test1 type veth; then",
      "  ip link set dev veth-test1 netns test1",
      "else",
      "  dw_fail 'end veth-test1 (to go to namespace test1) is not a veth in either namespace test1 or the host namespace'",
      "fi",
      "ip -n test1 addr replace 192.168.1.1/24 dev veth-test1",
      "ip -n test1 link set dev veth-test1 up",
      "if dw_has -n test2 link show dev veth-test2 type veth; then",
      "  :",
      "elif dw_has link show dev veth-test2 type veth; then",
      "  ip link set dev veth-test2 netns test2",
      "else",
      "  dw_fail 'end veth-test2 (to go to namespace test2) is not a veth in either namespace test2 or the host namespace'",
      "fi",
      "ip -n test2 addr replace 192.168.1.2/24 dev veth-test2",
      "ip -n test2 link set dev veth-test2 up",
    ),
  );
  t.is(
    scripts.delete,
    lines(
      "set -e",
      "dw_res='veth veth-test1 (peer veth-test2)'",
      HEAD_HAS,
      trap("delete"),
      "if dw_has -n test1 link show dev veth-test1 type veth; then",
      "  ip -n test1 link del dev veth-test1",
      "elif dw_has link show dev veth-test1 type veth; then",
      "  ip link del dev veth-test1",
      "elif dw_has -n test2 link show dev veth-test2 type veth; then",
      "  ip -n test2 link del dev veth-test2",
      "elif dw_has link show dev veth-test2 type veth; then",
      "  ip link del dev veth-test2",
      "fi",
    ),
  );
});

test("vethCommands places namespaced ends first, renames host ends, honours up: false", (t) => {
  const { create } = vethCommands({ name: "a", peerName: "b", ends: [{ rename: "c", up: false }, { namespace: "n" }] });
  t.is(
    create,
    lines(
      "set -e",
      "dw_res='veth a (peer b)'",
      HEAD_FAIL,
      HEAD_HAS,
      trap("create"),
      "[ -e /var/run/netns/n ] || dw_fail 'namespace n does not exist; create it first'",
      "if ! dw_has link show dev c type veth && ! dw_has link show dev a type veth && " +
        "! dw_has -n n link show dev b type veth && ! dw_has link show dev b type veth; then",
      "  ip link add a type veth peer name b",
      "fi",
      "if dw_has -n n link show dev b type veth; then",
      "  :",
      "elif dw_has link show dev b type veth; then",
      "  ip link set dev b netns n",
      "else",
      "  dw_fail 'end b (to go to namespace n) is not a veth in either namespace n or the host namespace'",
      "fi",
      "ip -n n link set dev b up",
      "if dw_has link show dev c type veth; then",
      "  :",
      "elif dw_has link show dev a type veth; then",
      "  ip link set dev a name c",
      "else",
      "  dw_fail 'end a (to be renamed c) is not a veth in the host namespace'",
      "fi",
      "ip link set dev c down",
    ),
  );
});

test("vethCommands with both ends in one namespace checks it once and supports IPv6", (t) => {
  const { create } = vethCommands({
    name: "v0",
    peerName: "v1",
    ends: [
      { namespace: "lab", addresses: ["fd00::1/64", "10.0.0.1/31"] },
      { namespace: "lab", rename: "uplink" },
    ],
  });
  t.is(create.split("\n").filter((l) => l.startsWith("[ -e ")).length, 1);
  t.true(create.includes("ip -n lab addr replace fd00::1/64 dev v0\nip -n lab addr replace 10.0.0.1/31 dev v0\n"));
  t.true(create.includes("  ip link set dev v1 netns lab\n  ip -n lab link set dev v1 name uplink\n"));
});

// ---------------------------------------------------------------- bridge

test("linuxBridgeCommands in a namespace with ports: exact scripts", (t) => {
  t.deepEqual(linuxBridgeCommands({ name: "br0", namespace: "r1", addresses: ["10.9.0.1/24"], ports: ["eth1", "eth2"] }), {
    create: lines(
      "set -e",
      "dw_res='bridge br0 in namespace r1'",
      HEAD_FAIL,
      HEAD_HAS,
      trap("create"),
      "[ -e /var/run/netns/r1 ] || dw_fail 'namespace r1 does not exist; create it first'",
      "if dw_has -n r1 link show dev br0 type bridge; then",
      "  :",
      "elif dw_has -n r1 link show dev br0; then",
      "  dw_fail 'interface br0 exists in namespace r1 but is not a bridge'",
      "else",
      "  ip -n r1 link add name br0 type bridge",
      "fi",
      "dw_has -n r1 link show dev eth1 || dw_fail 'port eth1 does not exist in namespace r1'",
      "ip -n r1 link set dev eth1 master br0",
      "dw_has -n r1 link show dev eth2 || dw_fail 'port eth2 does not exist in namespace r1'",
      "ip -n r1 link set dev eth2 master br0",
      "ip -n r1 addr replace 10.9.0.1/24 dev br0",
      "ip -n r1 link set dev br0 up",
    ),
    delete: lines(
      "set -e",
      "dw_res='bridge br0 in namespace r1'",
      HEAD_HAS,
      trap("delete"),
      "if dw_has -n r1 link show dev br0 type bridge; then",
      "  ip -n r1 link del dev br0",
      "fi",
    ),
  });
});

test("linuxBridgeCommands in the host namespace, down", (t) => {
  t.is(
    linuxBridgeCommands({ name: "br-lab", up: false }).create,
    lines(
      "set -e",
      "dw_res='bridge br-lab'",
      HEAD_FAIL,
      HEAD_HAS,
      trap("create"),
      "if dw_has link show dev br-lab type bridge; then",
      "  :",
      "elif dw_has link show dev br-lab; then",
      "  dw_fail 'interface br-lab exists in the host namespace but is not a bridge'",
      "else",
      "  ip link add name br-lab type bridge",
      "fi",
      "ip link set dev br-lab down",
    ),
  );
});

// ---------------------------------------------------------------- routes

test("routeCommands default route in a namespace: exact scripts", (t) => {
  t.deepEqual(routeCommands({ destination: "default", via: "10.250.1.5", namespace: "r1" }), {
    create: lines(
      "set -e",
      "dw_res='route default (IPv4) in namespace r1'",
      HEAD_FAIL,
      trap("create"),
      "[ -e /var/run/netns/r1 ] || dw_fail 'namespace r1 does not exist; create it first'",
      "ip -n r1 -4 route replace default via 10.250.1.5",
    ),
    delete: lines(
      "set -e",
      "dw_res='route default (IPv4) in namespace r1'",
      HEAD_HAS,
      trap("delete"),
      "if dw_has -n r1 -4 route show exact default; then",
      "  ip -n r1 -4 route del default",
      "fi",
    ),
  });
});

test("routeCommands host route with via and dev", (t) => {
  t.deepEqual(routeCommands({ destination: "10.20.0.0/16", via: "10.250.1.6", dev: "veth1.2" }), {
    create: lines("set -e", "dw_res='route 10.20.0.0/16'", trap("create"), "ip -4 route replace 10.20.0.0/16 via 10.250.1.6 dev veth1.2"),
    delete: lines(
      "set -e",
      "dw_res='route 10.20.0.0/16'",
      HEAD_HAS,
      trap("delete"),
      "if dw_has -4 route show exact 10.20.0.0/16; then",
      "  ip -4 route del 10.20.0.0/16",
      "fi",
    ),
  });
});

test("routeCommands picks -6 from the destination or the gateway", (t) => {
  t.true(routeCommands({ destination: "fd00:20::/48", dev: "br0" }).create.endsWith("\nip -6 route replace fd00:20::/48 dev br0\n"));
  t.true(routeCommands({ destination: "default", via: "fd00::1" }).create.endsWith("\nip -6 route replace default via fd00::1\n"));
  t.true(routeCommands({ destination: "default", dev: "eth0" }).create.endsWith("\nip -4 route replace default dev eth0\n"));
  t.true(
    routeCommands({ destination: "default", via: "fd00::1" }).delete.includes(
      "if dw_has -6 route show exact default; then\n  ip -6 route del default\n",
    ),
  );
});

// ---------------------------------------------------------------- every script is valid sh

const samples: [string, CommandScripts][] = [
  ["netns", netnsCommands({ name: "r1" })],
  [
    "veth1",
    vethCommands({ name: "veth1.1", peerName: "veth1.2", ends: [{ namespace: "r1", rename: "eth0", addresses: ["10.250.1.6/24"] }, {}] }),
  ],
  ["veth2", vethCommands({ name: "a", peerName: "b", ends: [{ rename: "c", up: false }, { namespace: "n" }] })],
  ["bridge", linuxBridgeCommands({ name: "br0", namespace: "r1", addresses: ["10.9.0.1/24"], ports: ["eth1"] })],
  ["route", routeCommands({ destination: "default", via: "fd00::1", dev: "eth0", namespace: "r1" })],
];

for (const [label, scripts] of samples) {
  for (const phase of ["create", "delete"] as const) {
    test(`${label} ${phase} script parses with sh -n`, (t) => {
      t.notThrows(() => execFileSync("/bin/sh", ["-n", "-c", scripts[phase]], { stdio: "pipe" }));
    });
  }
}

// ---------------------------------------------------------------- injection attempts are rejected by validation

const START = "dockwire names must start with a letter or digit; rename it.";
const ONLY = 'dockwire names use only letters, digits, "_", "." and "-" so they never need shell quoting; rename it.';

const interfaceInjections: [string, string][] = [
  ["a;rm -rf /", `veth.name "a;rm -rf /" contains ";": ${ONLY}`],
  ["$(id)", `veth.name "$(id)" starts with "$": ${START}`],
  ["x'y", `veth.name "x'y" contains "'": ${ONLY}`],
  ["a\nb", 'veth.name "a\\nb" contains whitespace, which Linux forbids in interface names; remove it.'],
  ["-h", `veth.name "-h" starts with "-" (a leading "-" would be read as an option of ip): ${START}`],
  ["`id`", `veth.name "\`id\`" starts with "\`": ${START}`],
];

for (const [name, message] of interfaceInjections) {
  test(`vethCommands rejects name ${JSON.stringify(name)}`, (t) => {
    t.throws(() => vethCommands({ name, peerName: "p", ends: [{}, {}] }), { instanceOf: NameError, message });
  });
}

const namespaceInjections: [string, string][] = [
  ["a;rm -rf /", `netns.name "a;rm -rf /" contains ";": ${ONLY}`],
  ["$(id)", `netns.name "$(id)" starts with "$": ${START}`],
  ["x'y", `netns.name "x'y" contains "'": ${ONLY}`],
  ["a\nb", `netns.name "a\\nb" contains "\\n": ${ONLY}`],
  ["-h", `netns.name "-h" starts with "-" (a leading "-" would be read as an option of ip): ${START}`],
  ["../etc", 'netns.name "../etc" starts with ".": ' + START],
  ["a/b", 'netns.name "a/b" contains "/": a namespace name is a file name under /var/run/netns; remove it.'],
];

for (const [name, message] of namespaceInjections) {
  test(`netnsCommands rejects name ${JSON.stringify(name)}`, (t) => {
    t.throws(() => netnsCommands({ name }), { instanceOf: NameError, message });
  });
}

test("injections are rejected in every name field of every builder", (t) => {
  const bad = "a;rm -rf /";
  const cases: [() => unknown, string][] = [
    [() => vethCommands({ name: "a", peerName: bad, ends: [{}, {}] }), "veth.peerName"],
    [() => vethCommands({ name: "a", peerName: "b", ends: [{ namespace: bad }, {}] }), "veth.ends[0].namespace"],
    [() => vethCommands({ name: "a", peerName: "b", ends: [{}, { rename: bad }] }), "veth.ends[1].rename"],
    [() => linuxBridgeCommands({ name: bad }), "bridge.name"],
    [() => linuxBridgeCommands({ name: "br0", namespace: bad }), "bridge.namespace"],
    [() => linuxBridgeCommands({ name: "br0", ports: ["eth1", bad] }), "bridge.ports[1]"],
    [() => routeCommands({ destination: "default", dev: bad }), "route.dev"],
    [() => routeCommands({ destination: "default", dev: "eth0", namespace: bad }), "route.namespace"],
  ];
  for (const [build, field] of cases) {
    const error = t.throws(build, { instanceOf: NameError });
    t.is(error?.field, field);
    t.true(error?.message.startsWith(`${field} "a;rm -rf /" contains ";": `));
  }
});

test("address injections are rejected", (t) => {
  const cases: [string, string][] = [
    [
      "10.0.0.1/24;rm -rf /",
      'veth.ends[0].addresses[0] "10.0.0.1/24;rm -rf /" is not an IPv4 or IPv6 CIDR: write an address with a prefix length, e.g. "10.0.0.1/24" or "fd00::1/64".',
    ],
    [
      "$(id)",
      'veth.ends[0].addresses[0] "$(id)" is not an IPv4 or IPv6 CIDR: write an address with a prefix length, e.g. "10.0.0.1/24" or "fd00::1/64".',
    ],
    [
      "10.0.0.1/24\n",
      'veth.ends[0].addresses[0] "10.0.0.1/24\\n" is not an IPv4 or IPv6 CIDR: write an address with a prefix length, e.g. "10.0.0.1/24" or "fd00::1/64".',
    ],
    [
      "-h",
      'veth.ends[0].addresses[0] "-h" is not an IPv4 or IPv6 CIDR: write an address with a prefix length, e.g. "10.0.0.1/24" or "fd00::1/64".',
    ],
  ];
  for (const [address, message] of cases) {
    t.throws(() => vethCommands({ name: "a", peerName: "b", ends: [{ addresses: [address] }, {}] }), {
      instanceOf: CommandArgError,
      message,
    });
  }
  t.throws(() => routeCommands({ destination: "default", via: "10.0.0.1;id" }), {
    instanceOf: CommandArgError,
    message: 'route.via "10.0.0.1;id" is not an IPv4 or IPv6 address: write e.g. "10.0.0.1" or "fd00::1" (no prefix length).',
  });
  t.throws(() => routeCommands({ destination: "$(id)", dev: "eth0" }), {
    instanceOf: CommandArgError,
    message:
      'route.destination "$(id)" is not an IPv4 or IPv6 CIDR: write an address with a prefix length, e.g. "10.0.0.1/24" or "fd00::1/64".',
  });
});

test("shellQuote of each injection attempt stays one inert word", (t) => {
  t.is(shellQuote("a;rm -rf /"), "'a;rm -rf /'");
  t.is(shellQuote("$(id)"), "'$(id)'");
  t.is(shellQuote("x'y"), `'x'"'"'y'`);
  t.is(shellQuote("a\nb"), "'a\nb'");
  t.is(shellQuote("-h"), "-h");
});

// ---------------------------------------------------------------- names

test("validateInterfaceName accepts valid names and returns them", (t) => {
  for (const name of ["eth0", "veth1.1", "veth-test1", "br_lab", "a", "123456789012345", "0", "A.b-C_d"]) {
    t.is(validateInterfaceName(name, "f"), name);
  }
});

const interfaceNameErrors: [string, string][] = [
  ["veth-very-long-name0", 'veth.name "veth-very-long-name0" is 20 characters: Linux interface names are at most 15; shorten it.'],
  ["1234567890123456", 'veth.name "1234567890123456" is 16 characters: Linux interface names are at most 15; shorten it.'],
  [
    "",
    'veth.name is empty: give the interface a name of 1-15 characters (letters, digits, "_", "." and "-", starting with a letter or digit).',
  ],
  [".", 'veth.name "." is reserved by Linux; pick another name.'],
  ["..", 'veth.name ".." is reserved by Linux; pick another name.'],
  ["eth0/1", 'veth.name "eth0/1" contains "/", which Linux forbids in interface names; remove it.'],
  [
    "eth0:1",
    'veth.name "eth0:1" contains ":", which Linux forbids in interface names (it is the old alias syntax, as in eth0:1); remove it.',
  ],
  ["eth 0", 'veth.name "eth 0" contains whitespace, which Linux forbids in interface names; remove it.'],
  ["eth0\t", 'veth.name "eth0\\t" contains whitespace, which Linux forbids in interface names; remove it.'],
  ["_eth0", `veth.name "_eth0" starts with "_": ${START}`],
  ["eth0@1", `veth.name "eth0@1" contains "@": ${ONLY}`],
  ["ethé", `veth.name "ethé" contains "é": ${ONLY}`],
];

for (const [name, message] of interfaceNameErrors) {
  test(`validateInterfaceName rejects ${JSON.stringify(name)}`, (t) => {
    const error = t.throws(() => validateInterfaceName(name, "veth.name"), { instanceOf: NameError, message });
    t.is(error?.field, "veth.name");
    t.is(error?.value, name);
  });
}

test("validateInterfaceName rejects non-strings", (t) => {
  t.throws(() => validateInterfaceName(undefined as unknown as string, "veth.name"), {
    instanceOf: NameError,
    message: "veth.name must be a string interface name, not undefined.",
  });
});

test("validateNamespaceName accepts up to 64 characters", (t) => {
  const name = "n".repeat(64);
  t.is(validateNamespaceName(name, "netns.name"), name);
  t.is(validateNamespaceName("test1", "netns.name"), "test1");
  t.throws(() => validateNamespaceName(`${name}x`, "netns.name"), {
    instanceOf: NameError,
    message: `netns.name "${name}x" is 65 characters: dockwire namespace names are at most 64; shorten it.`,
  });
  t.throws(() => validateNamespaceName("", "netns.name"), {
    instanceOf: NameError,
    message:
      'netns.name is empty: give the namespace a name of 1-64 characters (letters, digits, "_", "." and "-", starting with a letter or digit).',
  });
  t.throws(() => validateNamespaceName("..", "netns.name"), {
    instanceOf: NameError,
    message: 'netns.name ".." is reserved by Linux; pick another name.',
  });
});

// ---------------------------------------------------------------- structural validation

test("vethCommands structural errors", (t) => {
  t.throws(() => vethCommands({ name: "a", peerName: "a", ends: [{}, {}] }), {
    instanceOf: CommandArgError,
    message: 'veth.peerName "a" is the same as veth.name: the two ends of a veth pair need different names.',
  });
  t.throws(() => vethCommands({ name: "a", peerName: "b", ends: [{}] as unknown as [object, object] }), {
    instanceOf: CommandArgError,
    message: "veth.ends must list exactly 2 ends (for veth.name and veth.peerName, in that order), got 1 end.",
  });
  t.throws(
    () =>
      vethCommands({
        name: "a",
        peerName: "b",
        ends: [
          { namespace: "n", rename: "x" },
          { namespace: "n", rename: "x" },
        ],
      }),
    {
      instanceOf: CommandArgError,
      message: 'veth.ends[1] would be named "x" in namespace n, like veth.ends[0]: give the two ends different final names.',
    },
  );
  t.throws(() => vethCommands({ name: "a", peerName: "b", ends: [{ rename: "b" }, {}] }), {
    instanceOf: CommandArgError,
    message: 'veth.ends[1] would be named "b" in the host namespace, like veth.ends[0]: give the two ends different final names.',
  });
  t.throws(() => vethCommands({ name: "a", peerName: "b", ends: [{ up: "yes" as unknown as boolean }, {}] }), {
    instanceOf: CommandArgError,
    message: 'veth.ends[0].up must be true or false, not the string "yes".',
  });
  t.throws(() => vethCommands({ name: "a", peerName: "b", ends: [{ addresses: "10.0.0.1/24" as unknown as string[] }, {}] }), {
    instanceOf: CommandArgError,
    message: 'veth.ends[0].addresses must be an array of CIDRs such as ["10.0.0.1/24"], not the string "10.0.0.1/24".',
  });
  t.throws(() => vethCommands(null as unknown as never, "lab.veth"), {
    instanceOf: CommandArgError,
    message: "lab.veth must be an object, not null.",
  });
});

test("linuxBridgeCommands structural errors", (t) => {
  t.throws(() => linuxBridgeCommands({ name: "br0", ports: ["br0"] }), {
    instanceOf: CommandArgError,
    message: 'bridge.ports[0] "br0" is the bridge itself: list the interfaces to attach to br0.',
  });
  t.throws(() => linuxBridgeCommands({ name: "br0", ports: ["eth1", "eth1"] }), {
    instanceOf: CommandArgError,
    message: 'bridge.ports lists "eth1" twice: list each port once.',
  });
});

test("routeCommands structural errors", (t) => {
  t.throws(() => routeCommands({ destination: "10.0.0.0/24" }), {
    instanceOf: CommandArgError,
    message: "route has neither via nor dev: set via (the gateway address), dev (the outgoing interface), or both.",
  });
  t.throws(() => routeCommands({ destination: "10.0.0.0/24", via: "fd00::1" }), {
    instanceOf: CommandArgError,
    message: 'route.via "fd00::1" is IPv6 but route.destination "10.0.0.0/24" is IPv4: use a gateway of the same family.',
  });
  t.throws(() => routeCommands({ destination: "10.0.0.5/24", dev: "eth0" }), {
    instanceOf: CommandArgError,
    message: 'route.destination "10.0.0.5/24" has host bits set: the network is "10.0.0.0/24"; use that.',
  });
  t.throws(() => routeCommands({ destination: "fd00:20::1/48", dev: "eth0" }), {
    instanceOf: CommandArgError,
    message: 'route.destination "fd00:20::1/48" has host bits set: the network is "fd00:20::/48"; use that.',
  });
});

// ---------------------------------------------------------------- local CIDR validator

test("validateCidrArg accepts IPv4 and IPv6 CIDRs", (t) => {
  t.deepEqual(validateCidrArg("10.250.1.6/24", "f"), { family: 4, prefix: 24, text: "10.250.1.6/24" });
  t.deepEqual(validateCidrArg("0.0.0.0/0", "f"), { family: 4, prefix: 0, text: "0.0.0.0/0" });
  t.deepEqual(validateCidrArg("fd00::1/64", "f"), { family: 6, prefix: 64, text: "fd00::1/64" });
  t.deepEqual(validateCidrArg("::ffff:10.0.0.1/128", "f"), { family: 6, prefix: 128, text: "::ffff:10.0.0.1/128" });
  t.deepEqual(validateCidrArg("1:2:3:4:5:6:7:8/127", "f"), { family: 6, prefix: 127, text: "1:2:3:4:5:6:7:8/127" });
  t.deepEqual(validateCidrArg("10.0.0.0/8", "f", { network: true }), { family: 4, prefix: 8, text: "10.0.0.0/8" });
});

const cidrErrors: [string, string][] = [
  ["10.250.1.6", 'a "10.250.1.6" has no prefix length: write it as CIDR, e.g. "10.250.1.6/24".'],
  ["fd00::1", 'a "fd00::1" has no prefix length: write it as CIDR, e.g. "fd00::1/64".'],
  ["10.0.0.1/33", 'a "10.0.0.1/33" has prefix length 33: IPv4 allows 0-32.'],
  ["fd00::1/129", 'a "fd00::1/129" has prefix length 129: IPv6 allows 0-128.'],
  [
    "300.1.1.1/24",
    'a "300.1.1.1/24" is not an IPv4 or IPv6 CIDR: write an address with a prefix length, e.g. "10.0.0.1/24" or "fd00::1/64".',
  ],
  [
    "10.0.0.01/24",
    'a "10.0.0.01/24" is not an IPv4 or IPv6 CIDR: write an address with a prefix length, e.g. "10.0.0.1/24" or "fd00::1/64".',
  ],
  [
    "10.0.0.1/024",
    'a "10.0.0.1/024" is not an IPv4 or IPv6 CIDR: write an address with a prefix length, e.g. "10.0.0.1/24" or "fd00::1/64".',
  ],
  ["10.0.0.1/", 'a "10.0.0.1/" is not an IPv4 or IPv6 CIDR: write an address with a prefix length, e.g. "10.0.0.1/24" or "fd00::1/64".'],
  [
    "fe80::1%eth0/64",
    'a "fe80::1%eth0/64" is not an IPv4 or IPv6 CIDR: write an address with a prefix length, e.g. "10.0.0.1/24" or "fd00::1/64".',
  ],
  ["1::2::3/64", 'a "1::2::3/64" is not an IPv4 or IPv6 CIDR: write an address with a prefix length, e.g. "10.0.0.1/24" or "fd00::1/64".'],
  ["", 'a "" is not an IPv4 or IPv6 CIDR: write an address with a prefix length, e.g. "10.0.0.1/24" or "fd00::1/64".'],
];

for (const [text, message] of cidrErrors) {
  test(`validateCidrArg rejects ${JSON.stringify(text)}`, (t) => {
    t.throws(() => validateCidrArg(text, "a"), { instanceOf: CommandArgError, message });
  });
}

test("validateIpArg", (t) => {
  t.deepEqual(validateIpArg("10.250.1.5", "via"), { family: 4, text: "10.250.1.5" });
  t.deepEqual(validateIpArg("fe80::1", "via"), { family: 6, text: "fe80::1" });
  t.throws(() => validateIpArg("10.0.0.1/24", "via"), {
    instanceOf: CommandArgError,
    message: 'via "10.0.0.1/24" is not an IPv4 or IPv6 address: write e.g. "10.0.0.1" or "fd00::1" (no prefix length).',
  });
});
