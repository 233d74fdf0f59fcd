/**
 * Runs a shell script on the machine running Pulumi or on a remote host over SSH, for
 * dockwire's own resources (the netns resources and DaemonConfig), which read the host
 * back and so cannot be `@pulumi/command` resources.
 *
 * - Locally: `/bin/sh -c SCRIPT dockwire ARG...` (no shell is involved in passing the
 *   arguments: they are argv entries).
 * - Over SSH: the system OpenSSH client, non-interactively (`BatchMode=yes`), with the
 *   remote command `env NAME=VALUE... sh -c SCRIPT dockwire ARG...`, every word of it
 *   passed through {@link shellQuote} in one place ({@link remoteCommandLine}), since
 *   OpenSSH hands the remote side one command string.
 *
 * Scripts take their inputs as positional arguments and environment variables only.
 *
 * @module
 */
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { shellQuote } from "./shell";

/**
 * The SSH connection dockwire's own resources accept: the fields of
 * `@pulumi/command`'s `remote.ConnectionArgs` that a non-interactive OpenSSH client can
 * honour. `password`, `privateKeyPassword` and `proxy` are refused by
 * {@link connectionProblems} with a message saying what to use instead.
 */
export interface SshConnection {
  /** Host name or address. Required. */
  host: string;
  /** Port. Default 22. */
  port?: number;
  /** Remote user. Default `root`. */
  user?: string;
  /** Private key (OpenSSH or PEM text). Default: the agent or the client's own keys. */
  privateKey?: string;
  /** Path of an ssh-agent socket (SSH_AUTH_SOCK). */
  agentSocketPath?: string;
  /** Seconds to wait for the TCP connection. Default 15. */
  perDialTimeout?: number;
  /** Connection attempts. Default 10 (as @pulumi/command). */
  dialErrorLimit?: number;
  /**
   * The host's public key, as in an authorized_keys or `.pub` file (`ssh-ed25519 AAAA...`).
   * When given, ssh accepts only that key (StrictHostKeyChecking); otherwise the host key is
   * not checked, as with @pulumi/command's remote.Command.
   */
  hostKey?: string;
  /** Not supported (refused): a password cannot be given to a non-interactive ssh. */
  password?: string;
  /** Not supported (refused). */
  privateKeyPassword?: string;
  /** Not supported (refused). */
  proxy?: unknown;
}

/** One problem of a connection, for a Pulumi check failure. */
export interface ConnectionProblem {
  /** The property, e.g. `connection.password`. */
  property: string;
  /** What is wrong and the fix. */
  reason: string;
}

/**
 * What is wrong with `c` as a connection of dockwire's own resources (empty when
 * nothing is). `field` prefixes the property names.
 */
export function connectionProblems(c: unknown, field = "connection"): ConnectionProblem[] {
  if (c === undefined || c === null) return [];
  if (typeof c !== "object" || Array.isArray(c)) {
    return [{ property: field, reason: `${field} must be an object such as { host: "192.0.2.10", user: "root", privateKey }.` }];
  }
  const o = c as Record<string, unknown>;
  const out: ConnectionProblem[] = [];
  const bad = (k: string, reason: string) => out.push({ property: `${field}.${k}`, reason: `${field}.${k} ${reason}` });
  if (typeof o.host !== "string" || !/^[A-Za-z0-9_.:-]{1,253}$/.test(o.host) || o.host.startsWith("-")) {
    bad("host", `must be a host name or address (letters, digits, ".", ":", "-", "_"), got ${JSON.stringify(o.host)}.`);
  }
  if (o.port !== undefined && (typeof o.port !== "number" || !Number.isInteger(o.port) || o.port < 1 || o.port > 65535)) {
    bad("port", `must be a port number 1-65535, got ${JSON.stringify(o.port)}.`);
  }
  if (o.user !== undefined && (typeof o.user !== "string" || !/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,63}$/.test(o.user))) {
    bad("user", `must be a user name (letters, digits, "_", ".", "-"), got ${JSON.stringify(o.user)}.`);
  }
  if (o.privateKey !== undefined && typeof o.privateKey !== "string") bad("privateKey", "must be the private key's text.");
  if (o.hostKey !== undefined && (typeof o.hostKey !== "string" || !/^[a-z0-9@.-]+ [A-Za-z0-9+/=]+( [^\n]*)?\n?$/.test(o.hostKey))) {
    bad("hostKey", 'must be one public key line such as "ssh-ed25519 AAAA... comment" (the host\'s .pub file).');
  }
  if (o.agentSocketPath !== undefined && (typeof o.agentSocketPath !== "string" || !o.agentSocketPath.startsWith("/"))) {
    bad("agentSocketPath", `must be the absolute path of an ssh-agent socket, got ${JSON.stringify(o.agentSocketPath)}.`);
  }
  for (const k of ["perDialTimeout", "dialErrorLimit"]) {
    const v = o[k];
    if (v !== undefined && (typeof v !== "number" || !Number.isInteger(v) || v < 1 || v > 3600)) {
      bad(k, `must be a whole number from 1 to 3600, got ${JSON.stringify(v)}.`);
    }
  }
  const refuse = (k: string, fix: string) => {
    if (o[k] !== undefined && o[k] !== null && o[k] !== "")
      bad(k, `is not supported by dockwire's own resources, which run OpenSSH non-interactively: ${fix}`);
  };
  refuse("password", "use privateKey or agentSocketPath.");
  refuse("privateKeyPassword", "give an unencrypted privateKey, or load the key into an agent and set agentSocketPath.");
  refuse("proxy", "reach the host directly, or set ProxyJump for it in the ssh client configuration.");
  return out;
}

