/**
 * One measured run of the real Pulumi engine at scale, in its own process:
 *
 *   node dist/bench/engine.child.js bridge|bare|containers N
 *
 * An inline Automation API program on the daemon at DOCKER_HOST, on a throw-away local
 * backend, with only the pulumi CLI and the dynamic-provider launcher (no provider plugin):
 *
 * - bridge      N dockwire BridgeNetworks (the component: its checks, the address plan, and
 *               a DockerNetwork under each);
 * - bare        N of dockwire's bare DockerNetwork resources with the exact inputs a
 *               BridgeNetwork gives its own (so bridge / bare is the component's own cost);
 * - containers  one BridgeNetwork and N AppContainers on it (dockwire/busybox:local running
 *               `sleep 3600`, each at a static address, stop grace 0 as by default).
 *
 * `preview`, then `up`, then `destroy`, each timed; the stack and backend are removed, also
 * when a step fails (the workspace is a folder under .dockwire/, as the launcher resolves
 * @pulumi/pulumi from there). Networks are named dwbench-PID-I on 10.200.0.0/15 (10.200.I.0/24 ...),
 * containers dwbench-PID-c-I, a range and names the tests do not use.
 *
 * Prints one BENCH_RESULT line: the times; this process's peak RSS (the inline program runs
 * here, so this is the program's figure); the peak RSS of the engine (the pulumi CLI) and of
 * the dynamic-provider process, sampled from /proc while the run goes; and, from the
 * engine's events as this process receives them, where the time of `up` and `destroy` goes:
 * from the command's start to the first step (CLI, plugin and program starts), the steps,
 * and from the last step to the end, with each resource type's median step time.
 */
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import * as os from "node:os";
import * as path from "node:path";
import type { EngineEvent } from "@pulumi/pulumi/automation";
import { LocalWorkspace, PulumiCommand, Stack } from "@pulumi/pulumi/automation";
import { AppContainer, BridgeNetwork, DockerNetwork } from "../provider";
import { ROOT, median, nowMs, reportResult, sampleTree } from "./lib/common";

/** The i-th /24 of 10.200.0.0/15 and its first host. */
export function pool(i: number): { subnet: string; gateway: string } {
  const p = `10.${200 + ((i >> 8) & 1)}.${i & 255}`;
  return { subnet: `${p}.0/24`, gateway: `${p}.1` };
}

/** Where one operation's time went, from the engine's events. */
interface Timeline {
  /** From the command's start to the first step's start (CLI, plugins, program). */
  toFirstStepMs?: number;
  /** From the first step's start to the last step's end. */
  stepsMs?: number;
  /** From the last step's end to the command's return (snapshot, shutdown). */
  afterLastStepMs?: number;
  /** Per resource type: steps and their median time. */
  byType: Record<string, { steps: number; medianMs: number; maxMs: number }>;
}

