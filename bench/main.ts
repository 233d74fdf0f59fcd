/**
 * dockwire's bench suite (`npm run bench`, through bench/run.sh which builds first):
 *
 *   node dist/bench/main.js [plan] [mocks] [redis] [networks] [containers] [where]   # default: all
 *
 * 1. plan        the address-plan check alone: N non-overlapping /24s into an AddressPlan,
 *                N = 10, 100, 500, 5000 (goal: 500 in under 50 ms; cost per network flat)
 * 2. mocks       component overhead under Pulumi mocks: N BridgeNetworks vs N of dockwire's
 *                bare DockerNetwork resources with the same inputs, N = 10, 100, 500
 * 3. redis       seed 002's Redis Cluster: by hand (bench/redis-cluster-by-hand.sh), Docker
 *                Compose (bench/redis-cluster-compose.sh) and the dockwire stack through the
 *                engine (bench/redis-cluster-dockwire.sh, which also times the no-op preview
 *                and up of the standing cluster and the engine's empty-program floor)
 * 4. networks    100 networks (BENCH_NETWORKS): BridgeNetworks, bare DockerNetworks (both
 *                through the engine: bench/engine.child.ts) and a shell loop of the docker
 *                CLI (bench/cli-loop.sh): preview, up and destroy; peak RSS of the program,
 *                the engine and the dynamic-provider process
 * 5. containers  50 containers on one network (BENCH_CONTAINERS): AppContainers through the
 *                engine vs the docker CLI loop; up and destroy, peak RSS
 * 6. where       one more dockwire Redis run with the engine's log on (not timed against
 *                anything): where the time of up, the no-op preview and destroy goes
 *                (process starts, the program's start, each provider call by type)
 *
 * Every comparison runs each side once as a warm-up, then alternates A B C A B C ... for its
 * rounds (BENCH_ROUNDS, default 7, for plan and mocks; BENCH_REDIS_ROUNDS, default 5;
 * BENCH_ENGINE_ROUNDS, default 3, for networks and containers: a round of those takes about
 * 90 s, and the whole suite must stay under ~25 minutes on 2 cores), each run in its own child
 * process; it reports medians, the spread (min-max), ratios of medians and peak RSS. A row
 * whose side cannot run here says "not run" and why. Writes bench/results/latest.json,
 * bench/results/scaling.svg and bench/results/ratios.svg.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import {
  ChildRun,
  Machine,
  ROOT,
  Row,
  alternate,
  fmtMs,
  interrupt,
  isInterrupted,
  machine,
  mb,
  median,
  missingPieces,
  notRunReason,
  round,
  runChild,
  tail,
  toolchain,
} from "./lib/common";
import { describeEngineLog, summarizeEngineLog } from "./lib/enginelog";
import { RatioBar, ratiosSvg, ratiosText, scalingSvg } from "./lib/svg";

const atLeast = (v: string | undefined, dflt: number, min: number) => Math.max(min, Number(v ?? dflt) || dflt);
const ROUNDS = atLeast(process.env.BENCH_ROUNDS, 7, 3);
const REDIS_ROUNDS = atLeast(process.env.BENCH_REDIS_ROUNDS, 5, 3);
const ENGINE_ROUNDS = atLeast(process.env.BENCH_ENGINE_ROUNDS, 3, 3);
const NETWORKS = Math.min(200, atLeast(process.env.BENCH_NETWORKS, 100, 1));
const CONTAINERS = Math.min(200, atLeast(process.env.BENCH_CONTAINERS, 50, 1));
const PLAN_NS = [10, 100, 500, 5000];
const MOCK_NS = [10, 100, 500];
const NODE = process.execPath;
const DIST = path.join(ROOT, "dist/bench");
const RESULTS = path.join(ROOT, "bench/results");

const rows: Row[] = [];
const raw: Record<string, unknown> = {};
/** Lines of the "where the time goes" section. */
const where: string[] = [];

function log(msg: string): void {
  process.stderr.write(`bench: ${msg}\n`);
}

class ChildFailed extends Error {}

/** Runs a node bench child; throws with its output's tail when it fails or prints no result. */
async function nodeChild<T>(
  script: string,
  args: (string | number)[],
  timeoutMs: number,
): Promise<ChildRun<T> & { result: T & { maxRssKb: number } }> {
  const r = await runChild<T>(NODE, [path.join(DIST, script), ...args.map(String)], { timeoutMs, killGraceMs: 120_000 });
  if (r.code !== 0 || !r.result) {
    throw new ChildFailed(
      `${script} ${args.join(" ")} ${r.timedOut ? "timed out" : `exited ${r.code ?? r.signal}`}: ${tail(r.stderr || r.stdout)}`,
    );
  }
  return r as ChildRun<T> & { result: T & { maxRssKb: number } };
}

/** Time per network: "850 µs/net" or "4.82 ms/net". */
function perNetText(totalMs: number, n: number, unit = "net"): string {
  const us = (totalMs * 1000) / n;
  return us >= 1000 ? `${(us / 1000).toFixed(2)} ms/${unit}` : `${us.toFixed(us >= 100 ? 0 : 2)} µs/${unit}`;
}

