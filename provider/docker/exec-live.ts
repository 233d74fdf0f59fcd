/**
 * A command run in a running container through the Engine API (`docker exec`), when the
 * resource is created and again whenever its command or triggers change (the
 * dynamic-provider side of {@link ContainerExec}). It leaves no object on the daemon: its
 * state is the last run's output. A non-zero exit fails the step with the command's
 * stderr; the run is bounded by `timeoutSeconds`.
 *
 * @module
 */
import { PassThrough } from "node:stream";
import { EngineConnection, call, dockerFor, explain, hostOf } from "./client";
import { CheckFailure, DOCKER_STATE_VERSION, DiffResult, connOf, describe, hasUnknown, same } from "./common";

/** What one run gives back. */
export interface ExecResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/** Check failures of an exec's inputs. */
export function checkExecInputs(news: Record<string, unknown>): CheckFailure[] {
  const out: CheckFailure[] = [];
  if (typeof news.container !== "string" || news.container === "")
    out.push({ property: "container", reason: "container is required: the name or id of a running container." });
  const cmd = news.command;
  if (!hasUnknown(cmd) && (!Array.isArray(cmd) || cmd.length === 0 || cmd.some((a) => typeof a !== "string"))) {
    out.push({
      property: "command",
      reason: 'command must be a non-empty list of strings, e.g. ["redis-cli", "ping"] (no shell: pass ["sh", "-c", SCRIPT] for one).',
    });
  }
  const t = news.timeoutSeconds;
  if (t !== undefined && (typeof t !== "number" || !Number.isInteger(t) || t < 1 || t > 3600)) {
    out.push({ property: "timeoutSeconds", reason: `timeoutSeconds ${JSON.stringify(t)} must be a whole number from 1 to 3600.` });
  }
  return out;
}

/** Runs `command` in `container` and waits for it (at most `timeoutMs`). */
export async function runExec(
  c: EngineConnection | undefined,
  container: string,
  command: string[],
  env: string[],
  timeoutMs: number,
): Promise<ExecResult> {
  const d = dockerFor(c);
  const what = `running ${JSON.stringify(command.join(" ").slice(0, 80))} in ${describe("container", container)}`;
  try {
    const exec = await d.getContainer(container).exec({ Cmd: command, Env: env, AttachStdout: true, AttachStderr: true });
    const stream = await exec.start({ hijack: true, stdin: false });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    const so = new PassThrough();
    const se = new PassThrough();
    so.on("data", (b: Buffer) => out.push(b));
    se.on("data", (b: Buffer) => err.push(b));
    d.modem.demuxStream(stream, so, se);
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        stream.destroy();
        reject(new Error(`it did not finish within ${Math.round(timeoutMs / 1000)} s (timeoutSeconds)`));
      }, timeoutMs);
      stream.on("end", () => {
        clearTimeout(timer);
        resolve();
      });
      stream.on("close", () => {
        clearTimeout(timer);
        resolve();
      });
      stream.on("error", (e) => {
        clearTimeout(timer);
        reject(e);
      });
    });
    const info = await exec.inspect();
    return {
      exitCode: info.ExitCode ?? -1,
      stdout: Buffer.concat(out as unknown as Uint8Array[]).toString("utf8"),
      stderr: Buffer.concat(err as unknown as Uint8Array[]).toString("utf8"),
    };
  } catch (e) {
    throw explain(e, what, hostOf(c));
  }
}

async function run(news: Record<string, unknown>): Promise<Record<string, unknown>> {
  const c = connOf(news);
  const command = news.command as string[];
  const container = news.container as string;
  const timeoutMs = ((news.timeoutSeconds as number | undefined) ?? 300) * 1000;
  const env = Object.entries((news.environment ?? {}) as Record<string, string>).map(([k, v]) => `${k}=${v}`);
  await call(`inspecting ${describe("container", container)}`, c, (d) => d.getContainer(container).inspect());
  const r = await runExec(c, container, command, env, timeoutMs);
  if (r.exitCode !== 0) {
    const tail = (r.stderr || r.stdout).trim().split("\n").slice(-15).join("\n");
    throw new Error(
      `dockwire: ${JSON.stringify(command.join(" ").slice(0, 80))} in ${describe("container", container)} exited with ${r.exitCode}:\n${tail}`,
    );
  }
  return { ...news, stdout: r.stdout.replace(/\n$/, ""), stderr: r.stderr.replace(/\n$/, ""), stateVersion: DOCKER_STATE_VERSION };
}

/** Pulumi's diff of an exec: a new command, container, environment or trigger runs it again (in place). */
export function diffExec(olds: Record<string, unknown>, news: Record<string, unknown>): DiffResult {
  const changed = ["container", "command", "environment", "triggers"].filter((f) => !same(olds[f], news[f]) || hasUnknown(news[f]));
  const replaces =
    (olds.connection as { host?: string } | undefined)?.host !== (news.connection as { host?: string } | undefined)?.host
      ? ["connection"]
      : [];
  return { changes: changed.length + replaces.length > 0, replaces, deleteBeforeReplace: false };
}

/** The provider object the dynamic-provider host calls (see `../dynamic`). */
export const provider = {
  check(_olds: Record<string, unknown>, news: Record<string, unknown>) {
    return Promise.resolve({ inputs: news, failures: checkExecInputs(news) });
  },
  diff(_id: string, olds: Record<string, unknown>, news: Record<string, unknown>) {
    return Promise.resolve(diffExec(olds, news));
  },
  async create(news: Record<string, unknown>) {
    const outs = await run(news);
    return { id: `exec/${String(news.container)}/${Date.now().toString(36)}`, outs };
  },
  async update(_id: string, _olds: Record<string, unknown>, news: Record<string, unknown>) {
    return { outs: await run(news) };
  },
  async read(id: string, props: Record<string, unknown>) {
    const inputs = Object.fromEntries(Object.entries(props).filter(([k]) => !["stdout", "stderr", "stateVersion"].includes(k)));
    return { id, props, inputs };
  },
  async delete() {
    // A finished command leaves nothing on the daemon.
  },
};
