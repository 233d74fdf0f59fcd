import test from "ava";
import {
  DaemonConfigError,
  DaemonSettings,
  describeChange,
  mergeDaemonJson,
  parseDaemonJson,
  planDaemonJsonMerge,
  renderDaemonJson,
  restoreDaemonJson,
  toDaemonJsonKeys,
  validateDaemonSettings,
} from "../../provider/host";
import { AddressPlan, IpamError } from "../../provider/ipam";

// ---------------------------------------------------------------- validation: accepted, canonical

const accepted: [string, DaemonSettings, DaemonSettings][] = [
  ["seed 003 bip", { bip: "192.168.42.1/24" }, { bip: "192.168.42.1/24" }],
  [
    "seed 003 bip + mtu + dns",
    { bip: "192.168.42.1/24", mtu: 1500, dns: ["114.114.114.114", "8.8.8.8"] },
    { bip: "192.168.42.1/24", mtu: 1500, dns: ["114.114.114.114", "8.8.8.8"] },
  ],
  ["dns IPv6 is canonicalised", { dns: ["2606:4700:4700:0:0:0:0:1111", "FD00::53"] }, { dns: ["2606:4700:4700::1111", "fd00::53"] }],
  ["fixed-cidr inside bip", { bip: "10.20.0.1/16", fixedCidr: "10.20.128.0/17" }, { bip: "10.20.0.1/16", fixedCidr: "10.20.128.0/17" }],
  [
    "fixed-cidr equal to bip's network",
    { bip: "10.20.0.1/16", fixedCidr: "10.20.0.0/16" },
    { bip: "10.20.0.1/16", fixedCidr: "10.20.0.0/16" },
  ],
  ["mtu bounds", { mtu: 68 }, { mtu: 68 }],
  ["mtu upper bound", { mtu: 65535 }, { mtu: 65535 }],
  ["dns-search", { dnsSearch: ["example.com", "svc.cluster-1.local"] }, { dnsSearch: ["example.com", "svc.cluster-1.local"] }],
  [
    "pools with bip, not overlapping",
    {
      bip: "192.168.42.1/24",
      defaultAddressPools: [
        { base: "10.200.0.0/16", size: 24 },
        { base: "172.80.0.0/14", size: 20 },
      ],
    },
    {
      bip: "192.168.42.1/24",
      defaultAddressPools: [
        { base: "10.200.0.0/16", size: 24 },
        { base: "172.80.0.0/14", size: 20 },
      ],
    },
  ],
  [
    "pool size equal to base prefix",
    { defaultAddressPools: [{ base: "10.200.0.0/24", size: 24 }] },
    { defaultAddressPools: [{ base: "10.200.0.0/24", size: 24 }] },
  ],
  ["hosts unix and fd", { hosts: ["unix:///var/run/docker.sock", "fd://"] }, { hosts: ["unix:///var/run/docker.sock", "fd://"] }],
  [
    "tcp with tlsverify in extra",
    { hosts: ["tcp://10.0.0.5:2376"], extra: { tlsverify: true, tlscacert: "/etc/docker/ca.pem" } },
    { hosts: ["tcp://10.0.0.5:2376"], extra: { tlscacert: "/etc/docker/ca.pem", tlsverify: true } },
  ],
  [
    "extra keys sorted and copied",
    { extra: { "log-level": "warn", debug: false, labels: ["a=b"] } },
    { extra: { debug: false, labels: ["a=b"], "log-level": "warn" } },
  ],
];

for (const [title, input, expected] of accepted) {
  test(`validate accepts: ${title}`, (t) => {
    t.deepEqual(validateDaemonSettings(input), expected);
  });
}

test("validate accepts plain tcp with allowInsecureTcp", (t) => {
  t.deepEqual(
    validateDaemonSettings({ hosts: ["tcp://0.0.0.0:2375", "unix:///var/run/docker.sock"] }, "daemon", { allowInsecureTcp: true }),
    {
      hosts: ["tcp://0.0.0.0:2375", "unix:///var/run/docker.sock"],
    },
  );
});

// ---------------------------------------------------------------- validation: refused, exact messages

