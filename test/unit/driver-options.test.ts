import test from "ava";
import {
  BridgeOptions,
  DriverOptionError,
  ParentInterface,
  bridgeOptions,
  ipvlanOptions,
  labelList,
  macvlanOptions,
  mtuOption,
  overlayOptions,
  parseParent,
} from "../../provider/networks/driver-options";
import { NameError } from "../../provider/netns/names";

const NAME = "com.docker.network.bridge.name";
const ICC = "com.docker.network.bridge.enable_icc";
const MASQ = "com.docker.network.bridge.enable_ip_masquerade";
const HOST_BINDING = "com.docker.network.bridge.host_binding_ipv4";
const MTU = "com.docker.network.driver.mtu";

// ---------------------------------------------------------------- bridgeOptions: valid

const bridgeValid: [string, BridgeOptions, Record<string, string>][] = [
  ["no options gives an empty map", {}, {}],
  ["bridgeName only", { bridgeName: "mybr0" }, { [NAME]: "mybr0" }],
  ["bridgeName of exactly 15 characters", { bridgeName: "br-0123456789ab" }, { [NAME]: "br-0123456789ab" }],
  ["enableIcc false", { enableIcc: false }, { [ICC]: "false" }],
  ["enableIcc true", { enableIcc: true }, { [ICC]: "true" }],
  ["enableIpMasquerade false", { enableIpMasquerade: false }, { [MASQ]: "false" }],
  ["hostBindingIpv4 loopback", { hostBindingIpv4: "127.0.0.1" }, { [HOST_BINDING]: "127.0.0.1" }],
  ["hostBindingIpv4 255.255.255.255", { hostBindingIpv4: "255.255.255.255" }, { [HOST_BINDING]: "255.255.255.255" }],
  ["mtu 1450", { mtu: 1450 }, { [MTU]: "1450" }],
  ["mtu lower bound 68", { mtu: 68 }, { [MTU]: "68" }],
  ["mtu upper bound 65535", { mtu: 65535 }, { [MTU]: "65535" }],
  [
    "every option",
    { mtu: 9000, hostBindingIpv4: "10.10.0.5", enableIpMasquerade: true, enableIcc: false, bridgeName: "br-eagle" },
    { [NAME]: "br-eagle", [ICC]: "false", [MASQ]: "true", [HOST_BINDING]: "10.10.0.5", [MTU]: "9000" },
  ],
];

for (const [title, input, expected] of bridgeValid) {
  test(`bridgeOptions: ${title}`, (t) => {
    const out = bridgeOptions(input);
    t.deepEqual(out, expected);
    // keys are sorted, so the JSON of the options is stable
    t.deepEqual(Object.keys(out), Object.keys(expected).sort());
  });
}

test("bridgeOptions: every option yields keys in sorted order", (t) => {
  const out = bridgeOptions({ mtu: 1500, hostBindingIpv4: "0.0.0.0", enableIpMasquerade: false, enableIcc: true, bridgeName: "docker1" });
  t.deepEqual(Object.keys(out), [ICC, MASQ, HOST_BINDING, NAME, MTU]);
  t.is(
    JSON.stringify(out),
    JSON.stringify({ [ICC]: "true", [MASQ]: "false", [HOST_BINDING]: "0.0.0.0", [NAME]: "docker1", [MTU]: "1500" }),
  );
});

// ---------------------------------------------------------------- bridgeOptions: invalid

// Either error class; both carry the offending field.
type FieldError = DriverOptionError | NameError;
type ErrorClass = { new (...args: any[]): FieldError; readonly prototype: FieldError };

