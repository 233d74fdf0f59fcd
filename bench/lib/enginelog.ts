/**
 * Where the time of one `pulumi` command goes, from the engine's own log
 * (`pulumi ... --logtostderr --logflow -v=9`: one JSON object per line, with a `time` to
 * the nanosecond and a `msg`). Read here:
 *
 * - process starts: each plugin's launch (`newPlugin(): Launching plugin 'NAME'`) to its
 *   first answer (the language host's `GetPluginInfo`, a resource provider's), and the
 *   program: the language host's `Run(` to the stack's registration (Node.js and the SDK
 *   loaded) and to the first other registration (the program's own modules loaded);
 * - each provider call on a resource (`Provider[...].Check|Diff|Create|Update|Delete|Read(URN)`,
 *   `executing` to `success` or `failed`), summed up per call and resource type;
 * - the whole: the first log line to the last.
 *
 * Pure: it parses text; the bench (bench/main.ts) prints what it returns.
 */

/** One provider call on one resource. */
export interface CallSpan {
  call: string;
  type: string;
  urn: string;
  startMs: number;
  endMs: number;
}

/** What one command's log says. */
export interface EngineLogSummary {
  /** First to last log line, ms. */
  totalMs: number;
  /** Plugin name -> ms from its launch to its first answer, and when it was launched (ms from the start). */
  plugins: { name: string; launchAtMs: number; readyMs?: number }[];
  /** The language host's Run( (ms from the start), the stack's registration and the first other one (ms after Run). */
  program?: { runAtMs: number; stackRegisteredMs?: number; firstResourceMs?: number };
  /** Per call and type: count, median and max ms, and the span from the first start to the last end. */
  calls: { call: string; type: string; count: number; medianMs: number; maxMs: number; spanMs: number }[];
  /** From the start to the first resource Create/Update/Delete and from the last one's end to the end. */
  firstStepAtMs?: number;
  afterLastStepMs?: number;
}

interface Line {
  t: number;
  msg: string;
}

function lines(text: string): Line[] {
  const out: Line[] = [];
  for (const raw of text.split("\n")) {
    if (!raw.startsWith("{")) continue;
    try {
      const j = JSON.parse(raw) as { time?: string; msg?: string };
      if (typeof j.time !== "string" || typeof j.msg !== "string") continue;
      // Date keeps milliseconds; the fraction beyond them is dropped (sub-ms detail is not needed here).
      const t = Date.parse(j.time);
      if (Number.isFinite(t)) out.push({ t, msg: j.msg });
    } catch {
      // not one of the engine's JSON lines
    }
  }
  return out;
}

function med(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** The resource type of a URN, without the dynamic-provider prefix: `dockwire:DockerContainer`. */
export function urnType(urn: string): string {
  const parts = urn.split("::");
  const qualified = parts[parts.length - 2] ?? "";
  const last = qualified.split("$").pop() ?? qualified;
  return last.replace(/^pulumi-nodejs:dynamic\//, "");
}

const CALL = /^Provider\[[^\]]*\]\.(Check|Diff|Create|Update|Delete|Read)\((urn:[^,) ]+)[^)]*\) (executing|success|failed)/;

