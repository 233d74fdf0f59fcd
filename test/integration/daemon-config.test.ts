// DaemonConfig's scripts against a real dockerd, without the Pulumi engine: each test brings
// up a lab Docker host (scripts/labhost.sh: a network namespace with its own dockerd and
// its own daemon.json), runs the generated apply/restore scripts with /bin/sh inside that
// namespace, as they would run on that host, and checks the daemon, the bridge and the
// file. The restart strategy is the command `bash scripts/labhost.sh restart NAME`.
// Needs root and DOCKER_HOST (the test daemon holding dockwire/busybox:local).
// Run with `npx ava --serial dist/test/integration/daemon-config.test.js`.
import test, { ExecutionContext } from "ava";
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import {
  DaemonSettings,
  applyScript,
  mergeDaemonJson,
  parseDaemonJson,
  parsePreviousLine,
  restoreScript,
  toDaemonJsonKeys,
  validateDaemonSettings,
} from "../../provider/host";
import type { DaemonScriptCommon } from "../../provider/host";
import { cidrContains, parseCidr, parseIp } from "../../provider/ipam";
import { shellQuote } from "../../provider/shell";
import { images } from "./lib/exec";
import {
  LabHost,
  ScriptResult,
  ensureLabImage,
  inLab,
  labDaemonPid,
  labDocker,
  labHostDown,
  labHostUp,
  labIdentity,
  labResidue,
  labhostScript,
  runScript,
  spawnBounded,
} from "./lib/labhost";

const sha256 = (file: string) =>
  createHash("sha256")
    .update(new Uint8Array(readFileSync(file)))
    .digest("hex");

function requireRoot(_t: ExecutionContext): void {
  if (process.getuid?.() !== 0) throw new Error("these tests create network namespaces and start dockerd: run them as root");
}

/** Script options for a lab: its own daemon.json, restarted with scripts/labhost.sh. */
function labCommon(lab: LabHost, timeoutSeconds = 45): DaemonScriptCommon {
  return {
    configPath: lab.configPath,
    restart: { kind: "command", command: lab.restartCommand, logPath: lab.logPath },
    readiness: { dockerHost: lab.dockerHost, timeoutSeconds },
  };
}

/** Managed keys as DaemonConfig computes them: validate, then map to daemon.json keys. */
function managedOf(settings: DaemonSettings): Record<string, unknown> {
  return toDaemonJsonKeys(validateDaemonSettings(settings, "settings"));
}

function logRun(t: ExecutionContext, what: string, r: ScriptResult): void {
  t.log(`${what}: exit ${r.code} in ${(r.ms / 1000).toFixed(1)} s`);
}

async function bridgeIpam(lab: LabHost): Promise<unknown> {
  return JSON.parse(await labDocker(lab, ["network", "inspect", "bridge", "--format", "{{json .IPAM.Config}}"]));
}

/** What a failed run must not leave next to the file. */
function leftovers(lab: LabHost): string[] {
  return [`${lab.configPath}.dockwire.new`, `${lab.configPath}.dockwire.lock`].filter((p) => existsSync(p));
}