const bridgeInvalid: [string, BridgeOptions, ErrorClass, string][] = [
  [
    "bridgeName with a shell command separator",
    { bridgeName: "a;rm -rf /" },
    NameError,
    'options.bridgeName "a;rm -rf /" contains ";": dockwire names use only letters, digits, "_", "." and "-" so they never need shell quoting; rename it.',
  ],
  [
    "bridgeName with command substitution",
    { bridgeName: "$(id)" },
    NameError,
    'options.bridgeName "$(id)" starts with "$": dockwire names must start with a letter or digit; rename it.',
  ],
  [
    "bridgeName with backticks",
    { bridgeName: "br`id`" },
    NameError,
    'options.bridgeName "br`id`" contains "`": dockwire names use only letters, digits, "_", "." and "-" so they never need shell quoting; rename it.',
  ],
  [
    "bridgeName starting with -",
    { bridgeName: "-br0" },
    NameError,
    'options.bridgeName "-br0" starts with "-" (a leading "-" would be read as an option of ip): dockwire names must start with a letter or digit; rename it.',
  ],
  [
    "bridgeName with a space",
    { bridgeName: "br 0" },
    NameError,
    'options.bridgeName "br 0" contains whitespace, which Linux forbids in interface names; remove it.',
  ],
  [
    "bridgeName with a newline",
    { bridgeName: "br0\nx" },
    NameError,
    'options.bridgeName "br0\\nx" contains whitespace, which Linux forbids in interface names; remove it.',
  ],
  [
    "bridgeName over 15 characters",
    { bridgeName: "br-eagleslab-net0" },
    NameError,
    'options.bridgeName "br-eagleslab-net0" is 17 characters: Linux interface names are at most 15; shorten it.',
  ],
  [
    "bridgeName empty",
    { bridgeName: "" },
    NameError,
    'options.bridgeName is empty: give the interface a name of 1-15 characters (letters, digits, "_", "." and "-", starting with a letter or digit).',
  ],
  [
    "hostBindingIpv4 with a leading zero",
    { hostBindingIpv4: "127.0.0.01" },
    DriverOptionError,
    'options.hostBindingIpv4 "127.0.0.01" is not an IPv4 address: use a host address such as "127.0.0.1", or omit it to bind to 0.0.0.0.',
  ],
  [
    "hostBindingIpv4 octet out of range",
    { hostBindingIpv4: "10.0.0.256" },
    DriverOptionError,
    'options.hostBindingIpv4 "10.0.0.256" is not an IPv4 address: use a host address such as "127.0.0.1", or omit it to bind to 0.0.0.0.',
  ],
  [
    "hostBindingIpv4 a host name",
    { hostBindingIpv4: "localhost" },
    DriverOptionError,
    'options.hostBindingIpv4 "localhost" is not an IPv4 address: use a host address such as "127.0.0.1", or omit it to bind to 0.0.0.0.',
  ],
  [
    "hostBindingIpv4 IPv6",
    { hostBindingIpv4: "::1" },
    DriverOptionError,
    'options.hostBindingIpv4 "::1" is not an IPv4 address: use a host address such as "127.0.0.1", or omit it to bind to 0.0.0.0.',
  ],
  [
    "hostBindingIpv4 with an injected command",
    { hostBindingIpv4: "127.0.0.1;id" },
    DriverOptionError,
    'options.hostBindingIpv4 "127.0.0.1;id" is not an IPv4 address: use a host address such as "127.0.0.1", or omit it to bind to 0.0.0.0.',
  ],
  [
    "mtu 67 below the minimum",
    { mtu: 67 },
    DriverOptionError,
    "options.mtu 67 is not a valid MTU: use a whole number from 68 to 65535 (1500 for Ethernet).",
  ],
  [
    "mtu 65536 above the maximum",
    { mtu: 65536 },
    DriverOptionError,
    "options.mtu 65536 is not a valid MTU: use a whole number from 68 to 65535 (1500 for Ethernet).",
  ],
  [
    "mtu 1.5 not whole",
    { mtu: 1.5 },
    DriverOptionError,
    "options.mtu 1.5 is not a valid MTU: use a whole number from 68 to 65535 (1500 for Ethernet).",
  ],
  [
    "mtu 1500.5 not whole",
    { mtu: 1500.5 },
    DriverOptionError,
    "options.mtu 1500.5 is not a valid MTU: use a whole number from 68 to 65535 (1500 for Ethernet).",
  ],
];

for (const [title, input, cls, message] of bridgeInvalid) {
  test(`bridgeOptions rejects ${title}`, (t) => {
    const err = t.throws(() => bridgeOptions(input), { instanceOf: cls, message });
    t.true(err.message.startsWith("options."));
  });
}

