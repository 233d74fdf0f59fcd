/**
 * Host sockets of port bindings and when two of them collide: `0.0.0.0` with every IPv4
 * address on the same port and protocol, `::` with every IPv6 address.
 *
 * Pure module: no runtime Pulumi imports, no I/O.
 *
 * @module
 */
import { formatIPv6, parseIPv4, parseIPv6, wildcard } from "./host-ip";
import { ContainerPortSpec } from "./spec";

/**
 * The host sockets a list of bindings would take, as keys `IP:PORT/PROTO`
 * (IPv6 in brackets: `[::1]:8080/tcp`), one per binding with an `external`
 * port, in input order without duplicates. Bindings without `external` are
 * left out: docker picks a free ephemeral port for them, so they cannot
 * collide.
 *
 * Use {@link hostBindingsCollide} to compare keys: `0.0.0.0` collides with
 * every IPv4 address on the same port and protocol, `::` with every IPv6
 * address; IPv4 and IPv6 keys never collide (docker binds `::` IPv6-only).
 *
 * @example hostBindings(parsePortSpec("[::1]:53:53/udp")) // ["[::1]:53/udp"]
 */
export function hostBindings(ports: readonly ContainerPortSpec[]): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const p of ports) {
    if (p.external === undefined) continue;
    const key = bindingKey(p.ip, p.external, p.protocol);
    if (!seen.has(key)) {
      seen.add(key);
      out.push(key);
    }
  }
  return out;
}

/**
 * Whether two {@link hostBindings} keys name the same host socket: same port
 * and protocol, and the same IP or a wildcard (`0.0.0.0` / `::`) of the same
 * family as the other IP.
 *
 * @throws Error when a key is not of the form `IP:PORT/PROTO`
 */
export function hostBindingsCollide(a: string, b: string): boolean {
  const x = parseBindingKey(a);
  const y = parseBindingKey(b);
  if (x.port !== y.port || x.protocol !== y.protocol || x.family !== y.family) return false;
  return x.ip === y.ip || x.ip === wildcard(x.family) || y.ip === wildcard(y.family);
}

// ---------------------------------------------------------------- internals

export function bindingKey(ip: string, port: number, protocol: string): string {
  return `${ip.includes(":") ? `[${ip}]` : ip}:${port}/${protocol}`;
}

export function parseBindingKey(key: string): { ip: string; family: 4 | 6; port: number; protocol: string } {
  const m = /^(?:\[([0-9a-fA-F:.]+)\]|([0-9.]+)):(\d+)\/(tcp|udp|sctp)$/.exec(key);
  if (!m) {
    throw new Error(`${JSON.stringify(key)} is not a host binding key of the form IP:PORT/PROTO (IPv6 in brackets).`);
  }
  const family = m[1] !== undefined ? 6 : 4;
  let ip: string;
  if (family === 6) {
    const groups = parseIPv6(m[1]);
    if (!groups) throw new Error(`${JSON.stringify(key)} has an invalid IPv6 address.`);
    ip = formatIPv6(groups);
  } else {
    const octets = parseIPv4(m[2]);
    if (!octets) throw new Error(`${JSON.stringify(key)} has an invalid IPv4 address.`);
    ip = octets.join(".");
  }
  return { ip, family, port: Number(m[3]), protocol: m[4] };
}