test.serial("(a) seed 003: bip 192.168.42.1/24 with log-level kept; a new container gets 192.168.42.x; re-apply is a no-op", async (t) => {
  requireRoot(t);
  const original = `{\n    "log-level": "warn"\n}\n`;
  const lab = await labHostUp(t, 1, original);
  // Loaded before the apply: the apply restarts this daemon, which breaks a `docker load` in flight.
  await ensureLabImage(lab, images.busybox);
  const managed = managedOf({ bip: "192.168.42.1/24" });
  t.deepEqual(managed, { bip: "192.168.42.1/24" });

  const r = await runScript(lab, applyScript({ ...labCommon(lab), managed }));
  logRun(t, "apply bip", r);
  t.is(r.code, 0, r.stderr);
  // docker0's address before is recorded too (dockerd would keep 192.168.42.1 once bip is unset)
  t.deepEqual(parsePreviousLine(r.stdout), { managed: ["bip"], previous: {}, bridge: "172.17.0.1/16" });
  t.true(r.stdout.includes(`  bip: (unset) -> "192.168.42.1/24"\n`));
  t.true(r.stdout.includes("bridge docker0 has 192.168.42.1/24"));

  // the file: log-level untouched, exactly what the TypeScript merge renders
  const text = readFileSync(lab.configPath, "utf8");
  t.deepEqual(parseDaemonJson(text), { bip: "192.168.42.1/24", "log-level": "warn" });
  t.is(text, mergeDaemonJson(original, managed));
  t.is(readFileSync(`${lab.configPath}.dockwire.bak`, "utf8"), original);

  // the daemon: bridge network and docker0
  t.deepEqual(await bridgeIpam(lab), [{ Subnet: "192.168.42.0/24", Gateway: "192.168.42.1" }]);
  t.regex(await inLab(lab, ["ip", "-o", "-4", "addr", "show", "dev", "docker0"]), / inet 192\.168\.42\.1\/24 /);

  // a new busybox container gets an address in 192.168.42.0/24
  const c = await labDocker(lab, ["run", "-d", "--name", "dw-bip-probe", images.busybox, "sleep", "300"]);
  t.teardown(() =>
    labDocker(lab, ["rm", "-f", c]).then(
      () => undefined,
      () => undefined,
    ),
  );
  const ip = await labDocker(lab, ["inspect", "-f", "{{.NetworkSettings.IPAddress}}", c]);
  const parsed = parseIp(ip);
  t.truthy(parsed, `container has no address: ${JSON.stringify(ip)}`);
  t.true(cidrContains(parseCidr("192.168.42.0/24", "subnet"), parsed!.family, parsed!.value), `${ip} is outside 192.168.42.0/24`);
  t.not(ip, "192.168.42.1");
  t.log(`container address ${ip}`);
  await labDocker(lab, ["rm", "-f", c]);

  // applying the same again changes nothing and does not restart the daemon
  const pid = await labDaemonPid(lab);
  const again = await runScript(lab, applyScript({ ...labCommon(lab), managed }));
  logRun(t, "apply again", again);
  t.is(again.code, 0, again.stderr);
  t.regex(again.stdout, /nothing to change, the daemon was not restarted/);
  t.is(await labDaemonPid(lab), pid);
  t.is(readFileSync(lab.configPath, "utf8"), text);
  t.deepEqual(parsePreviousLine(again.stdout), { managed: ["bip"], previous: {}, bridge: "172.17.0.1/16" });
  t.deepEqual(leftovers(lab), []);
});

interface Refusal {
  title: string;
  initial: string;
  managed: (lab: LabHost) => Record<string, unknown>;
  cause: (lab: LabHost) => string;
}

const refusals: Refusal[] = [
  {
    // passes dockwire's validation (extra is passed through as given); only the daemon knows
    title: 'extra log-level "loud"',
    initial: `{"log-level":"warn",  "bip": "192.168.42.1/24"}\n`,
    managed: () => managedOf({ mtu: 1400, extra: { "log-level": "loud" } }),
    cause: () => "unable to parse logging level: loud",
  },
  {
    // validation refuses mtu -5 (see below); the raw script shows the daemon refuses it too
    title: "mtu -5",
    initial: `{ "bip": "192.168.42.1/24" }`,
    managed: () => ({ mtu: -5 }),
    cause: () =>
      `failed to start daemon: Error initializing network controller: Error creating default "bridge" network: invalid MTU number: -5`,
  },
  {
    // seed 003's warning: "hosts" in daemon.json while dockerd is started with -H
    title: "hosts while dockerd is started with -H (seed 003)",
    initial: "{}\n",
    managed: (lab) => managedOf({ hosts: [lab.dockerHost] }),
    cause: (lab) =>
      `unable to configure the Docker daemon with file ${lab.configPath}: the following directives are specified both as a flag and in the configuration file: hosts: (from flag: [${lab.dockerHost}], from file: [${lab.dockerHost}])`,
  },
];

