// The netns components under the mock engine: the exact child each registers (a dynamic
// resource whose inputs are the spec its provider applies, loaded through a shim that names
// the implementation module), local vs remote (the connection a secret), the options the
// engine receives (parent, deleteBeforeReplace left to the provider's diff, dependencies on
// namespace instances), and bad input rejected at construction with the exact message
// before anything is registered.
import test, { ExecutionContext } from "ava";
import * as pulumi from "@pulumi/pulumi";
import { CommandArgError, HOST_RESOURCE_TYPES, LinuxBridge, NameError, NetworkNamespace, Route, VethPair } from "../../provider/netns";
import { bridgeLab, seed000Lab, seed003Lab } from "../integration/lib/netns";
import { RegisterRequest, Registered, captureResources, captureWithRequests, resolve } from "./lib/mocks";

const NS = HOST_RESOURCE_TYPES.netns;
const VETH = HOST_RESOURCE_TYPES.veth;
const BRIDGE = HOST_RESOURCE_TYPES.bridge;
const ROUTE = HOST_RESOURCE_TYPES.route;
const URN = "urn:pulumi:test::dockwire::";

type Request = RegisterRequest;
const capture = captureWithRequests;

/** Builds components and waits until every child is registered. */
function build(make: () => { resource: pulumi.Resource }[]): () => pulumi.Output<unknown> {
  return () => pulumi.all(make().map((c) => c.resource.urn));
}

function byName(rs: readonly { name: string }[], name: string) {
  const found = rs.filter((r) => r.name === name);
  if (found.length !== 1) throw new Error(`expected one resource named ${name}, got ${found.length}`);
  return found[0] as any;
}

/** The inputs without the serialized provider. */
function specInputs(r: Registered): Record<string, unknown> {
  const { __provider, ...rest } = r.inputs;
  return rest;
}

/** Asserts the child `name` has exactly this spec as inputs, the shim provider and the expected options. */
function assertChild(
  t: ExecutionContext,
  got: { resources: Registered[]; requests: Request[] },
  expected: { name: string; type: string; parentType: string; parentName: string; spec: Record<string, unknown>; dependencies?: string[] },
): void {
  const r = byName(got.resources, expected.name) as Registered;
  t.is(r.type, expected.type);
  t.deepEqual(specInputs(r), expected.spec);
  // The serialized provider holds no dockwire code: it loads the installed module by path.
  t.is(typeof r.inputs.__provider, "string");
  t.regex(r.inputs.__provider, /netns\/live/);
  t.notRegex(r.inputs.__provider, /vethCommands|ip netns add/);
  const req = byName(got.requests, expected.name) as Request;
  const parent = `${URN}${expected.parentType}::${expected.parentName}`;
  t.deepEqual(req, {
    type: expected.type,
    name: expected.name,
    parent,
    provider: "",
    dependencies: expected.dependencies ?? [],
    replaceOnChanges: [],
    deleteBeforeReplace: false,
    // Local: no connection, so no secret output.
    additionalSecretOutputs: [],
    // The @pulumi/command Command of the same name (before 0.2) is taken over, not re-created.
    aliases: [{ type: "command:local:Command", parentUrn: parent }],
  });
}

const nsUrn = (name: string) => `${URN}dockwire:netns:NetworkNamespace$${NS}::${name}-netns`;
const end = (o: Record<string, unknown> = {}) => ({ addresses: [], up: true, ...o });

// ---------------------------------------------------------------- seed labs

