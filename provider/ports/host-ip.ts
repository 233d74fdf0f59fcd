/**
 * Host addresses of port bindings: IPv4 and IPv6 parsing, RFC 5952 formatting, and the
 * wildcard of each family.
 *
 * Pure module: no runtime Pulumi imports, no I/O.
 *
 * @module
 */
import { Fail } from "./spec";

export const INVALID_IP_FIX =
  'is not a valid IPv4 or IPv6 address; write a dotted IPv4 address such as "10.0.0.1:8080:80", ' +
  'or an IPv6 address in brackets such as "[::1]:8080:80"';

/** Validates a host IP (without brackets) and returns its canonical text. */
export function normalizeHostIp(text: string, fail: Fail): string {
  const v4 = parseIPv4(text);
  if (v4) return v4.join(".");
  const v6 = parseIPv6(text);
  if (!v6) {
    throw fail(`host IP ${JSON.stringify(text)} ${INVALID_IP_FIX}`);
  }
  if (v6.slice(0, 5).every((g) => g === 0) && v6[5] === 0xffff) {
    const v4text = [v6[6] >> 8, v6[6] & 0xff, v6[7] >> 8, v6[7] & 0xff].join(".");
    throw fail(`host IP ${JSON.stringify(text)} is an IPv4-mapped IPv6 address; write the IPv4 address ${v4text} instead`);
  }
  return formatIPv6(v6);
}

/** Strict dotted-quad IPv4 (no leading zeros, as Go's net.ParseIP). */
export function parseIPv4(text: string): number[] | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(text);
  if (!m) return undefined;
  const octets = m.slice(1).map((o) => (o.length > 1 && o.startsWith("0") ? NaN : Number(o)));
  return octets.every((o) => o >= 0 && o <= 255) ? octets : undefined;
}

/** IPv6 text (with optional trailing dotted IPv4, no zone) to 8 groups. */
export function parseIPv6(text: string): number[] | undefined {
  if (!/^[0-9A-Fa-f:.]+$/.test(text) || !text.includes(":")) return undefined;
  let s = text;
  if (s.includes(".")) {
    const lastColon = s.lastIndexOf(":");
    const v4 = parseIPv4(s.slice(lastColon + 1));
    if (!v4) return undefined;
    s = `${s.slice(0, lastColon + 1)}${((v4[0] << 8) | v4[1]).toString(16)}:${((v4[2] << 8) | v4[3]).toString(16)}`;
  }
  const gap = s.indexOf("::");
  let groups: string[];
  if (gap >= 0) {
    if (s.indexOf("::", gap + 1) >= 0) return undefined;
    const head = s.slice(0, gap) === "" ? [] : s.slice(0, gap).split(":");
    const tail = s.slice(gap + 2) === "" ? [] : s.slice(gap + 2).split(":");
    if (head.length + tail.length > 7) return undefined;
    groups = [...head, ...Array<string>(8 - head.length - tail.length).fill("0"), ...tail];
  } else {
    groups = s.split(":");
    if (groups.length !== 8) return undefined;
  }
  if (!groups.every((g) => /^[0-9A-Fa-f]{1,4}$/.test(g))) return undefined;
  return groups.map((g) => parseInt(g, 16));
}

/** RFC 5952 text: lower-case, no leading zeros, longest zero run (2+) as "::". */
export function formatIPv6(groups: number[]): string {
  let bestStart = -1;
  let bestLen = 0;
  for (let i = 0; i < 8;) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestLen < 2) return hex.join(":");
  return `${hex.slice(0, bestStart).join(":")}::${hex.slice(bestStart + bestLen).join(":")}`;
}

export function wildcard(family: 4 | 6): string {
  return family === 4 ? "0.0.0.0" : "::";
}