refusals.forEach((c, i) => {
  test.serial(`(b${i + 1}) refused at start, rolled back byte for byte: ${c.title}`, async (t) => {
    requireRoot(t);
    const lab = await labHostUp(t, 10 + i, c.initial);
    const before = sha256(lab.configPath);
    const bridgeBefore = await bridgeIpam(lab);
    const pid = await labDaemonPid(lab);

    const r = await runScript(lab, applyScript({ ...labCommon(lab), managed: c.managed(lab) }));
    logRun(t, `apply ${c.title}`, r);
    t.log(
      r.stderr
        .split("\n")
        .filter((l) => l.startsWith("dockwire:"))
        .join("\n"),
    );
    t.is(r.code, 1, r.stdout + r.stderr);
    t.true(r.stderr.includes(`\ndockwire: cause: ${c.cause(lab)}\n`), r.stderr);
    t.regex(r.stderr, /the apply of .* failed: the restart command exited 1\.\n/);
    t.true(r.stderr.endsWith("it was rolled back to its previous content (byte for byte) and the daemon answers again.\n"));
    t.false(r.stdout.includes("DOCKWIRE_PREVIOUS="));

    t.is(sha256(lab.configPath), before, "daemon.json is byte-identical");
    t.not(await labDaemonPid(lab), pid, "the daemon was restarted");
    t.truthy(await labDocker(lab, ["info", "--format", "{{.ServerVersion}}"]));
    t.deepEqual(await bridgeIpam(lab), bridgeBefore);
    t.false(existsSync(`${lab.configPath}.dockwire-default.json`), "no record of a failed apply");
    t.deepEqual(leftovers(lab), []);
  });
});

test.serial("(b2') mtu -5 never reaches a host through DaemonConfig: validation refuses it", (t) => {
  t.throws(() => managedOf({ mtu: -5 }), {
    message:
      "settings.mtu must be a whole number from 68 (the IPv4 minimum) to 65535 (the largest IP packet), got -5; 1500 is the usual Ethernet value.",
  });
});

test.serial("(c1) restore puts previous values back from the record on the host", async (t) => {
  requireRoot(t);
  const lab = await labHostUp(t, 20, `{"log-level": "warn", "mtu": 1500}`);
  const defaultIpam = await bridgeIpam(lab);
  const managed = managedOf({ bip: "192.168.42.1/24", mtu: 1400, dns: ["8.8.8.8"] });
  const apply = await runScript(lab, applyScript({ ...labCommon(lab), managed }));
  logRun(t, "apply", apply);
  t.is(apply.code, 0, apply.stderr);
  const record = { bridge: "172.17.0.1/16", managed: ["bip", "dns", "mtu"], previous: { mtu: 1500 } };
  t.deepEqual(parsePreviousLine(apply.stdout), record);
  t.deepEqual(JSON.parse(readFileSync(`${lab.configPath}.dockwire-default.json`, "utf8")), record);
  t.deepEqual(await bridgeIpam(lab), [{ Subnet: "192.168.42.0/24", Gateway: "192.168.42.1" }]);

  const restore = await runScript(lab, restoreScript(labCommon(lab)));
  logRun(t, "restore", restore);
  t.is(restore.code, 0, restore.stderr);
  t.true(restore.stdout.includes(`  bip: "192.168.42.1/24" -> (unset)\n`));
  t.true(restore.stdout.includes("  mtu: 1400 -> 1500\n"));
  t.deepEqual(parseDaemonJson(readFileSync(lab.configPath, "utf8")), { "log-level": "warn", mtu: 1500 });
  t.false(existsSync(`${lab.configPath}.dockwire-default.json`), "the record is removed");
  // dockerd keeps the default bridge's last address once bip is unset, so the restore
  // first runs with bip = docker0's recorded address, then with the file as it was
  t.true(restore.stdout.includes("first with bip 172.17.0.1/16 (docker0's address before dockwire set bip), then without it"));
  t.is(restore.stdout.match(/the daemon answers again after \d+s; bridge docker0 has 172\.17\.0\.1\/16/g)?.length, 2);
  t.deepEqual(defaultIpam, [{ Subnet: "172.17.0.0/16", Gateway: "172.17.0.1" }]);
  t.deepEqual(await bridgeIpam(lab), defaultIpam);
  t.notRegex(await inLab(lab, ["ip", "-o", "-4", "addr", "show", "dev", "docker0"]), /192\.168\.42\./);

  // a second delete finds no record and leaves the file alone
  const twice = await runScript(lab, restoreScript(labCommon(lab)));
  t.is(twice.code, 0, twice.stderr);
  t.regex(twice.stdout, /nothing to restore, the file was left as it is/);
  t.deepEqual(leftovers(lab), []);
});