test.serial("seed 000: two namespaces and a veth pair, each exactly one dynamic child with its spec", async (t) => {
  const got = await capture(build(() => seed000Lab()));
  t.deepEqual(got.resources.map((r) => `${r.type} ${r.name}`).sort(), [
    "dockwire:netns:NetworkNamespace test1",
    "dockwire:netns:NetworkNamespace test2",
    "dockwire:netns:VethPair veth",
    `${NS} test1-netns`,
    `${NS} test2-netns`,
    `${VETH} veth-veth`,
  ]);
  for (const ns of ["test1", "test2"]) {
    assertChild(t, got, {
      name: `${ns}-netns`,
      type: NS,
      parentType: "dockwire:netns:NetworkNamespace",
      parentName: ns,
      spec: { kind: "netns", name: ns, loopbackUp: true },
    });
  }
  assertChild(t, got, {
    name: "veth-veth",
    type: VETH,
    parentType: "dockwire:netns:VethPair",
    parentName: "veth",
    spec: {
      kind: "veth",
      name: "veth-test1",
      peerName: "veth-test2",
      ends: [end({ namespace: "test1", addresses: ["192.168.1.1/24"] }), end({ namespace: "test2", addresses: ["192.168.1.2/24"] })],
    },
    dependencies: [nsUrn("test1"), nsUrn("test2")],
  });
  // The components themselves carry no options of their own.
  for (const name of ["test1", "test2", "veth"]) {
    const req = byName(got.requests, name) as Request;
    t.deepEqual([req.parent, req.dependencies, req.replaceOnChanges, req.deleteBeforeReplace], ["", [], [], false]);
  }
});

test.serial("seed 003: veth1.1 moved into r1 as eth0, host end veth1.2, ordered after r1", async (t) => {
  const got = await capture(build(() => seed003Lab()));
  t.deepEqual(got.resources.map((r) => r.name).sort(), ["r1", "r1-netns", "r1-uplink", "r1-uplink-veth"]);
  assertChild(t, got, {
    name: "r1-netns",
    type: NS,
    parentType: "dockwire:netns:NetworkNamespace",
    parentName: "r1",
    spec: { kind: "netns", name: "r1", loopbackUp: true },
  });
  assertChild(t, got, {
    name: "r1-uplink-veth",
    type: VETH,
    parentType: "dockwire:netns:VethPair",
    parentName: "r1-uplink",
    spec: {
      kind: "veth",
      name: "veth1.1",
      peerName: "veth1.2",
      ends: [end({ namespace: "r1", rename: "eth0", addresses: ["10.250.1.6/24"] }), end({ addresses: ["10.250.1.5/24"] })],
    },
    dependencies: [nsUrn("r1")],
  });
});

test.serial("outputs: plain names at construction, Outputs that resolve to the same names", async (t) => {
  let ns!: NetworkNamespace;
  let veth!: VethPair;
  let br!: LinuxBridge;
  let route!: Route;
  await captureResources(() => {
    [ns, veth] = seed003Lab() as [NetworkNamespace, VethPair];
    br = new LinuxBridge("br", { name: "br0", namespace: ns });
    route = new Route("rt", { destination: "default", via: "10.250.1.5", namespace: "r1" });
    return pulumi.all([ns.namespace, veth.endNames, br.bridge, route.resource.urn]);
  });
  t.is(ns.namespaceName, "r1");
  t.false(ns.remote);
  t.is(await resolve(ns.namespace), "r1");
  t.deepEqual(veth.ends, [{ name: "eth0", namespace: "r1" }, { name: "veth1.2" }]);
  t.deepEqual(await resolve(veth.endNames), ["eth0", "veth1.2"]);
  t.is(br.bridgeName, "br0");
  t.is(br.namespaceName, "r1");
  t.is(await resolve(br.bridge), "br0");
  t.is(route.destination, "default");
  t.is(route.namespaceName, "r1");
});