/** "met", or by how much a figure missed an upper bound. */
function against(value: number, limit: number, fmt: (x: number) => string): string {
  if (value <= limit) return `met (${fmt(value)} <= ${fmt(limit)})`;
  // A miss that the format rounds away ("1.10 vs <= 1.10") is shown with three decimals.
  const show = fmt(value) === fmt(limit) ? (x: number) => x.toFixed(3) : fmt;
  return `MISSED by ${show(value - limit)} (+${((value / limit - 1) * 100).toFixed(value / limit < 1.01 ? 1 : 0)}%): ${show(value)} vs <= ${show(limit)}`;
}

/** "4.10 s (3.90-4.52)": a median in seconds and the min-max of the samples. */
function secSpread(xs: readonly number[]): string {
  return `${median(xs).toFixed(2)} s (${Math.min(...xs).toFixed(2)}-${Math.max(...xs).toFixed(2)})`;
}

// ---------------------------------------------------------------------------------------
// 1. The address-plan check alone.

interface PlanFig {
  n: number;
  coldMs: number;
  warmMs: number;
  parseWarmMs: number;
  warmReps: number;
}

async function benchPlan(): Promise<void> {
  log(`plan: N = ${PLAN_NS.join(", ")}; warm-up, then ${ROUNDS} alternating rounds, one child process per run`);
  const runs = await alternate(
    PLAN_NS.map((n) => ({ name: String(n), run: () => nodeChild<PlanFig>("plan.child.js", [n, 5], 60_000) })),
    ROUNDS,
  );
  const perNet = (ms: number, n: number) => (ms * 1000) / n;
  const summary = PLAN_NS.map((n) => {
    const rs = runs.get(String(n))!.map((r) => r.result);
    return {
      n,
      coldMs: median(rs.map((r) => r.coldMs)),
      warmMs: median(rs.map((r) => r.warmMs)),
      parseWarmMs: median(rs.map((r) => r.parseWarmMs)),
      planOwnWarmMs: median(rs.map((r) => r.warmMs)) - median(rs.map((r) => r.parseWarmMs)),
      peakRssKb: median(rs.map((r) => r.maxRssKb)),
      coldSamplesMs: rs.map((r) => round(r.coldMs, 3)),
      warmSamplesMs: rs.map((r) => round(r.warmMs, 3)),
      warmRepsPerRun: rs[0].warmReps,
    };
  });
  const base = summary[0];
  const baseWarmPer = perNet(base.warmMs, base.n);
  const baseOwnPer = perNet(base.planOwnWarmMs, base.n);
  for (const s of summary) {
    const coldPer = perNet(s.coldMs, s.n);
    const warmPer = perNet(s.warmMs, s.n);
    const ownPer = perNet(s.planOwnWarmMs, s.n);
    const row: Row = {
      bench: "1 address plan",
      case: `register ${s.n} /24s`,
      status: "ran",
      runs: ROUNDS,
      medianMs: s.coldMs,
      samplesMs: s.coldSamplesMs,
      perUnit: `${coldPer.toFixed(1)} µs/net; warm ${fmtMs(s.warmMs)} = ${warmPer.toFixed(2)} µs/net (plan ${ownPer.toFixed(2)} + parse ${perNet(s.parseWarmMs, s.n).toFixed(2)})`,
      peakRssMb: mb(s.peakRssKb),
      peakRssOf: "the child process (node)",
      ratio: warmPer / baseWarmPer,
      ratioOf: `warm cost per network vs N=${base.n}`,
      extra: { ...s, coldUsPerNet: coldPer, warmUsPerNet: warmPer, planOwnWarmUsPerNet: ownPer },
    };
    if (s.n === 500) {
      row.goal = "< 50 ms";
      row.verdict = `${against(s.coldMs, 50, fmtMs)}, first registration in a fresh process (as a preview pays it)`;
    }
    if (s.n === PLAN_NS[PLAN_NS.length - 1]) {
      const growth = warmPer / baseWarmPer;
      const own = `plan's own part ${baseOwnPer.toFixed(2)} -> ${ownPer.toFixed(2)} µs/net (${(ownPer / baseOwnPer).toFixed(1)}x: O(log n) search + array insert)`;
      row.goal = `cost/net flat (<= 1.5x N=${base.n})`;
      row.verdict =
        growth <= 1.5
          ? `met: warm cost per network ${growth.toFixed(2)}x that at N=${base.n}; ${own}`
          : `MISSED: warm cost per network grows ${growth.toFixed(2)}x from N=${base.n}; ${own}`;
    }
    rows.push(row);
  }
  raw.plan = summary;
}

// ---------------------------------------------------------------------------------------
// 2. Component overhead under Pulumi mocks.

interface MockFig {
  side: string;
  n: number;
  constructMs: number;
  registerMs: number;
  resources: number;
  components: number;
  sampleInputs: Record<string, unknown>;
  rssBeforeKb: number;
}