/** Collects the engine's step events of one operation (receive times, so within the event stream's latency). */
function recorder(): { onEvent: (e: EngineEvent) => void; timeline: (startMs: number, endMs: number) => Timeline } {
  const starts = new Map<string, { t: number; type: string }>();
  const spans: { type: string; t0: number; t1: number }[] = [];
  const onEvent = (e: EngineEvent) => {
    const t = nowMs();
    const pre = e.resourcePreEvent?.metadata;
    // Dynamic resources only: the objects on the daemon (components, the stack and the provider take no time of their own).
    if (pre && pre.op !== "same" && pre.op !== "read" && pre.type.startsWith("pulumi-nodejs:dynamic/"))
      starts.set(pre.urn, { t, type: pre.type });
    const done = e.resOutputsEvent?.metadata ?? e.resOpFailedEvent?.metadata;
    if (done) {
      const s = starts.get(done.urn);
      if (s) spans.push({ type: s.type.replace(/^pulumi-nodejs:dynamic\//, ""), t0: s.t, t1: t });
    }
  };
  const timeline = (startMs: number, endMs: number): Timeline => {
    const byType: Timeline["byType"] = {};
    for (const type of [...new Set(spans.map((s) => s.type))].sort()) {
      const ds = spans.filter((s) => s.type === type).map((s) => s.t1 - s.t0);
      byType[type] = { steps: ds.length, medianMs: median(ds), maxMs: Math.max(...ds) };
    }
    if (spans.length === 0) return { byType };
    const first = Math.min(...spans.map((s) => s.t0));
    const last = Math.max(...spans.map((s) => s.t1));
    return { toFirstStepMs: first - startMs, stepsMs: last - first, afterLastStepMs: endMs - last, byType };
  };
  return { onEvent, timeline };
}

async function main(): Promise<void> {
  const side = process.argv[2];
  const n = Number(process.argv[3]);
  if (!["bridge", "bare", "containers"].includes(side) || !Number.isInteger(n) || n < 1 || n > 200)
    throw new Error("usage: engine.child.js bridge|bare|containers N (N <= 200)");
  const root = process.env.DOCKWIRE_PULUMI_ROOT;
  if (!root) throw new Error("DOCKWIRE_PULUMI_ROOT is not set: run through `npm run bench` (scripts/toolchain.sh env)");
  if (!process.env.DOCKER_HOST) throw new Error("DOCKER_HOST is not set: run through `npm run bench` (scripts/daemon.sh up)");
  const image = process.env.DOCKWIRE_BUSYBOX_IMAGE ?? "dockwire/busybox:local";
  const prefix = `dwbench-${process.pid}`;
  const program = async () => {
    const out: unknown[] = [];
    if (side === "containers") {
      const net = new BridgeNetwork("net", { networkName: prefix, subnet: pool(0).subnet });
      for (let i = 0; i < n; i++) {
        const c = new AppContainer(`c-${i}`, {
          image,
          containerName: `${prefix}-c-${i}`,
          command: ["sleep", "3600"],
          networks: [{ network: net, ipv4Address: `10.200.0.${10 + i}` }],
        });
        out.push(c.containerName);
      }
      return { count: out.length };
    }
    for (let i = 0; i < n; i++) {
      const name = `${prefix}-${i}`;
      if (side === "bridge") {
        out.push(new BridgeNetwork(`net-${i}`, { networkName: name, subnet: pool(i).subnet }).networkName);
      } else {
        // What BridgeNetwork registers for { networkName, subnet } (the mocks bench checks it).
        const { subnet, gateway } = pool(i);
        out.push(new DockerNetwork(`net-${i}`, { name, driver: "bridge", ipamConfigs: [{ subnet, gateway }] }).name);
      }
    }
    return { count: out.length };
  };

  const backendDir = await mkdtemp(path.join(os.tmpdir(), "dockwire-bench-state-"));
  // Under the repository: the dynamic-provider launcher resolves @pulumi/pulumi from the
  // program's folder, as it does for a stack folder.
  await mkdir(path.join(ROOT, ".dockwire"), { recursive: true });
  const workDir = await mkdtemp(path.join(ROOT, ".dockwire", "bench-work-"));
  const projectName = "dockwire-bench";
  let stack: Stack | undefined;
  const figures: Record<string, unknown> = { side, n };
  const sampler = sampleTree();
  try {
    stack = await LocalWorkspace.createOrSelectStack(
      { stackName: "bench", projectName, program },
      {
        workDir,
        pulumiCommand: await PulumiCommand.get({ root, skipVersionCheck: true }),
        projectSettings: { name: projectName, runtime: "nodejs", backend: { url: `file://${backendDir}` } },
        envVars: { PULUMI_CONFIG_PASSPHRASE: process.env.PULUMI_CONFIG_PASSPHRASE ?? "dockwire-bench" },
      },
    );
    let t = nowMs();
    const pv = await stack.preview();
    figures.previewMs = nowMs() - t;
    figures.previewCreates = pv.changeSummary.create ?? 0;
    const upRec = recorder();
    t = nowMs();
    const up = await stack.up({ onEvent: upRec.onEvent });
    const upEnd = nowMs();
    figures.upMs = upEnd - t;
    figures.upTimeline = upRec.timeline(t, upEnd);
    figures.upResult = up.summary.result;
    figures.upCreates = up.summary.resourceChanges?.create ?? 0;
  } finally {
    if (stack) {
      const rec = recorder();
      const t = nowMs();
      try {
        await stack.destroy({ onEvent: rec.onEvent });
        const end = nowMs();
        figures.destroyMs = end - t;
        figures.destroyTimeline = rec.timeline(t, end);
      } catch (e) {
        process.stderr.write(
          `engine.child: destroy failed (objects named ${prefix}* may be left on the daemon): ${(e as Error).message}\n`,
        );
      }
      await stack.workspace.removeStack(stack.name, { force: true }).catch(() => undefined);
    }
    await rm(backendDir, { recursive: true, force: true });
    await rm(workDir, { recursive: true, force: true });
  }
  const peaks = sampler.stop();
  reportResult({ ...figures, engineRssKb: peaks.engineKb, providerRssKb: peaks.providerKb, rssSamples: peaks.samples });
}

main().catch((e) => {
  process.stderr.write(`engine.child: ${(e as Error).stack ?? e}\n`);
  process.exit(1);
});
