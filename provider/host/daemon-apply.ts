/**
 * The runs of the shipped script provider/sh/daemon-apply.sh (with its python3 helper
 * provider/sh/daemon-json.py) that apply managed daemon.json keys on a Docker host and
 * put them back on delete: {@link applyRun} and {@link restoreRun} check the options and
 * give the script's environment; DaemonConfig's provider runs it locally or over SSH
 * (provider/hostexec.ts), and {@link applyScript} / {@link restoreScript} give the same
 * run as one command line for a `@pulumi/command` Command.
 *
 * Requirements on the Docker host: a POSIX `sh`, coreutils (`cp mv rm mktemp date
 * sleep timeout tail head dirname sync`), `grep` and `sed` (both in every base system),
 * `python3` (3.4 or newer, standard library only:
 * it parses, merges and renders the JSON) and the `docker` CLI (for the readiness
 * check); `ip` (iproute2) when a bridge address is checked; `systemctl` and
 * `journalctl` for the systemd restart strategy. Each is checked first, and a missing
 * one fails with a message naming it before anything is changed.
 *
 * What the apply script does (see {@link applyScript}):
 * 1. takes a lock (`CONFIG.dockwire.lock`, a directory; a stale one of a dead pid is
 *    broken; bounded wait), reads CONFIG (absent or blank = `{}`; malformed = error
 *    naming the file and the parse error, nothing written);
 * 2. computes the merged JSON in python3 (other keys kept, keys sorted, two-space
 *    indent); when it is semantically unchanged it only refreshes its record and stops
 *    (no restart, the drop-in of step 3 is not checked);
 * 3. for systemd with `hosts` managed, writes the drop-in that clears `-H` from
 *    ExecStart (seed 003) and runs `systemctl daemon-reload`;
 * 4. copies CONFIG byte for byte to `CONFIG.dockwire.bak` (noting whether it existed)
 *    and puts the new file in place atomically (temp file in the same directory written
 *    and fsync'd by python3, then `mv`);
 * 5. restarts the daemon and waits (every 0.5 s, up to the timeout) until
 *    `docker info` answers and, when bip changed, the bridge has the new address
 *    (`ip -o -4 addr show dev docker0`);
 * 6. on failure: keeps the daemon's own error (journalctl, or the restart command's
 *    output and the log's tail), restores CONFIG byte for byte (or removes it when it
 *    did not exist) and the drop-in, restarts again (first with bip = docker0's old
 *    address when the failed apply had moved docker0, see {@link restoreScript}),
 *    waits, prints the daemon output,
 *    the failed step, `dockwire: cause: <the daemon's error line>` and the outcome,
 *    and exits 1 (3 when even the rolled-back daemon does not answer);
 * 7. on success: writes the record of previous values (`CONFIG.dockwire-TAG.json`)
 *    and prints it as the last line, `DOCKWIRE_PREVIOUS={"managed":[...],"previous":{...}}`
 *    (plus `"bridge"`, docker0's address before, when it set bip where it was unset).
 *
 * A SIGINT/SIGTERM/SIGHUP after the first change rolls back the same way (exit 130).
 *
 * Values reach the script only as environment variables (never in its text); JSON
 * payloads travel base64-encoded.
 *
 * @module
 */

import { remoteCommandLine, shippedScript } from "../hostexec";
import { parseIp } from "../ipam";
import { DaemonConfigError, PreviousRecord, compactJson } from "./daemon-json";

/** How the daemon is restarted after daemon.json changed. */
export type RestartStrategy =
  /** `systemctl restart UNIT` (after `systemctl reset-failed UNIT`); errors from `journalctl -u UNIT -n 20`. */
  | { kind: "systemd"; unit?: string }
  /**
   * Any shell command that restarts the daemon, run with `sh -c`; its output is shown
   * on failure, followed by the last 20 lines of `logPath` when given.
   */
  | { kind: "command"; command: string; logPath?: string };

/** How to tell that the daemon is back. */
export interface ReadinessOptions {
  /** DOCKER_HOST for `docker info` (e.g. `unix:///run/docker.sock`); default: the CLI's default. */
  dockerHost?: string;
  /** Bound of the restart command and, separately, of the wait for the daemon, in seconds (1..3600). */
  timeoutSeconds: number;
}

/** The bridge whose address must match after a bip change. */
export interface ExpectBridge {
  /** Interface name, default `docker0`. */
  name?: string;
  /** Expected address with prefix, e.g. `192.168.42.1/24`. */
  address: string;
}