test.serial("(c2) restore from PULUMI_COMMAND_STDOUT when the record is gone, and from values passed in", async (t) => {
  requireRoot(t);
  const lab = await labHostUp(t, 21, `{"log-level": "warn"}`);
  const managed = managedOf({ bip: "192.168.42.1/24" });
  const apply = await runScript(lab, applyScript({ ...labCommon(lab), managed }));
  t.is(apply.code, 0, apply.stderr);
  rmSync(`${lab.configPath}.dockwire-default.json`);

  const restore = await runScript(lab, restoreScript(labCommon(lab)), { env: { PULUMI_COMMAND_STDOUT: apply.stdout } });
  logRun(t, "restore from PULUMI_COMMAND_STDOUT", restore);
  t.is(restore.code, 0, restore.stderr);
  t.deepEqual(parseDaemonJson(readFileSync(lab.configPath, "utf8")), { "log-level": "warn" });

  // explicit previous values (as a caller that kept them would pass)
  const apply2 = await runScript(lab, applyScript({ ...labCommon(lab), managed: { "log-level": "error" } }));
  t.is(apply2.code, 0, apply2.stderr);
  const restore2 = await runScript(lab, restoreScript({ ...labCommon(lab), previous: parsePreviousLine(apply2.stdout) }));
  logRun(t, "restore with values passed in", restore2);
  t.is(restore2.code, 0, restore2.stderr);
  t.deepEqual(parseDaemonJson(readFileSync(lab.configPath, "utf8")), { "log-level": "warn" });
});

test.serial("(d) systemd strategy (stubbed systemctl/journalctl): hosts gets the -H drop-in, delete removes it", async (t) => {
  requireRoot(t);
  const lab = await labHostUp(t, 30, `{"log-level": "warn"}`);
  const stub = mkdtempSync(path.join(tmpdir(), "dw-systemd-"));
  t.teardown(() => rmSync(stub, { recursive: true, force: true }));
  const dropInDir = path.join(stub, "docker.service.d");
  const dropIn = path.join(dropInDir, "dockwire-hosts.conf");
  const calls = path.join(stub, "calls");
  // systemd's view: the unit starts dockerd with -H unless dockwire's drop-in clears it
  writeFileSync(
    path.join(stub, "systemctl"),
    [
      "#!/bin/sh",
      `echo "$*" >> ${shellQuote(calls)}`,
      'case "$1" in',
      "  reset-failed|daemon-reload) exit 0 ;;",
      "  show) echo '{ path=/usr/bin/dockerd ; argv[]=/usr/bin/dockerd -H fd:// --containerd=/run/containerd/containerd.sock ; ignore_errors=no ; start_time=[n/a] ; stop_time=[n/a] ; pid=0 ; code=(null) ; status=0/0 }' ;;",
      `  restart) if [ -f ${shellQuote(dropIn)} ]; then LABHOST_HOST_FLAG=0; export LABHOST_HOST_FLAG; fi; exec bash ${shellQuote(labhostScript)} restart ${lab.name} ;;`,
      '  *) echo "stub systemctl: unexpected $*" >&2; exit 1 ;;',
      "esac",
      "",
    ].join("\n"),
  );
  writeFileSync(path.join(stub, "journalctl"), `#!/bin/sh\ntail -n 20 ${shellQuote(lab.logPath)}\n`);
  chmodSync(path.join(stub, "systemctl"), 0o755);
  chmodSync(path.join(stub, "journalctl"), 0o755);
  const env = { PATH: `${stub}:${process.env.PATH}` };
  const tcp = `tcp://10.99.${lab.x}.2:2375`;
  const common: DaemonScriptCommon = {
    configPath: lab.configPath,
    restart: { kind: "systemd", unit: "docker" },
    readiness: { dockerHost: lab.dockerHost, timeoutSeconds: 45 },
    dropInDir,
  };
  // "tls": false spares dockerd's deliberate 15 s start delay for plain TCP (lab only)
  const managed = toDaemonJsonKeys(
    validateDaemonSettings({ hosts: [lab.dockerHost, tcp], extra: { tls: false } }, "settings", { allowInsecureTcp: true }),
  );

  const r = await runScript(lab, applyScript({ ...common, managed }), { env });
  logRun(t, "apply hosts (systemd)", r);
  t.is(r.code, 0, r.stdout + r.stderr);
  t.true(
    readFileSync(dropIn, "utf8").endsWith(
      "[Service]\nExecStart=\nExecStart=/usr/bin/dockerd --containerd=/run/containerd/containerd.sock\n",
    ),
  );
  t.deepEqual(readFileSync(calls, "utf8").trim().split("\n"), [
    "show -p ExecStart --value docker",
    "daemon-reload",
    "reset-failed docker",
    "restart docker",
  ]);
  // the daemon listens where daemon.json says, TCP included (lab only)
  const v = await spawnBounded("docker", ["-H", tcp, "version", "--format", "{{.Server.Version}}"], { timeoutMs: 20_000 });
  t.is(v.code, 0, v.stderr);

  const d = await runScript(lab, restoreScript(common), { env });
  logRun(t, "restore hosts (systemd)", d);
  t.is(d.code, 0, d.stdout + d.stderr);
  t.false(existsSync(dropIn), "the drop-in is removed");
  t.deepEqual(parseDaemonJson(readFileSync(lab.configPath, "utf8")), { "log-level": "warn" });
  t.truthy(await labDocker(lab, ["info", "--format", "{{.ServerVersion}}"]));
});

