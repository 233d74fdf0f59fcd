import test from "ava";
import {
  OWNER_LABEL,
  UNKNOWN,
  changedFields,
  connOf,
  hasUnknown,
  isLegacyState,
  labelList,
  labelMap,
  legacyChanges,
  legacyView,
  opt,
  same,
  stable,
  targetOfConn,
} from "../../provider/docker/common";
import { LEGACY_NETWORK } from "./fixtures/legacy-docker";

// ---------------------------------------------------------------- constants

test("the unknown sentinel and the owner label", (t) => {
  t.is(UNKNOWN, "04da6b54-80e4-46f7-96ec-b56ff0331ba9");
  t.is(OWNER_LABEL, "dockwire.owner");
});

// ---------------------------------------------------------------- hasUnknown

const unknowns: [string, unknown, boolean][] = [
  ["the sentinel", UNKNOWN, true],
  ["in a list", ["redis-cli", UNKNOWN], true],
  ["deep in objects and lists", { networksAdvanced: [{ name: "redis", networkId: UNKNOWN }] }, true],
  ["as a map value", { options: { "com.docker.network.bridge.name": UNKNOWN } }, true],
  ["a string that contains it", `x${UNKNOWN}`, false],
  ["a key that is it", { [UNKNOWN]: "known" }, false],
  ["undefined", undefined, false],
  ["null", null, false],
  ["zero", 0, false],
  ["false", false, false],
  ["empty string", "", false],
  ["empty list", [], false],
  ["empty object", {}, false],
  ["known values", { name: "redis", ports: [{ internal: 6379, external: 6379 }], labels: [] }, false],
];

for (const [title, value, expected] of unknowns) {
  test(`hasUnknown: ${title}`, (t) => {
    t.is(hasUnknown(value), expected);
  });
}

// ---------------------------------------------------------------- stable / same

const stables: [string, unknown, string][] = [
  ["keys sorted", { b: 1, a: 2 }, '{"a":2,"b":1}'],
  ["nested keys sorted", { z: { y: 1, x: [{ d: 1, c: 2 }] }, a: true }, '{"a":true,"z":{"x":[{"c":2,"d":1}],"y":1}}'],
  ["null and undefined members dropped", { a: null, b: undefined, c: 0, d: "", e: false }, '{"c":0,"d":"","e":false}'],
  ["empty members kept", { list: [], map: {} }, '{"list":[],"map":{}}'],
  ["list order kept, null elements kept", [3, null, 1], "[3,null,1]"],
  ["a string", "redis", '"redis"'],
  ["a number", 6379, "6379"],
  ["null", null, "null"],
  ["undefined", undefined, "undefined"],
];

for (const [title, value, expected] of stables) {
  test(`stable: ${title}`, (t) => {
    t.is(stable(value), expected);
  });
}

const sames: [string, unknown, unknown, boolean][] = [
  ["key order ignored", { subnet: "10.0.0.0/24", gateway: "10.0.0.1" }, { gateway: "10.0.0.1", subnet: "10.0.0.0/24" }, true],
  ["null member ignored", { subnet: "10.0.0.0/24", ipRange: null }, { subnet: "10.0.0.0/24" }, true],
  ["undefined member ignored", { subnet: "10.0.0.0/24" }, { subnet: "10.0.0.0/24", gateway: undefined }, true],
  ["nested in lists", [{ a: 1, b: null }], [{ a: 1 }], true],
  ["list order matters", ["a", "b"], ["b", "a"], false],
  ["empty string is a value", { ipRange: "" }, {}, false],
  ["empty list is a value", { labels: [] }, {}, false],
  ["false is a value", { ipv6: false }, {}, false],
  ["number and string differ", { external: 6379 }, { external: "6379" }, false],
  ["both undefined", undefined, undefined, true],
  ["undefined and null differ at the top", undefined, null, false],
];

for (const [title, a, b, expected] of sames) {
  test(`same: ${title}`, (t) => {
    t.is(same(a, b), expected);
    t.is(same(b, a), expected);
  });
}

// ---------------------------------------------------------------- changedFields

const FIELDS = ["name", "driver", "ipamConfigs", "ipv6", "options"] as const;