/** The outcome of a script. */
export interface RunResult {
  stdout: string;
  stderr: string;
}

/** A script that failed: exit status, output, and a message that quotes the script's stderr. */
export class HostCommandError extends Error {
  readonly code: number | string | null;
  readonly stdout: string;
  readonly stderr: string;
  constructor(message: string, code: number | string | null, stdout: string, stderr: string) {
    super(message);
    this.name = "HostCommandError";
    this.code = code;
    this.stdout = stdout;
    this.stderr = stderr;
  }
}

/** Options of {@link runOnHost}. */
export interface RunOptions {
  /** Environment variables for the script (names `[A-Z_][A-Z0-9_]*`). */
  env?: Record<string, string>;
  /** Time limit in milliseconds. Default 120 s. */
  timeoutMs?: number;
  /** What is being done, for the error message, e.g. `netns r1: create`. */
  what?: string;
}

/**
 * The remote command line for OpenSSH: `env NAME=VALUE... sh -c SCRIPT dockwire ARG...`,
 * each word quoted with {@link shellQuote} (the one place a value meets a shell).
 */
export function remoteCommandLine(script: string, args: readonly string[], env: Record<string, string> = {}): string {
  const assignments = Object.entries(env).map(([k, v]) => {
    if (!/^[A-Z_][A-Z0-9_]*$/.test(k))
      throw new Error(`environment variable name ${JSON.stringify(k)} is not of the form [A-Z_][A-Z0-9_]*`);
    return `${k}=${v}`;
  });
  return ["env", ...assignments, "sh", "-c", script, "dockwire", ...args].map(shellQuote).join(" ");
}

/** The known_hosts line that pins `c.hostKey` for its host and port. */
export function knownHostsLine(c: SshConnection): string {
  const port = c.port ?? 22;
  const name = port === 22 ? c.host : `[${c.host}]:${port}`;
  return `${name} ${(c.hostKey ?? "").trim().split(" ").slice(0, 2).join(" ")}\n`;
}

/**
 * The `ssh` argv (before the remote command) for a connection; `keyFile` when a private key
 * was written, `knownHosts` when a host key was (then only that key is accepted).
 */
export function sshArgs(c: SshConnection, keyFile?: string, knownHosts?: string): string[] {
  const out = [
    "-T",
    "-o",
    "BatchMode=yes",
    // Without hostKey the host key is not checked, as with @pulumi/command's remote.Command.
    "-o",
    `StrictHostKeyChecking=${knownHosts === undefined ? "no" : "yes"}`,
    "-o",
    `UserKnownHostsFile=${knownHosts ?? "/dev/null"}`,
    "-o",
    "LogLevel=ERROR",
    "-o",
    `ConnectTimeout=${c.perDialTimeout ?? 15}`,
    "-o",
    `ConnectionAttempts=${c.dialErrorLimit ?? 10}`,
    "-p",
    String(c.port ?? 22),
    "-l",
    c.user ?? "root",
  ];
  if (keyFile !== undefined) out.push("-i", keyFile, "-o", "IdentitiesOnly=yes");
  out.push("--", c.host);
  return out;
}

/**
 * Runs `script` with `args` locally (no connection) or over SSH, bounded in time.
 * Resolves with its output when it exits 0; rejects with a {@link HostCommandError}
 * otherwise.
 */
