/**
 * Parsing what `provider/sh/netns-observe.sh` prints (iproute2's JSON) into what the
 * netns resources compare with their inputs, and finding objects in it.
 *
 * Pure module: no Pulumi imports, no I/O.
 *
 * @module
 */
import { formatIp, parseIp } from "../ipam/cidr";

/** The host namespace in observe arguments and views. */
export const HOST_NS = "-";

/** One address of a link, as `ADDR/PREFIX`, with its scope. */
export interface AddressView {
  /** `10.0.0.1/24`, `fd00::1/64` (iproute2's canonical text). */
  cidr: string;
  /** `global`, `host`, `link`, ... */
  scope: string;
}

/** One link of a namespace. */
export interface LinkView {
  name: string;
  /** `linkinfo.info_kind` (`veth`, `bridge`, ...), undefined for plain devices. */
  kind?: string;
  /** Administratively up (the `UP` flag). */
  up: boolean;
  /** The bridge it is a port of. */
  master?: string;
  addresses: AddressView[];
}

/** One route of a main table. */
export interface RouteView {
  family: 4 | 6;
  /** `default` or `NET/PREFIX` (a host route gets /32 or /128). */
  destination: string;
  gateway?: string;
  dev?: string;
}

/** What one namespace holds. */
export interface NamespaceView {
  links: LinkView[];
  routes: RouteView[];
}

/** Each namespace asked about: its view, or `absent`. */
export type HostView = Map<string, NamespaceView | "absent">;

/** Output of the observe script that cannot be read; the message names the line and what was expected. */
export class ObserveParseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ObserveParseError";
  }
}

type Section = "addr" | "route4" | "route6";

/**
 * Parses the observe script's output.
 * @throws ObserveParseError naming the line (1-based) and the problem
 */
export function parseObservation(text: string): HostView {
  if (typeof text !== "string") throw new ObserveParseError("observe output must be text");
  const view: HostView = new Map();
  const lines = text.split("\n");
  let current: { name: string; view: NamespaceView; seen: Set<Section> } | undefined;
  let expecting: Section | undefined;
  const err = (i: number, what: string) => new ObserveParseError(`observe output line ${i + 1}: ${what}`);
  const finish = (i: number) => {
    if (current && current.seen.size !== 3) {
      const missing = (["addr", "route4", "route6"] as Section[]).filter((s) => !current!.seen.has(s));
      throw err(i, `namespace ${current.name} is missing its ${missing.join(", ")} section`);
    }
    current = undefined;
  };
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (expecting !== undefined) {
      let data: unknown;
      try {
        data = JSON.parse(line);
      } catch {
        throw err(i, `the ${expecting} section of namespace ${current!.name} is not JSON: ${JSON.stringify(line.slice(0, 80))}`);
      }
      if (!Array.isArray(data)) throw err(i, `the ${expecting} section of namespace ${current!.name} is not a JSON array`);
      if (expecting === "addr")
        current!.view.links = data.map((d, k) => parseLink(d, () => err(i, `link ${k} of namespace ${current!.name}`)));
      else
        current!.view.routes.push(
          ...data.map((d, k) => parseRoute(d, expecting === "route4" ? 4 : 6, () => err(i, `route ${k} of namespace ${current!.name}`))),
        );
      current!.seen.add(expecting);
      expecting = undefined;
      continue;
    }
    if (line.trim() === "") continue;
    const ns = /^@dockwire ns (\S+) (present|absent)$/.exec(line);
    if (ns) {
      finish(i);
      if (view.has(ns[1])) throw err(i, `namespace ${ns[1]} is reported twice`);
      if (ns[2] === "absent") {
        view.set(ns[1], "absent");
      } else {
        current = { name: ns[1], view: { links: [], routes: [] }, seen: new Set() };
        view.set(ns[1], current.view);
      }
      continue;
    }
    const section = /^@dockwire (addr|route4|route6)$/.exec(line);
    if (section) {
      if (!current) throw err(i, `${section[1]} section outside a present namespace`);
      if (current.seen.has(section[1] as Section)) throw err(i, `namespace ${current.name} has two ${section[1]} sections`);
      expecting = section[1] as Section;
      continue;
    }
    throw err(i, `unexpected line ${JSON.stringify(line.slice(0, 80))}`);
  }
  if (expecting !== undefined) throw err(lines.length - 1, `the ${expecting} section of namespace ${current!.name} has no data`);
  finish(lines.length - 1);
  return view;
}

