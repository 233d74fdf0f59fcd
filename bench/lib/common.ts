/**
 * Shared parts of the bench suite: statistics, the machine description, toolchain checks,
 * and running one measured side in a child process (its figures and its peak RSS).
 *
 * Every measured side runs in its own child process so its peak memory (the RSS high-water
 * mark, `process.resourceUsage().maxRSS` in the child, or the largest process of the child's
 * tree from `/usr/bin/time`) belongs to that figure alone.
 */
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

/** The repository root (this file runs from dist/bench/lib). */
export const ROOT = path.resolve(__dirname, "../../..");

/** Marker of the one JSON line a bench child prints with its figures. */
export const RESULT_MARK = "BENCH_RESULT ";

/** Prints a child's figures for the parent (always with its own peak RSS, in KiB). */
export function reportResult(figures: Record<string, unknown>): void {
  process.stdout.write(`${RESULT_MARK}${JSON.stringify({ ...figures, maxRssKb: process.resourceUsage().maxRSS })}\n`);
}

export function median(xs: readonly number[]): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Milliseconds since an arbitrary origin, sub-millisecond precision. */
export function nowMs(): number {
  return Number(process.hrtime.bigint()) / 1e6;
}

/** The machine the figures were taken on. */
export interface Machine {
  date: string;
  hostname: string;
  nproc: number;
  memTotalMb: number;
  cpuModel: string;
  node: string;
  platform: string;
  kernel: string;
  loadAvg1mAtStart: number;
  /** Set when the suite ends. */
  loadAvg1mAtEnd?: number;
}

export function machine(): Machine {
  let cpuModel = "unknown";
  try {
    const m = /^model name\s*:\s*(.+)$/m.exec(readFileSync("/proc/cpuinfo", "utf8"));
    if (m) cpuModel = m[1].trim();
  } catch {
    cpuModel = os.cpus()[0]?.model ?? "unknown";
  }
  return {
    date: new Date().toISOString(),
    hostname: os.hostname(),
    nproc: os.availableParallelism ? os.availableParallelism() : os.cpus().length,
    memTotalMb: Math.round(os.totalmem() / 2 ** 20),
    cpuModel,
    node: process.version,
    platform: `${os.platform()} ${os.arch()}`,
    kernel: os.release(),
    loadAvg1mAtStart: Math.round(os.loadavg()[0] * 100) / 100,
  };
}

/** The pieces scripts/toolchain.sh reported available (DOCKWIRE_TOOLCHAIN). */
export function toolchain(): string[] {
  return (process.env.DOCKWIRE_TOOLCHAIN ?? "").split(/\s+/).filter(Boolean);
}

/** The pieces of `needed` the toolchain lacks. */
export function missingPieces(needed: readonly string[]): string[] {
  const have = toolchain();
  return needed.filter((p) => !have.includes(p));
}

/** The "not run" reason for a benchmark that needs the given toolchain pieces. */
export function notRunReason(missing: readonly string[]): string {
  return `not run: needs ${missing.join(", ")} (see scripts/toolchain.sh status)`;
}

/** What one child run produced. */
export interface ChildRun<T> {
  /** The child's figures (its BENCH_RESULT line), when it printed one. */
  result?: T & { maxRssKb?: number };
  /** Wall time of the whole child, as seen by the parent (ms). */
  wallMs: number;
  /** Peak RSS of the largest process in the child's tree (KiB), from /usr/bin/time; undefined without it. */
  treeMaxRssKb?: number;
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
}

const GNU_TIME = "/usr/bin/time";

/** Process groups of the children running now, and whether the suite was interrupted. */
const active = new Set<number>();
let interrupted = false;

/**
 * Stops the suite: SIGTERM to every running child's process group (a redis script's trap
 * then tears down what it created); {@link alternate} starts no further run.
 */
export function interrupt(): void {
  interrupted = true;
  for (const pgid of active) {
    try {
      process.kill(-pgid, "SIGTERM");
    } catch {
      /* already gone */
    }
  }
}

/** Whether {@link interrupt} was called (a wait should give up). */
export function isInterrupted(): boolean {
  return interrupted;
}

/**
 * Runs `cmd args` as a child (under /usr/bin/time when present, for the tree's peak RSS),
 * bounded by `timeoutMs` (SIGTERM, then SIGKILL `killGraceMs` later, default 5 s, to the
 * child's process group, so a script's teardown trap gets to run).
 */