const refused: [string, unknown, string][] = [
  [
    "bip network address",
    { bip: "192.168.42.0/24" },
    `daemon.bip "192.168.42.0/24" is the network address: give the bridge's own address with its prefix, e.g. "192.168.42.1/24".`,
  ],
  [
    "bip broadcast address",
    { bip: "192.168.42.255/24" },
    `daemon.bip "192.168.42.255/24" is the broadcast address of 192.168.42.0/24: give the bridge's own address with its prefix, e.g. "192.168.42.1/24".`,
  ],
  [
    "bip without prefix",
    { bip: "192.168.42.1" },
    `daemon.bip "192.168.42.1" has no prefix length: give the bridge's own address with its prefix, e.g. "192.168.42.1/24".`,
  ],
  [
    "bip prefix 31",
    { bip: "10.0.0.1/31" },
    `daemon.bip "10.0.0.1/31" has an invalid prefix length "31": a bridge needs a prefix length from 1 to 30 to leave room for containers, e.g. "10.0.0.1/24".`,
  ],
  [
    "bip IPv6",
    { bip: "fd00::1/64" },
    `daemon.bip "fd00::1/64" is an IPv6 address: bip is the IPv4 address of docker0 with its prefix, e.g. "192.168.42.1/24"; IPv6 ranges go in extra "fixed-cidr-v6".`,
  ],
  [
    "bip not an address",
    { bip: "docker0" },
    `daemon.bip "docker0" is not an IPv4 address with a prefix length: give the bridge's own address with its prefix, e.g. "192.168.42.1/24".`,
  ],
  ["bip a number", { bip: 42 }, `daemon.bip must be a string such as "192.168.42.1/24", got number.`],
  [
    "fixed-cidr outside bip",
    { bip: "192.168.42.1/24", fixedCidr: "10.0.0.0/24" },
    `daemon.fixedCidr 10.0.0.0/24 is outside bip's network 192.168.42.0/24: use 192.168.42.0/24 itself or a part of it, e.g. "192.168.42.0/25".`,
  ],
  [
    "fixed-cidr without bip",
    { fixedCidr: "10.0.0.0/24" },
    `daemon.fixedCidr 10.0.0.0/24 needs bip: set bip to the bridge address whose network contains it, e.g. "10.0.0.1/24".`,
  ],
  [
    "fixed-cidr with host bits",
    { bip: "192.168.42.1/24", fixedCidr: "192.168.42.1/25" },
    `daemon.fixedCidr "192.168.42.1/25" has host bits set. For a prefix of length 25 the network address is 192.168.42.0: use "192.168.42.0/25".`,
  ],
  [
    "fixed-cidr IPv6",
    { bip: "192.168.42.1/24", fixedCidr: "fd00::/64" },
    `daemon.fixedCidr "fd00::/64" is IPv6: fixed-cidr is an IPv4 range inside bip's network; put IPv6 ranges in extra "fixed-cidr-v6".`,
  ],
  [
    "mtu too small",
    { mtu: 67 },
    `daemon.mtu must be a whole number from 68 (the IPv4 minimum) to 65535 (the largest IP packet), got 67; 1500 is the usual Ethernet value.`,
  ],
  [
    "mtu negative (the daemon refuses it too)",
    { mtu: -5 },
    `daemon.mtu must be a whole number from 68 (the IPv4 minimum) to 65535 (the largest IP packet), got -5; 1500 is the usual Ethernet value.`,
  ],
  [
    "mtu fractional",
    { mtu: 1500.5 },
    `daemon.mtu must be a whole number from 68 (the IPv4 minimum) to 65535 (the largest IP packet), got 1500.5; 1500 is the usual Ethernet value.`,
  ],
  [
    "mtu as text",
    { mtu: "1500" },
    `daemon.mtu must be a whole number from 68 (the IPv4 minimum) to 65535 (the largest IP packet), got string; 1500 is the usual Ethernet value.`,
  ],
  [
    "dns entry not an address",
    { dns: ["8.8.8.8", "dns.google"] },
    `daemon.dns[1] "dns.google" is not an IP address: give a resolver's address such as "1.1.1.1" or "2606:4700:4700::1111".`,
  ],
  [
    "dns empty",
    { dns: [] },
    `daemon.dns is empty: list at least one of resolver addresses, e.g. ["1.1.1.1", "2606:4700:4700::1111"], or leave it unset.`,
  ],
  [
    "dns a string",
    { dns: "8.8.8.8" },
    `daemon.dns must be a list of resolver addresses such as ["1.1.1.1", "2606:4700:4700::1111"], got string.`,
  ],
  [
    "dns-search bad label",
    { dnsSearch: ["-bad.example.com"] },
    `daemon.dnsSearch[0] "-bad.example.com" is not a valid domain name: use labels of letters, digits and hyphens (1 to 63 characters, not starting or ending with a hyphen) separated by dots, at most 253 characters, e.g. "example.com".`,
  ],
  [
    "dns-search empty label",
    { dnsSearch: ["example.com", "a..b"] },
    `daemon.dnsSearch[1] "a..b" is not a valid domain name: use labels of letters, digits and hyphens (1 to 63 characters, not starting or ending with a hyphen) separated by dots, at most 253 characters, e.g. "example.com".`,
  ],
  [
    "pool size below the base prefix",
    { defaultAddressPools: [{ base: "10.200.0.0/16", size: 8 }] },
    `daemon.defaultAddressPools[0].size must be a whole number from 16 to 30, the prefix length of each network carved out of 10.200.0.0/16, e.g. 24; got 8.`,
  ],
  [
    "pool size 31",
    { defaultAddressPools: [{ base: "10.200.0.0/16", size: 31 }] },
    `daemon.defaultAddressPools[0].size must be a whole number from 16 to 30, the prefix length of each network carved out of 10.200.0.0/16, e.g. 24; got 31.`,
  ],
  [
    "pool base with host bits",
    { defaultAddressPools: [{ base: "10.200.1.0/16", size: 24 }] },
    `daemon.defaultAddressPools[0].base "10.200.1.0/16" has host bits set. For a prefix of length 16 the network address is 10.200.0.0: use "10.200.0.0/16".`,
  ],
  [
    "pools overlapping each other",
    {
      defaultAddressPools: [
        { base: "10.200.0.0/16", size: 24 },
        { base: "10.200.128.0/17", size: 24 },
      ],
    },
    `daemon.defaultAddressPools[1].base 10.200.128.0/17 of daemon default-address-pools[1] overlaps 10.200.0.0/16 of daemon default-address-pools[0]: choose a range that does not overlap, e.g. the next free /17: 10.201.0.0/17.`,
  ],
  [
    "pool overlapping bip",
    { bip: "192.168.42.1/24", defaultAddressPools: [{ base: "192.168.0.0/16", size: 24 }] },
    `daemon.defaultAddressPools[0].base 192.168.0.0/16 of daemon default-address-pools[0] overlaps 192.168.42.0/24 of daemon bip: choose a range that does not overlap.`,
  ],
  [
    "pool with an unknown key",
    { defaultAddressPools: [{ base: "10.200.0.0/16", size: 24, gateway: "10.200.0.1" }] },
    `daemon.defaultAddressPools[0] has an unknown key "gateway": a pool has only base and size.`,
  ],
  [
    "plain tcp without TLS",
    { hosts: ["unix:///var/run/docker.sock", "tcp://0.0.0.0:2375"] },
    `daemon.hosts[1] "tcp://0.0.0.0:2375" is plain TCP without TLS: anyone who reaches the port gets root on the host. Reach the daemon over SSH (connection) or a unix socket instead, or enable TLS with extra { tlsverify: true, tlscacert, tlscert, tlskey }, or set allowInsecureTcp: true for an isolated lab.`,
  ],
  [
    "tcp without a port",
    { hosts: ["tcp://10.0.0.5"] },
    `daemon.hosts[0] "tcp://10.0.0.5" must be tcp://HOST:PORT with an IPv4 address, a [bracketed] IPv6 address or a host name and a port from 1 to 65535, e.g. "tcp://10.0.0.5:2376".`,
  ],
  [
    "unix with a relative path",
    { hosts: ["unix://var/run/docker.sock"] },
    `daemon.hosts[0] "unix://var/run/docker.sock" has no absolute socket path: write it as "unix:///var/run/docker.sock".`,
  ],
  [
    "ssh is not a listen address",
    { hosts: ["ssh://root@10.0.0.5"] },
    `daemon.hosts[0] "ssh://root@10.0.0.5" is not a daemon listen address: use "unix:///path/to.sock", "tcp://HOST:PORT" or "fd://".`,
  ],
  [
    "extra colliding with a managed key",
    { bip: "192.168.42.1/24", extra: { "fixed-cidr": "192.168.42.0/25" } },
    `daemon.extra key "fixed-cidr" is a typed setting: set fixedCidr instead of putting it in extra.`,
  ],
  [
    "extra with a typed setting's name",
    { extra: { dnsSearch: ["example.com"] } },
    `daemon.extra key "dnsSearch" is not a daemon.json key (that is "dns-search"): set the typed setting dnsSearch instead.`,
  ],
  [
    "extra with a non-JSON value",
    { extra: { "max-concurrent-downloads": Number.NaN } },
    `daemon.extra["max-concurrent-downloads"] must be JSON (a string, finite number, boolean, null, list or plain object), got NaN.`,
  ],
  [
    "extra bridge with bip",
    { bip: "192.168.42.1/24", extra: { bridge: "br0" } },
    `daemon.extra key "bridge" cannot be combined with bip: dockerd refuses -b together with --bip; set bip only (it configures docker0), or drop bip.`,
  ],
  [
    "unknown setting",
    { bipp: "192.168.42.1/24" },
    `daemon has an unknown setting "bipp": known settings are bip, fixedCidr, mtu, dns, dnsSearch, defaultAddressPools, hosts, extra; put other daemon.json keys in extra.`,
  ],
  [
    "nothing set",
    { extra: {} },
    `daemon sets no daemon.json key: set at least one of bip, fixedCidr, mtu, dns, dnsSearch, defaultAddressPools, hosts, extra.`,
  ],
];

