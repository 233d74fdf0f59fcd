/**
 * IPv4 and IPv6 addresses and CIDR blocks as plain values over `bigint`.
 *
 * Pure module: no Pulumi, no I/O. Every validation failure is an {@link IpamError}
 * whose message starts with the offending field path, names the bad value and says
 * how to fix it.
 *
 * @module
 */

/** An IP address family: 4 for IPv4, 6 for IPv6. */
export type IpFamily = 4 | 6;

/** A parsed IP address: its family and its numeric value (32 or 128 bits). */
export interface IpAddress {
  /** 4 or 6. */
  family: IpFamily;
  /** The address as an unsigned integer. */
  value: bigint;
}

/**
 * A validated CIDR block. `network` never has host bits set.
 */
export interface Cidr {
  /** 4 or 6. */
  family: IpFamily;
  /** The network address as an unsigned integer, host bits all zero. */
  network: bigint;
  /** Prefix length: 0..32 for IPv4, 0..128 for IPv6. */
  prefix: number;
}

/**
 * A validation error in an address setting.
 *
 * `field` is the path of the offending setting (e.g. `ipam.gateway`), and by
 * convention `message` starts with that same path, then names the bad value and
 * the fix, e.g.
 * `subnet "10.10.0.1/16" has host bits set. For a prefix of length 16 the network address is 10.10.0.0: use "10.10.0.0/16".`
 */
export class IpamError extends Error {
  /**
   * @param field - path of the offending setting; the message starts with it.
   * @param message - full human-readable message.
   */
  constructor(
    public readonly field: string,
    message: string,
  ) {
    super(message);
    this.name = "IpamError";
  }
}

/** Number of address bits of a family: 32 for IPv4, 128 for IPv6. */
export function familyBits(family: IpFamily): number {
  return family === 4 ? 32 : 128;
}

/** Human name of a family: `"IPv4"` or `"IPv6"`. */
export function familyName(family: IpFamily): string {
  return family === 4 ? "IPv4" : "IPv6";
}

/**
 * Quote a user-supplied value for an error message: strings as JSON strings
 * (`"10.0.0.1"`), anything else via `String()` (`undefined`, `42`).
 */
export function quoteValue(value: unknown): string {
  return typeof value === "string" ? JSON.stringify(value) : String(value);
}

const IPV4_OCTET = /^(0|[1-9][0-9]{0,2})$/;
const IPV6_GROUP = /^[0-9a-fA-F]{1,4}$/;

function parseIpv4(text: string): bigint | undefined {
  const parts = text.split(".");
  if (parts.length !== 4) return undefined;
  let value = 0n;
  for (const part of parts) {
    if (!IPV4_OCTET.test(part) || Number(part) > 255) return undefined;
    value = (value << 8n) | BigInt(part);
  }
  return value;
}

/** Parse colon-separated 16-bit groups; the last may be a dotted quad when allowed. */
function parseIpv6Groups(text: string, allowIpv4Tail: boolean): bigint[] | undefined {
  if (text === "") return [];
  const parts = text.split(":");
  const groups: bigint[] = [];
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i];
    if (allowIpv4Tail && i === parts.length - 1 && part.includes(".")) {
      const v4 = parseIpv4(part);
      if (v4 === undefined) return undefined;
      groups.push(v4 >> 16n, v4 & 0xffffn);
    } else if (IPV6_GROUP.test(part)) {
      groups.push(BigInt(`0x${part}`));
    } else {
      return undefined;
    }
  }
  return groups;
}

function parseIpv6(text: string): bigint | undefined {
  const halves = text.split("::");
  if (halves.length > 2) return undefined;
  const compressed = halves.length === 2;
  const head = parseIpv6Groups(halves[0], !compressed);
  const tail = compressed ? parseIpv6Groups(halves[1], true) : [];
  if (head === undefined || tail === undefined) return undefined;
  const count = head.length + tail.length;
  // "::" stands for one or more zero groups, so with it at most 7 are written.
  if (compressed ? count > 7 : count !== 8) return undefined;
  const groups = [...head, ...new Array<bigint>(8 - count).fill(0n), ...tail];
  return groups.reduce((acc, g) => (acc << 16n) | g, 0n);
}

