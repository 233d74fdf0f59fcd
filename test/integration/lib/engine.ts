import type { ExecutionContext } from "ava";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { InlineProgramArgs, LocalWorkspace, PulumiCommand, PulumiFn, Stack } from "@pulumi/pulumi/automation";
import * as pulumi from "@pulumi/pulumi";
import { uniqueName } from "./exec";

/**
 * The engine test harness: runs a dockwire program through the real Pulumi CLI (built by
 * scripts/toolchain.sh, found through DOCKWIRE_PULUMI_ROOT) with the Automation API, on the
 * local file backend the toolchain's environment names. Stacks and their state are
 * destroyed and removed when the test ends, even when it fails.
 */

/** Whether the toolchain provides a piece (e.g. `pulumi-resource-docker`). */
export function toolchainHas(piece: string): boolean {
  return (process.env.DOCKWIRE_TOOLCHAIN ?? "").split(/\s+/).includes(piece);
}

/** Why an engine test that needs `pieces` cannot run here, or undefined when it can. */
export function missingPieces(...pieces: string[]): string | undefined {
  const missing = ["pulumi", ...pieces].filter((p) => !toolchainHas(p));
  return missing.length ? `needs ${missing.join(", ")}, which scripts/toolchain.sh could not provide here (see \`bash scripts/toolchain.sh status\`)` : undefined;
}

let command: Promise<PulumiCommand> | undefined;
function pulumiCommand(): Promise<PulumiCommand> {
  const root = process.env.DOCKWIRE_PULUMI_ROOT;
  if (!root) throw new Error("DOCKWIRE_PULUMI_ROOT is not set: run the tests through `npm test` (scripts/toolchain.sh env)");
  command ??= PulumiCommand.get({ root, skipVersionCheck: true });
  return command;
}

/** A stack under test. */
export interface TestStack {
  stack: Stack;
  /** The captured text output of every engine operation so far. */
  log: string[];
}

/** Options of {@link engineStack}. */
export interface EngineStackOptions {
  /** Stack config, as `pulumi config set KEY VALUE` would store it. */
  config?: Record<string, string>;
  /** Project name. Defaults to `dockwire-test`. */
  project?: string;
}

/**
 * Creates a stack for `program` and registers its teardown with the test: destroy (when
 * anything is left in state) and stack removal. Use the returned stack's up/preview/refresh/
 * destroy directly; pass `onOutput: collect(ts)` to keep the engine's text.
 */
export async function engineStack(t: ExecutionContext, program: PulumiFn, opts: EngineStackOptions = {}): Promise<TestStack> {
  const backend = process.env.PULUMI_BACKEND_URL;
  if (!backend) throw new Error("PULUMI_BACKEND_URL is not set: run the tests through `npm test` (scripts/toolchain.sh env)");
  const workDir = await mkdtemp(path.join(tmpdir(), "dockwire-engine-"));
  const projectName = opts.project ?? "dockwire-test";
  const args: InlineProgramArgs = { stackName: uniqueName("t").replace(/-/g, ""), projectName, program: reporting(program) };
  const stack = await LocalWorkspace.createOrSelectStack(args, {
    workDir,
    pulumiCommand: await pulumiCommand(),
    projectSettings: { name: projectName, runtime: "nodejs", backend: { url: backend } },
  });
  if (opts.config) {
    await stack.setAllConfig(Object.fromEntries(Object.entries(opts.config).map(([k, v]) => [k, { value: v }])));
  }
  const ts: TestStack = { stack, log: [] };
  t.teardown(async () => {
    try {
      const resources = (await stack.exportStack()).deployment?.resources ?? [];
      if (resources.length > 0) await stack.destroy({ onOutput: collect(ts) });
    } catch (e) {
      t.log(`teardown destroy failed: ${(e as Error).message}`);
    } finally {
      await stack.workspace.removeStack(stack.name, { force: true }).catch((e) => t.log(`removeStack: ${e.message}`));
      await rm(workDir, { recursive: true, force: true });
    }
  });
  return ts;
}

/**
 * Wraps an inline program so that an error it throws is reported as an error diagnostic
 * (what `pulumi preview` shows a user) instead of a rejected promise: the Automation API
 * runs inline programs inside this test process, and a program's late rejections would
 * otherwise surface here as unhandled rejections after the engine already failed the run.
 */
function reporting(program: PulumiFn): PulumiFn {
  return async () => {
    try {
      return await program();
    } catch (e) {
      await pulumi.log.error((e as Error).message ?? String(e));
      return undefined;
    }
  };
}

/** An onOutput callback that appends to the stack's log. */
export function collect(ts: TestStack): (s: string) => void {
  return (s) => {
    ts.log.push(s);
  };
}

/** Runs `op`, expecting it to fail; returns the failure's full text (message with the engine's output). */
export async function expectFailure(op: () => Promise<unknown>): Promise<string> {
  try {
    await op();
  } catch (e) {
    return String((e as Error).message ?? e);
  }
  throw new Error("the engine operation succeeded, but it was expected to fail");
}