async function benchMocks(): Promise<void> {
  const summary: unknown[] = [];
  for (const n of MOCK_NS) {
    log(`mocks: N = ${n}: dockwire BridgeNetwork (A) vs bare DockerNetwork (B); warm-up, then ${ROUNDS} rounds A B A B ...`);
    const runs = await alternate(
      ["dockwire", "bare"].map((side) => ({ name: side, run: () => nodeChild<MockFig>("mocks.child.js", [side, n], 120_000) })),
      ROUNDS,
    );
    const fig = (side: string) => {
      const rs = runs.get(side)!.map((r) => r.result);
      return {
        side,
        n,
        registerMs: median(rs.map((r) => r.registerMs)),
        constructMs: median(rs.map((r) => r.constructMs)),
        peakRssKb: median(rs.map((r) => r.maxRssKb)),
        rssBeforeKb: median(rs.map((r) => r.rssBeforeKb)),
        resources: rs[0].resources,
        registerSamplesMs: rs.map((r) => round(r.registerMs, 2)),
        sampleInputs: rs[0].sampleInputs,
      };
    };
    const a = fig("dockwire");
    const b = fig("bare");
    const same = JSON.stringify(a.sampleInputs) === JSON.stringify(b.sampleInputs);
    if (!same)
      log(
        `mocks: WARNING the two sides registered different inputs: ${JSON.stringify(a.sampleInputs)} vs ${JSON.stringify(b.sampleInputs)}`,
      );
    const ratio = a.registerMs / b.registerMs;
    const memRatio = a.peakRssKb / b.peakRssKb;
    summary.push({ n, dockwire: a, bare: b, ratio, memRatio, sameInputs: same });
    for (const s of [a, b]) {
      const isA = s === a;
      rows.push({
        bench: "2 under mocks",
        case: `${isA ? "BridgeNetwork" : "bare DockerNetwork"} x${n}`,
        status: "ran",
        runs: ROUNDS,
        medianMs: s.registerMs,
        samplesMs: s.registerSamplesMs,
        perUnit: `${perNetText(s.registerMs, n)} (ctor ${fmtMs(s.constructMs)}; ${s.resources} resources)`,
        peakRssMb: mb(s.peakRssKb),
        peakRssOf: `the child process (node; ${mb(s.rssBeforeKb)} MiB before construction)`,
        ratio: isA ? ratio : undefined,
        ratioOf: isA ? "register time, BridgeNetwork / bare DockerNetwork" : undefined,
        goal: isA ? "<= 1.1 (engine goal)" : undefined,
        verdict: isA
          ? `${against(ratio, 1.1, (x) => x.toFixed(2))} under mocks, not the engine; peak RSS ratio ${memRatio.toFixed(2)}`
          : undefined,
        note: isA ? (same ? "same DockerNetwork inputs on both sides (checked)" : "INPUTS DIFFER between sides") : undefined,
        extra: { n, constructMs: s.constructMs, registerMs: s.registerMs, resources: s.resources, rssBeforeKb: s.rssBeforeKb },
      });
    }
  }
  raw.mocks = summary;
}

// ---------------------------------------------------------------------------------------
// 3. Seed 002's Redis Cluster: by hand, Docker Compose, dockwire.

interface ScriptFig {
  totalS: number;
  phases: Record<string, number>;
  state?: string;
  treeMaxRssKb?: number;
}

/** Test processes that share the daemon (the pattern the bench scripts refuse on). */
function testsRunning(): string {
  const r = spawnSync("pgrep", ["-af", "dist/test/integration|scripts/test\\.sh"], { encoding: "utf8" });
  return (r.stdout ?? "").trim();
}

/** Waits (bounded, BENCH_QUIET_WAIT seconds, default 300) until no dockwire tests are running. */
async function waitQuiet(): Promise<void> {
  if (process.env.REDIS_BENCH_FORCE === "1") return;
  const limit = Date.now() + Number(process.env.BENCH_QUIET_WAIT ?? 300) * 1000;
  let told = false;
  let busy: string;
  while (!isInterrupted() && (busy = testsRunning()) !== "" && Date.now() < limit) {
    if (!told)
      log(
        `dockwire tests are running and share the daemon; waiting up to ${process.env.BENCH_QUIET_WAIT ?? 300} s for them to end:\n${busy}`,
      );
    told = true;
    await new Promise((r) => setTimeout(r, 3000));
  }
}

/** Runs a bench shell script and reads its `phase NAME S`, `total S` and `state ...` lines. */
async function phaseScript(script: string, args: string[] = [], env?: NodeJS.ProcessEnv): Promise<ScriptFig> {
  await waitQuiet();
  if (isInterrupted()) throw new ChildFailed(`${script}: interrupted`);
  const r = await runChild("bash", [path.join(ROOT, "bench", script), ...args], {
    timeoutMs: 900_000,
    killGraceMs: 120_000,
    env: env ?? process.env,
  });
  const phases: Record<string, number> = {};
  let totalS = NaN;
  let state: string | undefined;
  for (const line of r.stdout.split("\n")) {
    const [k, a, b] = line.trim().split(/\s+/);
    if (k === "phase") phases[a] = Number(b);
    if (k === "total") totalS = Number(a);
    if (k === "state") state = line.trim().slice(6);
  }
  if (r.code !== 0 || !Number.isFinite(totalS)) {
    throw new ChildFailed(`${script} ${r.timedOut ? "timed out" : `exited ${r.code ?? r.signal}`}: ${tail(r.stderr || r.stdout)}`);
  }
  return { totalS, phases, state, treeMaxRssKb: r.treeMaxRssKb };
}

/** The hand script's phases up to cluster_state:ok (everything but its teardown). */
const HAND_UP = ["network", "containers", "ping", "create", "ok"];

function hasCommand(cmd: string): boolean {
  return spawnSync("sh", ["-c", `command -v ${cmd}`], { stdio: "ignore" }).status === 0;
}

