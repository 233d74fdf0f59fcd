// dockwire plan's reading of Pulumi JSON: malformed documents fail naming the file and what
// is expected; BEFORE/AFTER from the steps' ops; secrets, unknowns, ids and odd shapes.
import test from "ava";
import {
  PlanInputError,
  ResourceState,
  buildReport,
  containerView,
  networkView,
  parsePreview,
  parseStackExport,
  planView,
  transition,
} from "../../provider/plan";

const P = '--preview file "p.json"';
const S = '--state file "s.json"';
const PREVIEW_FIX = "--preview takes the output of `pulumi preview --json` (run `pulumi preview --json > preview.json`).";
const STATE_FIX = "--state takes the output of `pulumi stack export` (run `pulumi stack export > state.json`).";

const badPreviews: [string, string, string][] = [
  [
    "the CLI's text output",
    "Previewing update (dev):\n  + pulumi:pulumi:Stack",
    `${P} is not JSON (it starts with "Previewing update (dev):"): ${PREVIEW_FIX}`,
  ],
  ["an empty file", "  \n", `${P} is not JSON (it is empty): ${PREVIEW_FIX}`],
  ["truncated JSON", '{"steps": [', `${P} is not JSON (it starts with "{\\"steps\\": ["): ${PREVIEW_FIX}`],
  ["an array", "[1, 2]", `${P} is JSON but not an object: ${PREVIEW_FIX}`],
  ["an object without steps", '{"config": {}}', `${P} has no "steps" array: ${PREVIEW_FIX}`],
  [
    "a stack export",
    '{"version": 3, "deployment": {"resources": []}}',
    `${P} looks like \`pulumi stack export\` output (it has "deployment", no "steps"): pass it with --state.`,
  ],
  ["steps not an array", '{"steps": {}}', `${P}: "steps" is not an array: ${PREVIEW_FIX}`],
  ["a step without op", '{"steps": [{"urn": "u"}]}', `${P}: steps[0] has no "op" string: ${PREVIEW_FIX}`],
  ["a step without urn", '{"steps": [{"op": "same"}, {"op": "same"}]}', `${P}: steps[0] has no "urn" string: ${PREVIEW_FIX}`],
  [
    "a state without type",
    '{"steps": [{"op": "create", "urn": "u", "newState": {"urn": "u"}}]}',
    `${P}: steps[0].newState has no "type" string: ${PREVIEW_FIX}`,
  ],
];
for (const [title, text, message] of badPreviews) {
  test(`--preview refused: ${title}`, (t) => {
    const e = t.throws(() => parsePreview(text, P), { instanceOf: PlanInputError });
    t.is(e?.message, message);
  });
}

const badStates: [string, string, string][] = [
  ["not JSON", "error: no stack selected", `${S} is not JSON (it starts with "error: no stack selected"): ${STATE_FIX}`],
  ["no deployment", '{"version": 3}', `${S} has no "deployment" object with "resources": ${STATE_FIX}`],
  ["a preview", '{"steps": []}', `${S} looks like \`pulumi preview --json\` output (it has "steps"): pass it with --preview.`],
  ["resources not an array", '{"deployment": {"resources": {}}}', `${S}: "deployment.resources" is not an array: ${STATE_FIX}`],
  [
    "a resource without urn",
    '{"deployment": {"resources": [{"type": "t"}]}}',
    `${S}: deployment.resources[0] has no "urn" string: ${STATE_FIX}`,
  ],
];
for (const [title, text, message] of badStates) {
  test(`--state refused: ${title}`, (t) => {
    const e = t.throws(() => parseStackExport(text, S), { instanceOf: PlanInputError });
    t.is(e?.message, message);
  });
}

