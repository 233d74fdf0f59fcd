/**
 * The one place dockwire talks to a Docker daemon: the Engine API through dockerode, over a
 * unix socket, tcp with TLS (plain tcp only when the user allowed it), or ssh:// (ssh2 runs
 * `docker system dial-stdio` on the host, as the docker CLI does). Runs in the
 * dynamic-provider process; no Pulumi imports.
 *
 * A resource without a connection talks to the daemon of `DOCKER_HOST` in the environment
 * Pulumi runs in (default `unix:///var/run/docker.sock`), as the docker CLI does.
 *
 * @module
 */
import Docker from "dockerode";
import { parseDockerEndpoint } from "../host/endpoint";

/** Where a resource's daemon is, as the state holds it (a secret when it holds key material). */
export interface EngineConnection {
  /** `unix:///PATH`, `tcp://HOST:PORT` or `ssh://USER@HOST[:PORT]`. */
  host: string;
  /** TLS client material for tcp://. */
  tls?: { caPem: string; certPem: string; keyPem: string };
  /** Plain tcp:// without TLS was allowed by the user. */
  allowInsecure?: boolean;
  /** Private key for ssh:// (else the SSH agent of SSH_AUTH_SOCK). */
  sshPrivateKey?: string;
  /** The host's public key line (`ssh-ed25519 AAAA...`); when set, any other key is refused. */
  sshHostKey?: string;
}

/** Default daemon when no connection is given. */
export function defaultHost(): string {
  return process.env.DOCKER_HOST || "unix:///var/run/docker.sock";
}

/**
 * The connection of the environment, as the docker CLI reads it: DOCKER_HOST, with the TLS
 * files of DOCKER_CERT_PATH (ca.pem, cert.pem, key.pem) for tcp://. Plain tcp:// without
 * them is unauthenticated root access and is refused unless DOCKWIRE_ALLOW_INSECURE=1.
 */
export function envConnection(): EngineConnection {
  const host = defaultHost();
  const certPath = process.env.DOCKER_CERT_PATH;
  if (host.startsWith("tcp://") && certPath) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const fs = require("node:fs") as typeof import("node:fs");
    const read = (f: string) => fs.readFileSync(`${certPath}/${f}`, "utf8");
    return { host, tls: { caPem: read("ca.pem"), certPem: read("cert.pem"), keyPem: read("key.pem") } };
  }
  return { host, ...(process.env.DOCKWIRE_ALLOW_INSECURE === "1" ? { allowInsecure: true } : {}) };
}

/** The daemon a resource talks to, as a plain string for messages and ids. */
export function hostOf(c: EngineConnection | undefined): string {
  return c?.host ?? defaultHost();
}

/** Request timeout for ordinary calls; long calls (build, pull, exec) pass their own. */
export const DEFAULT_TIMEOUT_MS = 60_000;

const clients = new Map<string, Docker>();

/**
 * docker-modem fills every option it is not given from DOCKER_HOST, DOCKER_TLS_VERIFY and
 * DOCKER_CERT_PATH of the process: a unix-socket client would then talk to DOCKER_HOST's
 * tcp or ssh daemon. Every such option is given, as undefined where it does not apply.
 */
const NO_ENV_DEFAULTS = {
  socketPath: undefined,
  host: undefined,
  port: undefined,
  protocol: undefined,
  username: undefined,
  ca: undefined,
  cert: undefined,
  key: undefined,
  sshOptions: undefined,
} as unknown as Docker.DockerOptions;

/**
 * A dockerode client for a connection (cached per connection for the life of the process).
 * Refuses plain TCP without `allowInsecure`, as DockerHost does at preview.
 */
export function dockerFor(c: EngineConnection | undefined): Docker {
  const conn: EngineConnection = c ?? envConnection();
  const key = JSON.stringify(conn);
  const cached = clients.get(key);
  if (cached) return cached;
  const ep = parseDockerEndpoint(conn.host, { tls: conn.tls !== undefined, allowInsecure: conn.allowInsecure }, c ? "host" : "DOCKER_HOST");
  let client: Docker;
  switch (ep.kind) {
    case "unix":
      client = new Docker({ ...NO_ENV_DEFAULTS, socketPath: ep.path, timeout: DEFAULT_TIMEOUT_MS });
      break;
    case "tcp":
      client = new Docker({
        ...NO_ENV_DEFAULTS,
        host: ep.host,
        port: ep.port,
        protocol: conn.tls ? "https" : "http",
        ...(conn.tls ? { ca: conn.tls.caPem, cert: conn.tls.certPem, key: conn.tls.keyPem } : {}),
        timeout: DEFAULT_TIMEOUT_MS,
      });
      break;
    case "ssh": {
      const pinned = conn.sshHostKey?.trim().split(/\s+/)[1];
      client = new Docker({
        ...NO_ENV_DEFAULTS,
        protocol: "ssh",
        host: ep.host,
        port: ep.port,
        username: ep.user,
        // No request timeout over ssh: docker-modem would call setTimeout on the ssh2 channel,
        // which has none (a TypeError). The ssh handshake has readyTimeout.
        sshOptions: {
          ...(conn.sshPrivateKey ? { privateKey: conn.sshPrivateKey } : { agent: process.env.SSH_AUTH_SOCK }),
          readyTimeout: 20_000,
          ...(pinned ? { hostVerifier: (key: Buffer) => key.toString("base64") === pinned } : {}),
        },
      });
      break;
    }
  }
  clients.set(key, client);
  return client;
}