/** Parses one command's engine log. */
export function summarizeEngineLog(text: string): EngineLogSummary | undefined {
  const ls = lines(text);
  if (ls.length === 0) return undefined;
  const t0 = ls[0].t;
  const plugins: EngineLogSummary["plugins"] = [];
  const pending: { name: string; at: number; kind: "lang" | "resource" }[] = [];
  let program: EngineLogSummary["program"];
  const open = new Map<string, number>();
  const spans: CallSpan[] = [];
  for (const { t, msg } of ls) {
    const launch = /^newPlugin\(\): Launching plugin '([^']+)'/.exec(msg);
    if (launch) {
      const name = launch[1];
      pending.push({ name, at: t, kind: /\(resource\)/.test(name) ? "resource" : "lang" });
      continue;
    }
    const answered = /^(langhost\[[^\]]*\]|Provider\[[^\]]*\])\.GetPluginInfo\(\) executing/.exec(msg);
    if (answered && pending.length > 0) {
      const kind = answered[1].startsWith("langhost") ? "lang" : "resource";
      const i = pending.findIndex((p) => p.kind === kind);
      if (i >= 0) {
        const p = pending.splice(i, 1)[0];
        plugins.push({ name: p.name, launchAtMs: p.at - t0, readyMs: t - p.at });
      }
      continue;
    }
    if (!program && /^langhost\[[^\]]*\]\.Run\(/.test(msg) && / executing/.test(msg)) {
      program = { runAtMs: t - t0 };
      continue;
    }
    const reg = /^ResourceMonitor\.RegisterResource received: t=([^,]+)/.exec(msg);
    if (reg && program) {
      const runAt = program.runAtMs + t0;
      if (reg[1] === "pulumi:pulumi:Stack") program.stackRegisteredMs ??= t - runAt;
      else program.firstResourceMs ??= t - runAt;
      continue;
    }
    const c = CALL.exec(msg);
    if (c) {
      const key = `${c[1]} ${c[2]}`;
      if (c[3] === "executing") open.set(key, t);
      else {
        const s = open.get(key);
        if (s !== undefined) {
          open.delete(key);
          spans.push({ call: c[1], type: urnType(c[2]), urn: c[2], startMs: s - t0, endMs: t - t0 });
        }
      }
    }
  }
  for (const p of pending) plugins.push({ name: p.name, launchAtMs: p.at - t0 });
  const groups = new Map<string, CallSpan[]>();
  for (const s of spans) {
    const k = `${s.call}\u0000${s.type}`;
    groups.set(k, [...(groups.get(k) ?? []), s]);
  }
  const calls = [...groups.values()]
    .map((g) => {
      const ds = g.map((s) => s.endMs - s.startMs);
      return {
        call: g[0].call,
        type: g[0].type,
        count: g.length,
        medianMs: med(ds),
        maxMs: Math.max(...ds),
        spanMs: Math.max(...g.map((s) => s.endMs)) - Math.min(...g.map((s) => s.startMs)),
      };
    })
    .sort((a, b) => (a.call === b.call ? a.type.localeCompare(b.type) : a.call.localeCompare(b.call)));
  const steps = spans.filter((s) => ["Create", "Update", "Delete"].includes(s.call));
  const totalMs = ls[ls.length - 1].t - t0;
  return {
    totalMs,
    plugins,
    program,
    calls,
    ...(steps.length
      ? {
          firstStepAtMs: Math.min(...steps.map((s) => s.startMs)),
          afterLastStepMs: totalMs - Math.max(...steps.map((s) => s.endMs)),
        }
      : {}),
  };
}

/** A short text of a summary, one line per part, for the bench's output. */
export function describeEngineLog(op: string, s: EngineLogSummary): string[] {
  const ms = (x: number | undefined) => (x === undefined ? "?" : x >= 1000 ? `${(x / 1000).toFixed(2)} s` : `${Math.round(x)} ms`);
  const out = [`${op}: ${ms(s.totalMs)} from the engine's first log line to its last`];
  for (const p of s.plugins) out.push(`  ${p.name}: launched at ${ms(p.launchAtMs)}, answered ${ms(p.readyMs)} later`);
  if (s.program)
    out.push(
      `  program: Run at ${ms(s.program.runAtMs)}; the stack registered ${ms(s.program.stackRegisteredMs)} later, its first resource ${ms(s.program.firstResourceMs)} after Run`,
    );
  for (const c of s.calls)
    out.push(`  ${c.call} ${c.type}: ${c.count} x, median ${ms(c.medianMs)}, max ${ms(c.maxMs)}, first start to last end ${ms(c.spanMs)}`);
  if (s.firstStepAtMs !== undefined)
    out.push(`  first create/update/delete at ${ms(s.firstStepAtMs)}; last one ends ${ms(s.afterLastStepMs)} before the end`);
  return out;
}
