/**
 * Pure parsing and policy of Docker daemon endpoints (`DOCKER_HOST` forms). No Pulumi imports.
 *
 * @module
 */

import { parseIp } from "../ipam";

/** A Docker endpoint, parsed. */
export type DockerEndpoint =
  | { kind: "unix"; url: string; path: string }
  | { kind: "tcp"; url: string; host: string; port: number; tls: boolean }
  | { kind: "ssh"; url: string; user: string; host: string; port: number };

/** What the caller says about transport security. */
export interface EndpointPolicy {
  /** Whether TLS material (CA, client certificate and key) is given. */
  tls: boolean;
  /** Explicit consent to plain, unauthenticated TCP. */
  allowInsecure?: boolean;
}

/** An endpoint dockwire refuses, naming the field and the fix. */
export class EndpointError extends Error {
  constructor(
    public readonly field: string,
    message: string,
  ) {
    super(message);
    this.name = "EndpointError";
  }
}

const HOSTNAME = /^(?=.{1,253}$)[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;
const USER = /^[a-z_][a-z0-9_-]{0,31}$/;

function checkHostPart(host: string, field: string, url: string): string {
  const bracketed = host.startsWith("[") && host.endsWith("]");
  const bare = bracketed ? host.slice(1, -1) : host;
  const ip = parseIp(bare);
  // Brackets hold IPv6 only; all-numeric names must be valid IPv4 (no 999.1.1.1, no 10.0.0.01).
  if (bracketed ? ip?.family === 6 : ip?.family === 4 || (!/^[\d.]+$/.test(bare) && HOSTNAME.test(bare))) return bare;
  throw new EndpointError(
    field,
    `${field} ${JSON.stringify(url)} has an invalid host ${JSON.stringify(host)}: use a host name or an IP address (IPv6 in brackets).`,
  );
}

function checkPort(text: string | undefined, fallback: number, field: string, url: string): number {
  if (text === undefined || text === "") return fallback;
  const port = /^\d{1,5}$/.test(text) ? Number(text) : NaN;
  if (!(port >= 1 && port <= 65535)) {
    throw new EndpointError(
      field,
      `${field} ${JSON.stringify(url)} has an invalid port ${JSON.stringify(text)}: use a port from 1 to 65535.`,
    );
  }
  return port;
}

/**
 * Parses and checks a daemon endpoint:
 * - `unix:///run/docker.sock`;
 * - `tcp://HOST:PORT` — needs TLS material; port 2376 (the default) is Docker's TLS port.
 *   Plain TCP without TLS (conventionally 2375) is unauthenticated root access to the host
 *   and is refused unless `allowInsecure` is set;
 * - `ssh://USER@HOST[:PORT]` — the Docker CLI and provider run `docker system dial-stdio`
 *   over SSH; TLS material is not used.
 */
export function parseDockerEndpoint(url: string, policy: EndpointPolicy, field = "host"): DockerEndpoint {
  if (typeof url !== "string" || url === "") {
    throw new EndpointError(
      field,
      `${field} is required: use "unix:///var/run/docker.sock", "tcp://HOST:2376" with tls, or "ssh://USER@HOST".`,
    );
  }
  const m = /^([a-z]+):\/\/(.*)$/.exec(url);
  if (!m) {
    throw new EndpointError(
      field,
      `${field} ${JSON.stringify(url)} has no scheme: write it as "unix:///PATH", "tcp://HOST:PORT" or "ssh://USER@HOST".`,
    );
  }
  const [, scheme, rest] = m;
  if (scheme === "unix") {
    if (!rest.startsWith("/") || /[\s\0]/.test(rest)) {
      throw new EndpointError(field, `${field} ${JSON.stringify(url)} needs an absolute socket path: e.g. "unix:///var/run/docker.sock".`);
    }
    if (policy.tls)
      throw new EndpointError(
        "tls",
        `tls is given but ${field} ${JSON.stringify(url)} is a unix socket: drop tls, or use "tcp://HOST:2376".`,
      );
    return { kind: "unix", url, path: rest };
  }
  if (scheme === "tcp") {
    const hp = /^(\[[^\]]+\]|[^:/]+)(?::([^/:]*))?\/?$/.exec(rest);
    if (!hp)
      throw new EndpointError(
        field,
        `${field} ${JSON.stringify(url)} is not HOST:PORT: write it as "tcp://HOST:2376", with an IPv6 address in brackets ("tcp://[fd00::2]:2376").`,
      );
    const host = checkHostPart(hp[1], field, url);
    const port = checkPort(hp[2], policy.tls ? 2376 : 2375, field, url);
    if (!policy.tls) {
      if (port === 2376) {
        throw new EndpointError(
          "tls",
          `${field} ${JSON.stringify(url)} uses port 2376, Docker's TLS port, but no tls material is given: add tls { caPem, certPem, keyPem }.`,
        );
      }
      if (!policy.allowInsecure) {
        throw new EndpointError(
          field,
          `${field} ${JSON.stringify(url)} is plain TCP without TLS: anyone who reaches the port gets root on that host. ` +
            `Add tls { caPem, certPem, keyPem } and use port 2376, use "ssh://USER@HOST", or set allowInsecure: true for a lab you control.`,
        );
      }
    }
    return { kind: "tcp", url, host, port, tls: policy.tls };
  }
  if (scheme === "ssh") {
    if (policy.tls) throw new EndpointError("tls", `tls is given but ${field} ${JSON.stringify(url)} is reached over SSH: drop tls.`);
    const sp = /^([^@/]+)@(\[[^\]]+\]|[^:/]+)(?::([^/]*))?\/?$/.exec(rest);
    if (!sp)
      throw new EndpointError(
        field,
        `${field} ${JSON.stringify(url)} needs a user: write it as "ssh://USER@HOST" or "ssh://USER@HOST:PORT".`,
      );
    if (!USER.test(sp[1]))
      throw new EndpointError(
        field,
        `${field} ${JSON.stringify(url)} has an invalid user ${JSON.stringify(sp[1])}: use a Unix user name such as "root" or "deploy".`,
      );
    return { kind: "ssh", url, user: sp[1], host: checkHostPart(sp[2], field, url), port: checkPort(sp[3], 22, field, url) };
  }
  throw new EndpointError(
    field,
    `${field} ${JSON.stringify(url)} has an unsupported scheme "${scheme}": use unix://, tcp:// (with tls) or ssh://.`,
  );
}