/** Options common to {@link applyScript} and {@link restoreScript}. */
export interface DaemonScriptCommon {
  /** Absolute path of daemon.json on the host, e.g. `/etc/docker/daemon.json`. */
  configPath: string;
  /** How to restart the daemon. */
  restart: RestartStrategy;
  /** How to wait for it. */
  readiness: ReadinessOptions;
  /**
   * For systemd: manage the drop-in `/etc/systemd/system/UNIT.service.d/dockwire-hosts.conf`
   * that clears `-H` from ExecStart when `hosts` is managed (dockerd refuses `hosts`
   * given both as a flag and in daemon.json). Default true; ignored for a command restart.
   */
  manageHostsDropIn?: boolean;
  /** Directory of that drop-in; default `/etc/systemd/system/UNIT.service.d`. */
  dropInDir?: string;
  /**
   * Names the record of previous values, `CONFIG.dockwire-TAG.json`, so that several
   * resources can manage different keys of one file. `[A-Za-z0-9_.-]{1,64}`, default `default`.
   */
  recordTag?: string;
}

/** Options of {@link applyScript}. */
export interface ApplyScriptOptions extends DaemonScriptCommon {
  /** The managed daemon.json keys and their values (a JSON object). */
  managed: Record<string, unknown>;
  /**
   * The bridge address to wait for; default: when `managed.bip` is set, docker0 with
   * that address.
   */
  expectBridge?: ExpectBridge;
}

/** Options of {@link restoreScript}. */
export interface RestoreScriptOptions extends DaemonScriptCommon {
  /**
   * The previous values to put back. Default: the record the apply script left on the
   * host (`CONFIG.dockwire-TAG.json`), else the `DOCKWIRE_PREVIOUS=` line of
   * `$PULUMI_COMMAND_STDOUT` (the apply's stdout, which @pulumi/command passes to
   * delete). When none is found the script changes nothing and says so.
   */
  previous?: PreviousRecord;
}

/** Where the apply script keeps its byte-for-byte copy of the file it replaced. */
export function backupPath(configPath: string): string {
  return `${configPath}.dockwire.bak`;
}

/** Where the apply script keeps the record of previous values. */
export function recordPath(configPath: string, tag = "default"): string {
  return `${configPath}.dockwire-${tag}.json`;
}

/** The systemd unit name without a `.service` suffix. */
function unitName(restart: RestartStrategy): string {
  return restart.kind === "systemd" ? (restart.unit ?? "docker").replace(/\.service$/, "") : "docker";
}

/** Path of the drop-in that clears ExecStart's `-H` for a unit. */
export function hostsDropInPath(unit = "docker", dropInDir?: string): string {
  const u = unit.replace(/\.service$/, "");
  return `${dropInDir ?? `/etc/systemd/system/${u}.service.d`}/dockwire-hosts.conf`;
}

/** The line the apply script prints last. */
export const PREVIOUS_PREFIX = "DOCKWIRE_PREVIOUS=";

/**
 * The record printed by an apply script (its last `DOCKWIRE_PREVIOUS=` line), or
 * undefined when `stdout` has none or it is not a record.
 */
export function parsePreviousLine(stdout: string | undefined): PreviousRecord | undefined {
  if (typeof stdout !== "string") return undefined;
  const lines = stdout.split("\n").filter((l) => l.startsWith(PREVIOUS_PREFIX));
  if (lines.length === 0) return undefined;
  try {
    const v = JSON.parse(lines[lines.length - 1].slice(PREVIOUS_PREFIX.length)) as {
      managed?: unknown;
      previous?: unknown;
      bridge?: unknown;
    } | null;
    if (
      v !== null &&
      typeof v === "object" &&
      Array.isArray(v.managed) &&
      v.managed.every((k: unknown) => typeof k === "string") &&
      v.previous !== null &&
      typeof v.previous === "object" &&
      !Array.isArray(v.previous)
    ) {
      const managed = v.managed;
      const previous = v.previous as Record<string, unknown>;
      return typeof v.bridge === "string" ? { managed, previous, bridge: v.bridge } : { managed, previous };
    }
  } catch {
    // not JSON: no record
  }
  return undefined;
}

function fail(field: string, message: string): never {
  throw new DaemonConfigError(field, `${field} ${message}`);
}