const changed: [string, Record<string, unknown>, Record<string, unknown>, string[]][] = [
  ["nothing changed", { name: "redis", driver: "bridge" }, { name: "redis", driver: "bridge" }, []],
  ["one field", { name: "redis", driver: "bridge" }, { name: "redis", driver: "overlay" }, ["driver"]],
  [
    "in the order of the fields",
    { name: "a", driver: "bridge", ipv6: false },
    { ipv6: true, driver: "macvlan", name: "b" },
    ["name", "driver", "ipv6"],
  ],
  ["a field the wanted side does not set never differs", { name: "redis", driver: "bridge", ipv6: true }, { name: "redis" }, []],
  ["a field the wanted side sets to null never differs", { name: "redis", ipv6: true }, { name: "redis", ipv6: null }, []],
  ["a field the state lacks differs", { name: "redis" }, { name: "redis", ipv6: false }, ["ipv6"]],
  [
    "objects by value, key order ignored",
    { ipamConfigs: [{ subnet: "10.0.0.0/24", gateway: "10.0.0.1" }] },
    { ipamConfigs: [{ gateway: "10.0.0.1", subnet: "10.0.0.0/24" }] },
    [],
  ],
  [
    "objects by value",
    { ipamConfigs: [{ subnet: "10.0.0.0/24", gateway: "10.0.0.1" }] },
    { ipamConfigs: [{ subnet: "10.0.0.0/24", gateway: "10.0.0.254" }] },
    ["ipamConfigs"],
  ],
  ["fields not listed are not compared", { name: "redis", labels: [{ label: "a", value: "1" }] }, { name: "redis", labels: [] }, []],
];

for (const [title, have, want, expected] of changed) {
  test(`changedFields: ${title}`, (t) => {
    t.deepEqual(changedFields(have, want, FIELDS), expected);
  });
}

// ---------------------------------------------------------------- opt

test("opt: a member when the value is set", (t) => {
  t.deepEqual(opt("Gateway", "10.0.0.1"), { Gateway: "10.0.0.1" });
  t.deepEqual(opt("EnableIPv6", false), { EnableIPv6: false });
  t.deepEqual(opt("IPRange", ""), { IPRange: "" });
  t.deepEqual(opt("Gateway", undefined), {});
  t.deepEqual(opt("Gateway", null), {});
});

// ---------------------------------------------------------------- labels

const labelMaps: [string, unknown, unknown, Record<string, string>][] = [
  [
    "labels and the owner",
    [
      { label: "tier", value: "cache" },
      { label: "app", value: "redis" },
    ],
    "lab/dev",
    { tier: "cache", app: "redis", "dockwire.owner": "lab/dev" },
  ],
  ["the owner alone", [], "lab/dev", { "dockwire.owner": "lab/dev" }],
  ["no labels, no owner", undefined, undefined, {}],
  ["an empty owner is no owner", [{ label: "tier", value: "cache" }], "", { tier: "cache" }],
  ["an owner that is not a string is no owner", [{ label: "tier", value: "cache" }], 42, { tier: "cache" }],
  ["labels that are not a list are none", { tier: "cache" }, "lab/dev", { "dockwire.owner": "lab/dev" }],
  [
    "the owner wins over a label of the same key",
    [{ label: "dockwire.owner", value: "someone/else" }],
    "lab/dev",
    { "dockwire.owner": "lab/dev" },
  ],
  [
    "a later label of the same key wins",
    [
      { label: "tier", value: "a" },
      { label: "tier", value: "b" },
    ],
    undefined,
    { tier: "b" },
  ],
];

for (const [title, list, owner, expected] of labelMaps) {
  test(`labelMap: ${title}`, (t) => {
    t.deepEqual(labelMap(list, owner), expected);
  });
}

const labelLists: [string, Record<string, string> | null | undefined, { label: string; value: string }[]][] = [
  [
    "sorted by key, the owner left out",
    { "dockwire.owner": "lab/dev", tier: "cache", app: "redis", "com.example.z": "1" },
    [
      { label: "app", value: "redis" },
      { label: "com.example.z", value: "1" },
      { label: "tier", value: "cache" },
    ],
  ],
  ["only the owner", { "dockwire.owner": "lab/dev" }, []],
  ["an empty value is kept", { maintenance: "" }, [{ label: "maintenance", value: "" }]],
  ["null (a network without labels)", null, []],
  ["undefined", undefined, []],
];

for (const [title, map, expected] of labelLists) {
  test(`labelList: ${title}`, (t) => {
    t.deepEqual(labelList(map), expected);
  });
}

test("labelList inverts labelMap (the owner aside)", (t) => {
  const list = [
    { label: "app", value: "redis" },
    { label: "tier", value: "cache" },
  ];
  t.deepEqual(labelList(labelMap(list, "lab/dev")), list);
});

// ---------------------------------------------------------------- connections

test("connOf: a connection with a host, else none", (t) => {
  const c = { host: "tcp://10.0.0.5:2376", tls: { caPem: "CA", certPem: "CERT", keyPem: "KEY" } };
  t.is(connOf({ connection: c }), c);
  t.is(connOf({}), undefined);
  t.is(connOf({ connection: null }), undefined);
  t.is(connOf({ connection: { tls: c.tls } }), undefined);
  t.is(connOf({ connection: UNKNOWN }), undefined);
  t.is(targetOfConn(c), "tcp://10.0.0.5:2376");
  t.is(targetOfConn(undefined), "");
});

