/**
 * What every dockwire Docker resource shares in the dynamic-provider process: the state's
 * connection, unknown values at preview, exact comparison of plain values, the diff
 * result, and the owner label that tells the program's objects from everyone else's.
 * No Pulumi imports.
 *
 * @module
 */
import { EngineConnection } from "./client";

/** Version of the state layout written by the Docker resources. */
export const DOCKER_STATE_VERSION = 1;

/** What Pulumi puts in place of a value that is not known yet (preview). */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/**
 * The label dockwire puts on the networks, containers and volumes it makes:
 * `PROJECT/STACK` of the program that owns them. Preview's overlap check passes over
 * networks of the same owner; everything else on the daemon is someone else's.
 */
export const OWNER_LABEL = "dockwire.owner";

/** Whether a value (or anything inside it) is unknown. */
export function hasUnknown(v: unknown): boolean {
  if (v === UNKNOWN) return true;
  if (Array.isArray(v)) return v.some(hasUnknown);
  if (v && typeof v === "object") return Object.values(v).some(hasUnknown);
  return false;
}

/** JSON with sorted keys; `undefined` and `null` members dropped. */
export function stable(v: unknown): string {
  const norm = (x: unknown): unknown => {
    if (Array.isArray(x)) return x.map(norm);
    if (x && typeof x === "object") {
      const o: Record<string, unknown> = {};
      for (const k of Object.keys(x).sort()) {
        const val = (x as Record<string, unknown>)[k];
        if (val !== undefined && val !== null) o[k] = norm(val);
      }
      return o;
    }
    return x;
  };
  return JSON.stringify(norm(v)) ?? "undefined";
}

/** Whether two plain values are the same (key order and absent/null members ignored). */
export function same(a: unknown, b: unknown): boolean {
  return stable(a) === stable(b);
}

/** The connection kept in a resource's inputs or state, if any. */
export function connOf(x: Record<string, unknown>): EngineConnection | undefined {
  const c = x.connection as EngineConnection | undefined | null;
  return c && typeof c === "object" && typeof c.host === "string" ? c : undefined;
}

/** The daemon a connection targets (a changed target replaces the object). */
export function targetOfConn(c: EngineConnection | undefined): string {
  return c?.host ?? "";
}

/** Pulumi's diff result of a dynamic provider. */
export interface DiffResult {
  changes: boolean;
  replaces: string[];
  stables?: string[];
  deleteBeforeReplace: boolean;
}

/** A failure of `check`, in Pulumi's shape. */
export interface CheckFailure {
  property: string;
  reason: string;
}

/**
 * The fields in which `have` differs from `want`. A field absent from `want` is not
 * managed and never differs (Docker's defaults are not drift).
 */
export function changedFields(have: Record<string, unknown>, want: Record<string, unknown>, fields: readonly string[]): string[] {
  return fields.filter((f) => want[f] !== undefined && want[f] !== null && !same(have[f], want[f]));
}

/** `{ key: value }` when the value is set, else `{}`: for building exact plain objects. */
export function opt<T>(key: string, v: T | undefined | null): Record<string, T> {
  return v === undefined || v === null ? {} : { [key]: v };
}

/** Labels as the daemon takes them, from the `{ label, value }` list the state keeps, with the owner label. */
export function labelMap(list: unknown, owner: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (Array.isArray(list)) for (const l of list as { label: string; value: string }[]) out[l.label] = l.value;
  if (typeof owner === "string" && owner !== "") out[OWNER_LABEL] = owner;
  return out;
}

/** The `{ label, value }` list of the daemon's labels, sorted, the owner label left out. */
export function labelList(map: Record<string, string> | null | undefined): { label: string; value: string }[] {
  return Object.keys(map ?? {})
    .filter((k) => k !== OWNER_LABEL)
    .sort()
    .map((label) => ({ label, value: map![label] }));
}

/** A short description of an object for messages: `network "redis"`. */
export function describe(kind: string, name: unknown): string {
  return `${kind} ${JSON.stringify(name)}`;
}

/**
 * Whether a state was written by @pulumi/docker or @pulumi/command (a stack deployed with
 * dockwire 0.2, taken over through an alias): it has no `stateVersion` of dockwire's.
 */
export function isLegacyState(x: Record<string, unknown>): boolean {
  return x.stateVersion === undefined || x.stateVersion === null;
}

/**
 * A legacy state's values in the shape dockwire compares: the bridge's bookkeeping keys
 * (`__defaults`, `__meta`, ...) dropped, and empty strings, nulls, empty lists and empty
 * maps (how the docker provider reads back unset fields) taken as absent.
 */
export function legacyView(v: unknown): unknown {
  if (Array.isArray(v)) {
    const out = v.map(legacyView).filter((x) => x !== undefined);
    return out.length ? out : undefined;
  }
  if (v && typeof v === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, val] of Object.entries(v)) {
      if (k.startsWith("__")) continue;
      const x = legacyView(val);
      if (x !== undefined) out[k] = x;
    }
    return Object.keys(out).length ? out : undefined;
  }
  return v === "" || v === null ? undefined : v;
}

/** The fields among `fields` in which a legacy state differs from the new inputs (only fields the inputs set). */
export function legacyChanges(olds: Record<string, unknown>, news: Record<string, unknown>, fields: readonly string[]): string[] {
  const o = (legacyView(olds) ?? {}) as Record<string, unknown>;
  const n = (legacyView(news) ?? {}) as Record<string, unknown>;
  return fields.filter((f) => n[f] !== undefined && !same(o[f], n[f]));
}
