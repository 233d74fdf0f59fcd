import test from "ava";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { shippedScript } from "../../provider/hostexec";
import { decodeB64Json as decode, headerValues, shWords } from "../lib/script-header";
import {
  ApplyScriptOptions,
  DAEMON_JSON_PY,
  PreviousRecord,
  applyRun,
  applyScript,
  backupPath,
  hostsDropInPath,
  parsePreviousLine,
  planDaemonJsonMerge,
  recordPath,
  renderDaemonJson,
  restoreDaemonJson,
  restoreScript,
} from "../../provider/host";

const base: ApplyScriptOptions = {
  configPath: "/etc/docker/daemon.json",
  managed: { bip: "192.168.42.1/24" },
  restart: { kind: "systemd" },
  readiness: { timeoutSeconds: 60 },
};

// ---------------------------------------------------------------- the header: every value quoted once

test("apply header: sh reads back exactly the values given", (t) => {
  const v = headerValues(
    applyScript({
      ...base,
      managed: { bip: "192.168.42.1/24", "log-level": "warn", labels: ["a'b", "$(touch /tmp/x)", "`id`"] },
      restart: { kind: "command", command: `bash scripts/labhost.sh restart lab1 && echo 'done; "ok"'`, logPath: "/run/lab1/dockerd.log" },
      readiness: { timeoutSeconds: 30, dockerHost: "unix:///run/lab1/docker.sock" },
    }),
  );
  t.is(v.DW_MODE, "apply");
  t.is(v.DW_CONFIG, "/etc/docker/daemon.json");
  t.is(v.DW_BACKUP, "/etc/docker/daemon.json.dockwire.bak");
  t.is(v.DW_RECORD, "/etc/docker/daemon.json.dockwire-default.json");
  t.is(v.DW_RESTART_KIND, "command");
  t.is(v.DW_RESTART_CMD, `bash scripts/labhost.sh restart lab1 && echo 'done; "ok"'`);
  t.is(v.DW_LOG_PATH, "/run/lab1/dockerd.log");
  t.is(v.DW_DOCKER_HOST, "unix:///run/lab1/docker.sock");
  t.is(v.DW_TIMEOUT, "30");
  t.is(v.DW_DROPIN, "");
  t.is(v.DW_BRIDGE, "docker0");
  t.is(v.DW_BRIDGE_ADDR, "192.168.42.1/24");
  t.deepEqual(decode(v.DW_MANAGED_B64), { bip: "192.168.42.1/24", labels: ["a'b", "$(touch /tmp/x)", "`id`"], "log-level": "warn" });
});

test("apply header: a config path with quotes and spaces stays one value", (t) => {
  const v = headerValues(applyScript({ ...base, configPath: "/tmp/it's a dir/daemon.json" }));
  t.is(v.DW_CONFIG, "/tmp/it's a dir/daemon.json");
  t.is(v.DW_BACKUP, "/tmp/it's a dir/daemon.json.dockwire.bak");
});

test("apply header: systemd defaults, drop-in path from the unit", (t) => {
  const v = headerValues(
    applyScript({ ...base, managed: { hosts: ["unix:///var/run/docker.sock"] }, restart: { kind: "systemd", unit: "docker.service" } }),
  );
  t.is(v.DW_RESTART_KIND, "systemd");
  t.is(v.DW_UNIT, "docker");
  t.is(v.DW_DROPIN, "/etc/systemd/system/docker.service.d/dockwire-hosts.conf");
  t.is(v.DW_BRIDGE_ADDR, "");
});

test("apply header: the drop-in can be turned off, or put elsewhere", (t) => {
  t.is(headerValues(applyScript({ ...base, manageHostsDropIn: false })).DW_DROPIN, "");
  t.is(headerValues(applyScript({ ...base, dropInDir: "/tmp/dropins" })).DW_DROPIN, "/tmp/dropins/dockwire-hosts.conf");
});

