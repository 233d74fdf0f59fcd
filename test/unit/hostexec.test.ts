// How dockwire's own resources reach a host: the SSH command line (every word through the one
// quoting function, read back by a real sh), the ssh options, the connection checks, and
// local runs (arguments as argv, errors naming what failed). Also DaemonConfig's read of
// daemon.json, valid and malformed.
import test from "ava";
import { execFileSync } from "node:child_process";
import { HostCommandError, connectionProblems, knownHostsLine, remoteCommandLine, runOnHost, sshArgs } from "../../provider/hostexec";
import { managedDiff, observedManaged, parseDaemonRead } from "../../provider/host/daemon-live";
import { DaemonConfigError } from "../../provider/host/daemon-json";

test("remote command line: sh reads back the exact script, arguments and environment", (t) => {
  const script = `printf '%s|' "$@"; printf '%s' "$X"`;
  const args = ["a b", "it's", "$(id)", "", "-n", "`x`;rm -rf /"];
  const line = remoteCommandLine(script, args, { X: "v'al $HOME" });
  t.true(line.startsWith("env 'X=v'\"'\"'al $HOME' sh -c "));
  // What the remote login shell does with the line: run it.
  const out = execFileSync("/bin/sh", ["-c", line], { encoding: "utf8" });
  t.is(out, "a b|it's|$(id)||-n|`x`;rm -rf /|v'al $HOME");
});

test("remote command line: environment names are checked", (t) => {
  t.throws(() => remoteCommandLine("true", [], { "A;B": "x" }), {
    message: 'environment variable name "A;B" is not of the form [A-Z_][A-Z0-9_]*',
  });
});

test("ssh options: batch mode, port, user, key, and the host after --", (t) => {
  t.deepEqual(sshArgs({ host: "10.99.1.2", port: 2222, user: "root", perDialTimeout: 5 }, "/tmp/k"), [
    "-T",
    "-o",
    "BatchMode=yes",
    "-o",
    "StrictHostKeyChecking=no",
    "-o",
    "UserKnownHostsFile=/dev/null",
    "-o",
    "LogLevel=ERROR",
    "-o",
    "ConnectTimeout=5",
    "-o",
    "ConnectionAttempts=10",
    "-p",
    "2222",
    "-l",
    "root",
    "-i",
    "/tmp/k",
    "-o",
    "IdentitiesOnly=yes",
    "--",
    "10.99.1.2",
  ]);
});

test("ssh options: a host key pins the host (strict checking, a known_hosts of its own)", (t) => {
  const c = { host: "10.99.1.2", port: 2222, hostKey: "ssh-ed25519 AAAAC3Nz lab@host\n" };
  t.is(knownHostsLine(c), "[10.99.1.2]:2222 ssh-ed25519 AAAAC3Nz\n");
  t.is(knownHostsLine({ ...c, port: 22 }), "10.99.1.2 ssh-ed25519 AAAAC3Nz\n");
  const args = sshArgs(c, undefined, "/tmp/kh");
  t.deepEqual(args.slice(3, 7), ["-o", "StrictHostKeyChecking=yes", "-o", "UserKnownHostsFile=/tmp/kh"]);
});

const problems: [string, unknown, string[]][] = [
  ["no connection", undefined, []],
  ["a good one", { host: "box.example", port: 22, user: "ops", privateKey: "K" }, []],
  ["not an object", "root@h", ['connection must be an object such as { host: "192.0.2.10", user: "root", privateKey }.']],
  ["no host", {}, ['connection.host must be a host name or address (letters, digits, ".", ":", "-", "_"), got undefined.']],
  [
    "a host with a space",
    { host: "a b" },
    ['connection.host must be a host name or address (letters, digits, ".", ":", "-", "_"), got "a b".'],
  ],
  ["port 0", { host: "h", port: 0 }, ["connection.port must be a port number 1-65535, got 0."]],
  ["a user with ;", { host: "h", user: "a;b" }, ['connection.user must be a user name (letters, digits, "_", ".", "-"), got "a;b".']],
  [
    "a relative agent socket",
    { host: "h", agentSocketPath: "agent" },
    ['connection.agentSocketPath must be the absolute path of an ssh-agent socket, got "agent".'],
  ],
  [
    "a host key of two lines",
    { host: "h", hostKey: "ssh-ed25519 AAAA\nssh-rsa BBBB" },
    ['connection.hostKey must be one public key line such as "ssh-ed25519 AAAA... comment" (the host\'s .pub file).'],
  ],
  ["perDialTimeout 0", { host: "h", perDialTimeout: 0 }, ["connection.perDialTimeout must be a whole number from 1 to 3600, got 0."]],
  [
    "a key passphrase",
    { host: "h", privateKeyPassword: "x" },
    [
      "connection.privateKeyPassword is not supported by dockwire's own resources, which run OpenSSH non-interactively: give an unencrypted privateKey, or load the key into an agent and set agentSocketPath.",
    ],
  ],
  [
    "a proxy",
    { host: "h", proxy: { host: "j" } },
    [
      "connection.proxy is not supported by dockwire's own resources, which run OpenSSH non-interactively: reach the host directly, or set ProxyJump for it in the ssh client configuration.",
    ],
  ],
];
for (const [what, c, expected] of problems) {
  test(`connection check: ${what}`, (t) => {
    t.deepEqual(
      connectionProblems(c).map((p) => p.reason),
      expected,
    );
  });
}

