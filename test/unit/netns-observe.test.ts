// What the netns resources read from the host: the observe script's output parsed (valid and
// malformed, each with its exact result or message), what each kind of resource makes of it,
// and how that compares with the inputs (which fields, replace or update). Also the real
// observe script run on this host's own namespace, read-only.
import test from "ava";
import { execFileSync } from "node:child_process";
import * as path from "node:path";
import { HostView, ObserveParseError, canonicalCidr, comparableAddresses, parseObservation } from "../../provider/netns/observe";
import { Spec, checkInputs, compareSpecs, diffState, idOf, namespacesOf, observedSpec } from "../../provider/netns/live";
import { shippedScript } from "../../provider/hostexec";

const link = (o: Record<string, unknown>) => JSON.stringify([o]);
const lo = {
  ifname: "lo",
  flags: ["LOOPBACK", "UP", "LOWER_UP"],
  addr_info: [{ family: "inet", local: "127.0.0.1", prefixlen: 8, scope: "host" }],
};

/** An observe output for one present namespace. */
function nsOut(name: string, links: unknown[], routes4: unknown[] = [], routes6: unknown[] = []): string {
  return [
    `@dockwire ns ${name} present`,
    "@dockwire addr",
    JSON.stringify(links),
    "",
    "@dockwire route4",
    JSON.stringify(routes4),
    "",
    "@dockwire route6",
    JSON.stringify(routes6),
    "",
  ].join("\n");
}

// ---------------------------------------------------------------- parsing: valid

test("parse: a present namespace with a veth end, its addresses, flags and routes", (t) => {
  const veth = {
    ifname: "eth0",
    flags: ["BROADCAST", "MULTICAST", "UP", "LOWER_UP"],
    linkinfo: { info_kind: "veth" },
    addr_info: [
      { family: "inet", local: "10.250.1.6", prefixlen: 24, scope: "global" },
      { family: "inet6", local: "fe80::1", prefixlen: 64, scope: "link" },
    ],
  };
  const view = parseObservation(
    nsOut(
      "r1",
      [lo, veth],
      [
        { dst: "10.250.1.0/24", dev: "eth0", protocol: "kernel" },
        { dst: "default", gateway: "10.250.1.5", dev: "eth0" },
      ],
      [{ dst: "fd00::1", dev: "eth0" }],
    ),
  );
  t.deepEqual(
    [...view.entries()],
    [
      [
        "r1",
        {
          links: [
            { name: "lo", up: true, addresses: [{ cidr: "127.0.0.1/8", scope: "host" }] },
            {
              name: "eth0",
              kind: "veth",
              up: true,
              addresses: [
                { cidr: "10.250.1.6/24", scope: "global" },
                { cidr: "fe80::1/64", scope: "link" },
              ],
            },
          ],
          routes: [
            { family: 4, destination: "10.250.1.0/24", dev: "eth0" },
            { family: 4, destination: "default", gateway: "10.250.1.5", dev: "eth0" },
            { family: 6, destination: "fd00::1/128", dev: "eth0" },
          ],
        },
      ],
    ],
  );
});

test("parse: absent namespaces, the host as -, a bridge port's master, a link set down", (t) => {
  const text = [
    "@dockwire ns gone absent",
    nsOut("-", [{ ifname: "sw-h1", flags: ["BROADCAST"], master: "br0", linkinfo: { info_kind: "veth" }, addr_info: [] }]),
  ].join("\n");
  const view = parseObservation(text);
  t.is(view.get("gone"), "absent");
  t.deepEqual(view.get("-"), { links: [{ name: "sw-h1", kind: "veth", up: false, master: "br0", addresses: [] }], routes: [] });
});

test("parse: empty output is an empty view", (t) => {
  t.deepEqual([...parseObservation("").entries()], []);
});

// ---------------------------------------------------------------- parsing: malformed

