import test from "ava";
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { shippedScript } from "../../provider/hostexec";
import {
  CommandArgError,
  VethArgs,
  commandLine,
  commandScripts,
  linuxBridgeCommands,
  linuxBridgeRuns,
  netnsCommands,
  netnsRuns,
  routeCommands,
  routeRuns,
  validateCidrArg,
  validateIpArg,
  vethCommands,
  vethRuns,
} from "../../provider/netns/commands";
import { NameError, validateInterfaceName, validateNamespaceName } from "../../provider/netns/names";
import { shellQuote } from "../../provider/shell";

const SEED_003: VethArgs = {
  name: "veth1.1",
  peerName: "veth1.2",
  ends: [{ namespace: "r1", rename: "eth0", addresses: ["10.250.1.6/24"] }, { addresses: ["10.250.1.5/24"] }],
};
const SEED_000: VethArgs = {
  name: "veth-test1",
  peerName: "veth-test2",
  ends: [
    { namespace: "test1", addresses: ["192.168.1.1/24"] },
    { namespace: "test2", addresses: ["192.168.1.2/24"] },
  ],
};

type Links = Record<string, { type: string }>;
interface FakeState {
  ns: Record<string, { links: Links; routes: string[] }>;
}

/**
 * Runs provider/sh/netns.sh as the provider does (`sh -c SCRIPT dockwire ARG...`) with a model
 * of `ip` first on PATH (test/unit/fixtures/fake-ip.js). `links` lists, per namespace ("-" is
 * the host), the links besides lo; or a whole state from an earlier run. `changes` are the ip
 * calls that are not queries, in order.
 */
