/**
 * POSIX shell quoting for the scripts dockwire hands to `/bin/sh -c`
 * (for example the `create`/`delete` scripts of `@pulumi/command` resources).
 *
 * Pure module: no Pulumi imports, no I/O.
 *
 * @module
 */

/**
 * Characters that never need quoting in a POSIX shell word.
 *
 * A word made only of these is passed through unchanged by {@link shellQuote}
 * so that generated scripts stay readable (`ip -n r1 link set dev eth0 up`
 * rather than `'ip' '-n' 'r1' ...`). None of them is special to `sh`: no
 * globbing (`* ? [`), expansion (`$ ~ \``), quoting (`' " \`), word splitting
 * (whitespace), redirection (`< >`), control (`; & | ( )`) or comment (`#`).
 */
const SAFE_WORD = /^[A-Za-z0-9_./:=@%+-]+$/;

/**
 * Quotes `s` so that `sh` reads it back as exactly one word equal to `s`.
 *
 * - A non-empty string made only of `A-Z a-z 0-9 _ . / : = @ % + -` is
 *   returned unchanged.
 * - Anything else (including the empty string) is wrapped in single quotes,
 *   inside which `sh` treats every character literally; an embedded `'` is
 *   written as `'"'"'` (close the quote, a double-quoted `'`, reopen).
 *
 * Newlines, `$(...)`, backticks, `;`, globs and so on all end up inside the
 * single quotes and therefore stay inert.
 *
 * Caveats: quoting makes a value one *word*, it does not make it a harmless
 * *argument*: a value starting with `-` is still read as an option by the
 * program receiving it, and an unquoted-safe `NAME=value` placed first on a
 * command line is an assignment. Validate such values before interpolating
 * them (dockwire's name validators reject a leading `-`).
 *
 * @example shellQuote("eth0") === "eth0"
 * @example shellQuote("a;rm -rf /") === "'a;rm -rf /'"
 * @example shellQuote("x'y") === "'x'\"'\"'y'"
 * @example shellQuote("") === "''"
 */
export function shellQuote(s: string): string {
  if (typeof s !== "string") {
    throw new TypeError(`shellQuote expects a string, got ${describe(s)}.`);
  }
  if (SAFE_WORD.test(s)) {
    return s;
  }
  return `'${s.replace(/'/g, `'"'"'`)}'`;
}

/**
 * A piece of shell text that {@link sh} inserts verbatim instead of quoting.
 * Create one with {@link rawShell}; only wrap text you built yourself (for
 * example the output of another {@link sh} call), never user input.
 */
export class RawShell {
  /** @param text shell text inserted as-is by {@link sh}. */
  constructor(readonly text: string) {}
  /** The raw shell text. */
  toString(): string {
    return this.text;
  }
}

/** Marks `text` as already-valid shell to be inserted unquoted by {@link sh}. */
export function rawShell(text: string): RawShell {
  return new RawShell(text);
}

/**
 * Values {@link sh} accepts for interpolation: strings and finite numbers are
 * quoted as one word each; arrays expand to one quoted word per element,
 * separated by single spaces (an empty array expands to nothing);
 * {@link RawShell} is inserted verbatim.
 */
export type ShellValue = string | number | RawShell | readonly (string | number)[];

/**
 * Tagged template that builds a shell command line, quoting every
 * interpolated value with {@link shellQuote}; the literal template text is
 * kept as written.
 *
 * Throws a `TypeError` for `undefined`, `null`, objects, booleans and
 * non-finite numbers, so a missing value can never silently become the word
 * `undefined`.
 *
 * @example
 * sh`ip -n ${ns} addr replace ${addr} dev ${dev}`
 * // with ns = "r1", addr = "10.0.0.1/24", dev = "eth 0":
 * // "ip -n r1 addr replace 10.0.0.1/24 dev 'eth 0'"
 */
export function sh(strings: TemplateStringsArray, ...values: ShellValue[]): string {
  let out = strings[0];
  for (let i = 0; i < values.length; i++) {
    out += renderValue(values[i], i) + strings[i + 1];
  }
  return out;
}

function renderValue(value: unknown, index: number): string {
  if (value instanceof RawShell) {
    return value.text;
  }
  if (Array.isArray(value)) {
    return value.map((v, j) => renderScalar(v, `${index}[${j}]`)).join(" ");
  }
  return renderScalar(value, String(index));
}

function renderScalar(value: unknown, where: string): string {
  if (typeof value === "string") {
    return shellQuote(value);
  }
  if (typeof value === "number" && Number.isFinite(value)) {
    return shellQuote(String(value));
  }
  throw new TypeError(
    `sh: interpolated value #${where} is ${describe(value)}; pass a string, a finite number, an array of them, or rawShell(text).`,
  );
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "number") return `the number ${String(value)}`;
  return typeof value === "object" ? "an object" : `${typeof value}`;
}
