/**
 * Reading property values out of Pulumi's JSON: the unknown-value sentinel of a preview,
 * secrets (`[secret]` in a preview, the signature object in a stack export), empty
 * strings and maps the docker provider reads back for unset fields.
 *
 * Pure module: no Pulumi imports, no I/O.
 *
 * @module
 */

/** How a value that is only known after `pulumi up` is shown. */
export const UNKNOWN = "(known after apply)";

/** How a secret value is shown. */
export const SECRET = "[secret]";

/** The string Pulumi serializes an unknown (computed) value as. */
export const UNKNOWN_SENTINEL = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/** The signature key and value that mark a secret in a stack export. */
const SECRET_KEY = "4dabf18193072939515e22adb298388d";
const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";

/** A JSON object (not an array, not null). */
export type JsonObject = Record<string, unknown>;

/** Whether `v` is a JSON object (not an array, not null). */
export function isObject(v: unknown): v is JsonObject {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Whether `v` is a secret: `[secret]` (preview) or a signed secret object (stack export). */
export function isSecret(v: unknown): boolean {
  return v === SECRET || (isObject(v) && v[SECRET_KEY] === SECRET_SIG && typeof v.plaintext !== "string");
}

/**
 * The value itself: a stack export's secret with a `plaintext` is decoded (its JSON),
 * anything else is returned as it is.
 */
export function reveal(v: unknown): unknown {
  if (isObject(v) && v[SECRET_KEY] === SECRET_SIG && typeof v.plaintext === "string") {
    try {
      return JSON.parse(v.plaintext) as unknown;
    } catch {
      return v.plaintext;
    }
  }
  return v;
}

/**
 * A scalar as display text: strings as they are (the unknown sentinel as {@link UNKNOWN},
 * secrets as {@link SECRET}), numbers and booleans as `String()`; `undefined` for absent,
 * null and empty strings (what the docker provider reads back for unset fields).
 */
export function text(raw: unknown): string | undefined {
  const v = reveal(raw);
  if (isSecret(v)) return SECRET;
  if (v === UNKNOWN_SENTINEL) return UNKNOWN;
  if (typeof v === "string") return v === "" ? undefined : v;
  if (typeof v === "number" || typeof v === "boolean") return String(v);
  return undefined;
}

/** An array value, or `[]` for anything else (absent, unknown, secret). */
export function list(raw: unknown): unknown[] {
  const v = reveal(raw);
  return Array.isArray(v) ? v : [];
}

/** An object value, or `{}` for anything else. */
export function record(raw: unknown): JsonObject {
  const v = reveal(raw);
  return isObject(v) ? v : {};
}

/** Whether the value is present: neither absent, null, an empty string nor an empty array or map. */
export function present(raw: unknown): boolean {
  const v = reveal(raw);
  if (v === undefined || v === null || v === "") return false;
  if (Array.isArray(v)) return v.length > 0;
  if (isObject(v) && !isSecret(v)) return Object.keys(v).length > 0;
  return true;
}

/** Compares strings by code unit, with runs of digits compared as numbers (`redis-2` before `redis-10`). */
export function naturalCompare(a: string, b: string): number {
  const re = /(\d+)|(\D+)/g;
  const pa = a.match(re) ?? [];
  const pb = b.match(re) ?? [];
  for (let i = 0; i < Math.min(pa.length, pb.length); i++) {
    const x = pa[i];
    const y = pb[i];
    if (x === y) continue;
    const dx = /^\d/.test(x);
    const dy = /^\d/.test(y);
    if (dx && dy) {
      const d = BigInt(x) - BigInt(y);
      if (d !== 0n) return d < 0n ? -1 : 1;
      return x.length - y.length;
    }
    return x < y ? -1 : 1;
  }
  return pa.length - pb.length;
}