const malformed: [string, string, string][] = [
  ["a stray line", "hello", 'observe output line 1: unexpected line "hello"'],
  ["a section outside a namespace", "@dockwire addr\n[]", "observe output line 1: addr section outside a present namespace"],
  [
    "JSON that is not JSON",
    "@dockwire ns a present\n@dockwire addr\n[{",
    'observe output line 3: the addr section of namespace a is not JSON: "[{"',
  ],
  [
    "JSON that is not an array",
    "@dockwire ns a present\n@dockwire addr\n{}",
    "observe output line 3: the addr section of namespace a is not a JSON array",
  ],
  [
    "a link without ifname",
    "@dockwire ns a present\n@dockwire addr\n[{}]\n@dockwire route4\n[]\n@dockwire route6\n[]",
    "observe output line 3: link 0 of namespace a has no ifname",
  ],
  [
    "an address without prefixlen",
    `@dockwire ns a present\n@dockwire addr\n${link({ ifname: "x", addr_info: [{ local: "10.0.0.1" }] })}`,
    "observe output line 3: link 0 of namespace a (x) has an address without local and prefixlen",
  ],
  [
    "a route without dst",
    "@dockwire ns a present\n@dockwire addr\n[]\n@dockwire route4\n[{}]",
    "observe output line 5: route 0 of namespace a has no dst",
  ],
  [
    "a namespace missing sections",
    "@dockwire ns a present\n@dockwire addr\n[]\n@dockwire ns b absent",
    "observe output line 4: namespace a is missing its route4, route6 section",
  ],
  [
    "a section with no data",
    "@dockwire ns a present\n@dockwire addr",
    "observe output line 2: the addr section of namespace a has no data",
  ],
  ["a namespace twice", "@dockwire ns a absent\n@dockwire ns a absent", "observe output line 2: namespace a is reported twice"],
  [
    "a section twice",
    "@dockwire ns a present\n@dockwire addr\n[]\n@dockwire addr\n[]",
    "observe output line 4: namespace a has two addr sections",
  ],
];
for (const [what, text, message] of malformed) {
  test(`parse rejects ${what}`, (t) => {
    const e = t.throws(() => parseObservation(text), { instanceOf: ObserveParseError });
    t.is(e.message, message);
  });
}

// ---------------------------------------------------------------- addresses

test("addresses: canonical IPv6 text, link-scope ones left out unless wanted, wanted order first", (t) => {
  t.is(canonicalCidr("FD00:0:0::1/64"), "fd00::1/64");
  t.is(canonicalCidr("fd00:0:0:0:0:0:0:1/64"), "fd00::1/64");
  t.is(canonicalCidr("10.0.0.1/24"), "10.0.0.1/24");
  const l = {
    name: "eth0",
    up: true,
    addresses: [
      { cidr: "10.0.0.2/24", scope: "global" },
      { cidr: "fe80::1/64", scope: "link" },
      { cidr: "10.0.0.1/24", scope: "global" },
      { cidr: "fd00::1/64", scope: "global" },
    ],
  };
  t.deepEqual(comparableAddresses(l, ["10.0.0.1/24", "FD00::1/64"]), ["10.0.0.1/24", "FD00::1/64", "10.0.0.2/24"]);
  t.deepEqual(comparableAddresses(l, ["fe80::1/64"]), ["fe80::1/64", "10.0.0.2/24", "10.0.0.1/24", "fd00::1/64"]);
});

// ---------------------------------------------------------------- what each resource makes of it

const seed003: Spec = {
  kind: "veth",
  name: "veth1.1",
  peerName: "veth1.2",
  ends: [
    { namespace: "r1", rename: "eth0", addresses: ["10.250.1.6/24"], up: true },
    { addresses: ["10.250.1.5/24"], up: true },
  ],
};
const vethLink = (name: string, addrs: string[], up = true, extra: Record<string, unknown> = {}) => ({
  ifname: name,
  flags: up ? ["UP"] : [],
  linkinfo: { info_kind: "veth" },
  addr_info: addrs.map((a) => ({ local: a.split("/")[0], prefixlen: Number(a.split("/")[1]), scope: "global" })),
  ...extra,
});
const view = (...parts: string[]): HostView => parseObservation(parts.join("\n"));

test("observe: the namespaces each kind reads", (t) => {
  t.deepEqual(namespacesOf({ kind: "netns", name: "r1", loopbackUp: true }), ["r1"]);
  t.deepEqual(namespacesOf(seed003), ["-", "r1"]);
  t.deepEqual(namespacesOf({ kind: "bridge", name: "br0", namespace: "sw", addresses: [], up: true, ports: [] }), ["sw"]);
  t.deepEqual(namespacesOf({ kind: "route", destination: "default", via: "10.0.0.1" }), ["-"]);
  t.deepEqual(idOf(seed003), "veth/veth1.1/veth1.2");
});

test("observe: a namespace present with lo down, absent, present with lo up", (t) => {
  const ns: Spec = { kind: "netns", name: "r1", loopbackUp: true };
  t.deepEqual(observedSpec(ns, view(nsOut("r1", [{ ifname: "lo", flags: ["LOOPBACK"] }]))), {
    kind: "netns",
    name: "r1",
    loopbackUp: false,
  });
  t.is(observedSpec(ns, view("@dockwire ns r1 absent")), undefined);
  t.deepEqual(observedSpec(ns, view(nsOut("r1", [lo]))), ns);
});