test("bridgeOptions: field prefix is used in messages and error.field", (t) => {
  const err = t.throws(() => bridgeOptions({ mtu: 67 }, "bridge"), {
    instanceOf: DriverOptionError,
    message: "bridge.mtu 67 is not a valid MTU: use a whole number from 68 to 65535 (1500 for Ethernet).",
  });
  t.is(err.field, "bridge.mtu");
  const name = t.throws(() => bridgeOptions({ bridgeName: "$(id)" }, "bridge"), { instanceOf: NameError });
  t.is(name.field, "bridge.bridgeName");
  const host = t.throws(() => bridgeOptions({ hostBindingIpv4: "x" }, "bridge"), { instanceOf: DriverOptionError });
  t.is(host.field, "bridge.hostBindingIpv4");
});

// ---------------------------------------------------------------- mtuOption

const mtuValid: [number, string][] = [
  [68, "68"],
  [1500, "1500"],
  [9000, "9000"],
  [65535, "65535"],
];

for (const [mtu, expected] of mtuValid) {
  test(`mtuOption: ${mtu}`, (t) => {
    t.is(mtuOption(mtu, "mtu"), expected);
  });
}

const mtuInvalid: [string, number, string][] = [
  ["0", 0, "mtu 0 is not a valid MTU: use a whole number from 68 to 65535 (1500 for Ethernet)."],
  ["-1500", -1500, "mtu -1500 is not a valid MTU: use a whole number from 68 to 65535 (1500 for Ethernet)."],
  ["67", 67, "mtu 67 is not a valid MTU: use a whole number from 68 to 65535 (1500 for Ethernet)."],
  ["65536", 65536, "mtu 65536 is not a valid MTU: use a whole number from 68 to 65535 (1500 for Ethernet)."],
  ["1.5", 1.5, "mtu 1.5 is not a valid MTU: use a whole number from 68 to 65535 (1500 for Ethernet)."],
  // JSON.stringify prints NaN as null
  ["NaN", NaN, "mtu NaN is not a valid MTU: use a whole number from 68 to 65535 (1500 for Ethernet)."],
];

for (const [title, mtu, message] of mtuInvalid) {
  test(`mtuOption rejects ${title}`, (t) => {
    const err = t.throws(() => mtuOption(mtu, "mtu"), { instanceOf: DriverOptionError, message });
    t.is(err.field, "mtu");
  });
}

// ---------------------------------------------------------------- parseParent: valid

const parentValid: [string, string, number | undefined, ParentInterface][] = [
  ["plain interface", "eth0", undefined, { name: "eth0", base: "eth0" }],
  ["802.1q sub-interface eth0.10", "eth0.10", undefined, { name: "eth0.10", base: "eth0", vlan: 10 }],
  ["vlan given separately", "eth0", 10, { name: "eth0.10", base: "eth0", vlan: 10 }],
  ["vlan 1 (lowest)", "eth0", 1, { name: "eth0.1", base: "eth0", vlan: 1 }],
  ["vlan 4094 (highest)", "eth0.4094", undefined, { name: "eth0.4094", base: "eth0", vlan: 4094 }],
  ["predictable name with VLAN, 15 characters", "enp0s31f6.100", undefined, { name: "enp0s31f6.100", base: "enp0s31f6", vlan: 100 }],
  ["name of exactly 15 characters with vlan", "enp0s31f6ab", 100, { name: "enp0s31f6ab.100", base: "enp0s31f6ab", vlan: 100 }],
  ["bond interface", "bond0", 200, { name: "bond0.200", base: "bond0", vlan: 200 }],
  ["dot without digits is part of the name", "br.lan", undefined, { name: "br.lan", base: "br.lan" }],
];

for (const [title, parent, vlan, expected] of parentValid) {
  test(`parseParent: ${title}`, (t) => {
    t.deepEqual(parseParent(parent, vlan, "parent"), expected);
  });
}

// ---------------------------------------------------------------- parseParent: invalid