test("restore header: previous values passed in travel base64-encoded", (t) => {
  const previous: PreviousRecord = { managed: ["bip", "mtu"], previous: { mtu: 1500 } };
  const v = headerValues(restoreScript({ ...base, previous, recordTag: "web-1" }));
  t.is(v.DW_MODE, "restore");
  t.is(v.DW_RECORD, "/etc/docker/daemon.json.dockwire-web-1.json");
  t.deepEqual(decode(v.DW_PREVIOUS_B64), previous);
  t.is(v.DW_MANAGED_B64, "");
  t.is(v.DW_BRIDGE_AUTO, "1");
});

test("the shipped script parses with sh -n, and so does each command line", (t) => {
  t.is(spawnSync("/bin/sh", ["-n"], { input: shippedScript("daemon-apply.sh") }).status, 0);
  for (const line of [applyScript(base), restoreScript(base), applyScript({ ...base, restart: { kind: "command", command: "true" } })]) {
    const r = spawnSync("/bin/sh", ["-n"], { input: line });
    t.is(r.status, 0, r.stderr.toString());
  }
});

test("values reach the script only as environment words: the command line is env, the DW_ words, then the shipped text", (t) => {
  const run = applyRun({ ...base, managed: { "log-level": "warn" }, restart: { kind: "command", command: "echo UNIQUE-VALUE-42" } });
  t.is(run.script, "daemon-apply.sh");
  t.is(run.env.DW_RESTART_CMD, "echo UNIQUE-VALUE-42");
  t.is(run.env.DW_PY, DAEMON_JSON_PY);
  const words = shWords(
    applyScript({ ...base, managed: { "log-level": "warn" }, restart: { kind: "command", command: "echo UNIQUE-VALUE-42" } }),
  );
  t.deepEqual(words.slice(-4), ["sh", "-c", shippedScript("daemon-apply.sh"), "dockwire"]);
  t.deepEqual(words.slice(0, -4), ["exec", "env", ...Object.entries(run.env).map(([k, v]) => `${k}=${v}`)]);
  t.false(shippedScript("daemon-apply.sh").includes("UNIQUE-VALUE-42"));
});

test("the shipped script refuses to run without its inputs, naming the missing variable", (t) => {
  const env = { ...applyRun(base).env };
  delete (env as Record<string, string | undefined>).DW_TIMEOUT;
  const r = spawnSync("/bin/sh", ["-c", shippedScript("daemon-apply.sh"), "dockwire"], {
    env: { PATH: process.env.PATH, ...env },
    encoding: "utf8",
  });
  t.is(r.status, 2);
  t.is(r.stderr, "dockwire: daemon-apply.sh: the environment variable DW_TIMEOUT is not set (see the list at the top of this script)\n");
});

test("paths", (t) => {
  t.is(backupPath("/etc/docker/daemon.json"), "/etc/docker/daemon.json.dockwire.bak");
  t.is(recordPath("/etc/docker/daemon.json", "x"), "/etc/docker/daemon.json.dockwire-x.json");
  t.is(hostsDropInPath("docker"), "/etc/systemd/system/docker.service.d/dockwire-hosts.conf");
  t.is(hostsDropInPath("docker.service", "/run/d"), "/run/d/dockwire-hosts.conf");
});

// ---------------------------------------------------------------- option checks

