// A lab Docker host (scripts/labhost.sh) for ava tests: a network namespace with its own
// dockerd, daemon.json, socket and log, brought up for one test and removed in t.teardown
// even when the test fails.
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import * as path from "node:path";
import type { ExecutionContext } from "ava";
import { shellQuote } from "../../../provider/shell";
import { run } from "./exec";

/** The repository root (this file is dist/test/integration/lib/labhost.js once built). */
export const repoRoot = path.resolve(__dirname, "..", "..", "..", "..");
/** scripts/labhost.sh. */
export const labhostScript = path.join(repoRoot, "scripts", "labhost.sh");

/** A running lab host. */
export interface LabHost {
  /** Namespace and lab name, e.g. `dc1a2b`. */
  name: string;
  /** Third octet of its link 10.99.X.0/24. */
  x: number;
  /** unix:// DOCKER_HOST of its daemon. */
  dockerHost: string;
  /** Its own daemon.json (`--config-file`). */
  configPath: string;
  /** The daemon's log. */
  logPath: string;
  /** The daemon's pidfile. */
  pidFile: string;
  /** The "restart command" strategy for it: `bash scripts/labhost.sh restart NAME`. */
  restartCommand: string;
}

/** Outcome of a command run with {@link runScript} or {@link sh}. */
export interface ScriptResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  ms: number;
}

/**
 * Runs `file args` with a hard time limit (SIGKILL to its process group after `timeoutMs`),
 * resolving with its exit status and output whatever the status.
 */
export function spawnBounded(
  file: string,
  args: readonly string[],
  opts: { timeoutMs: number; env?: Record<string, string>; input?: string },
): Promise<ScriptResult> {
  return new Promise((resolve, reject) => {
    const t0 = Date.now();
    const child = spawn(file, [...args], {
      env: { ...process.env, ...(opts.env ?? {}) },
      stdio: ["pipe", "pipe", "pipe"],
      detached: true,
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    const timer = setTimeout(() => {
      try {
        process.kill(-child.pid!, "SIGKILL");
      } catch {
        // already gone
      }
    }, opts.timeoutMs);
    child.on("error", (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr, ms: Date.now() - t0 });
    });
    child.stdin.end(opts.input ?? "");
  });
}

/** Runs a generated sh script inside the lab's network namespace, as it would run on that host. */
export function runScript(
  lab: LabHost,
  script: string,
  opts: { timeoutMs?: number; env?: Record<string, string> } = {},
): Promise<ScriptResult> {
  return spawnBounded("nsenter", [`--net=/var/run/netns/${lab.name}`, "/bin/sh", "-c", script], {
    timeoutMs: opts.timeoutMs ?? 180_000,
    env: opts.env,
  });
}

/** Runs `docker ARGS` against the lab's daemon; returns trimmed stdout. */
export async function labDocker(lab: LabHost, args: readonly string[], timeoutMs = 60_000): Promise<string> {
  const { stdout } = await run("docker", args, { timeoutMs, env: { DOCKER_HOST: lab.dockerHost } });
  return stdout.trim();
}

/** Runs a command inside the lab's network namespace; returns trimmed stdout. */
export async function inLab(lab: LabHost, args: readonly string[], timeoutMs = 30_000): Promise<string> {
  const { stdout } = await run("nsenter", [`--net=/var/run/netns/${lab.name}`, ...args], { timeoutMs });
  return stdout.trim();
}

/** Removes a lab host: daemon, namespace, veth, data and exec roots, /run/NAME. */
export async function labHostDown(name: string): Promise<void> {
  await run("bash", [labhostScript, "down", name], { timeoutMs: 90_000 });
}

/** What a lab leaves on the machine (empty after `down`). */
export async function labResidue(name: string): Promise<string[]> {
  const out: string[] = [];
  const ns = (await run("ip", ["netns", "list"])).stdout;
  if (ns.split("\n").some((l) => l.split(" ")[0] === name)) out.push(`netns ${name}`);
  const links = (await run("ip", ["-o", "link", "show"])).stdout;
  if (links.includes(`${name}-h`)) out.push(`link ${name}-h`);
  for (const p of [`/run/${name}`, `/run/${name}-exec`, `/var/lib/${name}`]) if (existsSync(p)) out.push(`path ${p}`);
  return out;
}

/**
 * A short lab name and link octet unique to this process and `index`
 * (names: 1-10 chars [a-z0-9]; octets 160..249).
 */
export function labIdentity(index: number): { name: string; x: number } {
  const tag = (process.pid % 46656).toString(36);
  return { name: `dc${tag}${index}`, x: 160 + ((process.pid * 7 + index) % 90) };
}

/**
 * Brings a lab host up and registers its removal with `t.teardown` (runs even when the
 * test fails). `initialConfig`, when given, is written as the lab's daemon.json and the
 * daemon restarted with it before returning.
 */
export async function labHostUp(t: ExecutionContext, index: number, initialConfig?: string): Promise<LabHost> {
  const { name, x } = labIdentity(index);
  const lab: LabHost = {
    name,
    x,
    dockerHost: `unix:///run/${name}/docker.sock`,
    configPath: `/run/${name}/daemon.json`,
    logPath: `/run/${name}/dockerd.log`,
    pidFile: `/run/${name}/dockerd.pid`,
    restartCommand: `bash ${shellQuote(labhostScript)} restart ${name}`,
  };
  t.teardown(async () => {
    await labHostDown(name).catch((e) => t.log(`labhost down ${name} failed: ${(e as Error).message}`));
  });
  const up = await run("bash", [labhostScript, "up", name, String(x)], { timeoutMs: 90_000 });
  if (up.stdout.trim() !== lab.dockerHost) throw new Error(`labhost up printed ${JSON.stringify(up.stdout)}`);
  if (initialConfig !== undefined) {
    await run("sh", ["-c", `cat > ${shellQuote(lab.configPath)}`], { input: initialConfig });
    await run("bash", [labhostScript, "restart", name], { timeoutMs: 90_000 });
  }
  return lab;
}

/**
 * Makes `image` available on the lab daemon: `docker save` from the test daemon
 * (DOCKER_HOST; built there by scripts/images.sh) piped into `docker load` on the lab.
 */
export async function ensureLabImage(lab: LabHost, image: string): Promise<void> {
  const have = await run("docker", ["image", "inspect", image], { env: { DOCKER_HOST: lab.dockerHost } }).then(
    () => true,
    () => false,
  );
  if (have) return;
  const main = process.env.DOCKER_HOST;
  if (!main) throw new Error("DOCKER_HOST is not set: it names the daemon that has the test images (scripts/images.sh)");
  await run("sh", ["-c", `docker -H ${shellQuote(main)} save ${shellQuote(image)} | docker -H ${shellQuote(lab.dockerHost)} load`], {
    timeoutMs: 120_000,
  });
}

/** The pid in the lab daemon's pidfile. */
export async function labDaemonPid(lab: LabHost): Promise<string> {
  return (await run("cat", [lab.pidFile])).stdout.trim();
}