for (const [title, input, message] of refused) {
  test(`validate refuses: ${title}`, (t) => {
    const e = t.throws(() => validateDaemonSettings(input as DaemonSettings));
    t.is(e?.message, message);
    t.true(e instanceof DaemonConfigError || e instanceof IpamError);
  });
}

test("validate with an empty field gives bare keys (the message of the brief)", (t) => {
  t.throws(() => validateDaemonSettings({ bip: "192.168.42.0/24" }, ""), {
    message: `bip "192.168.42.0/24" is the network address: give the bridge's own address with its prefix, e.g. "192.168.42.1/24".`,
  });
});

// ---------------------------------------------------------------- the address plan

test("bip and pools are claimed in the plan under readable owners", (t) => {
  const plan = new AddressPlan();
  validateDaemonSettings({ bip: "192.168.42.1/24", defaultAddressPools: [{ base: "10.200.0.0/16", size: 24 }] }, "daemon", { plan });
  t.deepEqual(plan.entries(), [
    { owner: "daemon bip", subnet: "192.168.42.0/24" },
    { owner: "daemon default-address-pools[0]", subnet: "10.200.0.0/16" },
  ]);
  // the same settings again (e.g. a second host with the same bip) are a no-op
  validateDaemonSettings({ bip: "192.168.42.1/24", defaultAddressPools: [{ base: "10.200.0.0/16", size: 24 }] }, "daemon", { plan });
  t.is(plan.entries().length, 2);
});