function parseLink(d: unknown, where: () => ObserveParseError): LinkView {
  if (typeof d !== "object" || d === null) throw withWhat(where(), "is not an object");
  const o = d as Record<string, unknown>;
  if (typeof o.ifname !== "string" || o.ifname === "") throw withWhat(where(), "has no ifname");
  const flags = Array.isArray(o.flags) ? o.flags : [];
  const info = typeof o.linkinfo === "object" && o.linkinfo !== null ? (o.linkinfo as Record<string, unknown>) : {};
  const addrInfo = Array.isArray(o.addr_info) ? o.addr_info : [];
  const addresses: AddressView[] = [];
  for (const a of addrInfo as unknown[]) {
    if (typeof a !== "object" || a === null) throw withWhat(where(), `(${o.ifname}) has an address that is not an object`);
    const x = a as Record<string, unknown>;
    if (typeof x.local !== "string" || typeof x.prefixlen !== "number") {
      throw withWhat(where(), `(${o.ifname}) has an address without local and prefixlen`);
    }
    addresses.push({ cidr: `${x.local}/${x.prefixlen}`, scope: typeof x.scope === "string" ? x.scope : "global" });
  }
  return {
    name: o.ifname,
    ...(typeof info.info_kind === "string" ? { kind: info.info_kind } : {}),
    up: flags.includes("UP"),
    ...(typeof o.master === "string" ? { master: o.master } : {}),
    addresses,
  };
}

function parseRoute(d: unknown, family: 4 | 6, where: () => ObserveParseError): RouteView {
  if (typeof d !== "object" || d === null) throw withWhat(where(), "is not an object");
  const o = d as Record<string, unknown>;
  if (typeof o.dst !== "string" || o.dst === "") throw withWhat(where(), "has no dst");
  const destination = o.dst === "default" || o.dst.includes("/") ? o.dst : `${o.dst}/${family === 4 ? 32 : 128}`;
  return {
    family,
    destination,
    ...(typeof o.gateway === "string" ? { gateway: o.gateway } : {}),
    ...(typeof o.dev === "string" ? { dev: o.dev } : {}),
  };
}

function withWhat(e: ObserveParseError, what: string): ObserveParseError {
  return new ObserveParseError(`${e.message} ${what}`);
}

/** The link `name` of namespace `ns` (`-` for the host), if that namespace is present and has it. */
export function findLink(view: HostView, ns: string, name: string): LinkView | undefined {
  const v = view.get(ns);
  return v === undefined || v === "absent" ? undefined : v.links.find((l) => l.name === name);
}

/** Whether namespace `ns` was observed present. */
export function namespacePresent(view: HostView, ns: string): boolean {
  const v = view.get(ns);
  return v !== undefined && v !== "absent";
}

/**
 * The addresses of a link as dockwire compares them: every address except link-scope
 * ones the kernel adds by itself (IPv6 `fe80::/64` on every up interface), unless they
 * are `wanted`; in `wanted`'s order first, then the others in the kernel's order.
 */
export function comparableAddresses(link: LinkView, wanted: readonly string[]): string[] {
  const want = wanted.map(canonicalCidr);
  const have = link.addresses.filter((a) => a.scope !== "link" || want.includes(canonicalCidr(a.cidr))).map((a) => canonicalCidr(a.cidr));
  const inOrder = wanted.filter((w, i) => have.includes(want[i]));
  const rest = have.filter((h) => !want.includes(h));
  return [...inOrder, ...rest];
}

/**
 * `ADDR/PREFIX` in a canonical text: IPv4 as is, IPv6 lower-case with the longest run of
 * zero groups written `::` (as iproute2 prints them), so `FD00:0:0::1/64` equals `fd00::1/64`.
 */
export function canonicalCidr(cidr: string): string {
  const slash = cidr.indexOf("/");
  const addr = slash < 0 ? cidr : cidr.slice(0, slash);
  const rest = slash < 0 ? "" : cidr.slice(slash);
  return canonicalIp(addr) + rest;
}

/** An address in canonical text (see {@link canonicalCidr}); text that is not an IPv6 address comes back unchanged. */
export function canonicalIp(addr: string): string {
  const ip = parseIp(addr.toLowerCase());
  return ip !== undefined && ip.family === 6 ? formatIp(6, ip.value) : addr;
}