function runNetnsSh(args: string[], links: Record<string, Links> | FakeState) {
  const dir = mkdtempSync(path.join(tmpdir(), "dw-fake-ip-"));
  try {
    writeFileSync(
      path.join(dir, "ip"),
      `#!/bin/sh\nexec ${shellQuote(process.execPath)} ${shellQuote(path.join(__dirname, "fixtures", "fake-ip.js"))} "$@"\n`,
      {
        mode: 0o755,
      },
    );
    const isState = (x: Record<string, Links> | FakeState): x is FakeState => Array.isArray((x as FakeState).ns?.["-"]?.routes);
    const state: FakeState = isState(links)
      ? links
      : {
          ns: Object.fromEntries(
            Object.entries({ "-": {}, ...links }).map(([n, l]) => [n, { links: { lo: { type: "loopback" }, ...l }, routes: [] }]),
          ),
        };
    writeFileSync(path.join(dir, "state.json"), JSON.stringify(state));
    writeFileSync(path.join(dir, "log"), "");
    const r = spawnSync("/bin/sh", ["-c", shippedScript("netns.sh"), "dockwire", ...args], {
      encoding: "utf8",
      timeout: 20_000,
      env: {
        ...process.env,
        PATH: `${dir}:${process.env.PATH}`,
        FAKE_IP_STATE: path.join(dir, "state.json"),
        FAKE_IP_LOG: path.join(dir, "log"),
      },
    });
    const calls = readFileSync(path.join(dir, "log"), "utf8")
      .split("\n")
      .filter((l) => l !== "");
    return {
      code: r.status,
      stderr: r.stderr,
      changes: calls.filter((c) => !/ (link|route) show /.test(` ${c}`)),
      state: JSON.parse(readFileSync(path.join(dir, "state.json"), "utf8")) as FakeState,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------- the runs: exact arguments

test("netnsRuns r1: netns.sh netns-create / netns-delete r1", (t) => {
  t.deepEqual(netnsRuns({ name: "r1" }), {
    create: { script: "netns.sh", args: ["netns-create", "r1"] },
    delete: { script: "netns.sh", args: ["netns-delete", "r1"] },
  });
});

test("vethRuns seed 003: veth1.1 -> r1 as eth0, host end veth1.2", (t) => {
  t.deepEqual(vethRuns(SEED_003), {
    create: {
      script: "netns.sh",
      args: ["veth-create", "veth1.1", "veth1.2", "r1", "eth0", "up", "10.250.1.6/24", "-", "veth1.2", "up", "10.250.1.5/24"],
    },
    delete: { script: "netns.sh", args: ["veth-delete", "veth1.1", "veth1.2", "r1", "eth0", "-", "veth1.2"] },
  });
});

test("vethRuns seed 000, a rename in the host with up: false, and two addresses of both families", (t) => {
  t.deepEqual(vethRuns(SEED_000).create.args, [
    "veth-create",
    "veth-test1",
    "veth-test2",
    "test1",
    "veth-test1",
    "up",
    "192.168.1.1/24",
    "test2",
    "veth-test2",
    "up",
    "192.168.1.2/24",
  ]);
  t.deepEqual(vethRuns({ name: "a", peerName: "b", ends: [{ rename: "c", up: false }, { namespace: "n" }] }).create.args, [
    "veth-create",
    "a",
    "b",
    "-",
    "c",
    "down",
    "-",
    "n",
    "b",
    "up",
    "-",
  ]);
  t.deepEqual(
    vethRuns({
      name: "v0",
      peerName: "v1",
      ends: [
        { namespace: "lab", addresses: ["fd00::1/64", "10.0.0.1/31"] },
        { namespace: "lab", rename: "uplink" },
      ],
    }).create.args,
    ["veth-create", "v0", "v1", "lab", "v0", "up", "fd00::1/64,10.0.0.1/31", "lab", "uplink", "up", "-"],
  );
});

test("linuxBridgeRuns and routeRuns: exact arguments", (t) => {
  t.deepEqual(linuxBridgeRuns({ name: "br0", namespace: "sw", addresses: ["10.251.1.1/24", "10.251.9.1/24"], ports: ["sw-h1", "sw-h2"] }), {
    create: { script: "netns.sh", args: ["bridge-create", "br0", "sw", "up", "10.251.1.1/24,10.251.9.1/24", "sw-h1,sw-h2"] },
    delete: { script: "netns.sh", args: ["bridge-delete", "br0", "sw"] },
  });
  t.deepEqual(linuxBridgeRuns({ name: "br1", up: false }).create.args, ["bridge-create", "br1", "-", "down", "-", "-"]);
  t.deepEqual(routeRuns({ destination: "default", via: "10.250.1.5", namespace: "r1" }), {
    create: { script: "netns.sh", args: ["route-create", "r1", "4", "default", "10.250.1.5", "-"] },
    delete: { script: "netns.sh", args: ["route-delete", "r1", "4", "default"] },
  });
  t.deepEqual(routeRuns({ destination: "10.9.0.0/16", dev: "eth0" }).create.args, ["route-create", "-", "4", "10.9.0.0/16", "-", "eth0"]);
  t.deepEqual(routeRuns({ destination: "default", via: "fd00::1" }).create.args, ["route-create", "-", "6", "default", "fd00::1", "-"]);
  t.deepEqual(routeRuns({ destination: "fd01::/64", dev: "eth0" }).delete.args, ["route-delete", "-", "6", "fd01::/64"]);
});

test("the *Commands builders give the same runs as one quoted sh -c command line each", (t) => {
  const { create } = netnsCommands({ name: "r1" });
  t.is(create, `exec ${["sh", "-c", shippedScript("netns.sh"), "dockwire", "netns-create", "r1"].map(shellQuote).join(" ")}`);
  t.deepEqual(vethCommands(SEED_003), commandScripts(vethRuns(SEED_003)));
  // The command line is a word list a shell reads back exactly.
  const words = execFileSync("/bin/sh", ["-c", `printf '%s\\0' ${commandLine(vethRuns(SEED_003).create)}`], { encoding: "utf8" });
  t.deepEqual(words.split("\0").slice(0, -1), [
    "exec",
    "sh",
    "-c",
    shippedScript("netns.sh"),
    "dockwire",
    ...vethRuns(SEED_003).create.args,
  ]);
});

// ---------------------------------------------------------------- the script, against a model of ip

test("netns.sh veth-create seed 003 from nothing: adds the pair, moves and renames the r1 end, then the host end", (t) => {
  const r = runNetnsSh(vethRuns(SEED_003).create.args, { r1: {} });
  t.is(r.code, 0, r.stderr);
  t.deepEqual(r.changes, [
    "link add veth1.1 type veth peer name veth1.2",
    "link set dev veth1.1 netns r1",
    "-n r1 link set dev veth1.1 name eth0",
    "-n r1 addr replace 10.250.1.6/24 dev eth0",
    "-n r1 link set dev eth0 up",
    "addr replace 10.250.1.5/24 dev veth1.2",
    "link set dev veth1.2 up",
  ]);
  t.deepEqual(Object.keys(r.state.ns.r1.links).sort(), ["eth0", "lo"]);
  t.deepEqual(Object.keys(r.state.ns["-"].links).sort(), ["lo", "veth1.2"]);
  // Again over what it made: nothing added, moved or renamed.
  const again = runNetnsSh(vethRuns(SEED_003).create.args, r.state);
  t.deepEqual(again.changes, [
    "-n r1 addr replace 10.250.1.6/24 dev eth0",
    "-n r1 link set dev eth0 up",
    "addr replace 10.250.1.5/24 dev veth1.2",
    "link set dev veth1.2 up",
  ]);
});

test("netns.sh veth-create finishes a half-done create and takes back an end moved out under its final name", (t) => {
  // Moved into r1 but not yet renamed.
  const half = runNetnsSh(vethRuns(SEED_003).create.args, { r1: { "veth1.1": { type: "veth" } }, "-": { "veth1.2": { type: "veth" } } });
  t.is(half.code, 0, half.stderr);
  t.deepEqual(half.changes.slice(0, 2), ["-n r1 link set dev veth1.1 name eth0", "-n r1 addr replace 10.250.1.6/24 dev eth0"]);
  // eth0 moved back to the host by hand (`ip -n r1 link set eth0 netns 1`).
  const out = runNetnsSh(vethRuns(SEED_003).create.args, { r1: {}, "-": { eth0: { type: "veth" }, "veth1.2": { type: "veth" } } });
  t.is(out.code, 0, out.stderr);
  t.deepEqual(out.changes.slice(0, 2), ["link set dev eth0 netns r1", "-n r1 addr replace 10.250.1.6/24 dev eth0"]);
});

test("netns.sh veth-create puts the end that changes namespace first, renames a host end, sets down", (t) => {
  const r = runNetnsSh(vethRuns({ name: "a", peerName: "b", ends: [{ rename: "c", up: false }, { namespace: "n" }] }).create.args, {
    n: {},
  });
  t.is(r.code, 0, r.stderr);
  t.deepEqual(r.changes, [
    "link add a type veth peer name b",
    "link set dev b netns n",
    "-n n link set dev b up",
    "link set dev a name c",
    "link set dev c down",
  ]);
});

test("netns.sh veth-create fails naming the resource and the reason, and changes nothing", (t) => {
  const noNs = runNetnsSh(vethRuns(SEED_003).create.args, {});
  t.is(noNs.code, 1);
  t.is(noNs.stderr, "dockwire: veth veth1.1 (peer veth1.2): namespace r1 does not exist; create it first\n");
  t.deepEqual(noNs.changes, []);
  // A host end that is not a veth: the pair is not added, the other end is left alone.
  const other = runNetnsSh(vethRuns(SEED_003).create.args, { r1: { eth0: { type: "veth" } }, "-": { "veth1.2": { type: "dummy" } } });
  t.is(other.code, 1);
  t.is(other.stderr, "dockwire: veth veth1.1 (peer veth1.2): end veth1.2 is not a veth in the host namespace\n");
  t.false(other.changes.some((c) => c.startsWith("link add") || c.includes("veth1.2")));
});

test("netns.sh veth-delete removes the first end it finds, and nothing when both are gone", (t) => {
  const r = runNetnsSh(vethRuns(SEED_003).delete.args, { r1: { eth0: { type: "veth" } }, "-": { "veth1.2": { type: "veth" } } });
  t.is(r.code, 0, r.stderr);
  t.deepEqual(r.changes, ["-n r1 link del dev eth0"]);
  const gone = runNetnsSh(vethRuns(SEED_003).delete.args, {});
  t.is(gone.code, 0, gone.stderr);
  t.deepEqual(gone.changes, []);
});

test("netns.sh bridge-create: adds, attaches its ports, addresses, up; refuses a missing port and a non-bridge", (t) => {
  const args = linuxBridgeRuns({ name: "br0", namespace: "sw", addresses: ["10.251.1.1/24"], ports: ["sw-h1", "sw-h2"] }).create.args;
  const ports = { "sw-h1": { type: "veth" }, "sw-h2": { type: "veth" } };
  const r = runNetnsSh(args, { sw: ports });
  t.is(r.code, 0, r.stderr);
  t.deepEqual(r.changes, [
    "-n sw link add name br0 type bridge",
    "-n sw link set dev sw-h1 master br0",
    "-n sw link set dev sw-h2 master br0",
    "-n sw addr replace 10.251.1.1/24 dev br0",
    "-n sw link set dev br0 up",
  ]);
  const missing = runNetnsSh(args, { sw: { "sw-h1": { type: "veth" } } });
  t.is(missing.code, 1);
  t.is(missing.stderr, "dockwire: bridge br0 in namespace sw: port sw-h2 does not exist in namespace sw\n");
  const notBridge = runNetnsSh(args, { sw: { ...ports, br0: { type: "veth" } } });
  t.is(notBridge.stderr, "dockwire: bridge br0 in namespace sw: interface br0 exists in namespace sw but is not a bridge\n");
  t.deepEqual(notBridge.changes, []);
  t.deepEqual(runNetnsSh(linuxBridgeRuns({ name: "br0", namespace: "sw" }).delete.args, { sw: { br0: { type: "bridge" } } }).changes, [
    "-n sw link del dev br0",
  ]);
});

test("netns.sh route-create / route-delete: the family, via and dev as given; delete only what is there", (t) => {
  const runs = routeRuns({ destination: "fd01::/64", via: "fd00::1", dev: "eth0", namespace: "r1" });
  const r = runNetnsSh(runs.create.args, { r1: {} });
  t.is(r.code, 0, r.stderr);
  t.deepEqual(r.changes, ["-n r1 -6 route replace fd01::/64 via fd00::1 dev eth0"]);
  t.deepEqual(runNetnsSh(runs.delete.args, r.state).changes, ["-n r1 -6 route del fd01::/64"]);
  t.deepEqual(runNetnsSh(runs.delete.args, { r1: {} }).changes, []);
  const def = runNetnsSh(routeRuns({ destination: "default", dev: "eth0", namespace: "gone" }).create.args, {});
  t.is(def.stderr, "dockwire: route default (IPv4) in namespace gone: namespace gone does not exist; create it first\n");
});

test("netns.sh refuses a wrong argument count, an unknown command and a bad state word", (t) => {
  const few = runNetnsSh(["veth-create", "a", "b"], {});
  t.is(few.code, 2);
  t.is(few.stderr, "dockwire: veth a (peer b): create takes 10 arguments, got 2\n");
  const unknown = runNetnsSh(["netns-rename", "a"], {});
  t.is(unknown.code, 2);
  t.is(unknown.stderr, 'dockwire: netns.sh: unknown command "netns-rename"\n');
  const state = runNetnsSh(["bridge-create", "br0", "-", "sideways", "-", "-"], {});
  t.is(state.stderr, 'dockwire: bridge br0: state "sideways" must be up or down\n');
  t.deepEqual(state.changes, []);
});

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