export function runOnHost(
  connection: SshConnection | undefined,
  script: string,
  args: readonly string[],
  options: RunOptions = {},
): Promise<RunResult> {
  const timeout = options.timeoutMs ?? 120_000;
  const env = options.env ?? {};
  for (const a of args) if (typeof a !== "string") throw new TypeError(`script arguments must be strings, got ${typeof a}`);
  let file: string;
  let argv: string[];
  let childEnv: NodeJS.ProcessEnv = { ...process.env, ...env };
  let cleanup = () => {};
  const where =
    connection === undefined ? "on this machine" : `on ${connection.user ?? "root"}@${connection.host}:${connection.port ?? 22}`;
  if (connection === undefined) {
    file = "/bin/sh";
    argv = ["-c", script, "dockwire", ...args];
  } else {
    const problems = connectionProblems(connection);
    if (problems.length > 0) return Promise.reject(new Error(problems.map((p) => p.reason).join(" ")));
    let keyFile: string | undefined;
    let knownHosts: string | undefined;
    const hasKey = connection.privateKey !== undefined && connection.privateKey !== "";
    const hasHostKey = connection.hostKey !== undefined && connection.hostKey !== "";
    if (hasKey || hasHostKey) {
      const dir = mkdtempSync(path.join(tmpdir(), "dockwire-ssh-"));
      cleanup = () => rmSync(dir, { recursive: true, force: true });
      if (hasKey) {
        keyFile = path.join(dir, "key");
        const text = connection.privateKey!.endsWith("\n") ? connection.privateKey! : `${connection.privateKey}\n`;
        writeFileSync(keyFile, text, { mode: 0o600 });
      }
      if (hasHostKey) {
        knownHosts = path.join(dir, "known_hosts");
        writeFileSync(knownHosts, knownHostsLine(connection), { mode: 0o600 });
      }
    }
    childEnv = { ...process.env };
    if (connection.agentSocketPath !== undefined) childEnv.SSH_AUTH_SOCK = connection.agentSocketPath;
    file = "ssh";
    argv = [...sshArgs(connection, keyFile, knownHosts), remoteCommandLine(script, args, env)];
  }
  return new Promise((resolve, reject) => {
    execFile(file, argv, { env: childEnv, timeout, killSignal: "SIGKILL", maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      cleanup();
      if (!error) return resolve({ stdout, stderr });
      const e = error as NodeJS.ErrnoException & { killed?: boolean; code?: number | string | null };
      const what = options.what ?? "script";
      const status = e.killed ? `was stopped after ${timeout / 1000} s` : `failed (exit ${String(e.code)})`;
      const detail = stderr.trim() === "" ? "" : `:\n${stderr.trim()}`;
      reject(new HostCommandError(`${what} ${where} ${status}${detail}`, e.code ?? null, stdout, stderr));
    });
  });
}

/** The `connection` of a resource's inputs or outputs, if any. */
export function connectionOf(x: Record<string, unknown>): SshConnection | undefined {
  const c = x.connection;
  return c === undefined || c === null ? undefined : (c as SshConnection);
}

/** Where a resource lives, for identity: `local` or `USER@HOST:PORT`. */
export function targetOf(c: SshConnection | undefined): string {
  return c === undefined || c === null ? "local" : `${c.user ?? "root"}@${c.host}:${c.port ?? 22}`;
}

/** Whether `x` is the state of a dockwire 0.1 `@pulumi/command` Command (create/delete scripts, no kind). */
export function isLegacy(x: Record<string, unknown>): boolean {
  return x.kind === undefined && typeof x.create === "string" && typeof x.delete === "string";
}

/** Text of a script shipped in `provider/sh/` (source and dist layouts). */
export function shippedScript(name: string): string {
  const candidates = [path.resolve(__dirname, "sh", name), path.resolve(__dirname, "..", "..", "provider", "sh", name)];
  for (const c of candidates) {
    try {
      return readFileSync(c, "utf8");
    } catch {
      // next layout
    }
  }
  throw new Error(`dockwire: the shipped script ${name} is missing (looked in ${candidates.join(", ")}): reinstall the package`);
}

/**
 * A shipped script run as one `/bin/sh -c` command line, for a `@pulumi/command` Command
 * (local or remote) or a shell by hand: `exec sh -c SCRIPT dockwire ARG...`, the script's
 * text and each argument through {@link shellQuote}, so no value is ever part of the script.
 * (exec: a signal to the shell that reads the line reaches the script itself.)
 */
export function scriptCommandLine(name: string, args: readonly string[]): string {
  return `exec ${["sh", "-c", shippedScript(name), "dockwire", ...args].map(shellQuote).join(" ")}`;
}