async function benchRedis(): Promise<void> {
  const bench = "3 redis cluster";
  const dwMissing = missingPieces(["pulumi", "pulumi-resource-pulumi-nodejs"]);
  const sides: { name: string; run: () => Promise<ScriptFig> }[] = [];
  const notRun: Record<string, string> = {};
  if (!process.env.DOCKER_HOST) {
    rows.push({
      bench,
      case: "every row",
      status: "not run",
      verdict: "not run: no Docker daemon (DOCKER_HOST unset; bash scripts/daemon.sh up)",
    });
    return;
  }
  sides.push({ name: "hand", run: () => phaseScript("redis-cluster-by-hand.sh") });
  if (hasCommand("docker-compose")) sides.push({ name: "compose", run: () => phaseScript("redis-cluster-compose.sh") });
  else notRun.compose = "not run: docker-compose is not installed (bench/run.sh installs Debian's; its install failed)";
  if (dwMissing.length === 0) sides.push({ name: "dockwire", run: () => phaseScript("redis-cluster-dockwire.sh") });
  else notRun.dockwire = notRunReason(dwMissing);
  log(`redis: ${sides.map((s) => s.name).join(" vs ")}; warm-up, then ${REDIS_ROUNDS} rounds`);
  let runs: Map<string, ScriptFig[]>;
  try {
    runs = await alternate(sides, REDIS_ROUNDS, (side, rnd, r) =>
      log(`redis: ${side} ${rnd === 0 ? "warm-up" : `run ${rnd}`}: ${r.totalS.toFixed(2)} s ${JSON.stringify(r.phases)}`),
    );
  } catch (e) {
    if (!(e instanceof ChildFailed)) throw e;
    rows.push({ bench, case: "every row", status: "failed", verdict: `failed: ${e.message.split("\n").slice(0, 4).join(" / ")}` });
    raw.redis = { error: e.message };
    return;
  }
  const ph = (name: string, k: string) => (runs.get(name) ?? []).map((r) => r.phases[k] ?? NaN);
  const handUp = (runs.get("hand") ?? []).map((r) => HAND_UP.reduce((a, k) => a + (r.phases[k] ?? NaN), 0));
  const handDown = ph("hand", "teardown");
  const handTotal = (runs.get("hand") ?? []).map((r) => r.totalS);
  const composeUp = (runs.get("compose") ?? []).map((r) => (r.phases.up ?? NaN) + (r.phases.cluster ?? NaN));
  const composeDown = ph("compose", "teardown");
  const dw = runs.get("dockwire") ?? [];
  const dwUp = ph("dockwire", "up");
  const dwDown = ph("dockwire", "destroy");
  const dwTotal = dw.map((r) => r.totalS);
  // dockwire's own time: each run minus the engine's empty-program floor of the same run.
  const own = (k: string, floor: string) => dw.map((r) => (r.phases[k] ?? NaN) - (r.phases[floor] ?? NaN));
  const rss = (name: string) => mb(median((runs.get(name) ?? []).map((r) => r.treeMaxRssKb ?? NaN)));
  const base = (c: string, xs: number[]): Row => ({
    bench,
    case: c,
    status: "ran",
    runs: xs.length,
    medianMs: median(xs) * 1000,
    samplesMs: xs.map((x) => round(x * 1000, 0)),
  });
  const ok = (xs: number[]) => xs.length > 0 && xs.every(Number.isFinite);

  // The three sides' own figures.
  rows.push({
    ...base("by hand: up to cluster_state:ok on every node", handUp),
    perUnit: `${secSpread(handUp)}; teardown ${secSpread(handDown)}; phases ${phaseText(runs.get("hand")!)}`,
    peakRssMb: rss("hand"),
    peakRssOf: "largest client process (docker CLI, bash)",
  });
  if (ok(composeUp))
    rows.push({
      ...base("Compose: up -d + cluster script", composeUp),
      perUnit: `${secSpread(composeUp)}; down -v ${secSpread(composeDown)}; phases ${phaseText(runs.get("compose")!)}`,
      peakRssMb: rss("compose"),
      peakRssOf: "largest client process (docker-compose)",
    });
  else rows.push({ bench, case: "Compose: up -d + cluster script", status: "not run", verdict: notRun.compose });
  if (!ok(dwUp)) {
    rows.push({ bench, case: "dockwire stack", status: "not run", verdict: notRun.dockwire });
    raw.redis = Object.fromEntries([...runs.entries()]);
    return;
  }
  rows.push({
    ...base("dockwire: pulumi up to cluster_state:ok on every node", dwUp),
    perUnit: `${secSpread(dwUp)}; destroy ${secSpread(dwDown)}; phases ${phaseText(dw)}`,
    peakRssMb: rss("dockwire"),
    peakRssOf: "largest process of the run (pulumi CLI, language host's program, dynamic provider)",
  });

  const ratioRow = (c: string, a: number[], b: number[], bName: string, limit: number): Row => {
    const ratio = median(a) / median(b);
    return {
      ...base(c, a),
      perUnit: `dockwire ${secSpread(a)} vs ${bName} ${secSpread(b)}`,
      ratio,
      ratioOf: `dockwire / ${bName}, medians`,
      goal: `<= ${limit}`,
      verdict: against(ratio, limit, (x) => x.toFixed(2)),
    };
  };
  rows.push(ratioRow("up to cluster_state:ok vs by hand", dwUp, handUp, "by hand", 1.0));
  rows.push(ratioRow("teardown vs by hand (destroy / rm -f + network rm)", dwDown, handDown, "by hand", 1.2));
  rows.push(ratioRow("up + teardown vs by hand", dwTotal, handTotal, "by hand", 1.1));
  const floorUp = ph("dockwire", "floor-up");
  const floorDown = ph("dockwire", "floor-destroy");
  const floorPv = ph("dockwire", "floor-preview");
  if (ok(floorUp) && ok(composeUp)) {
    const ownUp = own("up", "floor-up");
    const ownDown = own("destroy", "floor-destroy");
    const r1 = ratioRow("own up (up - floor up) vs Compose up + cluster script", ownUp, composeUp, "Compose", 1.0);
    r1.perUnit = `dockwire ${secSpread(ownUp)} (up ${median(dwUp).toFixed(2)} - floor ${median(floorUp).toFixed(2)}, per run) vs Compose ${secSpread(composeUp)}`;
    rows.push(r1);
    const r2 = ratioRow("own teardown (destroy - floor destroy) vs Compose down -v", ownDown, composeDown, "Compose", 1.0);
    r2.perUnit = `dockwire ${secSpread(ownDown)} (destroy ${median(dwDown).toFixed(2)} - floor ${median(floorDown).toFixed(2)}, per run) vs Compose ${secSpread(composeDown)}`;
    rows.push(r2);
  } else {
    const why = !ok(composeUp) ? notRun.compose : "not run: no floor (needs pulumi-language-nodejs for the empty program)";
    rows.push({ bench, case: "own up and teardown vs Compose", status: "not run", goal: "<= 1", verdict: why });
  }
  // No-op runs of the standing cluster against the floor of the same run.
  const noopRow = (c: string, k: string, floor: number[]): Row => {
    const xs = ph("dockwire", k);
    const ratio = median(xs) / median(floor);
    return {
      ...base(c, xs),
      perUnit: `${secSpread(xs)} vs floor ${secSpread(floor)}`,
      ratio,
      ratioOf: "no-op run / the empty program's, medians",
      goal: "<= 1.25",
      verdict: against(ratio, 1.25, (x) => x.toFixed(2)),
    };
  };
  if (ok(ph("dockwire", "noop-preview-folder")) && ok(floorPv)) {
    rows.push(noopRow("no-op pulumi preview in stacks/redis-cluster vs floor", "noop-preview-folder", floorPv));
    rows.push(noopRow("no-op pulumi up in stacks/redis-cluster vs floor", "noop-up-folder", floorUp));
    for (const op of ["preview", "up"]) {
      const inl = ph("dockwire", `noop-${op}-inline`);
      const fol = ph("dockwire", `noop-${op}-folder`);
      const over = median(inl) - median(fol);
      rows.push({
        ...base(`no-op ${op} through run.js inline (npm run ${op === "up" ? "up" : "preview"}'s engine run) vs the folder`, inl),
        perUnit: `inline ${secSpread(inl)} vs folder ${secSpread(fol)}: +${over.toFixed(2)} s`,
        goal: "<= +0.3 s",
        verdict: against(over, 0.3, (x) => `${x.toFixed(2)} s`),
      });
    }
    for (const [op, xs] of [
      ["preview", floorPv],
      ["up (no-op)", floorUp],
      ["destroy (nothing to delete)", floorDown],
    ] as const)
      rows.push({ ...base(`engine floor: pulumi ${op} of an empty Node.js program`, xs), perUnit: secSpread(xs) });
  } else {
    rows.push({
      bench,
      case: "no-op preview and up from the stack folder, the floor",
      status: "not run",
      verdict: "not run: needs pulumi-language-nodejs (a stack folder's program); run.js ran the stack inline",
    });
  }
  raw.redis = Object.fromEntries([...runs.entries()]);
}