test("accepted: a preview of an empty program (no steps, a change summary), an export of a stack never deployed, a bare deployment", (t) => {
  t.deepEqual(parsePreview('{"changeSummary": {}}', P), { steps: [], changeSummary: {}, errors: [] });
  t.deepEqual(parseStackExport('{"version": 3, "deployment": {"manifest": {}}}', S), []);
  t.is(parseStackExport('{"resources": [{"urn": "u", "type": "t"}]}', S).length, 1);
});

test("nothing to read is refused", (t) => {
  t.throws(() => transition(undefined, undefined), {
    message: "nothing to read: give a `pulumi preview --json` document, a `pulumi stack export` document, or both.",
  });
});

const U = "urn:pulumi:dev::lab::";
const NET = "docker:index/network:Network";
const CTR = "docker:index/container:Container";
function net(name: string, subnet: string | undefined, extra: Record<string, unknown> = {}): ResourceState {
  return {
    urn: `${U}${NET}::${name}`,
    type: NET,
    inputs: { driver: "bridge", name, ...(subnet ? { ipamConfigs: [{ subnet, gateway: subnet.replace(/0\/\d+$/, "1") }] } : {}) },
    outputs: { id: `id-${name}`, ...extra },
  };
}
function ctr(name: string, inputs: Record<string, unknown>, outputs: Record<string, unknown> = {}): ResourceState {
  return { urn: `${U}${CTR}::${name}`, type: CTR, inputs: { name, ...inputs }, outputs };
}
const step = (op: string, oldState?: ResourceState, newState?: ResourceState) => ({
  op,
  urn: (oldState ?? newState)!.urn,
  ...(oldState ? { oldState } : {}),
  ...(newState ? { newState } : {}),
});

test("BEFORE/AFTER from ops: delete removes, create adds, delete-before-replace keeps the new state, a targeted preview keeps the rest", (t) => {
  const a = net("a", "10.1.0.0/24");
  const b = net("b", "10.2.0.0/24");
  const c = net("c", "10.3.0.0/24");
  const c2 = net("c", "10.3.1.0/24");
  const kept = net("kept", "10.9.0.0/24");
  const doc = JSON.stringify({
    steps: [
      step("delete", a),
      step("create", undefined, b),
      step("delete-replaced", c),
      step("replace", c, c2),
      step("create-replacement", c, c2),
    ],
  });
  const tr = transition(parsePreview(doc, P), [a, c, kept]);
  t.deepEqual(
    tr.before.map((r) => r.urn.split("::").pop()),
    ["a", "c", "kept"],
  );
  t.deepEqual(
    tr.after.map((r) => r.urn.split("::").pop()),
    ["b", "c", "kept"],
  );
  t.deepEqual(
    tr.after.find((r) => r.urn === c.urn),
    c2,
  );
  t.deepEqual(tr.summary, [
    ["create", 1],
    ["replace", 1],
    ["delete", 1],
  ]);
  const rows = buildReport(tr).networks.rows.map((r) => [r[0], r[2], r[6]]);
  t.deepEqual(rows, [
    ["a", "10.1.0.0/24", "removed"],
    ["b", "10.2.0.0/24", "added"],
    ["c", "10.3.0.0/24 → 10.3.1.0/24", "changed"],
    ["kept", "10.9.0.0/24", "unchanged"],
  ]);
});

test("a stack export's resources pending deletion are left out; the preview's error diagnostics are kept", (t) => {
  const doc = { deployment: { resources: [{ ...net("old", "10.5.0.0/24"), delete: true }, net("new", "10.5.0.0/24")] } };
  t.deepEqual(
    parseStackExport(JSON.stringify(doc), S).map((r) => r.inputs.name),
    ["new"],
  );
  const p = parsePreview(
    JSON.stringify({
      steps: [],
      diagnostics: [
        { severity: "warning", message: "w" },
        { severity: "error", message: "boom\n" },
      ],
    }),
    P,
  );
  t.deepEqual(p.errors, ["boom"]);
});