test("a program network overlapping bip is reported, and nothing is registered", (t) => {
  const plan = new AddressPlan();
  plan.register('network "app"', "10.200.5.0/24");
  t.throws(
    () =>
      validateDaemonSettings({ bip: "192.168.42.1/24", defaultAddressPools: [{ base: "10.200.0.0/16", size: 24 }] }, "settings", { plan }),
    {
      message: `settings.defaultAddressPools[0].base 10.200.0.0/16 of daemon default-address-pools[0] overlaps 10.200.5.0/24 of network "app": choose a range that does not overlap, e.g. the next free /16: 10.201.0.0/16.`,
    },
  );
  t.deepEqual(plan.entries(), [{ owner: 'network "app"', subnet: "10.200.5.0/24" }]);
});

// ---------------------------------------------------------------- daemon.json keys

test("toDaemonJsonKeys maps typed names to daemon.json keys, sorted", (t) => {
  const keys = toDaemonJsonKeys(
    validateDaemonSettings({
      mtu: 1400,
      bip: "192.168.42.1/24",
      fixedCidr: "192.168.42.128/25",
      dnsSearch: ["example.com"],
      dns: ["8.8.8.8"],
      defaultAddressPools: [{ base: "10.200.0.0/16", size: 24 }],
      hosts: ["unix:///var/run/docker.sock"],
      extra: { "log-level": "warn" },
    }),
  );
  t.deepEqual(Object.keys(keys), ["bip", "default-address-pools", "dns", "dns-search", "fixed-cidr", "hosts", "log-level", "mtu"]);
  t.deepEqual(keys["default-address-pools"], [{ base: "10.200.0.0/16", size: 24 }]);
  t.is(keys["fixed-cidr"], "192.168.42.128/25");
});