test.serial("bridge lab: bridge and routes get their specs; namespace instances become dependencies", async (t) => {
  const got = await capture(build(() => bridgeLab()));
  assertChild(t, got, {
    name: "br0-bridge",
    type: BRIDGE,
    parentType: "dockwire:netns:LinuxBridge",
    parentName: "br0",
    spec: {
      kind: "bridge",
      name: "br0",
      namespace: "dwbr-sw",
      addresses: ["10.251.1.1/24", "10.251.9.1/24"],
      up: true,
      ports: ["sw-h1", "sw-h2"],
    },
    dependencies: [nsUrn("sw")],
  });
  assertChild(t, got, {
    name: "h1-lan-route",
    type: ROUTE,
    parentType: "dockwire:netns:Route",
    parentName: "h1-lan",
    spec: { kind: "route", namespace: "dwbr-h1", destination: "10.251.1.0/24", dev: "eth0" },
    dependencies: [nsUrn("h1")],
  });
  assertChild(t, got, {
    name: "h2-far-route",
    type: ROUTE,
    parentType: "dockwire:netns:Route",
    parentName: "h2-far",
    spec: { kind: "route", namespace: "dwbr-h2", destination: "10.251.9.0/24", via: "10.251.1.1" },
    dependencies: [nsUrn("h2")],
  });
  // The caller's dependsOn stays on the component (the SDK orders its children after it).
  t.deepEqual(byName(got.requests, "h2-far").dependencies, [
    `${URN}dockwire:netns:VethPair$${VETH}::h2-link-veth`,
    `${URN}dockwire:netns:LinuxBridge$${BRIDGE}::br0-bridge`,
  ]);
});

test.serial("a namespace given by name adds no dependency; one instance used twice is one dependency", async (t) => {
  const got = await capture(
    build(() => {
      const a = new NetworkNamespace("a", { name: "a" });
      return [
        a,
        new VethPair("byname", { name: "v0", peerName: "v1", ends: [{ namespace: "a" }, {}] }),
        new VethPair("twice", { name: "v2", peerName: "v3", ends: [{ namespace: a }, { namespace: a }] }),
      ];
    }),
  );
  t.deepEqual(byName(got.requests, "byname-veth").dependencies, []);
  t.deepEqual(byName(got.requests, "twice-veth").dependencies, [nsUrn("a")]);
});

test.serial("ends default to both in the host namespace, up, without addresses", async (t) => {
  const got = await capture(build(() => [new VethPair("pair", { name: "dw0", peerName: "dw1" })]));
  t.deepEqual(specInputs(byName(got.resources, "pair-veth")), { kind: "veth", name: "dw0", peerName: "dw1", ends: [end(), end()] });
});

// ---------------------------------------------------------------- remote

test.serial("with a connection, each child gets the same spec and the connection as a secret output", async (t) => {
  const connection = { host: "192.0.2.10", user: "root", privateKey: "KEY" };
  const got = await capture(
    build(() => {
      const r1 = new NetworkNamespace("r1", { name: "r1", connection });
      return [
        r1,
        new VethPair("up", { name: "veth1.1", peerName: "veth1.2", ends: [{ namespace: r1, rename: "eth0" }, {}], connection }),
        new LinuxBridge("br", { name: "br0", namespace: r1, connection }),
        new Route("rt", { destination: "default", via: "10.0.0.1", namespace: r1, connection }),
      ];
    }),
  );
  const expected: Record<string, [string, Record<string, unknown>]> = {
    "r1-netns": [NS, { kind: "netns", name: "r1", loopbackUp: true }],
    "up-veth": [VETH, { kind: "veth", name: "veth1.1", peerName: "veth1.2", ends: [end({ namespace: "r1", rename: "eth0" }), end()] }],
    "br-bridge": [BRIDGE, { kind: "bridge", name: "br0", namespace: "r1", addresses: [], up: true, ports: [] }],
    "rt-route": [ROUTE, { kind: "route", destination: "default", via: "10.0.0.1", namespace: "r1" }],
  };
  const remoteUrn = nsUrn("r1");
  for (const [name, [type, spec]] of Object.entries(expected)) {
    const r = byName(got.resources, name) as Registered;
    t.is(r.type, type, name);
    const { connection: conn, ...rest } = specInputs(r);
    t.deepEqual(rest, spec, name);
    // The connection is a secret (the mock engine sees it wrapped), and a secret output.
    t.is((conn as any)["4dabf18193072939515e22adb298388d"], "1b47061264138c4ac30d75fd1eb44270", name);
    t.deepEqual((conn as any).value, connection, name);
    const req = byName(got.requests, name) as Request;
    t.deepEqual(req.dependencies, name === "r1-netns" ? [] : [remoteUrn], name);
    t.deepEqual(req.additionalSecretOutputs, ["connection"], name);
    t.deepEqual(req.aliases, [{ type: "command:remote:Command", parentUrn: req.parent }], name);
  }
  t.true(got.resources.every((r) => !r.type.startsWith("command:")));
});

