/**
 * One measured run of the real Pulumi engine at scale, in its own process:
 *
 *   node dist/bench/engine.child.js dockwire|plain N
 *
 * An inline Automation API program with N networks (dockwire BridgeNetworks, or plain
 * `docker.Network`s with the same inputs) on the daemon at DOCKER_HOST, on a throw-away
 * local backend: `preview`, then `up`, each timed; then `destroy` (timed too) and the stack
 * and backend removed, also when a step fails. Needs the pulumi CLI (DOCKWIRE_PULUMI_ROOT)
 * and the pulumi-resource-docker plugin; the bench parent only starts it where
 * DOCKWIRE_TOOLCHAIN lists both.
 *
 * Networks are named dwbench-PID-I on 10.200.0.0/15 (10.200.I.0/24 ...), a range the tests
 * do not use, so runs never collide with other networks on the daemon.
 * Prints one BENCH_RESULT line (with this process's peak RSS: the program host; the parent
 * reads the peak of the whole tree, engine and provider included, from /usr/bin/time).
 */
import { mkdtemp, rm } from "node:fs/promises";
import * as os from "node:os";
import * as path from "node:path";
import * as docker from "@pulumi/docker";
import { LocalWorkspace, PulumiCommand, Stack } from "@pulumi/pulumi/automation";
import { BridgeNetwork } from "../provider";
import { nowMs, reportResult } from "./lib/common";

function pool(i: number): { subnet: string; gateway: string } {
  const p = `10.${200 + ((i >> 8) & 1)}.${i & 255}`;
  return { subnet: `${p}.0/24`, gateway: `${p}.1` };
}

async function main(): Promise<void> {
  const side = process.argv[2];
  const n = Number(process.argv[3]);
  if (!["dockwire", "plain"].includes(side) || !Number.isInteger(n) || n < 1 || n > 512)
    throw new Error("usage: engine.child.js dockwire|plain N (N <= 512)");
  const root = process.env.DOCKWIRE_PULUMI_ROOT;
  if (!root) throw new Error("DOCKWIRE_PULUMI_ROOT is not set: run through `npm run bench` (scripts/toolchain.sh env)");
  if (!process.env.DOCKER_HOST) throw new Error("DOCKER_HOST is not set: run through `npm run bench` (scripts/daemon.sh up)");
  const prefix = `dwbench-${process.pid}`;
  const program = async () => {
    const names: unknown[] = [];
    for (let i = 0; i < n; i++) {
      const name = `${prefix}-${i}`;
      if (side === "dockwire") {
        names.push(new BridgeNetwork(`net-${i}`, { networkName: name, subnet: pool(i).subnet }).networkName);
      } else {
        const { subnet, gateway } = pool(i);
        names.push(new docker.Network(`net-${i}`, { name, driver: "bridge", ipamConfigs: [{ subnet, gateway }] }).name);
      }
    }
    return { count: names.length };
  };

  const backendDir = await mkdtemp(path.join(os.tmpdir(), "dockwire-bench-state-"));
  const workDir = await mkdtemp(path.join(os.tmpdir(), "dockwire-bench-work-"));
  const projectName = "dockwire-bench";
  let stack: Stack | undefined;
  const figures: Record<string, unknown> = { side, n };
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
    t = nowMs();
    const up = await stack.up();
    figures.upMs = nowMs() - t;
    figures.upResult = up.summary.result;
    figures.upCreates = up.summary.resourceChanges?.create ?? 0;
  } finally {
    if (stack) {
      const t = nowMs();
      try {
        await stack.destroy();
        figures.destroyMs = nowMs() - t;
      } catch (e) {
        process.stderr.write(
          `engine.child: destroy failed (networks named ${prefix}-* may be left on the daemon): ${(e as Error).message}\n`,
        );
      }
      await stack.workspace.removeStack(stack.name, { force: true }).catch(() => undefined);
    }
    await rm(backendDir, { recursive: true, force: true });
    await rm(workDir, { recursive: true, force: true });
  }
  reportResult(figures);
}

main().catch((e) => {
  process.stderr.write(`engine.child: ${(e as Error).stack ?? e}\n`);
  process.exit(1);
});