function checkCommon(o: DaemonScriptCommon): void {
  if (typeof o.configPath !== "string" || !o.configPath.startsWith("/") || o.configPath.endsWith("/") || /[\0\n\r]/.test(o.configPath)) {
    fail("configPath", `${JSON.stringify(o.configPath)} must be an absolute file path such as "/etc/docker/daemon.json".`);
  }
  const r = o.restart;
  if (r === null || typeof r !== "object" || (r.kind !== "systemd" && r.kind !== "command")) {
    fail("restart", `must be { kind: "systemd", unit? } or { kind: "command", command, logPath? }.`);
  }
  if (r.kind === "systemd" && r.unit !== undefined && !/^[A-Za-z0-9@._:-]{1,200}$/.test(r.unit)) {
    fail("restart.unit", `${JSON.stringify(r.unit)} is not a systemd unit name: use letters, digits and @._:- only, e.g. "docker".`);
  }
  if (r.kind === "command") {
    if (typeof r.command !== "string" || r.command.trim() === "") {
      fail("restart.command", `must be a non-empty shell command that restarts the daemon, e.g. "systemctl restart docker".`);
    }
    if (r.logPath !== undefined && (typeof r.logPath !== "string" || !r.logPath.startsWith("/") || /[\0\n\r]/.test(r.logPath))) {
      fail("restart.logPath", `${JSON.stringify(r.logPath)} must be an absolute file path such as "/var/log/dockerd.log".`);
    }
  }
  const t = o.readiness?.timeoutSeconds;
  if (typeof t !== "number" || !Number.isInteger(t) || t < 1 || t > 3600) {
    fail("readiness.timeoutSeconds", `must be a whole number of seconds from 1 to 3600, got ${String(t)}.`);
  }
  const h = o.readiness.dockerHost;
  if (h !== undefined && (typeof h !== "string" || !/^(unix|tcp|fd|ssh|npipe):\/\/\S*$/.test(h))) {
    fail(
      "readiness.dockerHost",
      `${JSON.stringify(h)} must be a DOCKER_HOST such as "unix:///var/run/docker.sock" or "tcp://127.0.0.1:2376".`,
    );
  }
  if (o.dropInDir !== undefined && (typeof o.dropInDir !== "string" || !o.dropInDir.startsWith("/") || /[\0\n\r]/.test(o.dropInDir))) {
    fail("dropInDir", `${JSON.stringify(o.dropInDir)} must be an absolute directory path.`);
  }
  if (o.recordTag !== undefined && (typeof o.recordTag !== "string" || !/^[A-Za-z0-9_.-]{1,64}$/.test(o.recordTag))) {
    fail("recordTag", `${JSON.stringify(o.recordTag)} must be 1 to 64 characters of A-Z a-z 0-9 _ . -`);
  }
}

function b64(value: unknown): string {
  return Buffer.from(compactJson(value), "utf8").toString("base64");
}

/** The shipped script both runs call, and its python3 helper. */
export const DAEMON_APPLY_SCRIPT = "daemon-apply.sh";

/** A run of provider/sh/daemon-apply.sh: every input is an environment variable. */
export interface DaemonRun {
  script: string;
  env: Record<string, string>;
}

/** The variables both runs set (see the list at the top of provider/sh/daemon-apply.sh). */
function commonEnv(o: DaemonScriptCommon, mode: "apply" | "restore"): Record<string, string> {
  const r = o.restart;
  const unit = unitName(r);
  const manageDropIn = r.kind === "systemd" && o.manageHostsDropIn !== false;
  return {
    DW_MODE: mode,
    DW_CONFIG: o.configPath,
    DW_BACKUP: backupPath(o.configPath),
    DW_RECORD: recordPath(o.configPath, o.recordTag ?? "default"),
    DW_RESTART_KIND: r.kind,
    DW_UNIT: unit,
    DW_RESTART_CMD: r.kind === "command" ? r.command : "",
    DW_LOG_PATH: r.kind === "command" ? (r.logPath ?? "") : "",
    DW_DOCKER_HOST: o.readiness.dockerHost ?? "",
    DW_TIMEOUT: String(o.readiness.timeoutSeconds),
    DW_DROPIN: manageDropIn ? hostsDropInPath(unit, o.dropInDir) : "",
  };
}

/**
 * A run as one `/bin/sh -c` command line, for a `@pulumi/command` Command (local or
 * remote) or a shell by hand: `exec env DW_...=... sh -c SCRIPT dockwire`, each word through
 * `shellQuote` (by {@link remoteCommandLine}), so no value is part of the script.
 */
export function daemonCommandLine(run: DaemonRun): string {
  // exec: a signal to the shell that reads the line (an interrupted Command) reaches the
  // script itself, which then rolls back.
  return `exec ${remoteCommandLine(shippedScript(run.script), [], run.env)}`;
}

/**
 * The script that merges `managed` into the host's daemon.json, restarts the daemon,
 * verifies it and rolls back on failure. See the module documentation for each step.
 *
 * Exit status: 0 applied (or nothing to change); 1 the daemon refused the change and
 * it was rolled back (the daemon answers again); 2 nothing changed because a
 * requirement was missing or the current file is malformed; 3 rolled back but the
 * daemon still does not answer; 130 interrupted (rolled back).
 *
 * Stdout: progress lines, the change (`key: before -> after`), and last
 * `DOCKWIRE_PREVIOUS={...}`; errors go to stderr.
 */
