/**
 * The implementation behind {@link DaemonConfig}'s resource: apply, read back, restore,
 * run in the Pulumi dynamic-provider process (see `../dynamic`).
 *
 * - create / update run the apply script ({@link applyScript}): merge the managed keys,
 *   restart, verify, roll back on failure. An update with other keys restores the
 *   dropped ones from the host's record of previous values in the same restart.
 * - read runs `provider/sh/daemon-read.sh CONFIG` and records, for each managed key, the
 *   value daemon.json has now (a key removed by hand is absent), so the next preview
 *   shows `managed.KEY` changing back, and `up` applies it again.
 * - delete runs the restore script ({@link restoreScript}); the host's record, else the
 *   `previous` output, says what to put back.
 *
 * @module
 */
import { SshConnection, connectionOf, connectionProblems, isLegacy, runOnHost, shippedScript, targetOf } from "../hostexec";
import {
  DaemonScriptCommon,
  PREVIOUS_PREFIX,
  RestartStrategy,
  applyRun,
  applyScript,
  parsePreviousLine,
  restoreRun,
  restoreScript,
} from "./daemon-apply";
import { DaemonConfigError, PreviousRecord, compactJson } from "./daemon-json";

/** Version of the state layout written by this module. */
export const DAEMON_STATE_VERSION = 1;

/** What the resource manages. */
export interface DaemonSpec {
  kind: "daemon";
  /** daemon.json keys and values. */
  managed: Record<string, unknown>;
  configPath: string;
  restart: RestartStrategy;
  readiness: { timeoutSeconds: number; dockerHost?: string };
  manageHostsDropIn?: boolean;
  recordTag: string;
}

function specOf(x: Record<string, unknown>): DaemonSpec {
  if (x.kind !== "daemon") throw new Error(`dockwire: unknown DaemonConfig state kind ${JSON.stringify(x.kind)}: upgrade dockwire`);
  const readiness = (x.readiness ?? {}) as { timeoutSeconds?: number; dockerHost?: string };
  return {
    kind: "daemon",
    managed: (x.managed ?? {}) as Record<string, unknown>,
    configPath: x.configPath as string,
    restart: x.restart as RestartStrategy,
    readiness: {
      timeoutSeconds: readiness.timeoutSeconds ?? 60,
      ...(readiness.dockerHost === undefined || readiness.dockerHost === null ? {} : { dockerHost: readiness.dockerHost }),
    },
    ...(x.manageHostsDropIn === undefined || x.manageHostsDropIn === null ? {} : { manageHostsDropIn: x.manageHostsDropIn as boolean }),
    recordTag: (x.recordTag as string | undefined) ?? "default",
  };
}

function common(s: DaemonSpec): DaemonScriptCommon {
  return {
    configPath: s.configPath,
    restart: s.restart,
    readiness: s.readiness,
    manageHostsDropIn: s.manageHostsDropIn,
    recordTag: s.recordTag,
  };
}

/** The apply and restore scripts the provider runs for these inputs (or outputs). */
export function daemonScripts(x: Record<string, unknown>): { create: string; delete: string } {
  const spec = specOf(x);
  return { create: applyScript({ ...common(spec), managed: spec.managed }), delete: restoreScript(common(spec)) };
}

/**
 * The daemon.json text the read script printed, as an object; `{}` for an absent or
 * blank file.
 * @throws DaemonConfigError naming the file when it is not a JSON object
 */
export function parseDaemonRead(stdout: string, configPath: string): Record<string, unknown> {
  const nl = stdout.indexOf("\n");
  const head = nl < 0 ? stdout : stdout.slice(0, nl);
  if (head === "@dockwire absent") return {};
  if (head !== "@dockwire present") {
    throw new DaemonConfigError("configPath", `reading ${configPath}: unexpected output ${JSON.stringify(head.slice(0, 80))}`);
  }
  const text = nl < 0 ? "" : stdout.slice(nl + 1);
  if (text.trim() === "") return {};
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (e) {
    throw new DaemonConfigError(
      "configPath",
      `${configPath} on the host is not valid JSON (${(e as Error).message}): fix the file by hand, then refresh again.`,
    );
  }
  if (v === null || typeof v !== "object" || Array.isArray(v)) {
    throw new DaemonConfigError("configPath", `${configPath} on the host is not a JSON object: fix the file by hand, then refresh again.`);
  }
  return v as Record<string, unknown>;
}

/** The managed keys' current values in `file` (keys it lacks are left out). */
export function observedManaged(file: Record<string, unknown>, managed: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(managed).sort()) if (Object.prototype.hasOwnProperty.call(file, k)) out[k] = file[k];
  return out;
}

/** The keys whose value in `have` differs from `want` (missing counts), sorted. */
export function managedDiff(have: Record<string, unknown>, want: Record<string, unknown>): string[] {
  const keys = [...new Set([...Object.keys(have), ...Object.keys(want)])].sort();
  return keys.filter((k) => !(k in have) || !(k in want) || compactJson(have[k]) !== compactJson(want[k]));
}