/**
 * Parse an IP address.
 *
 * IPv4 must be a strict dotted quad (four decimal octets 0..255, no leading
 * zeros: `010.0.0.1` is rejected). IPv6 accepts hex groups in either case, `::`
 * compression and an embedded dotted-quad tail (`::ffff:10.0.0.1`); zone ids
 * (`fe80::1%eth0`), brackets and surrounding whitespace are rejected.
 *
 * @returns the family and value, or `undefined` when `text` is not an address.
 */
export function parseIp(text: string): IpAddress | undefined {
  if (typeof text !== "string") return undefined;
  if (text.includes(":")) {
    const value = parseIpv6(text);
    return value === undefined ? undefined : { family: 6, value };
  }
  const value = parseIpv4(text);
  return value === undefined ? undefined : { family: 4, value };
}

/** Start and length of the longest run of zero groups (first one on ties); length 0 if none. */
function longestZeroRun(groups: bigint[]): { start: number; length: number } {
  let best = { start: -1, length: 0 };
  let start = -1;
  for (let i = 0; i <= groups.length; i++) {
    if (i < groups.length && groups[i] === 0n) {
      if (start < 0) start = i;
    } else if (start >= 0) {
      if (i - start > best.length) best = { start, length: i - start };
      start = -1;
    }
  }
  return best;
}

function formatIpv6(value: bigint): string {
  const groups: bigint[] = [];
  for (let shift = 112n; shift >= 0n; shift -= 16n) groups.push((value >> shift) & 0xffffn);
  const hex = (gs: bigint[]) => gs.map((g) => g.toString(16)).join(":");
  const run = longestZeroRun(groups);
  if (run.length < 2) return hex(groups);
  return `${hex(groups.slice(0, run.start))}::${hex(groups.slice(run.start + run.length))}`;
}

/**
 * Format an address as canonical text.
 *
 * IPv4 as a dotted quad; IPv6 in RFC 5952 form: lowercase hex, no leading zeros
 * in a group, the longest run of two or more zero groups (the first on ties)
 * compressed to `::`, a single zero group never compressed. Embedded IPv4
 * (mixed) notation is never produced: `::ffff:10.0.0.1` formats as `::ffff:a00:1`.
 *
 * @throws RangeError when `value` is negative or does not fit the family.
 */
export function formatIp(family: IpFamily, value: bigint): string {
  if (value < 0n || value >> BigInt(familyBits(family)) !== 0n) {
    throw new RangeError(`formatIp: ${value} is not a valid ${familyName(family)} address value`);
  }
  if (family === 6) return formatIpv6(value);
  return [24n, 16n, 8n, 0n].map((s) => ((value >> s) & 0xffn).toString()).join(".");
}

/** Mask of the host bits of a prefix: `2^(bits - prefix) - 1`. */
function hostMask(family: IpFamily, prefix: number): bigint {
  return (1n << BigInt(familyBits(family) - prefix)) - 1n;
}

const PREFIX_TEXT = /^(0|[1-9][0-9]{0,2})$/;
const CIDR_EXAMPLES = `e.g. "10.10.0.0/16" or "fd00:10::/64"`;

/**
 * Parse and validate a CIDR block such as `10.10.0.0/16` or `fd00:10::/64`.
 *
 * Rejects, with an {@link IpamError} naming `field`: non-strings, text without
 * exactly one `/`, an invalid address (see {@link parseIp}), a prefix length
 * outside 0..32 (IPv4) or 0..128 (IPv6) or written with leading zeros, and
 * host bits set (the message gives the corrected network).
 *
 * Message formats (FIELD is `field`, TEXT the JSON-quoted input):
 * - `FIELD must be a CIDR string such as "10.10.0.0/16", got TYPE.`
 * - `FIELD TEXT has no prefix length: write it as ADDRESS/PREFIX, e.g. "10.10.0.0/16" or "fd00:10::/64".`
 * - `FIELD TEXT is not a valid CIDR: write it as ADDRESS/PREFIX, e.g. "10.10.0.0/16" or "fd00:10::/64".`
 * - `FIELD TEXT has an invalid address "ADDR": use a dotted-quad IPv4 address without leading zeros or an IPv6 address, e.g. "10.10.0.0/16" or "fd00:10::/64".`
 * - `FIELD TEXT has an invalid prefix length "P": an IPv4 prefix length is a whole number from 0 to 32.` (IPv6: 0 to 128)
 * - `FIELD TEXT has host bits set. For a prefix of length P the network address is NET: use "NET/P".`
 */