export function runChild<T = Record<string, unknown>>(
  cmd: string,
  args: string[],
  opts: { env?: NodeJS.ProcessEnv; timeoutMs: number; cwd?: string; killGraceMs?: number },
): Promise<ChildRun<T>> {
  const tmp = mkdtempSync(path.join(os.tmpdir(), "dockwire-bench-"));
  const timeFile = path.join(tmp, "time");
  const useTime = existsSync(GNU_TIME);
  const [file, argv] = useTime ? [GNU_TIME, ["-f", "%M", "-o", timeFile, cmd, ...args]] : [cmd, args];
  return new Promise((resolve) => {
    const start = nowMs();
    const child = spawn(file, argv, {
      cwd: opts.cwd ?? ROOT,
      env: opts.env ?? process.env,
      stdio: ["ignore", "pipe", "pipe"],
      detached: true,
    });
    if (child.pid) active.add(child.pid);
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    let timedOut = false;
    let killTimer: NodeJS.Timeout | undefined;
    const timer = setTimeout(() => {
      timedOut = true;
      try {
        process.kill(-child.pid!, "SIGTERM");
      } catch {
        /* already gone */
      }
      killTimer = setTimeout(() => {
        try {
          process.kill(-child.pid!, "SIGKILL");
        } catch {
          /* already gone */
        }
      }, opts.killGraceMs ?? 5000);
    }, opts.timeoutMs);
    child.on("close", (code, signal) => {
      const wallMs = nowMs() - start;
      if (child.pid) active.delete(child.pid);
      clearTimeout(timer);
      if (killTimer) clearTimeout(killTimer);
      let treeMaxRssKb: number | undefined;
      if (useTime && existsSync(timeFile)) {
        const lines = readFileSync(timeFile, "utf8").trim().split("\n");
        const n = Number(lines[lines.length - 1]);
        if (Number.isFinite(n) && n > 0) treeMaxRssKb = n;
      }
      rmSync(tmp, { recursive: true, force: true });
      let result: ChildRun<T>["result"];
      for (const line of stdout.split("\n")) {
        if (line.startsWith(RESULT_MARK)) result = JSON.parse(line.slice(RESULT_MARK.length));
      }
      resolve({ result, wallMs, treeMaxRssKb, code, signal, stdout, stderr, timedOut });
    });
  });
}

/** One side of a comparison. */
export interface Side<T> {
  name: string;
  run: () => Promise<T>;
}

/**
 * Runs every side once as a warm-up (discarded), then `rounds` rounds in which the sides
 * alternate: A B A B ... (or A B C A B C ... with more sides). Returns each side's measured
 * runs in order. `progress` is told about every run.
 */
export async function alternate<T>(
  sides: readonly Side<T>[],
  rounds: number,
  progress?: (side: string, round: number, r: T) => void,
): Promise<Map<string, T[]>> {
  const out = new Map<string, T[]>(sides.map((s) => [s.name, []]));
  const run = (s: Side<T>) => {
    if (interrupted) throw new Error("interrupted");
    return s.run();
  };
  for (const s of sides) progress?.(s.name, 0, await run(s));
  for (let round = 1; round <= rounds; round++) {
    for (const s of sides) {
      const r = await run(s);
      out.get(s.name)!.push(r);
      progress?.(s.name, round, r);
    }
  }
  return out;
}

/** One row of the printed table and of the JSON file. */
export interface Row {
  bench: string;
  case: string;
  /** "ran", "not run" or "failed". */
  status: "ran" | "not run" | "failed";
  runs?: number;
  /** Median of the main figure, in ms. */
  medianMs?: number;
  /** Every measured value of the main figure, in ms, in run order. */
  samplesMs?: number[];
  /** Per-unit cost, e.g. µs per network. */
  perUnit?: string;
  /** Median peak RSS of the measured side, in MiB, and what it measures. */
  peakRssMb?: number;
  peakRssOf?: string;
  /** Ratio of medians against the row named in `ratioOf`. */
  ratio?: number;
  ratioOf?: string;
  goal?: string;
  /** "met", "missed by ...", or a reason. */
  verdict?: string;
  note?: string;
  extra?: Record<string, unknown>;
}

export function mb(kb: number | undefined): number | undefined {
  return kb === undefined ? undefined : Math.round((kb / 1024) * 10) / 10;
}