/** An error of the daemon or of the way to it, with a message that names the object and the fix. */
export class DockerApiError extends Error {
  constructor(
    message: string,
    public readonly statusCode?: number,
  ) {
    super(message);
    this.name = "DockerApiError";
  }
}

/** The HTTP status of a dockerode error, if any. */
export function statusOf(e: unknown): number | undefined {
  const s = (e as { statusCode?: unknown }).statusCode;
  return typeof s === "number" ? s : undefined;
}

/** The daemon's own message of a dockerode error (`json.message`), else the error's. */
export function daemonMessage(e: unknown): string {
  const j = (e as { json?: unknown }).json;
  if (j && typeof j === "object" && typeof (j as { message?: unknown }).message === "string") return (j as { message: string }).message;
  if (typeof j === "string" && j.trim() !== "") {
    try {
      const parsed = JSON.parse(j) as { message?: string };
      if (parsed.message) return parsed.message;
    } catch {
      return j.trim();
    }
  }
  return (e as Error).message ?? String(e);
}

/**
 * Turns a failure of `what` (e.g. `creating network "redis"`) on `host` into a message a
 * user can act on: unreachable daemons, refused TLS, conflicts and missing objects say so.
 */
export function explain(e: unknown, what: string, host: string): DockerApiError {
  if (e instanceof DockerApiError) return e;
  const code = (e as { code?: unknown }).code;
  const status = statusOf(e);
  const msg = daemonMessage(e);
  let hint = "";
  if (code === "ENOENT" || code === "ECONNREFUSED" || code === "EACCES") {
    hint = ` (${String(code)}): no Docker daemon answers at ${host}; start it, or point DOCKER_HOST / the DockerHost at a running daemon`;
    return new DockerApiError(`dockwire: ${what} on ${host} failed${hint}`, status);
  }
  if (status === 409) {
    // Before the word checks below: a conflict's message holds the object's name, which may
    // itself contain "tls", "ssl" or "timeout".
    hint = ": an object of that name exists already on the daemon; remove it, give this one another name, or adopt the existing one";
  } else if (code === "ETIMEDOUT" || code === "ECONNRESET" || (status === undefined && /timeout/i.test(msg))) {
    hint = ": the daemon did not answer in time; check that it is up and reachable, then run again";
  } else if (
    status === undefined &&
    (/certificate|SSL|TLS|EPROTO/i.test(msg) || (typeof code === "string" && code.startsWith("ERR_TLS")))
  ) {
    hint = ": TLS failed; check the DockerHost's tls.caPem, certPem and keyPem against the daemon's certificate";
  } else if (status === undefined && /All configured authentication methods failed|handshake|host key/i.test(msg)) {
    hint = ": SSH failed; check the user, the key (sshPrivateKey or the agent) and, when pinned, the host key";
  }
  return new DockerApiError(`dockwire: ${what} on ${host} failed: ${msg}${hint}`, status);
}

/** Runs `op`, explaining its failure; 404 resolves to `undefined` when `missingOk`. */
export async function call<T>(what: string, c: EngineConnection | undefined, op: (d: Docker) => Promise<T>): Promise<T> {
  try {
    return await op(dockerFor(c));
  } catch (e) {
    throw explain(e, what, hostOf(c));
  }
}

/** Like {@link call}, but a 404 (no such object) gives `undefined`. */
export async function callOrMissing<T>(
  what: string,
  c: EngineConnection | undefined,
  op: (d: Docker) => Promise<T>,
): Promise<T | undefined> {
  try {
    return await op(dockerFor(c));
  } catch (e) {
    if (statusOf(e) === 404) return undefined;
    throw explain(e, what, hostOf(c));
  }
}

/** Reads a dockerode progress stream (build, pull) to its end; fails on the first error message in it. */
export function followProgress(d: Docker, stream: NodeJS.ReadableStream): Promise<Record<string, unknown>[]> {
  return new Promise((resolve, reject) => {
    d.modem.followProgress(stream, (err: Error | null, out: Record<string, unknown>[]) => {
      if (err) return reject(err);
      const bad = out.find((m) => m.error !== undefined || m.errorDetail !== undefined);
      if (bad) return reject(new Error(String((bad.errorDetail as { message?: string } | undefined)?.message ?? bad.error)));
      resolve(out);
    });
  });
}