// ---------------------------------------------------------------- render, parse

test("render sorts keys at every level, indents by two and ends with a newline", (t) => {
  const text = renderDaemonJson({ mtu: 1500, bip: "192.168.42.1/24", "default-address-pools": [{ size: 24, base: "10.200.0.0/16" }] });
  t.is(
    text,
    `{\n  "bip": "192.168.42.1/24",\n  "default-address-pools": [\n    {\n      "base": "10.200.0.0/16",\n      "size": 24\n    }\n  ],\n  "mtu": 1500\n}\n`,
  );
});

const stable: [string, Record<string, unknown>][] = [
  ["empty", {}],
  ["nested", { z: { b: [1, { d: null, c: true }], a: "x" }, a: [] }],
  ["unicode", { labels: ["zone=Zürich", "emoji=✓"] }],
];
for (const [title, value] of stable) {
  test(`render is stable: ${title}`, (t) => {
    const once = renderDaemonJson(value);
    t.is(renderDaemonJson(parseDaemonJson(once)), once);
  });
}

const parseCases: [string, string | undefined, Record<string, unknown>][] = [
  ["absent file", undefined, {}],
  ["empty file", "", {}],
  ["blank file", " \n\t\n", {}],
  ["byte order mark", '\uFEFF{"mtu": 1500}', { mtu: 1500 }],
];
for (const [title, text, expected] of parseCases) {
  test(`parse: ${title}`, (t) => {
    t.deepEqual(parseDaemonJson(text, "/etc/docker/daemon.json"), expected);
  });
}

test("parse: malformed JSON names the file and the parse error", (t) => {
  const e = t.throws(() => parseDaemonJson(`{"bip": "192.168.42.1/24",}`, "/etc/docker/daemon.json"));
  t.regex(e.message, /^\/etc\/docker\/daemon\.json is not valid JSON \(.+\): it was left unchanged; fix or remove it, then apply again\.$/);
});

test("parse: a JSON array is not a daemon.json", (t) => {
  t.throws(() => parseDaemonJson(`["bip"]`, "/etc/docker/daemon.json"), {
    message: "/etc/docker/daemon.json holds an array, not a JSON object: it was left unchanged; fix or remove it, then apply again.",
  });
});

// ---------------------------------------------------------------- merge

const mergeCases: [string, string | undefined, Record<string, unknown>, string][] = [
  ["absent file", undefined, { bip: "192.168.42.1/24" }, `{\n  "bip": "192.168.42.1/24"\n}\n`],
  [
    "keeps unknown keys",
    `{"log-level": "warn", "storage-driver": "overlay2"}`,
    { bip: "192.168.42.1/24" },
    `{\n  "bip": "192.168.42.1/24",\n  "log-level": "warn",\n  "storage-driver": "overlay2"\n}\n`,
  ],
  [
    "overrides a managed key",
    `{"mtu": 1500, "bip": "172.30.0.1/16"}`,
    { bip: "192.168.42.1/24" },
    `{\n  "bip": "192.168.42.1/24",\n  "mtu": 1500\n}\n`,
  ],
  [
    "keeps nested unknown values",
    `{"log-opts": {"max-size": "10m", "max-file": "3"}}`,
    { dns: ["8.8.8.8"] },
    `{\n  "dns": [\n    "8.8.8.8"\n  ],\n  "log-opts": {\n    "max-file": "3",\n    "max-size": "10m"\n  }\n}\n`,
  ],
];
for (const [title, current, managed, expected] of mergeCases) {
  test(`merge: ${title}`, (t) => {
    t.is(mergeDaemonJson(current, managed), expected);
  });
}