export function applyRun(o: ApplyScriptOptions): DaemonRun {
  checkCommon(o);
  if (o.managed === null || typeof o.managed !== "object" || Array.isArray(o.managed) || Object.keys(o.managed).length === 0) {
    fail("managed", "must be a non-empty object of daemon.json keys to values.");
  }
  let bridge = o.expectBridge;
  if (bridge === undefined && typeof o.managed["bip"] === "string") bridge = { address: o.managed["bip"] };
  if (bridge !== undefined) {
    const name = bridge.name ?? "docker0";
    if (!/^[A-Za-z0-9_.-]{1,15}$/.test(name)) fail("expectBridge.name", `${JSON.stringify(name)} is not an interface name.`);
    const [addr, prefix, ...rest] = String(bridge.address).split("/");
    if (rest.length > 0 || parseIp(addr)?.family !== 4 || !/^[0-9]{1,2}$/.test(prefix ?? "") || Number(prefix) > 32) {
      fail("expectBridge.address", `${JSON.stringify(bridge.address)} must be an IPv4 address with its prefix, e.g. "192.168.42.1/24".`);
    }
  }
  return {
    script: DAEMON_APPLY_SCRIPT,
    env: {
      ...commonEnv(o, "apply"),
      DW_MANAGED_B64: b64(o.managed),
      DW_PREVIOUS_B64: "",
      DW_BRIDGE: bridge?.name ?? "docker0",
      DW_BRIDGE_ADDR: bridge?.address ?? "",
      DW_BRIDGE_AUTO: "0",
      DW_PY: DAEMON_JSON_PY,
    },
  };
}

/** {@link applyRun} as one command line ({@link daemonCommandLine}). */
export function applyScript(o: ApplyScriptOptions): string {
  return daemonCommandLine(applyRun(o));
}

/**
 * The delete-side script: puts the previous values of the managed keys back (see
 * {@link RestoreScriptOptions.previous} for where they come from), with the same
 * safety as {@link applyScript}: backup, atomic write, restart, verify, roll back.
 * For systemd it also removes the `hosts` drop-in when the record says `hosts` was
 * managed. Removes the record on success. Same exit statuses; prints
 * `DOCKWIRE_RESTORED={...}` (the record used) last.
 *
 * Daemon behaviour it handles: once bip is unset again, dockerd keeps the default
 * bridge's last address (it is kept in the daemon's network store, deleting docker0
 * does not help). So an apply that sets bip where it was unset records docker0's
 * address then (`bridge` in the record), and a restore that unsets bip runs in two
 * steps: first with `bip` = that address (docker0 moves back), then without bip (the
 * file as it was). Without a recorded address it prints a note instead.
 */
export function restoreRun(o: RestoreScriptOptions): DaemonRun {
  checkCommon(o);
  if (o.previous !== undefined) {
    const p = o.previous;
    if (p === null || typeof p !== "object" || !Array.isArray(p.managed) || p.previous === null || typeof p.previous !== "object") {
      fail("previous", "must be a record { managed: string[], previous: { key: value } }.");
    }
  }
  return {
    script: DAEMON_APPLY_SCRIPT,
    env: {
      ...commonEnv(o, "restore"),
      DW_MANAGED_B64: "",
      DW_PREVIOUS_B64: o.previous === undefined ? "" : b64(o.previous),
      DW_BRIDGE: "docker0",
      DW_BRIDGE_ADDR: "",
      DW_BRIDGE_AUTO: "1",
      DW_PY: DAEMON_JSON_PY,
    },
  };
}

/** {@link restoreRun} as one command line ({@link daemonCommandLine}). */
export function restoreScript(o: RestoreScriptOptions): string {
  return daemonCommandLine(restoreRun(o));
}

/**
 * The python3 helper the scripts run with `python3 -c "$DW_PY" ...`. Subcommands:
 * - `plan MODE CONFIG RECORD MANAGED_B64 PREVIOUS_B64 OUTDIR BRIDGE`: reads CONFIG and the
 *   record, writes `CONFIG.dockwire.new` (fsync'd, same mode and owner) when the content
 *   changes, and into OUTDIR: `changed` (1/0), `record` (compact JSON), `diff` (lines),
 *   `bip` (the new bridge address when bip changes), `bipgone` (1 when bip is removed),
 *   `hosts` (1 when `hosts` is among the keys), `keys` (comma list), `norecord` (restore
 *   without any record), `stagebip` (restore in two steps, see {@link restoreScript});
 *   BRIDGE names the bridge whose current address an apply that sets bip records;
 * - `render`: stdin JSON object -> canonical text (for tests);
 * - `dropin`: stdin = `systemctl show -p ExecStart --value UNIT` -> drop-in text with
 *   `-H`/`--host` removed from ExecStart.
 * Exits 2 with a message on stderr for malformed input.
 */
export const DAEMON_JSON_PY: string = shippedScript("daemon-json.py");