async function readFile(connection: SshConnection | undefined, spec: DaemonSpec): Promise<Record<string, unknown>> {
  const out = await runOnHost(connection, shippedScript("daemon-read.sh"), [spec.configPath], {
    what: `reading ${spec.configPath}`,
    timeoutMs: 60_000,
  });
  return parseDaemonRead(out.stdout, spec.configPath);
}

async function apply(news: Record<string, unknown>) {
  const spec = specOf(news);
  const connection = connectionOf(news);
  const run = applyRun({ ...common(spec), managed: spec.managed });
  const timeoutMs = (spec.readiness.timeoutSeconds * 4 + 60) * 1000;
  const out = await runOnHost(connection, shippedScript(run.script), [], {
    what: `daemon.json ${spec.configPath}: apply`,
    env: run.env,
    timeoutMs,
  });
  const previous = parsePreviousLine(out.stdout);
  const file = await readFile(connection, spec);
  return {
    id: `daemon/${spec.configPath}/${spec.recordTag}`,
    outs: {
      ...spec,
      managed: observedManaged(file, spec.managed),
      ...(connection === undefined ? {} : { connection }),
      ...(previous === undefined ? {} : { previous }),
      applied: spec,
      stateVersion: DAEMON_STATE_VERSION,
    },
  };
}

/** The provider object the dynamic-provider host calls (see `../dynamic`). */
export const provider = {
  check(_olds: Record<string, unknown>, news: Record<string, unknown>) {
    const failures = connectionProblems(news.connection);
    try {
      const s = specOf(news);
      applyRun({ ...common(s), managed: s.managed });
    } catch (e) {
      failures.push({ property: e instanceof DaemonConfigError ? e.field : "settings", reason: (e as Error).message });
    }
    return Promise.resolve({ inputs: news, failures });
  },
  diff(_id: string, olds: Record<string, unknown>, news: Record<string, unknown>) {
    // The dockwire 0.1 Command taken over by alias: one apply (finds the file right, no restart).
    if (isLegacy(olds)) return Promise.resolve({ changes: true, replaces: [], deleteBeforeReplace: true });
    const want = specOf(news);
    const have = specOf(olds);
    const applied = olds.applied === undefined ? have : specOf(olds.applied as Record<string, unknown>);
    const replaces: string[] = [];
    if (applied.configPath !== want.configPath) replaces.push("configPath");
    if (applied.recordTag !== want.recordTag) replaces.push("recordTag");
    if (targetOf(connectionOf(olds)) !== targetOf(connectionOf(news))) replaces.push("connection");
    const settingsChanged = compactJson({ ...applied, managed: {} }) !== compactJson({ ...want, managed: {} });
    const changes =
      replaces.length > 0 ||
      settingsChanged ||
      managedDiff(have.managed, want.managed).length > 0 ||
      managedDiff(applied.managed, want.managed).length > 0;
    return Promise.resolve({ changes, replaces, deleteBeforeReplace: true });
  },
  create(inputs: Record<string, unknown>) {
    return apply(inputs);
  },
  async update(_id: string, _olds: Record<string, unknown>, news: Record<string, unknown>) {
    return { outs: (await apply(news)).outs };
  },
  async read(id: string, props: Record<string, unknown>) {
    if (isLegacy(props)) return { id, props };
    const applied = specOf((props.applied ?? props) as Record<string, unknown>);
    const connection = connectionOf(props);
    const managed = observedManaged(await readFile(connection, applied), applied.managed);
    const conn = connection === undefined ? {} : { connection };
    const previous = props.previous === undefined ? {} : { previous: props.previous };
    const seen = { ...applied, managed, ...conn };
    return { id, props: { ...seen, ...previous, applied, stateVersion: DAEMON_STATE_VERSION }, inputs: seen };
  },
  async delete(_id: string, props: Record<string, unknown>) {
    if (isLegacy(props)) {
      const env = typeof props.stdout === "string" ? { PULUMI_COMMAND_STDOUT: props.stdout } : undefined;
      await runOnHost(connectionOf(props), props.delete as string, [], { what: "daemon.json restore (a dockwire 0.1 command)", env });
      return;
    }
    const applied = specOf((props.applied ?? props) as Record<string, unknown>);
    const previous = props.previous as PreviousRecord | undefined;
    // The record on the host comes first; the one in the state is the fallback.
    const fallback: Record<string, string> =
      previous === undefined ? {} : { PULUMI_COMMAND_STDOUT: `${PREVIOUS_PREFIX}${compactJson(previous)}` };
    const run = restoreRun(common(applied));
    const timeoutMs = (applied.readiness.timeoutSeconds * 6 + 60) * 1000;
    await runOnHost(connectionOf(props), shippedScript(run.script), [], {
      what: `daemon.json ${applied.configPath}: restore`,
      env: { ...run.env, ...fallback },
      timeoutMs,
    });
  },
};