test("values: unknowns, secrets (preview and export), empty read-back fields, a network named by id", (t) => {
  const n = net("x", undefined, {
    ipamConfigs: [{ subnet: "172.20.0.0/16", gateway: "172.20.0.1", ipRange: "", auxAddress: {} }],
    name: "x",
  });
  t.deepEqual(networkView(n), {
    key: n.urn,
    name: "x",
    driver: "bridge",
    pools: [{ subnet: "172.20.0.0/16", gateway: "172.20.0.1", auxAddresses: [] }],
  });
  t.is(networkView({ ...n, outputs: { ipamConfigs: "04da6b54-80e4-46f7-96ec-b56ff0331ba9" } }).assigned, "unknown");
  t.is(networkView({ ...n, outputs: {} }).assigned, "docker");

  const secret = { "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", plaintext: '"10.7.0.9"' };
  const cipher = { "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", ciphertext: "v1:abc" };
  const c = ctr("c", {
    networksAdvanced: [
      { name: "id-x", ipv4Address: secret },
      { name: "y", ipv4Address: cipher, ipv6Address: "[secret]" },
    ],
    ports: [
      { internal: 80, external: "04da6b54-80e4-46f7-96ec-b56ff0331ba9" },
      { internal: 53, protocol: "udp", ip: "::1", external: 5353 },
      { internal: 22 },
    ],
  });
  const view = containerView(c, new Map([["id-x", "x"]]));
  t.deepEqual(view.attachments, [
    { network: "x", ipv4: "10.7.0.9", aliases: [] },
    { network: "y", ipv4: "[secret]", ipv6: "[secret]", aliases: [] },
  ]);
  t.deepEqual(
    buildReport(transition(undefined, [n, c])).containers.rows.map((r) => r.slice(1, 5)),
    [
      ["x", "10.7.0.9", "-", "0.0.0.0:(random)->22/tcp, [::1]:5353->53/udp, 0.0.0.0:(known after apply)->80/tcp"],
      ["y", "[secret]", "[secret]", "0.0.0.0:(random)->22/tcp, [::1]:5353->53/udp, 0.0.0.0:(known after apply)->80/tcp"],
    ],
  );
});

test("network modes: host and none have no address; container:ID is shortened; the provider's read-back mode is ignored", (t) => {
  const id = "0123456789abcdef".repeat(4);
  const v = planView([
    ctr("h", { networkMode: "host" }),
    ctr("n", { networkMode: "none" }),
    ctr("s", { networkMode: `container:${id}` }),
    ctr("d", {}, { networkMode: "bridge", ports: [{ internal: 80, external: 8080, ip: "0.0.0.0", protocol: "tcp" }] }),
  ]);
  t.deepEqual(buildReport(transition(undefined, [])).containers.rows, []);
  const rows = buildReport({ before: [], after: [], errors: [], source: "state" }).containers.rows;
  t.deepEqual(rows, []);
  t.deepEqual(
    v.containers.map((c) => [c.name, c.networkMode]),
    [
      ["d", undefined],
      ["h", "host"],
      ["n", "none"],
      ["s", `container:${id}`],
    ],
  );
  const report = buildReport(
    transition(undefined, [
      ctr("h", { networkMode: "host" }),
      ctr("s", { networkMode: `container:${id}` }),
      ctr("d", {}, { networkMode: "bridge", ports: [{ internal: 80, external: 8080, ip: "0.0.0.0", protocol: "tcp" }] }),
    ]),
  );
  t.deepEqual(report.containers.rows, [
    ["d", "(default bridge)", "dynamic", "-", "0.0.0.0:8080->80/tcp", "unchanged"],
    ["h", "(host)", "-", "-", "-", "unchanged"],
    ["s", "(container:0123456789ab)", "-", "-", "-", "unchanged"],
  ]);
});