test("merge: a malformed file is an error naming it, never overwritten", (t) => {
  t.throws(() => mergeDaemonJson(`{"bip": `, { bip: "192.168.42.1/24" }, undefined, "/etc/docker/daemon.json"), {
    message: /^\/etc\/docker\/daemon\.json is not valid JSON/,
  });
});

test("merge plan: unchanged when the file already has the values, whatever its formatting", (t) => {
  const p = planDaemonJsonMerge(`{"mtu":1500,   "bip":"192.168.42.1/24"}`, { bip: "192.168.42.1/24" });
  t.false(p.changed);
  t.deepEqual(p.record, { managed: ["bip"], previous: { bip: "192.168.42.1/24" } });
});

test("merge plan: true and 1 are different values", (t) => {
  t.true(planDaemonJsonMerge(`{"debug": 1}`, { debug: true }).changed);
});

test("merge plan: records previous values, absent keys as unset", (t) => {
  const p = planDaemonJsonMerge(`{"mtu": 1500, "log-level": "warn"}`, { bip: "192.168.42.1/24", mtu: 1400 });
  t.true(p.changed);
  t.deepEqual(p.record, { managed: ["bip", "mtu"], previous: { mtu: 1500 } });
});

test("merge plan: a prior record keeps the original previous values and restores dropped keys", (t) => {
  // earlier apply managed bip and mtu (originally unset / 1500); now only bip, with a new value
  const p = planDaemonJsonMerge(
    `{"bip": "192.168.42.1/24", "mtu": 1400, "log-level": "warn"}`,
    { bip: "192.168.43.1/24" },
    { managed: ["bip", "mtu"], previous: { mtu: 1500 } },
  );
  t.deepEqual(p.after, { bip: "192.168.43.1/24", mtu: 1500, "log-level": "warn" });
  t.deepEqual(p.record, { managed: ["bip"], previous: {} });
});

// ---------------------------------------------------------------- restore

const restoreCases: [string, string | undefined, string[], Record<string, unknown>, string][] = [
  ["removes keys that had no value", `{"bip": "192.168.42.1/24", "log-level": "warn"}`, ["bip"], {}, `{\n  "log-level": "warn"\n}\n`],
  ["puts a previous value back", `{"bip": "192.168.42.1/24", "mtu": 1400}`, ["bip", "mtu"], { mtu: 1500 }, `{\n  "mtu": 1500\n}\n`],
  ["other keys untouched", `{"mtu": 1400, "debug": true}`, ["mtu"], { mtu: 1500 }, `{\n  "debug": true,\n  "mtu": 1500\n}\n`],
  ["absent file stays empty", undefined, ["bip"], {}, `{}\n`],
];
for (const [title, current, keys, previous, expected] of restoreCases) {
  test(`restore: ${title}`, (t) => {
    t.is(restoreDaemonJson(current, keys, previous), expected);
  });
}

test("restore after merge gives back the original object", (t) => {
  const original = `{"log-level": "warn", "mtu": 1500}`;
  const p = planDaemonJsonMerge(original, { bip: "192.168.42.1/24", mtu: 1400 });
  t.deepEqual(parseDaemonJson(restoreDaemonJson(p.text, p.record.managed, p.record.previous)), parseDaemonJson(original));
});

// ---------------------------------------------------------------- describe

const describeCases: [string, Record<string, unknown> | undefined, Record<string, unknown> | undefined, string[]][] = [
  ["a new key", {}, { bip: "192.168.42.1/24" }, [`bip: (unset) -> "192.168.42.1/24"`]],
  ["a removed key", { mtu: 1500 }, {}, ["mtu: 1500 -> (unset)"]],
  [
    "changed keys sorted, unchanged ones left out",
    { mtu: 1500, dns: ["8.8.8.8"], debug: true },
    { mtu: 1400, dns: ["1.1.1.1", "8.8.8.8"], debug: true },
    [`dns: ["8.8.8.8"] -> ["1.1.1.1","8.8.8.8"]`, "mtu: 1500 -> 1400"],
  ],
  ["nothing changed", { bip: "192.168.42.1/24" }, { bip: "192.168.42.1/24" }, []],
  ["absent before", undefined, { "log-level": "warn" }, [`log-level: (unset) -> "warn"`]],
];
for (const [title, before, after, lines] of describeCases) {
  test(`describeChange: ${title}`, (t) => {
    t.deepEqual(describeChange(before, after), lines);
  });
}