function phaseText(rs: ScriptFig[]): string {
  return Object.keys(rs[0]?.phases ?? {})
    .map((k) => `${k} ${median(rs.map((r) => r.phases[k] ?? NaN)).toFixed(2)}`)
    .join(", ");
}

/** The rows with a ratio and a ratio goal (`<= X`), as bars of the ratios chart. */
export function ratioBars(rs: readonly Row[]): RatioBar[] {
  return rs.flatMap((r) => {
    const goal = /^<= ([0-9.]+)$/.exec(r.goal ?? "");
    return r.ratio !== undefined && goal && r.status === "ran" ? [{ label: r.case, ratio: r.ratio, goal: Number(goal[1]) }] : [];
  });
}

// ---------------------------------------------------------------------------------------
// 4 and 5. Networks and containers through the engine vs a docker CLI loop.

interface Timeline {
  toFirstStepMs?: number;
  stepsMs?: number;
  afterLastStepMs?: number;
  byType: Record<string, { steps: number; medianMs: number; maxMs: number }>;
}

interface EngineFig {
  side: string;
  n: number;
  previewMs: number;
  upMs: number;
  destroyMs?: number;
  engineRssKb?: number;
  providerRssKb?: number;
  upTimeline?: Timeline;
  destroyTimeline?: Timeline;
}

/** One measured side: figures in ms per op, and peak RSS in KiB. */
interface SideFig {
  previewMs?: number[];
  upMs: number[];
  destroyMs: number[];
  programKb?: number;
  engineKb?: number;
  providerKb?: number;
  treeKb?: number;
  timelines?: { up?: Timeline; destroy?: Timeline }[];
}

