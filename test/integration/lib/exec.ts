import { execFile } from "node:child_process";

/** Result of a finished command. */
export interface ExecResult {
  stdout: string;
  stderr: string;
}

/** Options for {@link run}. */
export interface RunOptions {
  /** Hard time limit; the command is killed after it. Defaults to 60 s. */
  timeoutMs?: number;
  /** Extra environment variables. */
  env?: Record<string, string>;
  /** Standard input to write. */
  input?: string;
  /** Working directory. Defaults to this process's. */
  cwd?: string;
}

/**
 * Runs a program without a shell (arguments are passed as they are) and resolves with its
 * output; rejects with the exit status and stderr when it fails or runs past its time limit.
 */
export function run(file: string, args: readonly string[], opts: RunOptions = {}): Promise<ExecResult> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      file,
      [...args],
      {
        timeout: opts.timeoutMs ?? 60_000,
        killSignal: "SIGKILL",
        maxBuffer: 64 * 1024 * 1024,
        cwd: opts.cwd,
        env: { ...process.env, ...(opts.env ?? {}) },
      },
      (err, stdout, stderr) => {
        if (err) {
          const e = err as NodeJS.ErrnoException & { killed?: boolean; code?: number | string };
          const why = e.killed ? `killed after ${opts.timeoutMs ?? 60_000} ms` : `exit ${e.code}`;
          reject(new Error(`${file} ${args.join(" ")}: ${why}\n${stderr || stdout}`));
          return;
        }
        resolve({ stdout, stderr });
      },
    );
    if (opts.input !== undefined) {
      child.stdin?.end(opts.input);
    }
  });
}

/** The DOCKER_HOST the tests run against (set by scripts/test.sh). */
export function dockerHost(): string {
  const host = process.env.DOCKER_HOST;
  if (!host) {
    throw new Error("DOCKER_HOST is not set: run the tests through `npm test`, which starts the daemon");
  }
  return host;
}

/** Runs `docker ARGS` against the test daemon and returns trimmed stdout. */
export async function docker(args: readonly string[], opts: RunOptions = {}): Promise<string> {
  const { stdout } = await run("docker", args, { ...opts, env: { DOCKER_HOST: dockerHost(), ...(opts.env ?? {}) } });
  return stdout.trim();
}

/** Runs `docker ARGS` and parses its JSON output. */
export async function dockerJson<T = any>(args: readonly string[], opts: RunOptions = {}): Promise<T> {
  return JSON.parse(await docker(args, opts)) as T;
}

/** A short name unique to this test process, safe for docker objects and interface names. */
export function uniqueName(prefix: string): string {
  const tag = `${process.pid.toString(36)}${Math.floor(Math.random() * 36 ** 3).toString(36)}`;
  return `${prefix}-${tag}`.slice(0, 40);
}

/** The test images, overridable for a daemon that has public images. */
export const images = {
  app: process.env.DOCKWIRE_APP_IMAGE ?? "dockwire/app:local",
  busybox: process.env.DOCKWIRE_BUSYBOX_IMAGE ?? "dockwire/busybox:local",
};