// ---------------------------------------------------------------- legacy (@pulumi/docker 4.11.2) states

const LEGACY_NETWORK_INPUTS = {
  __defaults: ["attachable", "ingress", "internal", "ipamDriver", "ipv6"],
  driver: "bridge",
  ipamConfigs: [{ __defaults: [], gateway: "172.40.0.1", subnet: "172.40.0.0/16" }],
  name: "lg-redis",
};

test("isLegacyState: a state without dockwire's stateVersion", (t) => {
  t.true(isLegacyState(LEGACY_NETWORK));
  t.true(isLegacyState({ stateVersion: null }));
  t.false(isLegacyState({ stateVersion: 1 }));
  t.false(isLegacyState({ stateVersion: 0 }));
});

test("legacyView: a docker.Network's outputs", (t) => {
  t.deepEqual(legacyView(LEGACY_NETWORK), {
    attachable: false,
    driver: "bridge",
    id: "1a43b4f9c911988f8cc9e4e7c5e5cf80a5bb1c9d5e6171515f9249346c3eef37",
    ingress: false,
    internal: false,
    ipamConfigs: [{ gateway: "172.40.0.1", subnet: "172.40.0.0/16" }],
    ipamDriver: "default",
    ipv6: false,
    name: "lg-redis",
    scope: "local",
  });
});

test("legacyView: a docker.Network's inputs", (t) => {
  t.deepEqual(legacyView(LEGACY_NETWORK_INPUTS), {
    driver: "bridge",
    ipamConfigs: [{ gateway: "172.40.0.1", subnet: "172.40.0.0/16" }],
    name: "lg-redis",
  });
});

const views: [string, unknown, unknown][] = [
  ["empty string", "", undefined],
  ["null", null, undefined],
  ["undefined", undefined, undefined],
  ["empty list", [], undefined],
  ["empty map", {}, undefined],
  ["a list of empties", [null, "", [], {}], undefined],
  ["a map of empties", { a: null, b: "", c: [], d: {}, e: { f: "" } }, undefined],
  ["bookkeeping keys only", { __defaults: ["x"], __meta: "{}" }, undefined],
  ["false, zero and a space are values", { a: false, b: 0, c: " " }, { a: false, b: 0, c: " " }],
  ["empties dropped from a list, order kept", ["b", "", "a", null], ["b", "a"]],
  [
    "a docker.Container's mount",
    {
      bindOptions: null,
      readOnly: null,
      source: "lg-redis-1-data",
      target: "/data",
      tmpfsOptions: null,
      type: "volume",
      volumeOptions: null,
    },
    { source: "lg-redis-1-data", target: "/data", type: "volume" },
  ],
  [
    "a docker.Container's attachment",
    [{ aliases: [], ipv4Address: "172.40.0.11", ipv6Address: "", macAddress: "", name: "lg-redis" }],
    [{ ipv4Address: "172.40.0.11", name: "lg-redis" }],
  ],
];

for (const [title, value, expected] of views) {
  test(`legacyView: ${title}`, (t) => {
    t.deepEqual(legacyView(value), expected);
  });
}

const NETWORK_FIELDS = ["name", "driver", "ipamConfigs", "ipv6", "internal", "attachable", "options"];

const legacies: [string, Record<string, unknown>, string[]][] = [
  ["the same network", { name: "lg-redis", driver: "bridge", ipamConfigs: [{ subnet: "172.40.0.0/16", gateway: "172.40.0.1" }] }, []],
  [
    "the same network, empty fields set on the new side",
    { name: "lg-redis", driver: "bridge", ipamConfigs: [{ subnet: "172.40.0.0/16", gateway: "172.40.0.1", ipRange: "" }], options: {} },
    [],
  ],
  [
    "the same network, false booleans set on the new side",
    { name: "lg-redis", driver: "bridge", ipv6: false, internal: false, attachable: false },
    [],
  ],
  [
    "another subnet",
    { name: "lg-redis", driver: "bridge", ipamConfigs: [{ subnet: "172.41.0.0/16", gateway: "172.41.0.1" }] },
    ["ipamConfigs"],
  ],
  [
    "an ip range added",
    { name: "lg-redis", driver: "bridge", ipamConfigs: [{ subnet: "172.40.0.0/16", gateway: "172.40.0.1", ipRange: "172.40.5.0/24" }] },
    ["ipamConfigs"],
  ],
  ["another name and ipv6", { name: "lg-redis-2", driver: "bridge", ipv6: true }, ["name", "ipv6"]],
  ["an option added", { name: "lg-redis", driver: "bridge", options: { "com.docker.network.driver.mtu": "1400" } }, ["options"]],
];

for (const [title, news, expected] of legacies) {
  test(`legacyChanges: ${title}`, (t) => {
    t.deepEqual(legacyChanges(LEGACY_NETWORK, news, NETWORK_FIELDS), expected);
  });
}