test.serial("a local namespace with a remote component (or the reverse) is rejected before anything is registered", async (t) => {
  const messages: string[] = [];
  const got = await capture(() => {
    const local = new NetworkNamespace("l", { name: "l" });
    const remote = new NetworkNamespace("r", { name: "r", connection: { host: "192.0.2.10" } });
    for (const make of [
      () => new VethPair("v", { name: "a0", peerName: "a1", ends: [{}, { namespace: local }], connection: { host: "192.0.2.10" } }),
      () => new Route("rt", { destination: "default", dev: "eth0", namespace: remote }),
    ]) {
      try {
        make();
      } catch (e) {
        t.true(e instanceof CommandArgError);
        messages.push((e as Error).message);
      }
    }
    return pulumi.all([local.resource.urn, remote.resource.urn]);
  });
  t.deepEqual(messages, [
    'dockwire:netns:VethPair "v": ends[1].namespace is the NetworkNamespace of "l", which runs on the local host, but connection is set: ' +
      "drop connection or give the namespace the same connection.",
    'dockwire:netns:Route "rt": namespace is the NetworkNamespace of "r", which runs on a remote host, but connection is not set: ' +
      "give this component the same connection as the namespace.",
  ]);
  t.deepEqual(got.resources.map((r) => r.name).sort(), ["l", "l-netns", "r", "r-netns"]);
});

// ---------------------------------------------------------------- bad input