test("local run: arguments are argv entries, environment passed, output returned", async (t) => {
  const r = await runOnHost(undefined, `printf '%s,' "$@" "$DW_X"`, ["a;b", "$(id)"], { env: { DW_X: "y z" } });
  t.is(r.stdout, "a;b,$(id),y z,");
});

test("local run: a failure names what failed, where, the exit status and the script's stderr", async (t) => {
  const e = await t.throwsAsync(runOnHost(undefined, "echo oops >&2; exit 3", [], { what: "netns r1: create" }), {
    instanceOf: HostCommandError,
  });
  t.is(e.message, "netns r1: create on this machine failed (exit 3):\noops");
  t.is(e.code, 3);
});

test("local run: bounded in time", async (t) => {
  const e = await t.throwsAsync(runOnHost(undefined, "sleep 5", [], { what: "slow", timeoutMs: 200 }), { instanceOf: HostCommandError });
  t.is(e.message, "slow on this machine was stopped after 0.2 s");
});

test("remote run: a bad connection is refused before ssh runs", async (t) => {
  await t.throwsAsync(runOnHost({ host: "h", password: "pw" }, "true", []), {
    message:
      "connection.password is not supported by dockwire's own resources, which run OpenSSH non-interactively: use privateKey or agentSocketPath.",
  });
});

// ---------------------------------------------------------------- daemon.json read

const reads: [string, string, Record<string, unknown> | string][] = [
  ["an absent file", "@dockwire absent\n", {}],
  ["a blank file", "@dockwire present\n  \n", {}],
  ["a file", '@dockwire present\n{\n  "mtu": 1400,\n  "bip": "192.168.42.1/24"\n}\n', { mtu: 1400, bip: "192.168.42.1/24" }],
  ["malformed JSON", "@dockwire present\n{ mtu: 1 }\n", "/etc/docker/daemon.json on the host is not valid JSON ("],
  [
    "JSON that is not an object",
    "@dockwire present\n[1]\n",
    "/etc/docker/daemon.json on the host is not a JSON object: fix the file by hand, then refresh again.",
  ],
  ["an unexpected first line", "hello\n", 'reading /etc/docker/daemon.json: unexpected output "hello"'],
];
for (const [what, out, expected] of reads) {
  test(`daemon.json read: ${what}`, (t) => {
    if (typeof expected === "string") {
      const e = t.throws(() => parseDaemonRead(out, "/etc/docker/daemon.json"), { instanceOf: DaemonConfigError });
      t.true(e.message.startsWith(expected), e.message);
    } else {
      t.deepEqual(parseDaemonRead(out, "/etc/docker/daemon.json"), expected);
    }
  });
}

test("daemon.json read: managed keys as the file has them, and which differ", (t) => {
  const file = { mtu: 1400, "log-level": "warn", dns: ["8.8.8.8"] };
  const managed = { mtu: 1450, bip: "192.168.42.1/24", dns: ["8.8.8.8"] };
  t.deepEqual(observedManaged(file, managed), { dns: ["8.8.8.8"], mtu: 1400 });
  t.deepEqual(managedDiff(observedManaged(file, managed), managed), ["bip", "mtu"]);
  t.deepEqual(managedDiff(managed, { ...managed }), []);
});