const parentInvalid: [string, string, number | undefined, ErrorClass, string][] = [
  [
    "empty",
    "",
    undefined,
    DriverOptionError,
    'parent is required: name the host interface the network rides on, e.g. "eth0" or "eth0.10" for VLAN 10.',
  ],
  [
    "VLAN in the name and vlan given too",
    "eth0.10",
    20,
    DriverOptionError,
    'parent "eth0.10" already names VLAN 10, and vlan 20 was given too: use either parent "eth0" with vlan 20, or parent "eth0.10" alone.',
  ],
  [
    "VLAN in the name and the same vlan given too",
    "eth0.10",
    10,
    DriverOptionError,
    'parent "eth0.10" already names VLAN 10, and vlan 10 was given too: use either parent "eth0" with vlan 10, or parent "eth0.10" alone.',
  ],
  ["vlan 0 in the name", "eth0.0", undefined, DriverOptionError, "parent VLAN id 0 is out of range: 802.1q VLAN ids are 1 to 4094."],
  [
    "vlan 4095 in the name",
    "eth0.4095",
    undefined,
    DriverOptionError,
    "parent VLAN id 4095 is out of range: 802.1q VLAN ids are 1 to 4094.",
  ],
  ["vlan 0 given separately", "eth0", 0, DriverOptionError, "parent VLAN id 0 is out of range: 802.1q VLAN ids are 1 to 4094."],
  ["vlan 4095 given separately", "eth0", 4095, DriverOptionError, "parent VLAN id 4095 is out of range: 802.1q VLAN ids are 1 to 4094."],
  ["vlan -1 given separately", "eth0", -1, DriverOptionError, "parent VLAN id -1 is out of range: 802.1q VLAN ids are 1 to 4094."],
  ["vlan 1.5 given separately", "eth0", 1.5, DriverOptionError, "parent VLAN id 1.5 is out of range: 802.1q VLAN ids are 1 to 4094."],
  [
    "over-long with VLAN suffix in the name",
    "enp0s31f6abc.100",
    undefined,
    DriverOptionError,
    'parent "enp0s31f6abc.100" is 16 characters: Linux interface names (VLAN suffix included) are at most 15; use a shorter parent name.',
  ],
  [
    "over-long once vlan is appended",
    "enp0s31f6abc",
    100,
    DriverOptionError,
    'parent "enp0s31f6abc.100" is 16 characters: Linux interface names (VLAN suffix included) are at most 15; use a shorter parent name.',
  ],
  [
    "base name alone over 15 characters",
    "enp0s31f6abcdefgh",
    undefined,
    NameError,
    'parent "enp0s31f6abcdefgh" is 17 characters: Linux interface names are at most 15; shorten it.',
  ],
  [
    "base name with injection",
    "eth0;reboot",
    undefined,
    NameError,
    'parent "eth0;reboot" contains ";": dockwire names use only letters, digits, "_", "." and "-" so they never need shell quoting; rename it.',
  ],
  [
    "base with the old alias syntax",
    "eth0:1",
    undefined,
    NameError,
    'parent "eth0:1" contains ":", which Linux forbids in interface names (it is the old alias syntax, as in eth0:1); remove it.',
  ],
];

for (const [title, parent, vlan, cls, message] of parentInvalid) {
  test(`parseParent rejects ${title}`, (t) => {
    const err = t.throws(() => parseParent(parent, vlan, "parent"), { instanceOf: cls, message });
    t.is(err.field, "parent");
  });
}

// ---------------------------------------------------------------- macvlanOptions / ipvlanOptions

const eth0: ParentInterface = { name: "eth0", base: "eth0" };
const eth0v10: ParentInterface = { name: "eth0.10", base: "eth0", vlan: 10 };

const macvlanValid: [string, ParentInterface, string | undefined, Record<string, string>][] = [
  ["default mode is bridge", eth0, undefined, { macvlan_mode: "bridge", parent: "eth0" }],
  ["bridge", eth0, "bridge", { macvlan_mode: "bridge", parent: "eth0" }],
  ["private", eth0, "private", { macvlan_mode: "private", parent: "eth0" }],
  ["vepa", eth0, "vepa", { macvlan_mode: "vepa", parent: "eth0" }],
  ["passthru", eth0, "passthru", { macvlan_mode: "passthru", parent: "eth0" }],
  ["VLAN parent uses the full name", eth0v10, "bridge", { macvlan_mode: "bridge", parent: "eth0.10" }],
];

for (const [title, parent, mode, expected] of macvlanValid) {
  test(`macvlanOptions: ${title}`, (t) => {
    const out = macvlanOptions(parent, mode);
    t.deepEqual(out, expected);
    t.deepEqual(Object.keys(out), ["macvlan_mode", "parent"]);
  });
}