/** Removes what a failed bench run left on the daemon: containers and networks named dwbench-* or dwcli-* (the bench's own prefixes). */
function sweep(): void {
  const d = (args: string[]) => spawnSync("timeout", ["60", "docker", ...args], { encoding: "utf8" });
  const names = (args: string[]) =>
    (d(args).stdout ?? "")
      .split("\n")
      .map((s) => s.trim())
      .filter((s) => /^(dwbench|dwcli)-\d+/.test(s));
  const ctrs = names(["ps", "-a", "--format", "{{.Names}}"]);
  if (ctrs.length) {
    log(`sweep: removing containers a failed run left: ${ctrs.join(" ")}`);
    d(["rm", "-f", ...ctrs]);
  }
  const nets = names(["network", "ls", "--format", "{{.Name}}"]);
  if (nets.length) {
    log(`sweep: removing networks a failed run left: ${nets.join(" ")}`);
    d(["network", "rm", ...nets]);
  }
  const left = [...names(["ps", "-a", "--format", "{{.Names}}"]), ...names(["network", "ls", "--format", "{{.Name}}"])];
  if (left.length)
    log(`sweep: WARNING the daemon would not remove ${left.join(" ")}: remove them by hand (docker rm -f / docker network rm)`);
}

async function engineSide(side: string, n: number): Promise<SideFig> {
  await waitQuiet();
  const r = await nodeChild<EngineFig>("engine.child.js", [side, n], 900_000);
  const f = r.result;
  return {
    previewMs: [f.previewMs],
    upMs: [f.upMs],
    destroyMs: [f.destroyMs ?? NaN],
    programKb: f.maxRssKb,
    engineKb: f.engineRssKb,
    providerKb: f.providerRssKb,
    treeKb: r.treeMaxRssKb,
    timelines: [{ up: f.upTimeline, destroy: f.destroyTimeline }],
  };
}

async function cliSide(kind: "networks" | "containers", n: number): Promise<SideFig> {
  const r = await phaseScript("cli-loop.sh", [kind, String(n)]);
  return { upMs: [r.phases.up * 1000], destroyMs: [r.phases.destroy * 1000], treeKb: r.treeMaxRssKb };
}

/** Medians over a side's runs. */
function collapse(runs: SideFig[]) {
  const all = (k: "previewMs" | "upMs" | "destroyMs") => runs.flatMap((r) => r[k] ?? []);
  const kb = (k: "programKb" | "engineKb" | "providerKb" | "treeKb") => {
    const xs = runs.map((r) => r[k]).filter((x): x is number => x !== undefined);
    return xs.length ? median(xs) : undefined;
  };
  return {
    preview: all("previewMs"),
    up: all("upMs"),
    destroy: all("destroyMs"),
    programKb: kb("programKb"),
    engineKb: kb("engineKb"),
    providerKb: kb("providerKb"),
    treeKb: kb("treeKb"),
    timelines: runs.flatMap((r) => r.timelines ?? []),
  };
}

function rssText(s: ReturnType<typeof collapse>): string {
  if (s.programKb === undefined) return `largest process ${mb(s.treeKb)} MiB`;
  return `program ${mb(s.programKb)} MiB, provider ${mb(s.providerKb) ?? "?"} MiB, engine ${mb(s.engineKb) ?? "?"} MiB`;
}

/** "to first step 1.9 s, steps 3.2 s, after 0.3 s; DockerNetwork median 0.45 s": medians over runs. */
function timelineText(ts: (Timeline | undefined)[]): string {
  const t = ts.filter((x): x is Timeline => x !== undefined && x.stepsMs !== undefined);
  if (!t.length) return "";
  const m = (f: (x: Timeline) => number | undefined) => (median(t.map(f).filter((x): x is number => x !== undefined)) / 1000).toFixed(2);
  const types = [...new Set(t.flatMap((x) => Object.keys(x.byType)))].sort();
  const per = types.map((ty) => `${ty.replace(/^dockwire:/, "")} ${m((x) => x.byType[ty]?.medianMs)} s each`).join(", ");
  return `command start to first step ${m((x) => x.toFirstStepMs)} s, steps ${m((x) => x.stepsMs)} s, after the last ${m((x) => x.afterLastStepMs)} s; ${per}`;
}