export function round(x: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

/** Short text of a duration in ms. */
export function fmtMs(ms: number | undefined): string {
  if (ms === undefined || !Number.isFinite(ms)) return "-";
  if (ms >= 10000) return `${(ms / 1000).toFixed(1)} s`;
  if (ms >= 1000) return `${(ms / 1000).toFixed(2)} s`;
  if (ms >= 100) return `${ms.toFixed(0)} ms`;
  if (ms >= 10) return `${ms.toFixed(1)} ms`;
  return `${ms.toFixed(2)} ms`;
}

/** The last lines of a child's output, for a failure message. */
export function tail(text: string, lines = 8): string {
  return text.trim().split("\n").slice(-lines).join("\n");
}

/** Peak RSS (KiB, the kernel's VmHWM) of each kind of process seen under a process. */
export interface TreePeaks {
  /** The engine: the `pulumi` CLI. */
  engineKb?: number;
  /** The dynamic-provider process (`pulumi-resource-pulumi-nodejs`, node running @pulumi/pulumi's cmd/dynamic-provider). */
  providerKb?: number;
  /** The Node.js language host's program process (folder runs; an inline program runs in the caller's own process). */
  programKb?: number;
  /** How many samples were taken, and how many processes were seen. */
  samples: number;
  processes: number;
}

function readProc(pid: number, file: string): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/${file}`, "utf8");
  } catch {
    return undefined; // gone, or not Linux
  }
}

/** The descendants of `root` (pids), from /proc/PID/task/TID/children. */
function descendants(root: number): number[] {
  const out: number[] = [];
  const queue = [root];
  for (let guard = 0; queue.length > 0 && guard < 10_000; guard++) {
    const pid = queue.shift()!;
    let kids: string[] = [];
    try {
      for (const tid of readdirSync(`/proc/${pid}/task`)) {
        const c = readProc(pid, `task/${tid}/children`);
        if (c) kids.push(...c.trim().split(/\s+/).filter(Boolean));
      }
    } catch {
      kids = [];
    }
    for (const k of kids) {
      const n = Number(k);
      if (Number.isInteger(n) && !out.includes(n)) {
        out.push(n);
        queue.push(n);
      }
    }
  }
  return out;
}

/** Which kind of process a command line is, for {@link TreePeaks}. */
export function processKind(cmdline: string): "engine" | "provider" | "program" | undefined {
  const argv = cmdline.split("\0").filter(Boolean);
  const exe = path.basename(argv[0] ?? "");
  const all = argv.join(" ");
  if (/cmd[/\\]dynamic-provider/.test(all) || exe === "pulumi-resource-pulumi-nodejs") return "provider";
  if (/cmd[/\\]run[/\\]?(index\.js)?( |$)/.test(all) || /@pulumi[/\\]pulumi[/\\].*cmd[/\\]run\b/.test(all)) return "program";
  if (exe === "pulumi") return "engine";
  return undefined;
}

/**
 * Samples, every `intervalMs` until stopped, the processes under `root` (this process by
 * default) and keeps each kind's largest VmHWM (the kernel's per-process RSS high-water
 * mark, so a sample need only see a process once before it exits). Bounded: it stops by
 * itself after `maxMs`. Linux only; elsewhere every peak stays undefined.
 */
export function sampleTree(root = process.pid, intervalMs = 100, maxMs = 30 * 60_000): { stop: () => TreePeaks } {
  const peaks: TreePeaks = { samples: 0, processes: 0 };
  const seen = new Set<number>();
  const kindOf = new Map<number, ReturnType<typeof processKind> | null>();
  const tick = () => {
    peaks.samples++;
    for (const pid of descendants(root)) {
      if (!seen.has(pid)) {
        seen.add(pid);
        peaks.processes++;
      }
      // A launcher (sh) execs node under the same pid: look at the command line each time until it is known.
      let kind = kindOf.get(pid);
      if (!kind) {
        const cmd = readProc(pid, "cmdline");
        if (cmd === undefined) continue;
        kind = processKind(cmd) ?? null;
        kindOf.set(pid, kind);
      }
      if (!kind) continue;
      const m = /^VmHWM:\s+(\d+) kB/m.exec(readProc(pid, "status") ?? "");
      if (!m) continue;
      const key = `${kind}Kb` as const;
      peaks[key] = Math.max(peaks[key] ?? 0, Number(m[1]));
    }
  };
  const timer = setInterval(tick, intervalMs);
  const limit = setTimeout(() => clearInterval(timer), maxMs);
  timer.unref();
  limit.unref();
  tick();
  return {
    stop: () => {
      tick();
      clearInterval(timer);
      clearTimeout(limit);
      return peaks;
    },
  };
}