const badOptions: [string, Partial<ApplyScriptOptions>, string][] = [
  [
    "relative config path",
    { configPath: "daemon.json" },
    `configPath "daemon.json" must be an absolute file path such as "/etc/docker/daemon.json".`,
  ],
  [
    "empty restart command",
    { restart: { kind: "command", command: " " } },
    `restart.command must be a non-empty shell command that restarts the daemon, e.g. "systemctl restart docker".`,
  ],
  [
    "bad unit",
    { restart: { kind: "systemd", unit: "docker; reboot" } },
    `restart.unit "docker; reboot" is not a systemd unit name: use letters, digits and @._:- only, e.g. "docker".`,
  ],
  [
    "timeout zero",
    { readiness: { timeoutSeconds: 0 } },
    "readiness.timeoutSeconds must be a whole number of seconds from 1 to 3600, got 0.",
  ],
  [
    "bad docker host",
    { readiness: { timeoutSeconds: 5, dockerHost: "/var/run/docker.sock" } },
    `readiness.dockerHost "/var/run/docker.sock" must be a DOCKER_HOST such as "unix:///var/run/docker.sock" or "tcp://127.0.0.1:2376".`,
  ],
  ["no managed keys", { managed: {} }, "managed must be a non-empty object of daemon.json keys to values."],
  [
    "bad bridge address",
    { expectBridge: { address: "192.168.42.1" } },
    `expectBridge.address "192.168.42.1" must be an IPv4 address with its prefix, e.g. "192.168.42.1/24".`,
  ],
  ["bad record tag", { recordTag: "a/b" }, `recordTag "a/b" must be 1 to 64 characters of A-Z a-z 0-9 _ . -`],
];
for (const [title, patch, message] of badOptions) {
  test(`applyScript refuses: ${title}`, (t) => {
    t.throws(() => applyScript({ ...base, ...patch }), { message });
  });
}

// ---------------------------------------------------------------- the DOCKWIRE_PREVIOUS line

const previousLines: [string, string | undefined, PreviousRecord | undefined][] = [
  ["last line", `dockwire: updated\nDOCKWIRE_PREVIOUS={"managed":["bip"],"previous":{}}`, { managed: ["bip"], previous: {} }],
  [
    "the last of several",
    `DOCKWIRE_PREVIOUS={"managed":["mtu"],"previous":{"mtu":1500}}\nDOCKWIRE_PREVIOUS={"managed":["bip"],"previous":{"bip":"10.1.0.1/16"}}\n`,
    { managed: ["bip"], previous: { bip: "10.1.0.1/16" } },
  ],
  ["none", "dockwire: nothing", undefined],
  ["not JSON", "DOCKWIRE_PREVIOUS={oops", undefined],
  ["not a record", `DOCKWIRE_PREVIOUS={"managed":"bip"}`, undefined],
  [
    "with the bridge's address",
    `DOCKWIRE_PREVIOUS={"bridge":"172.17.0.1/16","managed":["bip"],"previous":{}}`,
    { managed: ["bip"], previous: {}, bridge: "172.17.0.1/16" },
  ],
  ["undefined (preview)", undefined, undefined],
];
for (const [title, stdout, expected] of previousLines) {
  test(`parsePreviousLine: ${title}`, (t) => {
    t.deepEqual(parsePreviousLine(stdout), expected);
  });
}

// ---------------------------------------------------------------- python3 helper == TypeScript rules

function py(args: string[], input = ""): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync("python3", ["-c", DAEMON_JSON_PY, ...args], { input });
  return { status: r.status, stdout: r.stdout.toString("utf8"), stderr: r.stderr.toString("utf8") };
}

function b64(v: unknown): string {
  return Buffer.from(JSON.stringify(v)).toString("base64");
}

interface PlanCase {
  title: string;
  current: string | undefined;
  managed: Record<string, unknown>;
  prior?: PreviousRecord;
  /** a bridge whose address python reads with ip (lo: 127.0.0.1/8), and what TypeScript is told */
  bridge?: [string, string];
}