const macvlanInvalid: [string, string, string][] = [
  ["bridged", "bridged", 'mode "bridged" is not a macvlan mode: use one of "bridge", "private", "vepa", "passthru".'],
  ["l2 (an ipvlan mode)", "l2", 'mode "l2" is not a macvlan mode: use one of "bridge", "private", "vepa", "passthru".'],
  ["BRIDGE (case matters)", "BRIDGE", 'mode "BRIDGE" is not a macvlan mode: use one of "bridge", "private", "vepa", "passthru".'],
  ["empty", "", 'mode "" is not a macvlan mode: use one of "bridge", "private", "vepa", "passthru".'],
];

for (const [title, mode, message] of macvlanInvalid) {
  test(`macvlanOptions rejects mode ${title}`, (t) => {
    const err = t.throws(() => macvlanOptions(eth0, mode), { instanceOf: DriverOptionError, message });
    t.is(err.field, "mode");
  });
}

const ipvlanValid: [string, ParentInterface, string | undefined, string | undefined, Record<string, string>][] = [
  ["defaults: mode l2, no flag", eth0, undefined, undefined, { ipvlan_mode: "l2", parent: "eth0" }],
  ["l2", eth0, "l2", undefined, { ipvlan_mode: "l2", parent: "eth0" }],
  ["l3", eth0, "l3", undefined, { ipvlan_mode: "l3", parent: "eth0" }],
  ["l3s", eth0, "l3s", undefined, { ipvlan_mode: "l3s", parent: "eth0" }],
  ["flag bridge", eth0, "l2", "bridge", { ipvlan_flag: "bridge", ipvlan_mode: "l2", parent: "eth0" }],
  ["flag private", eth0, "l3", "private", { ipvlan_flag: "private", ipvlan_mode: "l3", parent: "eth0" }],
  ["flag vepa on a VLAN parent", eth0v10, "l2", "vepa", { ipvlan_flag: "vepa", ipvlan_mode: "l2", parent: "eth0.10" }],
  ["flag with default mode", eth0, undefined, "private", { ipvlan_flag: "private", ipvlan_mode: "l2", parent: "eth0" }],
];

for (const [title, parent, mode, flag, expected] of ipvlanValid) {
  test(`ipvlanOptions: ${title}`, (t) => {
    const out = ipvlanOptions(parent, mode, flag);
    t.deepEqual(out, expected);
    t.deepEqual(Object.keys(out), Object.keys(expected).sort());
  });
}

const ipvlanInvalid: [string, string | undefined, string | undefined, string, string][] = [
  ["mode l4", "l4", undefined, "mode", 'mode "l4" is not an ipvlan mode: use one of "l2", "l3", "l3s".'],
  ["mode bridge (a macvlan mode)", "bridge", undefined, "mode", 'mode "bridge" is not an ipvlan mode: use one of "l2", "l3", "l3s".'],
  ["mode L2 (case matters)", "L2", undefined, "mode", 'mode "L2" is not an ipvlan mode: use one of "l2", "l3", "l3s".'],
  ["flag passthru", "l2", "passthru", "flag", 'flag "passthru" is not an ipvlan flag: use one of "bridge", "private", "vepa".'],
  ["flag bridged", undefined, "bridged", "flag", 'flag "bridged" is not an ipvlan flag: use one of "bridge", "private", "vepa".'],
  // mode is checked before flag
  ["bad mode and bad flag", "l4", "bridged", "mode", 'mode "l4" is not an ipvlan mode: use one of "l2", "l3", "l3s".'],
];

for (const [title, mode, flag, field, message] of ipvlanInvalid) {
  test(`ipvlanOptions rejects ${title}`, (t) => {
    const err = t.throws(() => ipvlanOptions(eth0, mode, flag), { instanceOf: DriverOptionError, message });
    t.is(err.field, field);
  });
}

test("macvlan: parseParent feeds macvlanOptions (eth0 with vlan 30, private)", (t) => {
  t.deepEqual(macvlanOptions(parseParent("eth0", 30, "parent"), "private"), { macvlan_mode: "private", parent: "eth0.30" });
});

// ---------------------------------------------------------------- overlayOptions