async function benchScale(kind: "networks" | "containers"): Promise<void> {
  const bench = kind === "networks" ? "4 networks" : "5 containers";
  const n = kind === "networks" ? NETWORKS : CONTAINERS;
  const unit = kind === "networks" ? "net" : "ctr";
  const missing = missingPieces(["pulumi", "pulumi-resource-pulumi-nodejs"]);
  if (missing.length > 0 || !process.env.DOCKER_HOST) {
    const why = missing.length > 0 ? notRunReason(missing) : "not run: no Docker daemon (DOCKER_HOST unset)";
    rows.push({ bench, case: `${n} ${kind}`, status: "not run", verdict: why });
    raw[kind] = { notRun: why };
    return;
  }
  const sides =
    kind === "networks"
      ? [
          { name: "bridge", run: () => engineSide("bridge", n) },
          { name: "bare", run: () => engineSide("bare", n) },
          { name: "cli", run: () => cliSide("networks", n) },
        ]
      : [
          { name: "dockwire", run: () => engineSide("containers", n) },
          { name: "cli", run: () => cliSide("containers", n) },
        ];
  log(`${kind}: N = ${n}: ${sides.map((s) => s.name).join(" vs ")}; warm-up, then ${ENGINE_ROUNDS} rounds`);
  let runs: Map<string, SideFig[]>;
  try {
    runs = await alternate(sides, ENGINE_ROUNDS, (side, rnd, r) =>
      log(
        `${kind}: ${side} ${rnd === 0 ? "warm-up" : `run ${rnd}`}: ${r.previewMs ? `preview ${fmtMs(r.previewMs[0])}, ` : ""}up ${fmtMs(r.upMs[0])}, destroy ${fmtMs(r.destroyMs[0])}`,
      ),
    );
  } catch (e) {
    if (!(e instanceof ChildFailed)) throw e;
    rows.push({ bench, case: `${n} ${kind}`, status: "failed", verdict: `failed: ${e.message.split("\n").slice(0, 4).join(" / ")}` });
    raw[kind] = { error: e.message };
    return;
  } finally {
    sweep();
  }
  const figs = Object.fromEntries([...runs.entries()].map(([k, v]) => [k, collapse(v)]));
  raw[kind] = { n, rounds: ENGINE_ROUNDS, sides: figs };
  const dwName = kind === "networks" ? "bridge" : "dockwire";
  const dwLabel = kind === "networks" ? `${n} BridgeNetworks` : `${n} AppContainers on a BridgeNetwork`;
  const a = figs[dwName];
  const cli = figs.cli;
  const sec = (xs: number[]) => secSpread(xs.map((x) => x / 1000));
  const row = (c: string, xs: number[], extra: Partial<Row>): Row => ({
    bench,
    case: c,
    status: "ran",
    runs: xs.length,
    medianMs: median(xs),
    samplesMs: xs.map((x) => round(x, 0)),
    ...extra,
  });
  for (const op of ["up", "destroy"] as const) {
    const ratio = median(a[op]) / median(cli[op]);
    rows.push(
      row(`${op}, ${dwLabel} vs docker CLI loop`, a[op], {
        perUnit: `dockwire ${sec(a[op])} = ${perNetText(median(a[op]), n, unit)} vs CLI ${sec(cli[op])} = ${perNetText(median(cli[op]), n, unit)}`,
        peakRssMb: mb(a.programKb),
        peakRssOf: `${rssText(a)}; CLI loop ${rssText(cli)}`,
        ratio,
        ratioOf: "dockwire / docker CLI loop, medians",
        goal: "<= 1",
        verdict: against(ratio, 1.0, (x) => x.toFixed(2)),
        note: timelineText(a.timelines.map((t) => (op === "up" ? t.up : t.destroy))),
      }),
    );
  }
  if (kind === "networks") {
    const b = figs.bare;
    for (const op of ["preview", "up", "destroy"] as const) {
      const ratio = median(a[op]) / median(b[op]);
      rows.push(
        row(`${op}, ${n} BridgeNetworks vs ${n} bare DockerNetworks`, a[op], {
          perUnit: `BridgeNetwork ${sec(a[op])} vs bare ${sec(b[op])}`,
          peakRssMb: mb(a.programKb),
          peakRssOf: `BridgeNetwork: ${rssText(a)}; bare: ${rssText(b)}`,
          ratio,
          ratioOf: "BridgeNetwork / bare DockerNetwork (the component's own cost), medians",
          goal: "<= 1.1",
          verdict: against(ratio, 1.1, (x) => x.toFixed(2)),
          note: op === "preview" ? undefined : `bare: ${timelineText(b.timelines.map((t) => (op === "up" ? t.up : t.destroy)))}`,
        }),
      );
    }
  }
}

// ---------------------------------------------------------------------------------------
// 6. Where the time goes: one traced dockwire Redis run.