const planCases: PlanCase[] = [
  { title: "absent file", current: undefined, managed: { bip: "192.168.42.1/24" } },
  {
    title: "keeps other keys",
    current: `{"log-level": "warn", "storage-driver": "overlay2"}\n`,
    managed: { bip: "192.168.42.1/24", mtu: 1400 },
  },
  { title: "unicode and nesting", current: `{"labels": ["zone=Zürich"], "log-opts": {"max-size": "10m"}}`, managed: { dns: ["8.8.8.8"] } },
  { title: "already set", current: `{"bip":"192.168.42.1/24"}`, managed: { bip: "192.168.42.1/24" } },
  { title: "byte order mark", current: `\uFEFF{"mtu": 1500}`, managed: { mtu: 1400 } },
  {
    title: "prior record",
    current: `{"bip": "192.168.42.1/24", "mtu": 1400}`,
    managed: { bip: "192.168.43.1/24" },
    prior: { managed: ["bip", "mtu"], previous: { mtu: 1500 } },
  },
  {
    title: "bip set where unset records the bridge's address",
    current: `{"mtu": 1500}`,
    managed: { bip: "192.168.42.1/24" },
    bridge: ["lo", "127.0.0.1/8"],
  },
  {
    title: "bip set over a value records no bridge",
    current: `{"bip": "10.1.0.1/16"}`,
    managed: { bip: "192.168.42.1/24" },
    bridge: ["lo", "127.0.0.1/8"],
  },
  {
    title: "a prior record's bridge is carried",
    current: `{"bip": "192.168.42.1/24"}`,
    managed: { bip: "192.168.43.1/24", mtu: 1400 },
    prior: { managed: ["bip"], previous: {}, bridge: "172.17.0.1/16" },
    bridge: ["lo", "127.0.0.1/8"],
  },
];

for (const c of planCases) {
  test(`python3 plan = TypeScript merge: ${c.title}`, (t) => {
    const dir = mkdtempSync(path.join(tmpdir(), "dw-unit-"));
    t.teardown(() => rmSync(dir, { recursive: true, force: true }));
    const config = path.join(dir, "daemon.json");
    const record = path.join(dir, "record.json");
    if (c.current !== undefined) writeFileSync(config, c.current);
    if (c.prior !== undefined) writeFileSync(record, JSON.stringify(c.prior));
    const r = py(["plan", "apply", config, record, b64(c.managed), "", dir, c.bridge?.[0] ?? ""]);
    t.is(r.status, 0, r.stderr);
    const ts = planDaemonJsonMerge(c.current, c.managed, c.prior, "daemon.json", c.bridge?.[1]);
    t.is(readFileSync(path.join(dir, "changed"), "utf8"), ts.changed ? "1" : "0");
    t.deepEqual(JSON.parse(readFileSync(path.join(dir, "record"), "utf8")), ts.record);
    if (ts.changed) t.is(readFileSync(`${config}.dockwire.new`, "utf8"), ts.text);
    else t.false(existsSync(`${config}.dockwire.new`));
  });
}

test("python3 restore = TypeScript restore, from the record file and from PULUMI_COMMAND_STDOUT", (t) => {
  const dir = mkdtempSync(path.join(tmpdir(), "dw-unit-"));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const config = path.join(dir, "daemon.json");
  const record = path.join(dir, "record.json");
  const current = `{"bip": "192.168.42.1/24", "mtu": 1400, "debug": true}`;
  const prev: PreviousRecord = { managed: ["bip", "mtu"], previous: { mtu: 1500 } };
  const expected = restoreDaemonJson(current, prev.managed, prev.previous);
  writeFileSync(config, current);
  writeFileSync(record, JSON.stringify(prev));
  t.is(py(["plan", "restore", config, record, "", "", dir, ""]).status, 0);
  t.is(readFileSync(`${config}.dockwire.new`, "utf8"), expected);
  rmSync(record);
  rmSync(`${config}.dockwire.new`);
  const r = spawnSync("python3", ["-c", DAEMON_JSON_PY, "plan", "restore", config, record, "", "", dir, ""], {
    env: { ...process.env, PULUMI_COMMAND_STDOUT: `dockwire: updated\nDOCKWIRE_PREVIOUS=${JSON.stringify(prev)}` },
  });
  t.is(r.status, 0, r.stderr.toString());
  t.is(readFileSync(`${config}.dockwire.new`, "utf8"), expected);
});