const overlayValid: [string, { encrypted?: boolean; mtu?: number }, Record<string, string>][] = [
  ["no options", {}, {}],
  ["encrypted", { encrypted: true }, { encrypted: "" }],
  ["encrypted false is omitted", { encrypted: false }, {}],
  ["mtu", { mtu: 1450 }, { [MTU]: "1450" }],
  ["encrypted and mtu, sorted", { mtu: 1400, encrypted: true }, { [MTU]: "1400", encrypted: "" }],
];

for (const [title, input, expected] of overlayValid) {
  test(`overlayOptions: ${title}`, (t) => {
    const out = overlayOptions(input);
    t.deepEqual(out, expected);
    t.deepEqual(Object.keys(out), Object.keys(expected).sort());
  });
}

test("overlayOptions rejects mtu 65536", (t) => {
  const err = t.throws(() => overlayOptions({ encrypted: true, mtu: 65536 }), {
    instanceOf: DriverOptionError,
    message: "options.mtu 65536 is not a valid MTU: use a whole number from 68 to 65535 (1500 for Ethernet).",
  });
  t.is(err.field, "options.mtu");
});

// ---------------------------------------------------------------- labelList

const labelsValid: [string, Record<string, string> | undefined, { label: string; value: string }[]][] = [
  ["undefined", undefined, []],
  ["empty", {}, []],
  ["one label", { team: "net" }, [{ label: "team", value: "net" }]],
  [
    "sorted by key",
    { "com.example.z": "1", "com.example.a": "2", Zeta: "3", alpha: "" },
    [
      { label: "Zeta", value: "3" },
      { label: "alpha", value: "" },
      { label: "com.example.a", value: "2" },
      { label: "com.example.z", value: "1" },
    ],
  ],
  [
    "value with spaces is fine",
    { "com.example.note": "lab network for eagleslab" },
    [{ label: "com.example.note", value: "lab network for eagleslab" }],
  ],
];

for (const [title, labels, expected] of labelsValid) {
  test(`labelList: ${title}`, (t) => {
    t.deepEqual(labelList(labels), expected);
  });
}

const labelsInvalid: [string, Record<string, unknown>, string, string][] = [
  [
    "empty key",
    { "": "x" },
    "labels",
    'labels key "" is not a valid label key: use a non-empty key without spaces, e.g. "com.example.team".',
  ],
  [
    "key with a space",
    { "my team": "x" },
    "labels",
    'labels key "my team" is not a valid label key: use a non-empty key without spaces, e.g. "com.example.team".',
  ],
  [
    "key with a tab",
    { "a\tb": "x" },
    "labels",
    'labels key "a\\tb" is not a valid label key: use a non-empty key without spaces, e.g. "com.example.team".',
  ],
  ["number value", { team: 42 }, "labels.team", 'labels.team must be a string, got number: quote it, e.g. "42".'],
  ["boolean value", { enabled: true }, "labels.enabled", 'labels.enabled must be a string, got boolean: quote it, e.g. "true".'],
  // keys are checked in sorted order
  [
    "first bad key in sorted order is reported",
    { "z z": "1", "a a": "2" },
    "labels",
    'labels key "a a" is not a valid label key: use a non-empty key without spaces, e.g. "com.example.team".',
  ],
];

for (const [title, labels, field, message] of labelsInvalid) {
  test(`labelList rejects ${title}`, (t) => {
    const err = t.throws(() => labelList(labels as Record<string, string>), { instanceOf: DriverOptionError, message });
    t.is(err.field, field);
  });
}

test("labelList: custom field name", (t) => {
  t.throws(() => labelList({ "a b": "x" }, "args.labels"), {
    instanceOf: DriverOptionError,
    message: 'args.labels key "a b" is not a valid label key: use a non-empty key without spaces, e.g. "com.example.team".',
  });
});

// Known bug: sortedRecord assigns with `out[k] = v`, so an own "__proto__" key hits the
// Object.prototype setter and the label silently disappears. Remove `.failing` once fixed.
test("labelList keeps a label whose key is __proto__", (t) => {
  const labels = JSON.parse('{"__proto__": "x", "team": "net"}') as Record<string, string>;
  t.deepEqual(labelList(labels), [
    { label: "__proto__", value: "x" },
    { label: "team", value: "net" },
  ]);
});