async function benchWhere(): Promise<void> {
  const missing = missingPieces(["pulumi", "pulumi-resource-pulumi-nodejs", "pulumi-language-nodejs"]);
  if (missing.length > 0 || !process.env.DOCKER_HOST) {
    where.push(`not run: ${missing.length ? notRunReason(missing) : "no Docker daemon"}`);
    return;
  }
  const dir = mkdtempSync(path.join(os.tmpdir(), "dockwire-bench-trace-"));
  try {
    log("where: one dockwire Redis run with the engine's log on (-v=9), not timed against anything");
    const r = await phaseScript("redis-cluster-dockwire.sh", [], { ...process.env, REDIS_BENCH_TRACE: dir });
    where.push(
      `one traced run (the log itself slows it): up ${r.phases.up?.toFixed(2)} s, no-op preview ${r.phases["noop-preview-folder"]?.toFixed(2)} s, destroy ${r.phases.destroy?.toFixed(2)} s, floor preview ${r.phases["floor-preview"]?.toFixed(2)} s, floor up ${r.phases["floor-up"]?.toFixed(2)} s`,
    );
    const out: Record<string, unknown> = { phases: r.phases };
    for (const op of ["up", "noop-preview", "destroy", "floor-preview", "floor-up"]) {
      const f = path.join(dir, `${op}.log`);
      if (!existsSync(f)) continue;
      const s = summarizeEngineLog(readFileSync(f, "utf8"));
      if (!s) continue;
      out[op] = s;
      where.push(...describeEngineLog(op, s));
    }
    raw.where = out;
  } catch (e) {
    if (!(e instanceof ChildFailed)) throw e;
    where.push(`failed: ${e.message.split("\n").slice(0, 4).join(" / ")}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------------------
// Output.

function pad(s: string, w: number): string {
  return s.length >= w ? s : s + " ".repeat(w - s.length);
}

function header(m: Machine): string[] {
  return [
    `dockwire bench, ${m.date}`,
    `machine: ${m.nproc} CPU(s), ${m.cpuModel}; ${(m.memTotalMb / 1024).toFixed(1)} GiB RAM; node ${m.node}; ${m.platform}, kernel ${m.kernel}; 1-min load avg ${m.loadAvg1mAtStart} at start, ${m.loadAvg1mAtEnd ?? "?"} at end`,
    `toolchain: ${toolchain().join(" ") || "(none)"}; DOCKER_HOST ${process.env.DOCKER_HOST || "(unset)"}`,
    `method: per comparison, one warm-up of each side, then rounds alternating A B C A B C ... (${ROUNDS} for plan and mocks, ${REDIS_ROUNDS} for the redis cluster, ${ENGINE_ROUNDS} for networks and containers); each run in its own child process; medians, spread min-max; peak RSS = median of each run's high-water mark`,
  ];
}

function table(): string[] {
  const cols = ["bench", "case", "runs", "median", "per unit / detail", "peak RSS", "ratio", "goal", "verdict"];
  const cells = rows.map((r) => [
    r.bench,
    r.case,
    r.runs === undefined ? "-" : String(r.runs),
    r.status === "ran" ? fmtMs(r.medianMs) : r.status,
    r.perUnit ?? "",
    r.peakRssMb === undefined || !Number.isFinite(r.peakRssMb) ? "-" : `${r.peakRssMb} MiB`,
    r.ratio === undefined ? "" : r.ratio.toFixed(2),
    r.goal ?? "",
    [r.verdict, r.note].filter(Boolean).join("; "),
  ]);
  const widths = cols.map((c, i) => Math.max(c.length, ...cells.map((row) => (i === cols.length - 1 ? 0 : row[i].length))));
  const line = (cs: string[]) =>
    cs
      .map((c, i) => (i === cs.length - 1 ? c : pad(c, widths[i])))
      .join("  ")
      .trimEnd();
  return [line(cols), line(cols.map((_, i) => "-".repeat(i === cols.length - 1 ? 7 : widths[i]))), ...cells.map(line)];
}

/** The peak RSS of each engine-scale run (program, dynamic provider, engine), one line per comparison. */
function rssLines(): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const r of rows) {
    if (!/^[45] /.test(r.bench) || !r.peakRssOf || r.status !== "ran") continue;
    const key = `${r.bench}: ${r.case.replace(/^(preview|up|destroy), /, "")}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(`  ${key}: ${r.peakRssOf}`);
  }
  return out.length ? ["peak RSS, medians of the runs (the same processes serve preview, up and destroy):", ...out, ""] : [];
}

async function main(): Promise<void> {
  const all = ["plan", "mocks", "redis", "networks", "containers", "where"];
  const selected = process.argv.slice(2).length ? process.argv.slice(2) : all;
  const unknown = selected.filter((s) => !all.includes(s));
  if (unknown.length) {
    process.stderr.write(`usage: main.js [${all.join("] [")}] (unknown: ${unknown.join(" ")})\n`);
    process.exit(2);
  }
  for (const sig of ["SIGINT", "SIGTERM"] as const) {
    process.on(sig, () => {
      log(`${sig}: stopping the running child (its teardown runs), then exiting`);
      interrupt();
      process.exitCode = 130;
    });
  }
  const m = machine();
  const t0 = Date.now();
  for (const s of selected) {
    if (s === "plan") await benchPlan();
    if (s === "mocks") await benchMocks();
    if (s === "redis") await benchRedis();
    if (s === "networks") await benchScale("networks");
    if (s === "containers") await benchScale("containers");
    if (s === "where") await benchWhere();
  }
  const durationS = Math.round((Date.now() - t0) / 100) / 10;
  m.loadAvg1mAtEnd = Math.round(os.loadavg()[0] * 100) / 100;
  mkdirSync(RESULTS, { recursive: true });
  const json = {
    machine: m,
    toolchain: toolchain(),
    dockerHost: process.env.DOCKER_HOST ?? null,
    method: {
      warmup: 1,
      rounds: ROUNDS,
      redisRounds: REDIS_ROUNDS,
      engineRounds: ENGINE_ROUNDS,
      networks: NETWORKS,
      containers: CONTAINERS,
      alternation: "A B A B ...",
      childProcessPerRun: true,
      statistic: "median",
    },
    selected,
    durationS,
    rows,
    where,
    raw,
  };
  writeFileSync(path.join(RESULTS, "latest.json"), JSON.stringify(json, null, 2) + "\n");
  const svg = scalingSvg(raw.plan as never, raw.mocks as never, m);
  if (svg) writeFileSync(path.join(RESULTS, "scaling.svg"), svg);
  const ratios = ratiosSvg(ratioBars(rows), m);
  if (ratios) writeFileSync(path.join(RESULTS, "ratios.svg"), ratios);
  const out = [
    ...header(m),
    "",
    ...table(),
    "",
    ...rssLines(),
    ...(ratioBars(rows).length
      ? ["ratios, dockwire / the other side (| the goal; = the part past it):", ...ratiosText(ratioBars(rows)), ""]
      : []),
    ...(where.length ? ["where the time goes (the engine's log of one traced dockwire Redis run):", ...where, ""] : []),
    `total bench time ${durationS} s; figures in bench/results/latest.json` +
      `${svg ? ", chart in bench/results/scaling.svg" : ""}${ratios ? ", ratios in bench/results/ratios.svg" : ""}`,
  ];
  process.stdout.write(out.join("\n") + "\n");
  if (rows.some((r) => r.status === "failed")) process.exitCode = 1;
}

main().catch((e) => {
  process.stderr.write(`bench: ${(e as Error).stack ?? e}\n`);
  process.exit(1);
});