test("python3 restore in two steps when bip goes back to unset and the bridge's address is known", (t) => {
  const dir = mkdtempSync(path.join(tmpdir(), "dw-unit-"));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const config = path.join(dir, "daemon.json");
  writeFileSync(config, `{"bip": "192.168.42.1/24", "log-level": "warn"}`);
  const prev: PreviousRecord = { managed: ["bip"], previous: {}, bridge: "172.17.0.1/16" };
  t.is(py(["plan", "restore", config, path.join(dir, "none.json"), "", b64(prev), dir, ""]).status, 0);
  t.is(readFileSync(`${config}.dockwire.stage`, "utf8"), `{\n  "bip": "172.17.0.1/16",\n  "log-level": "warn"\n}\n`);
  t.is(readFileSync(`${config}.dockwire.new`, "utf8"), `{\n  "log-level": "warn"\n}\n`);
  t.is(readFileSync(path.join(dir, "stagebip"), "utf8"), "172.17.0.1/16");
  t.is(readFileSync(path.join(dir, "bipgone"), "utf8"), "0");
});

test("python3 render = TypeScript render", (t) => {
  const value = { z: [1, 2.5, { b: null, a: "é" }], a: true, "log-level": "warn" };
  const r = py(["render"], JSON.stringify(value));
  t.is(r.stdout, renderDaemonJson(value));
});

test("python3 refuses a malformed file, naming it and leaving it alone", (t) => {
  const dir = mkdtempSync(path.join(tmpdir(), "dw-unit-"));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const config = path.join(dir, "daemon.json");
  writeFileSync(config, `{"bip": "192.168.42.1/24",}`);
  const r = py(["plan", "apply", config, path.join(dir, "r.json"), b64({ mtu: 1400 }), "", dir, ""]);
  t.is(r.status, 2);
  t.regex(
    r.stderr,
    new RegExp(
      `^dockwire: ${config.replace(/[.]/g, "\\.")} is not valid JSON \\(.+\\): it was left unchanged; fix or remove it, then apply again\\.\\n$`,
    ),
  );
  t.is(readFileSync(config, "utf8"), `{"bip": "192.168.42.1/24",}`);
  t.false(existsSync(`${config}.dockwire.new`));
});

const dropins: [string, string, string][] = [
  [
    "Debian's docker.service",
    "{ path=/usr/sbin/dockerd ; argv[]=/usr/sbin/dockerd -H fd:// $DOCKER_OPTS ; ignore_errors=no ; start_time=[n/a] ; stop_time=[n/a] ; pid=0 ; code=(null) ; status=0/0 }\n",
    "ExecStart=\nExecStart=/usr/sbin/dockerd $DOCKER_OPTS\n",
  ],
  [
    "upstream docker.service",
    "{ path=/usr/bin/dockerd ; argv[]=/usr/bin/dockerd -H fd:// --containerd=/run/containerd/containerd.sock ; ignore_errors=no ; start_time=[n/a] ; stop_time=[n/a] ; pid=0 ; code=(null) ; status=0/0 }\n",
    "ExecStart=\nExecStart=/usr/bin/dockerd --containerd=/run/containerd/containerd.sock\n",
  ],
  [
    "several -H forms",
    "{ path=/usr/bin/dockerd ; argv[]=/usr/bin/dockerd --host=fd:// -Htcp://0.0.0.0:2375 --host unix:///x.sock --debug ; ignore_errors=no ; start_time=[n/a] }\n",
    "ExecStart=\nExecStart=/usr/bin/dockerd --debug\n",
  ],
];
for (const [title, show, tail] of dropins) {
  test(`python3 drop-in: ${title}`, (t) => {
    const r = py(["dropin"], show);
    t.is(r.status, 0, r.stderr);
    t.true(r.stdout.startsWith("# Written by dockwire"));
    t.true(r.stdout.endsWith(`[Service]\n${tail}`), r.stdout);
  });
}
