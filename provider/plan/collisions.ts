/**
 * What collides in one side's address plan: overlapping ranges (networks' subnets, the
 * daemon's bip network and default address pools, as dockwire's own {@link AddressPlan}
 * claims them), host sockets published twice (the rules of `ports.hostBindingsCollide`:
 * `0.0.0.0` collides with every IPv4 address on the same port and protocol, `::` with every
 * IPv6 one) and static addresses given to two containers on one network.
 *
 * The CIDR arithmetic is `ipam`'s and the socket rules are `ports`'; values that do not
 * parse (unknown until apply, secret) are left out.
 *
 * Pure module: no Pulumi imports, no I/O.
 *
 * @module
 */
import { Cidr, cidrSize, cidrsOverlap, formatCidr, parseCidr, parseIp } from "../ipam";
import { ContainerPortSpec, PortProtocol, hostBindings, hostBindingsCollide } from "../ports";
import { PlanView } from "./model";

/** A range claimed in the plan. */
export interface RangeClaim {
  /** Who claims it, e.g. `network "redis"`, `daemon "docker0" bip`. */
  owner: string;
  /** What claims it: a network's pool, the daemon's bip network, or a default address pool. */
  kind: "network" | "bip" | "pool";
  /** The block. */
  cidr: Cidr;
  /** Its canonical text, e.g. `172.38.0.0/16`. */
  text: string;
}

/** One collision, as a sentence. */
export interface Collision {
  kind: "overlap" | "host-port" | "address";
  message: string;
}

/** A CIDR block, or undefined when the text is not one. */
function tryCidr(text: string): Cidr | undefined {
  try {
    return parseCidr(text, "subnet");
  } catch {
    return undefined;
  }
}

/** The network of an interface address with prefix, e.g. bip `192.168.42.1/24` -> `192.168.42.0/24`. */
export function interfaceNetwork(text: string): Cidr | undefined {
  const [address, prefixText, ...rest] = text.split("/");
  const ip = parseIp(address);
  if (ip === undefined || prefixText === undefined || rest.length > 0 || !/^\d{1,3}$/.test(prefixText)) return undefined;
  const prefix = Number(prefixText);
  if (prefix > (ip.family === 4 ? 32 : 128)) return undefined;
  const size = cidrSize({ family: ip.family, network: 0n, prefix });
  return { family: ip.family, network: (ip.value / size) * size, prefix };
}

/** Block order: family, then start address, then larger blocks first, then owner. */
export function compareClaims(a: RangeClaim, b: RangeClaim): number {
  if (a.cidr.family !== b.cidr.family) return a.cidr.family - b.cidr.family;
  if (a.cidr.network !== b.cidr.network) return a.cidr.network < b.cidr.network ? -1 : 1;
  return a.cidr.prefix - b.cidr.prefix || (a.owner < b.owner ? -1 : a.owner > b.owner ? 1 : 0);
}

/** Every range the plan claims, in {@link compareClaims} order. */
export function rangeClaims(view: PlanView): RangeClaim[] {
  const out: RangeClaim[] = [];
  const add = (owner: string, kind: RangeClaim["kind"], cidr: Cidr | undefined) => {
    if (cidr !== undefined) out.push({ owner, kind, cidr, text: formatCidr(cidr) });
  };
  for (const n of view.networks) for (const p of n.pools) add(`network "${n.name}"`, "network", tryCidr(p.subnet));
  for (const d of view.daemons) {
    if (d.bip !== undefined) add(`daemon "${d.name}" bip`, "bip", interfaceNetwork(d.bip));
    d.pools.forEach((p, i) => add(`daemon "${d.name}" default-address-pools[${i}]`, "pool", tryCidr(p.base)));
  }
  return out.sort(compareClaims);
}

/** Pairs of claims of different owners that share addresses, each pair in claim order. */
export function overlappingPairs(claims: readonly RangeClaim[]): [RangeClaim, RangeClaim][] {
  const out: [RangeClaim, RangeClaim][] = [];
  for (let i = 0; i < claims.length; i++) {
    for (let j = i + 1; j < claims.length; j++) {
      const a = claims[i];
      const b = claims[j];
      if (a.owner !== b.owner && cidrsOverlap(a.cidr, b.cidr)) out.push([a, b]);
    }
  }
  return out;
}

/** A container's published ports with a known host port and address, as `ports` takes them. */
function portSpecs(ports: PlanView["containers"][number]["ports"]): ContainerPortSpec[] {
  const out: ContainerPortSpec[] = [];
  for (const p of ports) {
    if (p.external === undefined || !/^\d+$/.test(p.external) || !/^\d+$/.test(p.internal)) continue;
    if (parseIp(p.ip) === undefined || !["tcp", "udp", "sctp"].includes(p.protocol)) continue;
    out.push({ internal: Number(p.internal), external: Number(p.external), ip: p.ip, protocol: p.protocol as PortProtocol });
  }
  return out;
}

/** {@link hostBindingsCollide}, false for a key it cannot read. */
function collide(x: string, y: string): boolean {
  try {
    return hostBindingsCollide(x, y);
  } catch {
    return false;
  }
}

/** Every collision of the plan: overlaps, then host ports, then static addresses. */
export function findCollisions(view: PlanView): Collision[] {
  const out: Collision[] = [];
  for (const [a, b] of overlappingPairs(rangeClaims(view))) {
    out.push({ kind: "overlap", message: `${a.text} of ${a.owner} overlaps ${b.text} of ${b.owner}` });
  }

  const bindings = view.containers.map((c) => ({ owner: `container "${c.name}"`, keys: hostBindings(portSpecs(c.ports)) }));
  for (let i = 0; i < bindings.length; i++) {
    for (let j = i + 1; j < bindings.length; j++) {
      for (const x of bindings[i].keys) {
        for (const y of bindings[j].keys) {
          if (collide(x, y)) {
            out.push({ kind: "host-port", message: `host port ${x} of ${bindings[i].owner} collides with ${y} of ${bindings[j].owner}` });
          }
        }
      }
    }
  }

  const holders = new Map<string, string[]>();
  for (const c of view.containers) {
    for (const a of c.attachments) {
      for (const address of [a.ipv4, a.ipv6]) {
        if (address === undefined || parseIp(address) === undefined) continue;
        const key = `${a.network}\u0000${address}`;
        holders.set(key, [...(holders.get(key) ?? []), `container "${c.name}"`]);
      }
    }
  }
  for (const [key, owners] of holders) {
    if (owners.length < 2) continue;
    const [network, address] = key.split("\u0000");
    out.push({ kind: "address", message: `address ${address} on network "${network}" is given to ${owners.join(" and ")}` });
  }
  const rank = { overlap: 0, "host-port": 1, address: 2 };
  return out.sort((a, b) => rank[a.kind] - rank[b.kind] || (a.message < b.message ? -1 : a.message > b.message ? 1 : 0));
}
