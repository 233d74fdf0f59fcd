/**
 * Which daemon a component's Docker resources go to: its `host` argument (a DockerHost, or
 * anything with an `engine` connection), else the DockerHost whose `dockerProvider()` was
 * passed as `opts.provider` (programs written for dockwire 0.2), else DOCKER_HOST where
 * Pulumi runs.
 *
 * @module
 */
import * as pulumi from "@pulumi/pulumi";
import { dockerHostOfProvider } from "../host/docker-host";
import type { EngineConnection } from "./client";
import type { EngineSource } from "./resources";

const objectKeys = new WeakMap<object, string>();
let objectCount = 0;

/**
 * A plain key of the daemon a component's resources go to, for name-collision checks at
 * construction: a DockerHost's endpoint URL (also when its `dockerProvider()` is passed as
 * `opts.provider`), DOCKER_HOST's for no host, and a key of its own for any other `{ engine }`
 * object (its connection is not known before the program runs, so it collides only with itself).
 */
export function daemonKeyFor(host: EngineSource | undefined, opts: pulumi.ResourceOptions | undefined): string {
  const h = host ?? providerHost(opts);
  if (h === undefined) return process.env.DOCKER_HOST || "unix:///var/run/docker.sock";
  const url = (h as { endpoint?: { url?: unknown } }).endpoint?.url;
  if (typeof url === "string") return url;
  let k = objectKeys.get(h);
  if (k === undefined) objectKeys.set(h, (k = `object#${++objectCount}`));
  return k;
}

function providerCandidates(opts: pulumi.ResourceOptions | undefined): unknown[] {
  const candidates: unknown[] = [];
  const o = opts as { provider?: unknown; providers?: unknown } | undefined;
  if (o?.provider) candidates.push(o.provider);
  if (Array.isArray(o?.providers)) candidates.push(...(o.providers as unknown[]));
  else if (o?.providers && typeof o.providers === "object") candidates.push(...(Object.values(o.providers) as unknown[]));
  return candidates;
}

function providerHost(opts: pulumi.ResourceOptions | undefined): EngineSource | undefined {
  for (const p of providerCandidates(opts)) {
    const h = dockerHostOfProvider(p);
    if (h) return h;
  }
  return undefined;
}

/** The connection for a component's resources, or undefined for DOCKER_HOST. Throws naming the fix. */
export function engineFor(
  host: EngineSource | undefined,
  opts: pulumi.ResourceOptions | undefined,
): pulumi.Input<EngineConnection> | undefined {
  if (host !== undefined) {
    if (host === null || typeof host !== "object" || !("engine" in host)) {
      throw new Error(
        "host must be a DockerHost (or an object with an engine connection): construct one with new DockerHost(NAME, { host: URL }).",
      );
    }
    return host.engine;
  }
  const h = providerHost(opts);
  if (h) return h.engine;
  const candidates = providerCandidates(opts);
  const foreign = candidates.find((p) => (p as { pkg?: unknown } | undefined)?.pkg === "docker");
  if (foreign) {
    throw new Error(
      "opts.provider is a docker.Provider that no DockerHost made: dockwire's resources do not use it. Pass host: a DockerHost for that daemon.",
    );
  }
  return undefined;
}
