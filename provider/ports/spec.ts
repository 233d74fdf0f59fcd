/**
 * The types, defaults and error every part of the `-p` parser shares: what a normalized
 * binding looks like, what the parser accepts besides strings, and the error that names the
 * item, the problem and the fix. See {@link ./parse} for the accepted syntax.
 *
 * Pure module: no runtime Pulumi imports, no I/O.
 *
 * @module
 */

/** Transport protocols docker can publish. */
export type PortProtocol = "tcp" | "udp" | "sctp";

/** The protocols accepted by docker (`nat.validateProto`), in sort order. */
export const PORT_PROTOCOLS: readonly PortProtocol[] = ["sctp", "tcp", "udp"];

/** Host IP the provider uses when none is given (IPv4 "any"). */
export const DEFAULT_HOST_IP = "0.0.0.0";

/** Protocol the provider uses when none is given. */
export const DEFAULT_PROTOCOL: PortProtocol = "tcp";

/**
 * One normalized port binding, assignable to
 * `docker.types.input.ContainerPort` (`{internal, external?, ip?, protocol?}`).
 * `ip` and `protocol` are always filled; `external` is absent when docker is
 * to pick the host port.
 */
export interface ContainerPortSpec {
  /** Port inside the container, 1-65535. */
  internal: number;
  /** Host port, 1-65535; absent to let docker pick a free one (read back as a computed value). */
  external?: number;
  /** Host IP to bind: dotted IPv4 or canonical IPv6 without brackets; `"0.0.0.0"` by default. */
  ip: string;
  /** Protocol, lower-case; `"tcp"` by default. */
  protocol: PortProtocol;
}

/**
 * A port binding given as an object (for example copied from an existing
 * `docker.Container` definition). Same fields as `ContainerPort`; `ip` may be
 * bracketed (`"[::1]"`) and `protocol` in any case; both get defaults.
 */
export interface ContainerPortInput {
  /** Port inside the container, 1-65535. */
  internal: number;
  /** Host port, 1-65535, or absent. */
  external?: number;
  /** Host IP; `""` or absent means `"0.0.0.0"`. */
  ip?: string;
  /** `tcp`, `udp` or `sctp` in any case; `""` or absent means `"tcp"`. */
  protocol?: string;
}

/** Options of {@link parsePortSpecs} and {@link parsePublishArgs}. */
export interface ParsePortSpecsOptions {
  /**
   * Allow one container port (and protocol) to be published more than once,
   * for example on `0.0.0.0` and `::` for dual stack. Off by default because
   * `@pulumi/docker` reads such bindings back wrongly and replaces the
   * container on every update (see the module documentation).
   */
  allowMultipleBindings?: boolean;
}

/** Result of {@link parsePublishArgs}. */
export interface PublishArgs {
  /** Normalized bindings from every `-p`/`--publish`. */
  ports: ContainerPortSpec[];
  /** True when `-P`/`--publish-all` was given: set `publishAllPorts` on the container. */
  publishAllPorts: boolean;
}

/**
 * A port spec that cannot be used. The message has the form
 * `FIELD SPEC: PROBLEM; FIX.`, e.g.
 * `ports[2] "70000:80": host port 70000 is out of range 1-65535.`
 */
export class PortSpecError extends Error {
  /** The field the spec came from, e.g. `ports[2]`. */
  readonly field: string;
  /** The offending spec as given (a string or an object). */
  readonly spec: unknown;
  /** The problem and fix, without the `FIELD SPEC: ` prefix. */
  readonly problem: string;

  /**
   * @param field where the spec came from, e.g. `ports[2]`
   * @param spec the spec as given
   * @param problem what is wrong and how to fix it, without a final period
   */
  constructor(field: string, spec: unknown, problem: string) {
    super(`${field} ${showSpec(spec)}: ${problem}.`);
    this.name = "PortSpecError";
    this.field = field;
    this.spec = spec;
    this.problem = problem;
  }
}

export type Fail = (problem: string) => PortSpecError;

export function showSpec(spec: unknown): string {
  try {
    const text = JSON.stringify(spec);
    return text === undefined ? String(spec) : text;
  } catch {
    return String(spec);
  }
}

export function showValue(value: unknown): string {
  return typeof value === "number" ? String(value) : showSpec(value);
}

export function typeOf(value: unknown): string {
  return value === null ? "null" : Array.isArray(value) ? "an array" : `a ${typeof value}`;
}
