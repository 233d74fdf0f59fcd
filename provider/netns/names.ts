/**
 * Validation of Linux interface and network-namespace names used by the
 * netns command builders.
 *
 * Pure module: no Pulumi imports, no I/O.
 *
 * dockwire accepts only names that never need shell quoting and can never be
 * read as an option: a letter or digit followed by letters, digits, `_`, `.`
 * and `-`. The builders still quote every name (defence in depth).
 *
 * @module
 */

/** Longest Linux interface name in bytes (`IFNAMSIZ` 16 minus the NUL). */
export const MAX_INTERFACE_NAME = 15;

/** Longest namespace name dockwire accepts (a file name under /var/run/netns). */
export const MAX_NAMESPACE_NAME = 64;

/** The character set dockwire allows in interface and namespace names. */
export const SAFE_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;

/**
 * A rejected interface or namespace name. The message names the field, the
 * value (JSON-quoted, so a newline shows as `\n`) and the fix, e.g.
 * `veth.name "veth-very-long-name0" is 20 characters: Linux interface names are at most 15; shorten it.`
 */
export class NameError extends Error {
  /** The field that held the name, e.g. `veth.name`. */
  readonly field: string;
  /** The rejected value. */
  readonly value: unknown;

  /**
   * @param field the field that held the name
   * @param value the rejected value
   * @param message the full message
   */
  constructor(field: string, value: unknown, message: string) {
    super(message);
    this.name = "NameError";
    this.field = field;
    this.value = value;
  }
}

/**
 * Checks a Linux network interface name and returns it unchanged.
 *
 * Kernel rules (`dev_valid_name`): 1-15 bytes, not `.` or `..`, no `/`, no
 * `:` and no whitespace. dockwire additionally requires
 * `^[A-Za-z0-9][A-Za-z0-9_.-]*$`, so the name needs no shell quoting and
 * cannot be mistaken for an option of `ip`.
 *
 * @param name the interface name
 * @param field the field that held it, used in messages (e.g. `veth.ends[0].rename`)
 * @throws NameError naming the field, the value and the fix
 */
export function validateInterfaceName(name: string, field: string): string {
  checkCommon(name, field, "interface");
  checkCharacters(name, field, "interface");
  if (name.length > MAX_INTERFACE_NAME) {
    throw new NameError(
      field,
      name,
      `${field} ${quote(name)} is ${name.length} characters: Linux interface names are at most ${MAX_INTERFACE_NAME}; shorten it.`,
    );
  }
  return name;
}

/**
 * Checks a network namespace name (as used by `ip netns`) and returns it
 * unchanged: 1-64 characters of `^[A-Za-z0-9][A-Za-z0-9_.-]*$` (so also not
 * `.` or `..`, and no `/`, because the name is a file under /var/run/netns).
 *
 * @param name the namespace name
 * @param field the field that held it, used in messages (e.g. `netns.name`)
 * @throws NameError naming the field, the value and the fix
 */
export function validateNamespaceName(name: string, field: string): string {
  checkCommon(name, field, "namespace");
  checkCharacters(name, field, "namespace");
  if (name.length > MAX_NAMESPACE_NAME) {
    throw new NameError(
      field,
      name,
      `${field} ${quote(name)} is ${name.length} characters: dockwire namespace names are at most ${MAX_NAMESPACE_NAME}; shorten it.`,
    );
  }
  return name;
}

function checkCommon(name: unknown, field: string, kind: Kind): asserts name is string {
  if (typeof name !== "string") {
    throw new NameError(field, name, `${field} must be a string ${kind} name, not ${describe(name)}.`);
  }
  if (name === "") {
    const max = kind === "interface" ? MAX_INTERFACE_NAME : MAX_NAMESPACE_NAME;
    throw new NameError(
      field,
      name,
      `${field} is empty: give the ${kind} a name of 1-${max} characters (letters, digits, "_", "." and "-", starting with a letter or digit).`,
    );
  }
  if (name === "." || name === "..") {
    throw new NameError(field, name, `${field} ${quote(name)} is reserved by Linux; pick another name.`);
  }
}

type Kind = "interface" | "namespace";

/** Reports the first character (in order) that Linux or dockwire rejects. */
function checkCharacters(name: string, field: string, kind: Kind): void {
  if (SAFE_NAME.test(name)) return;
  const q = quote(name);
  const chars = [...name];
  const index = chars.findIndex((c, i) => !(i === 0 ? /[A-Za-z0-9]/ : /[A-Za-z0-9_.-]/).test(c));
  const bad = chars[index];
  if (kind === "interface" && (bad === "/" || bad === ":" || /\s/.test(bad))) {
    const what = /\s/.test(bad) ? "whitespace" : quote(bad);
    const alias = bad === ":" ? " (it is the old alias syntax, as in eth0:1)" : "";
    throw new NameError(field, name, `${field} ${q} contains ${what}, which Linux forbids in interface names${alias}; remove it.`);
  }
  if (kind === "namespace" && bad === "/") {
    throw new NameError(field, name, `${field} ${q} contains "/": a namespace name is a file name under /var/run/netns; remove it.`);
  }
  if (index === 0) {
    const why = bad === "-" ? ' (a leading "-" would be read as an option of ip)' : "";
    throw new NameError(
      field,
      name,
      `${field} ${q} starts with ${quote(bad)}${why}: dockwire names must start with a letter or digit; rename it.`,
    );
  }
  throw new NameError(
    field,
    name,
    `${field} ${q} contains ${quote(bad)}: dockwire names use only letters, digits, "_", "." and "-" so they never need shell quoting; rename it.`,
  );
}

function quote(value: string): string {
  return JSON.stringify(value);
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (value === undefined) return "undefined";
  if (Array.isArray(value)) return "an array";
  return `a ${typeof value}`;
}