const LONG_NS = "n".repeat(65);
const bad: [string, () => unknown, typeof NameError | typeof CommandArgError, string][] = [
  [
    "namespace name with ; and a command",
    () => new NetworkNamespace("lab", { name: "a;rm -rf /" }),
    NameError,
    'dockwire:netns:NetworkNamespace "lab": name "a;rm -rf /" contains ";": dockwire names use only letters, digits, "_", "." and "-" ' +
      "so they never need shell quoting; rename it.",
  ],
  [
    "namespace name with $(id)",
    () => new NetworkNamespace("lab", { name: "$(id)" }),
    NameError,
    'dockwire:netns:NetworkNamespace "lab": name "$(id)" starts with "$": dockwire names must start with a letter or digit; rename it.',
  ],
  [
    "namespace name over 64 characters",
    () => new NetworkNamespace("lab", { name: LONG_NS }),
    NameError,
    `dockwire:netns:NetworkNamespace "lab": name "${LONG_NS}" is 65 characters: dockwire namespace names are at most 64; shorten it.`,
  ],
  [
    "namespace name with a newline",
    () => new NetworkNamespace("lab", { name: "r1\nreboot" }),
    NameError,
    'dockwire:netns:NetworkNamespace "lab": name "r1\\nreboot" contains "\\n": dockwire names use only letters, digits, "_", "." and "-" ' +
      "so they never need shell quoting; rename it.",
  ],
  [
    "veth name over 15 characters",
    () => new VethPair("pair", { name: "veth-very-long-name0", peerName: "p" }),
    NameError,
    'dockwire:netns:VethPair "pair": name "veth-very-long-name0" is 20 characters: Linux interface names are at most 15; shorten it.',
  ],
  [
    "veth rename with a newline",
    () => new VethPair("pair", { name: "a", peerName: "b", ends: [{ rename: "eth0\nip link del eth0" }, {}] }),
    NameError,
    'dockwire:netns:VethPair "pair": ends[0].rename "eth0\\nip link del eth0" contains whitespace, which Linux forbids in interface names; remove it.',
  ],
  [
    "veth end namespace with ; and a command",
    () => new VethPair("pair", { name: "a", peerName: "b", ends: [{}, { namespace: "a;rm -rf /" }] }),
    NameError,
    'dockwire:netns:VethPair "pair": ends[1].namespace "a;rm -rf /" contains ";": dockwire names use only letters, digits, "_", "." and "-" ' +
      "so they never need shell quoting; rename it.",
  ],
  [
    "veth peer name with $(id)",
    () => new VethPair("pair", { name: "a", peerName: "$(id)" }),
    NameError,
    'dockwire:netns:VethPair "pair": peerName "$(id)" starts with "$": dockwire names must start with a letter or digit; rename it.',
  ],
  [
    "bridge port with ; and a command",
    () => new LinuxBridge("br", { name: "br0", ports: ["a;rm -rf /"] }),
    NameError,
    'dockwire:netns:LinuxBridge "br": ports[0] "a;rm -rf /" contains ";": dockwire names use only letters, digits, "_", "." and "-" ' +
      "so they never need shell quoting; rename it.",
  ],
  [
    "bridge name over 15 characters",
    () => new LinuxBridge("br", { name: "bridge-much-too-long" }),
    NameError,
    'dockwire:netns:LinuxBridge "br": name "bridge-much-too-long" is 20 characters: Linux interface names are at most 15; shorten it.',
  ],
  [
    "route dev with $(id)",
    () => new Route("rt", { destination: "10.0.0.0/24", dev: "$(id)" }),
    NameError,
    'dockwire:netns:Route "rt": dev "$(id)" starts with "$": dockwire names must start with a letter or digit; rename it.',
  ],
  [
    "route namespace with a newline",
    () => new Route("rt", { destination: "10.0.0.0/24", dev: "eth0", namespace: "r1\n" }),
    NameError,
    'dockwire:netns:Route "rt": namespace "r1\\n" contains "\\n": dockwire names use only letters, digits, "_", "." and "-" ' +
      "so they never need shell quoting; rename it.",
  ],
  [
    "route destination with host bits",
    () => new Route("rt", { destination: "10.0.0.1/24", dev: "eth0" }),
    CommandArgError,
    'dockwire:netns:Route "rt": destination "10.0.0.1/24" has host bits set: the network is "10.0.0.0/24"; use that.',
  ],
  [
    "route with neither via nor dev",
    () => new Route("rt", { destination: "10.0.0.0/24" }),
    CommandArgError,
    'dockwire:netns:Route "rt": route has neither via nor dev: set via (the gateway address), dev (the outgoing interface), or both.',
  ],
  [
    "veth address injection",
    () => new VethPair("pair", { name: "a", peerName: "b", ends: [{ addresses: ["10.0.0.1/24; reboot"] }, {}] }),
    CommandArgError,
    'dockwire:netns:VethPair "pair": ends[0].addresses[0] "10.0.0.1/24; reboot" is not an IPv4 or IPv6 CIDR: ' +
      'write an address with a prefix length, e.g. "10.0.0.1/24" or "fd00::1/64".',
  ],
  [
    "namespace given as an Output",
    () => new LinuxBridge("br", { name: "br0", namespace: pulumi.output("r1") as any }),
    CommandArgError,
    'dockwire:netns:LinuxBridge "br": namespace is a pulumi Output: namespace names must be known at construction; ' +
      "pass the NetworkNamespace itself or a plain string.",
  ],
  [
    "missing args",
    () => new NetworkNamespace("lab", undefined as any),
    CommandArgError,
    'dockwire:netns:NetworkNamespace "lab": args must be an object, not undefined.',
  ],
];

for (const [title, make, errorClass, message] of bad) {
  test.serial(`bad input rejected at construction, nothing registered: ${title}`, async (t) => {
    let thrown: unknown;
    const got = await capture(() => {
      try {
        make();
      } catch (e) {
        thrown = e;
      }
    });
    t.true(thrown instanceof errorClass, `expected a ${errorClass.name}, got ${String(thrown)}`);
    t.is((thrown as Error).message, message);
    t.deepEqual(got.resources, []);
    t.deepEqual(got.requests, []);
  });
}