test("observe: the seed 003 pair as created reads back exactly as its spec", (t) => {
  const v = view(nsOut("-", [vethLink("veth1.2", ["10.250.1.5/24"])]), nsOut("r1", [lo, vethLink("eth0", ["10.250.1.6/24"])]));
  t.deepEqual(observedSpec(seed003, v), seed003);
  t.deepEqual(compareSpecs(seed003, seed003), []);
});

test("observe: the pair gone with its namespace reads as gone", (t) => {
  t.is(observedSpec(seed003, view(nsOut("-", [lo]), "@dockwire ns r1 absent")), undefined);
});

test("observe: an end moved out of r1 (keeping its name eth0), an address removed, the host end down", (t) => {
  const v = view(nsOut("-", [vethLink("veth1.2", [], false), vethLink("eth0", [])]), nsOut("r1", [lo]));
  const seen = observedSpec(seed003, v)!;
  t.deepEqual(seen, {
    kind: "veth",
    name: "veth1.1",
    peerName: "veth1.2",
    ends: [
      { rename: "eth0", addresses: [], up: true },
      { addresses: [], up: false },
    ],
  });
  t.deepEqual(compareSpecs(seen, seed003), [
    { path: "ends[0].namespace", identity: true },
    { path: "ends[0].addresses", identity: false },
    { path: "ends[1].addresses", identity: false },
    { path: "ends[1].up", identity: false },
  ]);
  // Drift is never a replacement: the applied spec still matches the program.
  t.deepEqual(diffState({ ...seen, applied: seed003 }, { ...seed003 }), { changes: true, replaces: [], deleteBeforeReplace: true });
});

test("observe: an end that is not found anywhere, and a non-veth of that name, read as found: false", (t) => {
  const v = view(nsOut("-", [vethLink("veth1.2", ["10.250.1.5/24"])]), nsOut("r1", [lo, { ifname: "eth0", flags: ["UP"], addr_info: [] }]));
  const seen = observedSpec(seed003, v)!;
  t.deepEqual(seen.kind === "veth" && seen.ends[0], {
    namespace: "r1",
    rename: "eth0",
    addresses: ["10.250.1.6/24"],
    up: true,
    found: false,
  });
  t.deepEqual(compareSpecs(seen, seed003), [{ path: "ends[0].found", identity: false }]);
});

test("observe: a bridge's ports (wanted order first, extra ones after), addresses and state", (t) => {
  const br: Spec = { kind: "bridge", name: "br0", namespace: "sw", addresses: ["10.251.1.1/24"], up: true, ports: ["sw-h1", "sw-h2"] };
  const v = view(
    nsOut("sw", [
      lo,
      {
        ifname: "br0",
        flags: ["UP"],
        linkinfo: { info_kind: "bridge" },
        addr_info: [{ local: "10.251.1.1", prefixlen: 24, scope: "global" }],
      },
      vethLink("sw-x", [], true, { master: "br0" }),
      vethLink("sw-h2", [], true, { master: "br0" }),
      vethLink("sw-h1", [], true),
    ]),
  );
  const seen = observedSpec(br, v)!;
  t.deepEqual(seen, { ...br, ports: ["sw-h2", "sw-x"] });
  t.deepEqual(compareSpecs(seen, br), [{ path: "ports", identity: false }]);
  t.is(observedSpec(br, view(nsOut("sw", [lo, vethLink("br0", [])]))), undefined, "a br0 that is not a bridge is not this bridge");
});

test("observe: a route found by destination and family; a changed gateway; a deleted one reads as gone", (t) => {
  const rt: Spec = { kind: "route", destination: "10.251.9.0/24", via: "10.251.1.1", namespace: "h2" };
  const with4 = (routes: unknown[]) => view(nsOut("h2", [lo], routes));
  t.deepEqual(observedSpec(rt, with4([{ dst: "10.251.9.0/24", gateway: "10.251.1.1", dev: "eth0" }])), rt);
  const changed = observedSpec(rt, with4([{ dst: "10.251.9.0/24", gateway: "10.251.1.9", dev: "eth0" }]))!;
  t.deepEqual(changed, { ...rt, via: "10.251.1.9" });
  t.deepEqual(compareSpecs(changed, rt), [{ path: "via", identity: false }]);
  t.is(observedSpec(rt, with4([{ dst: "10.251.1.0/24", dev: "eth0" }])), undefined);
  const v6: Spec = { kind: "route", destination: "default", via: "FD00::1" };
  t.deepEqual(observedSpec(v6, view(nsOut("-", [lo], [], [{ dst: "default", gateway: "fd00::1", dev: "eth0" }]))), v6);
  const dev: Spec = { kind: "route", destination: "10.251.1.0/24", dev: "eth0", namespace: "h1" };
  t.deepEqual(observedSpec(dev, view(nsOut("h1", [lo], [{ dst: "10.251.1.0/24", dev: "eth1" }]))), { ...dev, dev: "eth1" });
});