test.serial("(f) interrupted during the restart: rolled back byte for byte, docker0 back to its address", async (t) => {
  requireRoot(t);
  const lab = await labHostUp(t, 50, `{"log-level":"warn"}\n`);
  const before = sha256(lab.configPath);
  const script = applyScript({ ...labCommon(lab), managed: managedOf({ bip: "192.168.42.1/24" }) });
  // nsenter execs sh: the child is the script's shell; SIGTERM it once the file is replaced
  const child = spawn("nsenter", [`--net=/var/run/netns/${lab.name}`, "/bin/sh", "-c", script], { stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  let err = "";
  const t0 = Date.now();
  const done = new Promise<number | null>((res) => child.on("close", (code) => res(code)));
  const killer = setTimeout(() => child.kill("SIGKILL"), 120_000);
  child.stderr.on("data", (d) => (err += d));
  child.stdout.on("data", (d) => {
    out += d;
    if (out.includes("dockwire: updated ")) setTimeout(() => child.kill("SIGTERM"), 1000);
  });
  const code = await done;
  clearTimeout(killer);
  t.log(`interrupted apply: exit ${code} after ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  t.is(code, 130, out + err);
  t.regex(err, /dockwire: interrupted: rolling .* back to its previous content\ndockwire: rolled back; the daemon answers again\n$/);
  t.is(sha256(lab.configPath), before);
  t.regex(await inLab(lab, ["ip", "-o", "-4", "addr", "show", "dev", "docker0"]), / inet 172\.17\.0\.1\/16 /);
  t.deepEqual(await bridgeIpam(lab), [{ Subnet: "172.17.0.0/16", Gateway: "172.17.0.1" }]);
  t.false(existsSync(`${lab.configPath}.dockwire-default.json`));
  t.deepEqual(leftovers(lab), []);
});

test.serial("(e) a lab host leaves nothing behind", async (t) => {
  requireRoot(t);
  const { name } = labIdentity(40);
  const lab = await labHostUp(t, 40);
  t.truthy(await labDocker(lab, ["info", "--format", "{{.ServerVersion}}"]));
  await labHostDown(name);
  t.deepEqual(await labResidue(name), []);
  await labHostDown(name); // idempotent
});
