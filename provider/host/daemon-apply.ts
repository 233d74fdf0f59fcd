/**
 * Builders of the POSIX sh scripts that apply managed daemon.json keys on a Docker
 * host and put them back on delete. A `@pulumi/command` Command runs them, locally
 * (`/bin/sh -c`) or over SSH.
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
 * Every interpolated value is quoted with `shellQuote`; JSON payloads travel
 * base64-encoded, so no quoting issue can arise.
 *
 * @module
 */

import { parseIp } from "../ipam";
import { shellQuote } from "../shell";
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

function assign(name: string, value: string | number): string {
  return `${name}=${shellQuote(String(value))}`;
}

/** Header lines shared by both scripts: every value quoted once, used as "$DW_..." below. */
function header(o: DaemonScriptCommon, mode: "apply" | "restore"): string[] {
  const r = o.restart;
  const unit = unitName(r);
  const manageDropIn = r.kind === "systemd" && o.manageHostsDropIn !== false;
  return [
    "#!/bin/sh",
    `# dockwire daemon.json ${mode} script (generated; needs sh, coreutils, python3 and the docker CLI)`,
    assign("DW_MODE", mode),
    assign("DW_CONFIG", o.configPath),
    assign("DW_BACKUP", backupPath(o.configPath)),
    assign("DW_RECORD", recordPath(o.configPath, o.recordTag ?? "default")),
    assign("DW_RESTART_KIND", r.kind),
    assign("DW_UNIT", unit),
    assign("DW_RESTART_CMD", r.kind === "command" ? r.command : ""),
    assign("DW_LOG_PATH", r.kind === "command" ? (r.logPath ?? "") : ""),
    assign("DW_DOCKER_HOST", o.readiness.dockerHost ?? ""),
    assign("DW_TIMEOUT", o.readiness.timeoutSeconds),
    assign("DW_DROPIN", manageDropIn ? hostsDropInPath(unit, o.dropInDir) : ""),
  ];
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
export function applyScript(o: ApplyScriptOptions): string {
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
  return [
    ...header(o, "apply"),
    assign("DW_MANAGED_B64", b64(o.managed)),
    assign("DW_PREVIOUS_B64", ""),
    assign("DW_BRIDGE", bridge?.name ?? "docker0"),
    assign("DW_BRIDGE_ADDR", bridge?.address ?? ""),
    assign("DW_BRIDGE_AUTO", "0"),
    assign("DW_PY", DAEMON_JSON_PY),
    SCRIPT_BODY,
  ].join("\n");
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
export function restoreScript(o: RestoreScriptOptions): string {
  checkCommon(o);
  if (o.previous !== undefined) {
    const p = o.previous;
    if (p === null || typeof p !== "object" || !Array.isArray(p.managed) || p.previous === null || typeof p.previous !== "object") {
      fail("previous", "must be a record { managed: string[], previous: { key: value } }.");
    }
  }
  return [
    ...header(o, "restore"),
    assign("DW_MANAGED_B64", ""),
    assign("DW_PREVIOUS_B64", o.previous === undefined ? "" : b64(o.previous)),
    assign("DW_BRIDGE", "docker0"),
    assign("DW_BRIDGE_ADDR", ""),
    assign("DW_BRIDGE_AUTO", "1"),
    assign("DW_PY", DAEMON_JSON_PY),
    SCRIPT_BODY,
  ].join("\n");
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
export const DAEMON_JSON_PY = String.raw`import base64, errno, json, os, re, sys

def die(msg):
    sys.stderr.write("dockwire: " + msg + "\n")
    sys.exit(2)

def canon(obj):
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False)

def render(obj):
    return json.dumps(obj, indent=2, sort_keys=True, ensure_ascii=False) + "\n"

def no_constant(name):
    raise ValueError("invalid JSON constant " + name)

def kind(v):
    if v is None: return "null"
    if isinstance(v, list): return "an array"
    if isinstance(v, bool): return "a boolean"
    if isinstance(v, (int, float)): return "a number"
    if isinstance(v, str): return "a string"
    return "an object"

def parse_text(text, path):
    if text.startswith("\ufeff"):
        text = text[1:]
    if text.strip() == "":
        return {}
    try:
        obj = json.loads(text, parse_constant=no_constant)
    except ValueError as e:
        die("%s is not valid JSON (%s): it was left unchanged; fix or remove it, then apply again." % (path, e))
    if not isinstance(obj, dict):
        die("%s holds %s, not a JSON object: it was left unchanged; fix or remove it, then apply again." % (path, kind(obj)))
    return obj

def read_file(path):
    try:
        with open(path, "rb") as f:
            raw = f.read()
    except (IOError, OSError) as e:
        if e.errno == errno.ENOENT:
            return None
        die("cannot read %s (%s): nothing was changed." % (path, e.strerror))
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as e:
        die("%s is not UTF-8 text (%s): it was left unchanged; fix or remove it, then apply again." % (path, e))

def as_record(v, where):
    if isinstance(v, dict) and isinstance(v.get("managed"), list) and isinstance(v.get("previous"), dict) \
            and all(isinstance(k, str) for k in v["managed"]):
        r = {"managed": sorted(v["managed"]), "previous": v["previous"]}
        if isinstance(v.get("bridge"), str):
            r["bridge"] = v["bridge"]
        return r
    die("%s is not a dockwire record {managed: [...], previous: {...}}: remove it or fix it, then run again." % where)

def read_record(path):
    text = read_file(path)
    if text is None:
        return None
    try:
        v = json.loads(text)
    except ValueError as e:
        die("%s is not valid JSON (%s): remove it or fix it, then run again." % (path, e))
    return as_record(v, path)

def record_from_env():
    out = os.environ.get("PULUMI_COMMAND_STDOUT", "")
    lines = [l for l in out.split("\n") if l.startswith("DOCKWIRE_PREVIOUS=")]
    if not lines:
        return None
    try:
        return as_record(json.loads(lines[-1][len("DOCKWIRE_PREVIOUS="):]), "the DOCKWIRE_PREVIOUS line of PULUMI_COMMAND_STDOUT")
    except ValueError:
        return None

def b64json(text, what):
    try:
        return json.loads(base64.b64decode(text.encode("ascii")).decode("utf-8"))
    except Exception as e:
        die("internal: cannot decode %s (%s)" % (what, e))

def write_atomic(path, data, like, suffix=".dockwire.new"):
    tmp = path + suffix
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    try:
        os.write(fd, data)
        os.fsync(fd)
    finally:
        os.close(fd)
    if like is not None:
        try:
            st = os.stat(like)
            os.chmod(tmp, st.st_mode & 0o7777)
            os.chown(tmp, st.st_uid, st.st_gid)
        except OSError:
            pass
    return tmp

def put(outdir, name, text):
    with open(os.path.join(outdir, name), "w") as f:
        f.write(text)

def bridge_address(name):
    # The IPv4 address with prefix that the bridge has now, or None.
    if not name:
        return None
    try:
        import subprocess
        out = subprocess.check_output(["ip", "-o", "-4", "addr", "show", "dev", name], stderr=subprocess.STDOUT)
    except Exception:
        return None
    m = re.search(r" inet ([0-9.]+/[0-9]+) ", out.decode("utf-8", "replace"))
    return m.group(1) if m else None

def plan(mode, config, record_path, managed_b64, previous_b64, outdir, bridge):
    text = read_file(config)
    before = {} if text is None else parse_text(text, config)
    after = dict(before)
    stage = None
    if mode == "apply":
        managed = b64json(managed_b64, "the managed keys")
        prior = read_record(record_path)
        prior_managed = prior["managed"] if prior else []
        prior_previous = prior["previous"] if prior else {}
        for k in prior_managed:
            if k in managed:
                continue
            if k in prior_previous:
                after[k] = prior_previous[k]
            else:
                after.pop(k, None)
        previous = {}
        for k in managed:
            after[k] = managed[k]
            if k in prior_managed:
                if k in prior_previous:
                    previous[k] = prior_previous[k]
            elif k in before:
                previous[k] = before[k]
        record = {"managed": sorted(managed), "previous": previous}
        # bip set where it was unset: remember the bridge's address, since dockerd keeps
        # the default bridge's last address in its network store once bip is unset again
        if "bip" in managed and "bip" not in previous:
            if prior and "bip" in prior_managed:
                if isinstance(prior.get("bridge"), str):
                    record["bridge"] = prior["bridge"]
            else:
                now = bridge_address(bridge)
                if now:
                    record["bridge"] = now
        keys = sorted(managed)
    else:
        if previous_b64:
            record = as_record(b64json(previous_b64, "the previous values"), "the previous values passed in")
        else:
            record = read_record(record_path) or record_from_env()
        if record is None:
            put(outdir, "norecord", "1")
            put(outdir, "changed", "0")
            return
        for k in record["managed"]:
            if k in record["previous"]:
                after[k] = record["previous"][k]
            else:
                after.pop(k, None)
        keys = record["managed"]
        br = record.get("bridge")
        if isinstance(br, str) and "bip" in record["managed"] and "bip" not in record["previous"] \
                and "bip" not in after and "bridge" not in after and before.get("bip") != br:
            stage = dict(after)
            stage["bip"] = br
    changed = canon(after) != canon(before)
    diff = []
    for k in sorted(set(before) | set(after)):
        x = canon(before[k]) if k in before else "(unset)"
        y = canon(after[k]) if k in after else "(unset)"
        if x != y:
            diff.append("%s: %s -> %s" % (k, x, y))
    put(outdir, "record", canon(record) + "\n")
    put(outdir, "diff", "".join(l + "\n" for l in diff))
    put(outdir, "keys", ", ".join(keys))
    put(outdir, "hosts", "1" if "hosts" in keys else "0")
    bip = after.get("bip")
    put(outdir, "bip", bip if changed and isinstance(bip, str) and bip != before.get("bip") else "")
    put(outdir, "bipgone", "1" if "bip" in before and "bip" not in after and stage is None else "0")
    put(outdir, "stagebip", stage["bip"] if stage is not None and changed else "")
    # an apply that sets bip where it was unset: how to roll the bridge back, if needed
    rb = record.get("bridge") if mode == "apply" and "bip" not in before and "bridge" not in before else None
    put(outdir, "rbbip", rb if rb and changed else "")
    put(outdir, "changed", "1" if changed else "0")
    if changed:
        like = config if text is not None else None
        write_atomic(config, render(after).encode("utf-8"), like)
        if stage is not None:
            write_atomic(config, render(stage).encode("utf-8"), like, ".dockwire.stage")
        if rb:
            rbstage = dict(before)
            rbstage["bip"] = rb
            write_atomic(config, render(rbstage).encode("utf-8"), like, ".dockwire.rbstage")

def dropin(show):
    blocks = re.findall(r"argv\[\]=(.*?) ; ignore_errors=", show)
    if len(blocks) != 1:
        die("cannot read the unit's ExecStart from systemctl show (%r): write the drop-in by hand." % show.strip()[:300])
    args = blocks[0].split()
    out = []
    i = 0
    while i < len(args):
        a = args[i]
        if a in ("-H", "--host"):
            i += 2
            continue
        if a.startswith("--host=") or (a.startswith("-H") and len(a) > 2):
            i += 1
            continue
        out.append(a)
        i += 1
    sys.stdout.write("# Written by dockwire: daemon.json sets \"hosts\", and dockerd refuses hosts given\n"
                     "# both as a -H flag and in daemon.json, so ExecStart is cleared and set again without -H.\n"
                     "[Service]\nExecStart=\nExecStart=" + " ".join(x.replace("%", "%%") for x in out) + "\n")

def main(argv):
    if len(argv) >= 1 and argv[0] == "plan" and len(argv) == 8:
        plan(*argv[1:])
    elif argv == ["render"]:
        sys.stdout.write(render(parse_text(sys.stdin.read(), "stdin")))
    elif argv == ["dropin"]:
        dropin(sys.stdin.read())
    else:
        die("internal: bad arguments %r" % (argv,))

main(sys.argv[1:])
`;

/**
 * The static part of both scripts. It reads only the DW_* variables of the header
 * (each quoted there); nothing here is interpolated from user input. (Written with
 * `@@{` for the shell's `$` + `{` so that the template literal leaves it alone.)
 */
const SCRIPT_BODY = String.raw`
set -u
umask 022
# fds 3 and 4 keep the script's own stdout and stderr: a signal trap runs while the
# interrupted command's redirections are still in force (dash), so it writes there.
exec 3>&1 4>&2
dw_out() { printf 'dockwire: %s\n' "$*"; }
dw_err() { printf 'dockwire: %s\n' "$*" >&2; }
dw_die() { dw_err "$1"; exit "$2"; }
dw_bounded() { # dw_bounded SECONDS CMD...
  dw_s=$1; shift
  if command -v timeout >/dev/null 2>&1; then timeout "$dw_s" "$@"; else "$@"; fi
}

# --- requirements (nothing is changed before they are met)
command -v python3 >/dev/null 2>&1 || dw_die "python3 is required on the Docker host (dockwire merges $DW_CONFIG with it): install it (e.g. apt-get install python3-minimal) and run again; nothing was changed." 2
command -v docker >/dev/null 2>&1 || dw_die "the docker CLI is required on the Docker host (dockwire checks that the daemon answers with 'docker info'): install it and run again; nothing was changed." 2
for dw_c in cp mv rm mktemp date sleep tail head dirname grep sed; do
  command -v "$dw_c" >/dev/null 2>&1 || dw_die "$dw_c is required on the Docker host; nothing was changed." 2
done
if [ "$DW_RESTART_KIND" = systemd ]; then
  command -v systemctl >/dev/null 2>&1 || dw_die "systemctl is required for the systemd restart strategy (unit $DW_UNIT): use a restart command instead; nothing was changed." 2
fi
if [ -n "$DW_DOCKER_HOST" ]; then DOCKER_HOST=$DW_DOCKER_HOST; export DOCKER_HOST; fi

DW_DIR=$(dirname "$DW_CONFIG")
mkdir -p "$DW_DIR" || dw_die "cannot create the directory $DW_DIR; nothing was changed." 2
DW_TMP=$(mktemp -d "@@{TMPDIR:-/tmp}/dockwire.XXXXXX") || dw_die "cannot create a temporary directory; nothing was changed." 2
DW_LOCK="$DW_CONFIG.dockwire.lock"
DW_LOCKED=0
DW_STATE=idle
DW_EXISTED=0
DW_DROPIN_CHANGED=0
DW_DROPIN_EXISTED=0
DW_CONFIG_TOUCHED=0
DW_RESTARTED=0
dw_cleanup() {
  rm -rf "$DW_TMP"
  rm -f "$DW_CONFIG.dockwire.new" "$DW_CONFIG.dockwire.stage" "$DW_CONFIG.dockwire.rbstage" "$DW_RECORD.dockwire.new"
  if [ "$DW_LOCKED" = 1 ]; then rm -rf "$DW_LOCK"; fi
}
dw_on_signal() { exit 130; }   # until something is changed; redefined below
trap 'dw_cleanup' EXIT
trap 'dw_on_signal' INT TERM HUP

# --- lock (a directory; a lock left by a dead process is broken)
dw_deadline=$(( $(date +%s) + DW_TIMEOUT ))
while ! mkdir "$DW_LOCK" 2>/dev/null; do
  dw_holder=$(cat "$DW_LOCK/pid" 2>/dev/null || true)
  if [ -n "$dw_holder" ] && ! kill -0 "$dw_holder" 2>/dev/null; then
    rm -rf "$DW_LOCK"
    continue
  fi
  if [ "$(date +%s)" -ge "$dw_deadline" ]; then
    dw_die "$DW_LOCK is held by another dockwire run (pid @@{dw_holder:-unknown}) for more than @@{DW_TIMEOUT}s: wait for it, or remove the directory if no such run is going on; nothing was changed." 2
  fi
  sleep 1
done
DW_LOCKED=1
echo $$ >"$DW_LOCK/pid"

# --- plan (python3 reads the file, computes the new text and writes CONFIG.dockwire.new)
python3 -c "$DW_PY" plan "$DW_MODE" "$DW_CONFIG" "$DW_RECORD" "$DW_MANAGED_B64" "$DW_PREVIOUS_B64" "$DW_TMP" "$DW_BRIDGE" || exit 2
if [ -f "$DW_TMP/norecord" ]; then
  dw_out "no record of previous values for $DW_CONFIG ($DW_RECORD absent, none passed in, none in PULUMI_COMMAND_STDOUT): nothing to restore, the file was left as it is."
  exit 0
fi
DW_KEYS=$(cat "$DW_TMP/keys")
DW_HOSTS=$(cat "$DW_TMP/hosts")
if [ "$DW_BRIDGE_AUTO" = 1 ] || [ -z "$DW_BRIDGE_ADDR" ]; then DW_BRIDGE_ADDR=$(cat "$DW_TMP/bip"); fi

dw_finish() { # success: record, report
  if [ "$DW_MODE" = apply ]; then
    cp "$DW_TMP/record" "$DW_RECORD.dockwire.new" && mv -f "$DW_RECORD.dockwire.new" "$DW_RECORD" \
      || dw_err "warning: could not write the record $DW_RECORD; delete will fall back to PULUMI_COMMAND_STDOUT"
    printf 'DOCKWIRE_PREVIOUS=%s\n' "$(cat "$DW_TMP/record")"
  else
    rm -f "$DW_RECORD"
    if [ "$(cat "$DW_TMP/bipgone" 2>/dev/null)" = 1 ]; then
      dw_out "note: bip is unset again, but dockerd keeps the address docker0 has now while docker0 exists; for Docker's default range, stop the daemon, delete the bridge (ip link del docker0) and start it again."
    fi
    printf 'DOCKWIRE_RESTORED=%s\n' "$(cat "$DW_TMP/record")"
  fi
  exit 0
}

if [ "$(cat "$DW_TMP/changed")" != 1 ]; then
  dw_out "$DW_CONFIG already has the wanted values of $DW_KEYS: nothing to change, the daemon was not restarted."
  dw_finish
fi

# --- the daemon: restart and readiness
DW_CHILD=""
dw_restart() { # appends the restart's output to $DW_TMP/restart.out; returns its status
  # In the background and waited for, so that a signal runs its trap at once (in wait,
  # not inside a redirected command); fds 3 and 4 are not passed on to the daemon.
  if [ "$DW_RESTART_KIND" = systemd ]; then
    systemctl reset-failed "$DW_UNIT" >/dev/null 2>&1 3>&- 4>&- || true
    dw_bounded "$DW_TIMEOUT" systemctl restart "$DW_UNIT" >>"$DW_TMP/restart.out" 2>&1 </dev/null 3>&- 4>&- &
  else
    dw_bounded "$DW_TIMEOUT" sh -c "$DW_RESTART_CMD" >>"$DW_TMP/restart.out" 2>&1 </dev/null 3>&- 4>&- &
  fi
  DW_CHILD=$!
  wait "$DW_CHILD"
  dw_restart_rc=$?
  DW_CHILD=""
  return "$dw_restart_rc"
}
dw_answers() {
  dw_v=$(dw_bounded 10 docker info --format '{{.ServerVersion}}' 2>/dev/null) && [ -n "$dw_v" ]
}
dw_bridge_ok() { # dw_bridge_ok ADDR/PREFIX
  if command -v ip >/dev/null 2>&1; then
    ip -o -4 addr show dev "$DW_BRIDGE" 2>/dev/null | grep -qF " inet $1 "
  else
    [ "$(docker network inspect bridge --format '{{range .IPAM.Config}}{{.Gateway}}{{end}}' 2>/dev/null)" = "@@{1%/*}" ]
  fi
}
dw_wait() { # dw_wait [ADDR/PREFIX]: 0 when the daemon answers (and the bridge has ADDR) within DW_TIMEOUT s
  dw_until=$(( $(date +%s) + DW_TIMEOUT ))
  while :; do
    if dw_answers; then
      if [ -z "@@{1:-}" ] || dw_bridge_ok "$1"; then return 0; fi
    fi
    [ "$(date +%s)" -lt "$dw_until" ] || return 1
    sleep 0.5
  done
}
dw_reload() { dw_bounded "$DW_TIMEOUT" systemctl daemon-reload >>"$DW_TMP/restart.out" 2>&1; }

# --- rollback: the files back byte for byte, then the daemon
dw_rollback_files() {
  if [ "$DW_CONFIG_TOUCHED" = 1 ]; then
    if [ "$DW_EXISTED" = 1 ]; then
      cp -p "$DW_BACKUP" "$DW_CONFIG.dockwire.new" && mv -f "$DW_CONFIG.dockwire.new" "$DW_CONFIG" \
        || dw_err "could not restore $DW_CONFIG from $DW_BACKUP: copy it back by hand"
    else
      rm -f "$DW_CONFIG"
    fi
  fi
  if [ "$DW_DROPIN_CHANGED" = 1 ]; then
    if [ "$DW_DROPIN_EXISTED" = 1 ]; then
      cp -p "$DW_TMP/dropin.bak" "$DW_DROPIN" || dw_err "could not restore $DW_DROPIN (its copy is lost with $DW_TMP)"
    else
      rm -f "$DW_DROPIN"
    fi
    dw_reload || true
  fi
  sync 2>/dev/null || true
}
dw_rollback_daemon() { # restart with the rolled-back files; 0 when the daemon answers
  dw_rb_bip=$(cat "$DW_TMP/rbbip" 2>/dev/null || true)
  if [ -n "$dw_rb_bip" ] && [ -f "$DW_CONFIG.dockwire.rbstage" ] && ! dw_bridge_ok "$dw_rb_bip"; then
    # dockerd would keep the new bridge address with bip unset: first bip = the old address
    DW_CONFIG_TOUCHED=1
    mv -f "$DW_CONFIG.dockwire.rbstage" "$DW_CONFIG" && dw_restart && dw_wait "$dw_rb_bip" \
      || dw_err "could not bring $DW_BRIDGE back to $dw_rb_bip"
    dw_rollback_files
  fi
  dw_restart && dw_wait ""
}
dw_on_signal() {
  trap '' INT TERM HUP
  exec 1>&3 2>&4
  if [ "$DW_STATE" != idle ]; then
    dw_err "interrupted: rolling $DW_CONFIG back to its previous content"
    # let a restart in flight finish first (it is bounded by the timeout)
    if [ -n "$DW_CHILD" ]; then wait "$DW_CHILD" 2>/dev/null || true; DW_CHILD=""; fi
    dw_rollback_files
    if [ "$DW_RESTARTED" = 1 ]; then
      if dw_rollback_daemon; then
        dw_err "rolled back; the daemon answers again"
      else
        dw_err "rolled back, but the daemon does not answer after restarting it again: check the host now"
      fi
    else
      dw_err "rolled back before the daemon was restarted"
    fi
  fi
  exit 130
}

# --- systemd: the drop-in that clears -H when daemon.json sets hosts (before the file changes)
if [ -n "$DW_DROPIN" ] && [ "$DW_HOSTS" = 1 ]; then
  if [ -e "$DW_DROPIN" ]; then DW_DROPIN_EXISTED=1; cp -p "$DW_DROPIN" "$DW_TMP/dropin.bak"; fi
  DW_STATE=writing
  if [ "$DW_MODE" = apply ]; then
    if ! systemctl show -p ExecStart --value "$DW_UNIT" >"$DW_TMP/execstart" 2>&1 \
       || ! python3 -c "$DW_PY" dropin <"$DW_TMP/execstart" >"$DW_TMP/dropin.new"; then
      dw_die "cannot compute the drop-in $DW_DROPIN from the ExecStart of $DW_UNIT ($(head -c 300 "$DW_TMP/execstart")); nothing was changed." 2
    fi
    if [ "$DW_DROPIN_EXISTED" = 1 ] && [ "$(cat "$DW_TMP/dropin.new")" = "$(cat "$DW_DROPIN")" ]; then
      :
    else
      DW_DROPIN_CHANGED=1
      mkdir -p "$(dirname "$DW_DROPIN")" && cp "$DW_TMP/dropin.new" "$DW_DROPIN.dockwire.new" && mv -f "$DW_DROPIN.dockwire.new" "$DW_DROPIN" \
        || { dw_rollback_files; dw_die "cannot write $DW_DROPIN; it was rolled back, $DW_CONFIG was not changed." 2; }
      dw_out "wrote $DW_DROPIN (ExecStart without -H, since daemon.json sets hosts)"
    fi
  elif [ "$DW_DROPIN_EXISTED" = 1 ]; then
    DW_DROPIN_CHANGED=1
    rm -f "$DW_DROPIN"
    dw_out "removed $DW_DROPIN"
  fi
  if [ "$DW_DROPIN_CHANGED" = 1 ] && ! dw_reload; then
    dw_rollback_files
    dw_die "systemctl daemon-reload failed after changing $DW_DROPIN: $(tail -n 5 "$DW_TMP/restart.out"); it was rolled back, $DW_CONFIG was not changed." 2
  fi
fi

# --- backup (byte for byte), then each step: put the file in place, restart, verify
if [ -e "$DW_CONFIG" ]; then
  DW_EXISTED=1
  cp -p "$DW_CONFIG" "$DW_BACKUP.dockwire.new" && mv -f "$DW_BACKUP.dockwire.new" "$DW_BACKUP" \
    || { dw_rollback_files; dw_die "cannot back up $DW_CONFIG to $DW_BACKUP; nothing was changed." 2; }
else
  rm -f "$DW_BACKUP"
fi
DW_WHY=""
dw_step() { # dw_step FILE EXPECTED_BRIDGE_ADDR: 0 when the daemon runs with FILE as config
  DW_CONFIG_TOUCHED=1
  if ! mv -f "$1" "$DW_CONFIG"; then DW_WHY="cannot replace $DW_CONFIG"; return 1; fi
  sync 2>/dev/null || true
  dw_t0=$(date +%s)
  DW_RESTARTED=1
  dw_restart
  dw_rc=$?
  if [ "$dw_rc" != 0 ]; then
    if [ "$DW_RESTART_KIND" = systemd ]; then DW_WHY="systemctl restart $DW_UNIT exited $dw_rc"; else DW_WHY="the restart command exited $dw_rc"; fi
    [ "$dw_rc" != 124 ] || DW_WHY="$DW_WHY (timed out after @@{DW_TIMEOUT}s)"
    return 1
  fi
  if ! dw_wait "$2"; then
    if dw_answers; then
      DW_WHY="the daemon answers but bridge $DW_BRIDGE does not have $2 after @@{DW_TIMEOUT}s"
    else
      DW_WHY="the daemon did not answer within @@{DW_TIMEOUT}s of the restart"
    fi
    return 1
  fi
  if [ -n "$2" ]; then
    dw_out "the daemon answers again after $(( $(date +%s) - dw_t0 ))s; bridge $DW_BRIDGE has $2"
  else
    dw_out "the daemon answers again after $(( $(date +%s) - dw_t0 ))s"
  fi
  return 0
}
DW_STATE=writing
dw_out "updated $DW_CONFIG ($DW_MODE of $DW_KEYS):"
sed 's/^/  /' "$DW_TMP/diff"
DW_STAGE_BIP=$(cat "$DW_TMP/stagebip" 2>/dev/null || true)
dw_ok=1
if [ -n "$DW_STAGE_BIP" ]; then
  # dockerd keeps the default bridge's last address once bip is unset: first bring docker0
  # back to the address it had before dockwire set bip, then unset bip.
  dw_out "first with bip $DW_STAGE_BIP (docker0's address before dockwire set bip), then without it"
  dw_step "$DW_CONFIG.dockwire.stage" "$DW_STAGE_BIP" || dw_ok=0
  if [ "$dw_ok" = 1 ]; then dw_step "$DW_CONFIG.dockwire.new" "$DW_STAGE_BIP" || dw_ok=0; fi
else
  dw_step "$DW_CONFIG.dockwire.new" "$DW_BRIDGE_ADDR" || dw_ok=0
fi
if [ "$dw_ok" = 1 ]; then dw_finish; fi

# --- failure: keep the daemon's own words, roll back, restart, verify
{
  if [ "$DW_RESTART_KIND" = systemd ]; then
    dw_bounded 10 journalctl -u "$DW_UNIT" -n 20 --no-pager 2>&1 || cat "$DW_TMP/restart.out"
  else
    cat "$DW_TMP/restart.out"
    if [ -n "$DW_LOG_PATH" ] && [ -f "$DW_LOG_PATH" ]; then
      echo "--- last lines of $DW_LOG_PATH:"
      tail -n 20 "$DW_LOG_PATH"
    fi
  fi
} >"$DW_TMP/diag" 2>&1
DW_CAUSE=$(grep -E 'failed to start daemon|unable to configure|unable to parse|the following directives|level=fatal|Error starting daemon|invalid|conflicts with' "$DW_TMP/diag" | grep -v 'level=info' | tail -n 1)
[ -n "$DW_CAUSE" ] || DW_CAUSE=$(grep -v 'level=info' "$DW_TMP/diag" | grep -v '^[[:space:]]*$' | tail -n 1)
: >"$DW_TMP/restart.out"
dw_rollback_files
DW_STATE=idle
DW_RC=1
if dw_rollback_daemon; then
  DW_AFTER="it was rolled back to its previous content (byte for byte) and the daemon answers again"
else
  DW_RC=3
  DW_AFTER="it was rolled back to its previous content (byte for byte), but the daemon STILL DOES NOT ANSWER after restarting it again: check the host now"
  cat "$DW_TMP/restart.out" >>"$DW_TMP/diag"
fi
{
  echo "dockwire: daemon output:"
  sed 's/^/  /' "$DW_TMP/diag"
  echo "dockwire: the $DW_MODE of $DW_KEYS to $DW_CONFIG failed: $DW_WHY."
  echo "dockwire: cause: @@{DW_CAUSE:-(the daemon printed no error)}"
  echo "dockwire: $DW_CONFIG: $DW_AFTER."
} >&2
exit "$DW_RC"
`.replace(/@@\{/g, "$" + "{");
