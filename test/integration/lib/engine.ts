import test, { type ExecutionContext } from "ava";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { InlineProgramArgs, LocalWorkspace, PulumiCommand, PulumiFn, Stack } from "@pulumi/pulumi/automation";
import * as pulumi from "@pulumi/pulumi";
import { uniqueName } from "./exec";

/** The repository root (this file is dist/test/integration/lib/engine.js once built). */
const repoRoot = path.resolve(__dirname, "..", "..", "..", "..");

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
  return missing.length
    ? `needs ${missing.join(", ")}, which scripts/toolchain.sh could not provide here (see \`bash scripts/toolchain.sh status\`)`
    : undefined;
}

/**
 * Declares a test that needs toolchain pieces beyond the CLI (the language host, provider
 * plugins). Its title starts with "engine: " (scripts/test.sh counts these and reports
 * whether they ran); where a piece is missing it is skipped with the reason in its title.
 */
export function engineTest(title: string, pieces: readonly string[], body: (t: ExecutionContext) => Promise<void>): void {
  const why = missingPieces(...pieces);
  (why ? test.serial.skip : test.serial)(`engine: ${title}${why ? ` (${why})` : ""}`, body);
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
  /** Environment of the engine and its plugins, over this process's (`""` unsets a variable for them). */
  env?: Record<string, string>;
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
    // The dynamic-provider launcher resolves @pulumi/pulumi from the program's directory,
    // here a temporary one: it finds the repository's through NODE_PATH.
    envVars: { NODE_PATH: path.join(repoRoot, "node_modules"), ...(opts.env ?? {}) },
  });
  const ts: TestStack = { stack, log: [] };
  registerTeardown(t, ts, () => rm(workDir, { recursive: true, force: true }));
  if (opts.config) await setConfig(ts, opts.config);
  return ts;
}

/** Destroys what is left in the stack's state, then removes the stack, even when the test failed. */
function registerTeardown(t: ExecutionContext, ts: TestStack, after: () => Promise<unknown> = async () => undefined): void {
  const { stack } = ts;
  t.teardown(async () => {
    try {
      const resources = (await stack.exportStack()).deployment?.resources ?? [];
      if (resources.length > 0) await stack.destroy({ onOutput: collect(ts) });
    } catch (e) {
      t.log(`teardown destroy failed: ${(e as Error).message}`);
    } finally {
      // `pulumi stack rm` also deletes the stack's Pulumi.<stack>.yaml from a stack folder.
      await stack.workspace.removeStack(stack.name, { force: true }).catch((e) => t.log(`removeStack: ${e.message}`));
      await after();
    }
  });
}

/** The folder of an example stack: `stacks/NAME`. */
export function stackFolder(name: string): string {
  return path.join(repoRoot, "stacks", name);
}

/**
 * A new stack of the example project in `stacks/NAME`, run by the Pulumi CLI through the
 * Node.js language host exactly as `cd stacks/NAME && pulumi up` runs it (its Pulumi.yaml,
 * its index.ts compiled by ts-node, "dockwire" resolved to this package). The stack gets a
 * unique name, `config` as `pulumi config set` would store it, and is destroyed and removed
 * when the test ends, with its Pulumi.<stack>.yaml.
 */
export async function folderStack(t: ExecutionContext, name: string, config: Record<string, string> = {}): Promise<TestStack> {
  return folderStackIn(t, stackFolder(name), config);
}

/** A new stack of the Pulumi project in `dir` (any runtime), run by the CLI as `cd DIR && pulumi up` runs it; see {@link folderStack}. */
export async function folderStackIn(t: ExecutionContext, dir: string, config: Record<string, string> = {}): Promise<TestStack> {
  if (!process.env.PULUMI_BACKEND_URL)
    throw new Error("PULUMI_BACKEND_URL is not set: run the tests through `npm test` (scripts/toolchain.sh env)");
  const stack = await LocalWorkspace.createOrSelectStack(
    { stackName: uniqueName("t").replace(/-/g, ""), workDir: dir },
    { pulumiCommand: await pulumiCommand() },
  );
  const ts: TestStack = { stack, log: [] };
  registerTeardown(t, ts);
  if (Object.keys(config).length > 0) await setConfig(ts, config);
  return ts;
}

/** `pulumi up`, keeping the engine's text; returns the stack outputs as plain values. */
export async function upOutputs(ts: TestStack): Promise<Record<string, unknown>> {
  const res = await ts.stack.up({ onOutput: collect(ts) });
  return Object.fromEntries(Object.entries(res.outputs).map(([k, v]) => [k, v.value]));
}

/** `pulumi refresh`; returns the engine's change summary (what it found different on the host). */
export async function refreshChanges(ts: TestStack): Promise<Record<string, number>> {
  const res = await ts.stack.refresh({ onOutput: collect(ts) });
  return res.summary.resourceChanges ?? {};
}

/**
 * Config of a redis-cluster stack under test: the test's image, a prefix, and a subnet and
 * ports of its own (from `base`), so it runs beside a user's `dev` stack.
 */
export function redisClusterTestConfig(prefix: string, subnet: string, base: number, image: string): Record<string, string> {
  return { prefix, image, subnet, clientPortBase: String(base), busPortBase: String(base + 10) };
}

/** A program whose shape a test changes between ups (the engine re-runs it each time): set `value`, then up. */
export function mutable<T>(initial: T): {
  value: T;
  program: (build: (v: T) => Record<string, unknown>) => () => Promise<Record<string, unknown>>;
} {
  const box = {
    value: initial,
    program: (build: (v: T) => Record<string, unknown>) => async () => build(box.value),
  };
  return box;
}

/** Sets stack config values (`pulumi config set KEY VALUE` for each). */
export async function setConfig(ts: TestStack, config: Record<string, string>): Promise<void> {
  await ts.stack.setAllConfig(Object.fromEntries(Object.entries(config).map(([k, v]) => [k, { value: v }])));
}

/**
 * Previews the stack and requires that nothing would change: the engine fails the preview
 * on any create, update, replace or delete, and the summary must count only unchanged
 * resources. Returns how many resources are unchanged.
 */
export async function expectQuietPreview(t: ExecutionContext, ts: TestStack): Promise<number> {
  const pv = await ts.stack.preview({ expectNoChanges: true, diff: true, onOutput: collect(ts) });
  const { same, ...changed } = pv.changeSummary;
  t.deepEqual(changed, {}, `a re-preview shows changes:\n${pv.stdout}`);
  return same ?? 0;
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