test("dual stack: pools IPv4 first, ports and aux addresses compared item by item", (t) => {
  const before = net("ds", undefined);
  before.inputs.ipamConfigs = [
    { subnet: "fd00:10::/64", gateway: "fd00:10::1" },
    { subnet: "10.20.0.0/24", gateway: "10.20.0.1", auxAddress: { b: "10.20.0.3", a: "10.20.0.2" } },
  ];
  const after: ResourceState = JSON.parse(JSON.stringify(before));
  (after.inputs.ipamConfigs as any)[1].auxAddress = { a: "10.20.0.2", c: "10.20.0.4" };
  const cb = ctr("app", {
    ports: [
      { internal: 80, external: 8080, ip: "0.0.0.0", protocol: "tcp" },
      { internal: 443, external: 8443, ip: "0.0.0.0", protocol: "tcp" },
    ],
  });
  const ca: ResourceState = JSON.parse(JSON.stringify(cb));
  ca.inputs.ports = [
    { internal: 80, external: 9080, ip: "0.0.0.0", protocol: "tcp" },
    { internal: 53, external: 53, ip: "::", protocol: "udp" },
  ];
  const doc = JSON.stringify({ steps: [step("replace", before, after), step("replace", cb, ca)] });
  const r = buildReport(transition(parsePreview(doc, P), undefined));
  t.deepEqual(r.networks.rows, [
    [
      "ds",
      "bridge",
      "10.20.0.0/24, fd00:10::/64",
      "10.20.0.1, fd00:10::1",
      "-",
      "a=10.20.0.2, - → c=10.20.0.4, b=10.20.0.3 → -",
      "changed",
    ],
  ]);
  t.deepEqual(r.containers.rows, [
    [
      "app",
      "(default bridge)",
      "dynamic",
      "-",
      "- → [::]:53->53/udp, 0.0.0.0:8080->80/tcp → 0.0.0.0:9080->80/tcp, 0.0.0.0:8443->443/tcp → -",
      "changed",
    ],
  ]);
});

test("a DaemonConfig: bip, fixed-cidr and pools from its managed keys, named after its component; a Command with kind daemon is not one", (t) => {
  const d: ResourceState = {
    urn: `${U}dockwire:host:DaemonConfig$pulumi-nodejs:dynamic/dockwire:DaemonConfig::edge-apply`,
    type: "pulumi-nodejs:dynamic/dockwire:DaemonConfig",
    inputs: {
      kind: "daemon",
      managed: { bip: "10.99.0.1/24", "fixed-cidr": "10.99.0.128/25", "default-address-pools": [{ base: "10.100.0.0/16", size: 24 }] },
    },
    outputs: {},
    parent: `${U}dockwire:host:DaemonConfig::edge`,
  };
  const old: ResourceState = {
    urn: `${U}pulumi-nodejs:dynamic:Resource::legacy`,
    type: "pulumi-nodejs:dynamic:Resource",
    inputs: { kind: "daemon", managed: { bip: "10.98.0.1/24" } },
    outputs: {},
  };
  const cmd: ResourceState = {
    urn: `${U}command:local:Command::c`,
    type: "command:local:Command",
    inputs: { kind: "daemon" },
    outputs: {},
  };
  const r = buildReport(transition(undefined, [d, old, cmd]));
  t.deepEqual(r.daemon?.rows, [
    ["edge", "bip", "10.99.0.1/24", "unchanged"],
    ["edge", "fixed-cidr", "10.99.0.128/25", "unchanged"],
    ["edge", "default-address-pools[0]", "10.100.0.0/16, size /24", "unchanged"],
    ["legacy", "bip", "10.98.0.1/24", "unchanged"],
  ]);
  t.deepEqual(r.collisions, []);
});

test("rows sort by name with numbers compared as numbers", (t) => {
  const v = planView(["n10", "n9", "n1", "m"].map((x) => net(x, undefined)));
  t.deepEqual(
    v.networks.map((x) => x.name),
    ["m", "n1", "n9", "n10"],
  );
});