export function parseCidr(text: string, field: string): Cidr {
  if (typeof text !== "string") {
    const got = text === null ? "null" : typeof text;
    throw new IpamError(field, `${field} must be a CIDR string such as "10.10.0.0/16", got ${got}.`);
  }
  const quoted = quoteValue(text);
  const parts = text.split("/");
  if (parts.length === 1 && parseIp(text) !== undefined) {
    throw new IpamError(field, `${field} ${quoted} has no prefix length: write it as ADDRESS/PREFIX, ${CIDR_EXAMPLES}.`);
  }
  if (parts.length !== 2) {
    throw new IpamError(field, `${field} ${quoted} is not a valid CIDR: write it as ADDRESS/PREFIX, ${CIDR_EXAMPLES}.`);
  }
  const [addressText, prefixText] = parts;
  const address = parseIp(addressText);
  if (address === undefined) {
    throw new IpamError(
      field,
      `${field} ${quoted} has an invalid address ${quoteValue(addressText)}: ` +
        `use a dotted-quad IPv4 address without leading zeros or an IPv6 address, ${CIDR_EXAMPLES}.`,
    );
  }
  const bits = familyBits(address.family);
  if (!PREFIX_TEXT.test(prefixText) || Number(prefixText) > bits) {
    throw new IpamError(
      field,
      `${field} ${quoted} has an invalid prefix length ${quoteValue(prefixText)}: ` +
        `an ${familyName(address.family)} prefix length is a whole number from 0 to ${bits}.`,
    );
  }
  const prefix = Number(prefixText);
  const network = address.value & ~hostMask(address.family, prefix);
  if (network !== address.value) {
    const net = formatIp(address.family, network);
    throw new IpamError(
      field,
      `${field} ${quoted} has host bits set. For a prefix of length ${prefix} the network address is ${net}: use "${net}/${prefix}".`,
    );
  }
  return { family: address.family, network, prefix };
}

/** Canonical text of a CIDR block, e.g. `10.10.0.0/16`, `fd00:10::/64`. */
export function formatCidr(c: Cidr): string {
  return `${formatIp(c.family, c.network)}/${c.prefix}`;
}

/** Number of addresses in the block: `2^(bits - prefix)`. */
export function cidrSize(c: Cidr): bigint {
  return 1n << BigInt(familyBits(c.family) - c.prefix);
}

/** Last address of the block (the broadcast address for IPv4). */
export function lastAddress(c: Cidr): bigint {
  return c.network | hostMask(c.family, c.prefix);
}

/**
 * The first host address of the block, the conventional (and Docker's default)
 * gateway.
 *
 * Normally `network + 1`. Blocks with no separate network address yield the
 * network address itself: IPv4 /31 (point-to-point, RFC 3021) and /32 (a single
 * host), IPv6 /127 (point-to-point, RFC 6164) and /128 (a single host).
 */
export function firstHost(c: Cidr): bigint {
  const hostBits = familyBits(c.family) - c.prefix;
  return hostBits <= 1 ? c.network : c.network + 1n;
}

/** Whether the address (`family`, `value`) lies inside the block. False across families. */
export function cidrContains(c: Cidr, family: IpFamily, value: bigint): boolean {
  return c.family === family && value >= c.network && value <= lastAddress(c);
}

/** Whether `inner` lies entirely inside `outer` (equal blocks count). False across families. */
export function cidrContainsCidr(outer: Cidr, inner: Cidr): boolean {
  return outer.prefix <= inner.prefix && cidrContains(outer, inner.family, inner.network);
}

/** Whether the two blocks share any address. CIDR blocks overlap only if one contains the other. */
export function cidrsOverlap(a: Cidr, b: Cidr): boolean {
  return cidrContainsCidr(a, b) || cidrContainsCidr(b, a);
}