// ---------------------------------------------------------------- diff

test("diff: a renamed namespace in the program replaces; the same namespace deleted by hand is no diff here (refresh drops it)", (t) => {
  const old = { kind: "netns", name: "r1", loopbackUp: true, applied: { kind: "netns", name: "r1", loopbackUp: true } };
  t.deepEqual(diffState(old, { kind: "netns", name: "r2", loopbackUp: true }), {
    changes: true,
    replaces: ["name"],
    deleteBeforeReplace: true,
  });
  t.deepEqual(diffState(old, { kind: "netns", name: "r1", loopbackUp: true }), { changes: false, replaces: [], deleteBeforeReplace: true });
});

test("diff: addresses compare as sets of canonical CIDRs; a new address is an in-place update", (t) => {
  const applied = { ...seed003 };
  t.false(diffState({ ...seed003, applied }, JSON.parse(JSON.stringify(seed003))).changes);
  const more = JSON.parse(JSON.stringify(seed003));
  more.ends[1].addresses.push("fd00::5/64");
  t.deepEqual(diffState({ ...seed003, applied }, more), { changes: true, replaces: [], deleteBeforeReplace: true });
  const reordered = JSON.parse(JSON.stringify(more));
  const stored = JSON.parse(JSON.stringify(more));
  stored.ends[1].addresses = ["FD00:0::5/64", "10.250.1.5/24"];
  t.false(diffState({ ...stored, applied: reordered }, reordered).changes);
});

test("diff: a new SSH target or a moved end in the program replaces", (t) => {
  const applied = { ...seed003 };
  const news = JSON.parse(JSON.stringify(seed003));
  news.ends[0].namespace = "r2";
  t.deepEqual(diffState({ ...seed003, applied }, news).replaces, ["ends[0].namespace"]);
  const remote = { ...seed003, connection: { host: "192.0.2.10" } };
  t.deepEqual(diffState({ ...remote, applied }, { ...seed003, connection: { host: "192.0.2.11" } }).replaces, ["connection"]);
  t.deepEqual(diffState({ ...remote, applied }, { ...seed003, connection: { host: "192.0.2.10", privateKey: "NEW" } }).replaces, []);
});

// ---------------------------------------------------------------- check

test("check: names and connection fields are refused at preview with the field and the fix", (t) => {
  t.deepEqual(checkInputs({ kind: "netns", name: "a;b", loopbackUp: true }), [
    {
      property: "name",
      reason:
        'name "a;b" contains ";": dockwire names use only letters, digits, "_", "." and "-" so they never need shell quoting; rename it.',
    },
  ]);
  t.deepEqual(checkInputs({ kind: "netns", name: "r1", loopbackUp: true, connection: { host: "h", password: "pw" } }), [
    {
      property: "connection.password",
      reason:
        "connection.password is not supported by dockwire's own resources, which run OpenSSH non-interactively: use privateKey or agentSocketPath.",
    },
  ]);
  t.deepEqual(checkInputs({ kind: "netns", name: "r1", loopbackUp: true, connection: { host: "-oProxyCommand=x" } }), [
    {
      property: "connection.host",
      reason: 'connection.host must be a host name or address (letters, digits, ".", ":", "-", "_"), got "-oProxyCommand=x".',
    },
  ]);
});

// ---------------------------------------------------------------- the real script, read-only

test("the shipped observe script reads this host's own namespace and parses", (t) => {
  const out = execFileSync("/bin/sh", ["-c", shippedScript("netns-observe.sh"), "dockwire", "-", "dockwire-surely-absent"], {
    encoding: "utf8",
    timeout: 10_000,
  });
  const v = parseObservation(out);
  t.is(v.get("dockwire-surely-absent"), "absent");
  const host = v.get("-");
  t.true(host !== undefined && host !== "absent" && host.links.some((l) => l.name === "lo"));
  t.true(path.isAbsolute(path.resolve(__dirname)));
});
