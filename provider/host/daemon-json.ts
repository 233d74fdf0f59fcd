/**
 * The Docker daemon's configuration file (`/etc/docker/daemon.json`) as typed,
 * validated settings, and the pure text operations dockwire performs on it:
 * merging managed keys into an existing file without losing the others, putting
 * previous values back, rendering a stable text and describing a change.
 *
 * Pure module: no Pulumi, no I/O. The same merge and restore rules run on the
 * Docker host in python3 (see `./daemon-apply`); the unit tests hold the two to
 * the same results.
 *
 * @module
 */

import { AddressPlan, Cidr, cidrContainsCidr, firstHost, formatCidr, formatIp, lastAddress, parseCidr, parseIp, quoteValue } from "../ipam";

/** One `default-address-pools` entry: networks of prefix length `size` are carved out of `base`. */
export interface DaemonAddressPool {
  /** The pool, a CIDR block such as `10.200.0.0/16` (no host bits set). */
  base: string;
  /** Prefix length of each network Docker allocates from `base`, e.g. `24`: from base's prefix up to 30 (IPv4) or 126 (IPv6). */
  size: number;
}

/**
 * The daemon.json settings dockwire manages, by their typed names. Each one maps to
 * one daemon.json key (in parentheses); keys dockwire does not model go in `extra`.
 */
export interface DaemonSettings {
  /**
   * (`bip`) The IPv4 address of the default bridge `docker0`, with its prefix length,
   * e.g. `192.168.42.1/24`. Not the network or the broadcast address; prefix 1..30.
   */
  bip?: string;
  /**
   * (`fixed-cidr`) The IPv4 range inside bip's network that containers on the default
   * bridge get addresses from, e.g. `192.168.42.128/25`. Needs `bip`.
   */
  fixedCidr?: string;
  /**
   * (`mtu`) MTU of the default bridge's container interfaces: a whole number from 68
   * (the IPv4 minimum, RFC 791) to 65535 (the largest IP packet).
   */
  mtu?: number;
  /** (`dns`) Resolver addresses given to containers, IPv4 or IPv6, e.g. `["1.1.1.1"]`. */
  dns?: string[];
  /** (`dns-search`) Search domains given to containers, e.g. `["example.com"]`. */
  dnsSearch?: string[];
  /**
   * (`default-address-pools`) The pools Docker allocates user-defined networks from.
   * They must not overlap each other, nor bip's network.
   */
  defaultAddressPools?: DaemonAddressPool[];
  /**
   * (`hosts`) Addresses the daemon listens on: `unix:///path`, `tcp://HOST:PORT` or
   * `fd://`. Plain TCP (without `extra.tlsverify: true`) is refused unless
   * `allowInsecureTcp` is set, because it hands root on the host to anyone who can
   * reach the port. (dockerd 20.10 also delays its start by 15 s for plain TCP unless
   * daemon.json says `"tls": false` explicitly, e.g. `extra: { tls: false }`.)
   * With the systemd restart, see DaemonConfig's `manageHostsDropIn`.
   */
  hosts?: string[];
  /**
   * Any other daemon.json keys, written as given (e.g. `{"log-level": "warn"}`).
   * Values must be JSON. Keys of the typed settings above are refused here.
   */
  extra?: Record<string, unknown>;
}

/** Options of {@link validateDaemonSettings}. */
export interface ValidateDaemonOptions {
  /**
   * Accept `tcp://` entries in `hosts` without TLS (`extra.tlsverify: true`).
   * Only for an isolated lab: plain TCP is unauthenticated root access.
   */
  allowInsecureTcp?: boolean;
  /**
   * An address plan to claim `bip`'s network (owner `daemon bip`) and each pool
   * (owner `daemon default-address-pools[i]`) in, so the program's networks cannot
   * overlap them. Nothing is registered when any check fails.
   */
  plan?: AddressPlan;
}

/** A validation error in daemon settings; `message` starts with `field`. */
export class DaemonConfigError extends Error {
  /**
   * @param field - path of the offending setting, e.g. `daemon.mtu`.
   * @param message - full message, starting with `field`, naming the value and the fix.
   */
  constructor(
    public readonly field: string,
    message: string,
  ) {
    super(message);
    this.name = "DaemonConfigError";
  }
}

/** The typed settings in order, with their daemon.json keys. */
export const DAEMON_SETTING_KEYS: ReadonlyArray<readonly [keyof Omit<DaemonSettings, "extra">, string]> = [
  ["bip", "bip"],
  ["fixedCidr", "fixed-cidr"],
  ["mtu", "mtu"],
  ["dns", "dns"],
  ["dnsSearch", "dns-search"],
  ["defaultAddressPools", "default-address-pools"],
  ["hosts", "hosts"],
];

const KNOWN_SETTINGS = [...DAEMON_SETTING_KEYS.map(([k]) => k as string), "extra"];
const MANAGED_JSON_KEYS = new Map(DAEMON_SETTING_KEYS.map(([k, j]) => [j, k as string]));
const TYPED_NAMES = new Set(DAEMON_SETTING_KEYS.map(([k]) => k as string));

/** Smallest and largest MTU accepted: the IPv4 minimum (RFC 791) and the largest IP packet. */
export const MTU_MIN = 68;
/** See {@link MTU_MIN}. */
export const MTU_MAX = 65535;

function typeName(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "a list";
  return typeof value;
}

/** "an array", "a string", "a number", "a boolean" or "null": how the host-side script names a JSON value too. */
function jsonKind(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  return `a ${typeof value}`;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

function join(field: string, key: string): string {
  return field === "" ? key : `${field}.${key}`;
}

/** Parse and check `bip`; returns the canonical text and the bridge's network. */
function validateBip(value: unknown, p: string): { text: string; network: Cidr } {
  if (typeof value !== "string") {
    throw new DaemonConfigError(p, `${p} must be a string such as "192.168.42.1/24", got ${typeName(value)}.`);
  }
  const q = quoteValue(value);
  const fix = (example: string) => `give the bridge's own address with its prefix, e.g. "${example}".`;
  const parts = value.split("/");
  const ip = parseIp(parts[0]);
  if (parts.length === 1 && ip !== undefined) {
    const example = ip.family === 4 ? `${value}/24` : "192.168.42.1/24";
    throw new DaemonConfigError(p, `${p} ${q} has no prefix length: ${fix(example)}`);
  }
  if (parts.length !== 2 || ip === undefined) {
    throw new DaemonConfigError(p, `${p} ${q} is not an IPv4 address with a prefix length: ${fix("192.168.42.1/24")}`);
  }
  if (ip.family !== 4) {
    throw new DaemonConfigError(
      p,
      `${p} ${q} is an IPv6 address: bip is the IPv4 address of docker0 with its prefix, e.g. "192.168.42.1/24"; ` +
        `IPv6 ranges go in extra "fixed-cidr-v6".`,
    );
  }
  const prefixText = parts[1];
  if (!/^[1-9][0-9]?$/.test(prefixText) || Number(prefixText) > 30) {
    throw new DaemonConfigError(
      p,
      `${p} ${q} has an invalid prefix length ${quoteValue(prefixText)}: a bridge needs a prefix length from 1 to 30 ` +
        `to leave room for containers, e.g. "${parts[0]}/24".`,
    );
  }
  const prefix = Number(prefixText);
  const mask = (1n << BigInt(32 - prefix)) - 1n;
  const network: Cidr = { family: 4, network: ip.value & ~mask, prefix };
  const example = `${formatIp(4, firstHost(network))}/${prefix}`;
  if (ip.value === network.network) {
    throw new DaemonConfigError(p, `${p} ${q} is the network address: ${fix(example)}`);
  }
  if (ip.value === lastAddress(network)) {
    throw new DaemonConfigError(p, `${p} ${q} is the broadcast address of ${formatCidr(network)}: ${fix(example)}`);
  }
  return { text: `${formatIp(4, ip.value)}/${prefix}`, network };
}

function validateFixedCidr(value: unknown, p: string, bip: { text: string; network: Cidr } | undefined): string {
  if (typeof value !== "string") {
    throw new DaemonConfigError(p, `${p} must be a CIDR string such as "192.168.42.128/25", got ${typeName(value)}.`);
  }
  const cidr = parseCidr(value, p);
  const text = formatCidr(cidr);
  if (cidr.family !== 4) {
    throw new DaemonConfigError(
      p,
      `${p} ${quoteValue(value)} is IPv6: fixed-cidr is an IPv4 range inside bip's network; put IPv6 ranges in extra "fixed-cidr-v6".`,
    );
  }
  if (bip === undefined) {
    const example = cidr.prefix <= 30 ? `${formatIp(4, firstHost(cidr))}/${cidr.prefix}` : "192.168.42.1/24";
    throw new DaemonConfigError(p, `${p} ${text} needs bip: set bip to the bridge address whose network contains it, e.g. "${example}".`);
  }
  if (!cidrContainsCidr(bip.network, cidr)) {
    const net = formatCidr(bip.network);
    const half = formatCidr({ ...bip.network, prefix: bip.network.prefix + 1 });
    throw new DaemonConfigError(p, `${p} ${text} is outside bip's network ${net}: use ${net} itself or a part of it, e.g. "${half}".`);
  }
  return text;
}

function validateMtu(value: unknown, p: string): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < MTU_MIN || value > MTU_MAX) {
    const got = typeof value === "number" ? String(value) : typeName(value);
    throw new DaemonConfigError(
      p,
      `${p} must be a whole number from ${MTU_MIN} (the IPv4 minimum) to ${MTU_MAX} (the largest IP packet), got ${got}; ` +
        `1500 is the usual Ethernet value.`,
    );
  }
  return value;
}

function validateList(value: unknown, p: string, what: string, example: string): unknown[] {
  if (!Array.isArray(value)) {
    throw new DaemonConfigError(p, `${p} must be a list of ${what} such as ${example}, got ${typeName(value)}.`);
  }
  if (value.length === 0) {
    throw new DaemonConfigError(p, `${p} is empty: list at least one of ${what}, e.g. ${example}, or leave it unset.`);
  }
  return value;
}

function validateDns(value: unknown, p: string): string[] {
  return validateList(value, p, "resolver addresses", `["1.1.1.1", "2606:4700:4700::1111"]`).map((entry, i) => {
    const ip = typeof entry === "string" ? parseIp(entry) : undefined;
    if (ip === undefined) {
      throw new DaemonConfigError(
        `${p}[${i}]`,
        `${p}[${i}] ${quoteValue(entry)} is not an IP address: give a resolver's address such as "1.1.1.1" or "2606:4700:4700::1111".`,
      );
    }
    return formatIp(ip.family, ip.value);
  });
}

const DOMAIN_LABEL = /^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;

/** Whether `text` is a domain name: dot-separated labels of letters, digits and inner hyphens (1-63 chars), at most 253 chars. */
export function isDomainName(text: string): boolean {
  if (typeof text !== "string" || text.length === 0 || text.length > 253) return false;
  return text.split(".").every((label) => DOMAIN_LABEL.test(label));
}

function validateDnsSearch(value: unknown, p: string): string[] {
  return validateList(value, p, "domain names", `["example.com"]`).map((entry, i) => {
    if (typeof entry !== "string" || !isDomainName(entry)) {
      throw new DaemonConfigError(
        `${p}[${i}]`,
        `${p}[${i}] ${quoteValue(entry)} is not a valid domain name: use labels of letters, digits and hyphens ` +
          `(1 to 63 characters, not starting or ending with a hyphen) separated by dots, at most 253 characters, e.g. "example.com".`,
      );
    }
    return entry;
  });
}

function validatePools(value: unknown, p: string): { pools: DaemonAddressPool[]; cidrs: Cidr[] } {
  const list = validateList(value, p, "pools", `[{ base: "10.200.0.0/16", size: 24 }]`);
  const pools: DaemonAddressPool[] = [];
  const cidrs: Cidr[] = [];
  list.forEach((entry, i) => {
    const ep = `${p}[${i}]`;
    if (!isPlainObject(entry)) {
      throw new DaemonConfigError(
        ep,
        `${ep} must be an object { base, size }, e.g. { base: "10.200.0.0/16", size: 24 }, got ${typeName(entry)}.`,
      );
    }
    for (const key of Object.keys(entry)) {
      if (key !== "base" && key !== "size") {
        throw new DaemonConfigError(`${ep}.${key}`, `${ep} has an unknown key ${quoteValue(key)}: a pool has only base and size.`);
      }
    }
    const base = parseCidr(entry.base as string, `${ep}.base`);
    const max = base.family === 4 ? 30 : 126;
    const size = entry.size;
    if (typeof size !== "number" || !Number.isInteger(size) || size < base.prefix || size > max) {
      const got = typeof size === "number" ? String(size) : typeName(size);
      const example = Math.min(Math.max(base.prefix, base.family === 4 ? 24 : 64), max);
      throw new DaemonConfigError(
        `${ep}.size`,
        `${ep}.size must be a whole number from ${base.prefix} to ${max}, the prefix length of each network carved out of ` +
          `${formatCidr(base)}, e.g. ${example}; got ${got}.`,
      );
    }
    pools.push({ base: formatCidr(base), size });
    cidrs.push(base);
  });
  return { pools, cidrs };
}

const HOST_NAME = /^[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?$/;

function validateHosts(value: unknown, p: string, tls: boolean, allowInsecureTcp: boolean): string[] {
  return validateList(value, p, "listen addresses", `["unix:///var/run/docker.sock"]`).map((entry, i) => {
    const ep = `${p}[${i}]`;
    const q = quoteValue(entry);
    if (typeof entry !== "string") {
      throw new DaemonConfigError(ep, `${ep} must be a string such as "unix:///var/run/docker.sock", got ${typeName(entry)}.`);
    }
    if (entry.startsWith("unix://")) {
      const path = entry.slice("unix://".length);
      if (!path.startsWith("/") || path.length < 2 || /[\s\0]/.test(path)) {
        throw new DaemonConfigError(ep, `${ep} ${q} has no absolute socket path: write it as "unix:///var/run/docker.sock".`);
      }
      return entry;
    }
    if (entry.startsWith("fd://")) {
      if (!/^fd:\/\/([0-9]+)?$/.test(entry)) {
        throw new DaemonConfigError(ep, `${ep} ${q} is not a systemd socket address: write "fd://" (or "fd://3" for one descriptor).`);
      }
      return entry;
    }
    if (entry.startsWith("tcp://")) {
      const m = /^tcp:\/\/(\[[0-9A-Fa-f:.]+\]|[^:/[\]]+):([0-9]{1,5})$/.exec(entry);
      const hostText = m?.[1] ?? "";
      const hostOk =
        m !== null &&
        (hostText.startsWith("[")
          ? parseIp(hostText.slice(1, -1))?.family === 6
          : parseIp(hostText)?.family === 4 || (!/^[0-9.]+$/.test(hostText) && HOST_NAME.test(hostText)));
      const port = m ? Number(m[2]) : 0;
      if (!hostOk || port < 1 || port > 65535 || (m !== null && m[2].startsWith("0"))) {
        throw new DaemonConfigError(
          ep,
          `${ep} ${q} must be tcp://HOST:PORT with an IPv4 address, a [bracketed] IPv6 address or a host name and a port from 1 to 65535, e.g. "tcp://10.0.0.5:2376".`,
        );
      }
      if (!tls && !allowInsecureTcp) {
        throw new DaemonConfigError(
          ep,
          `${ep} ${q} is plain TCP without TLS: anyone who reaches the port gets root on the host. Reach the daemon over SSH (connection) ` +
            `or a unix socket instead, or enable TLS with extra { tlsverify: true, tlscacert, tlscert, tlskey }, ` +
            `or set allowInsecureTcp: true for an isolated lab.`,
        );
      }
      return entry;
    }
    throw new DaemonConfigError(ep, `${ep} ${q} is not a daemon listen address: use "unix:///path/to.sock", "tcp://HOST:PORT" or "fd://".`);
  });
}

/** Whether `value` is JSON data: strings, finite numbers, booleans, null, arrays and plain objects of them. */
function isJsonValue(value: unknown, depth = 0): boolean {
  if (depth > 64) return false;
  if (value === null || typeof value === "string" || typeof value === "boolean") return true;
  if (typeof value === "number") return Number.isFinite(value);
  if (Array.isArray(value)) return value.every((v) => isJsonValue(v, depth + 1));
  if (isPlainObject(value)) return Object.values(value).every((v) => isJsonValue(v, depth + 1));
  return false;
}

function validateExtra(value: unknown, p: string): Record<string, unknown> {
  if (!isPlainObject(value)) {
    throw new DaemonConfigError(
      p,
      `${p} must be an object of daemon.json keys to JSON values, e.g. { "log-level": "warn" }, got ${typeName(value)}.`,
    );
  }
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort()) {
    const kp = `${p}[${JSON.stringify(key)}]`;
    if (key.trim() === "") {
      throw new DaemonConfigError(kp, `${p} has an empty key: daemon.json keys are names such as "log-level".`);
    }
    const typed = MANAGED_JSON_KEYS.get(key);
    if (typed !== undefined) {
      throw new DaemonConfigError(kp, `${p} key ${JSON.stringify(key)} is a typed setting: set ${typed} instead of putting it in extra.`);
    }
    if (TYPED_NAMES.has(key)) {
      const jsonKey = DAEMON_SETTING_KEYS.find(([k]) => k === key)![1];
      throw new DaemonConfigError(
        kp,
        `${p} key ${JSON.stringify(key)} is not a daemon.json key (that is ${JSON.stringify(jsonKey)}): set the typed setting ${key} instead.`,
      );
    }
    const v = value[key];
    if (!isJsonValue(v)) {
      const got = typeof v === "number" ? String(v) : typeName(v);
      throw new DaemonConfigError(kp, `${kp} must be JSON (a string, finite number, boolean, null, list or plain object), got ${got}.`);
    }
    out[key] = JSON.parse(JSON.stringify(v));
  }
  return out;
}

/**
 * Validate daemon settings and return them in canonical form (canonical address
 * text, optional keys omitted, `extra` keys sorted and deep-copied).
 *
 * Rules, each failure a {@link DaemonConfigError} (or an `IpamError` from the
 * CIDR parser) whose message starts with the field path (`FIELD.bip`, ...):
 * - `bip`: IPv4 address with a prefix length 1..30, not the network nor the
 *   broadcast address, e.g. `FIELD.bip "192.168.42.0/24" is the network address: give the bridge's own address with its prefix, e.g. "192.168.42.1/24".`;
 *   not combined with `extra.bridge` (dockerd refuses `-b` with `--bip`).
 * - `fixedCidr`: IPv4 CIDR without host bits, inside bip's network; needs `bip`.
 * - `mtu`: whole number {@link MTU_MIN}..{@link MTU_MAX}.
 * - `dns`: non-empty list of IP addresses (canonicalised).
 * - `dnsSearch`: non-empty list of domain names ({@link isDomainName}).
 * - `defaultAddressPools`: non-empty list of `{ base, size }`, base a CIDR, size from
 *   base's prefix to 30 (IPv4) or 126 (IPv6); pools may not overlap each other nor
 *   bip's network.
 * - `hosts`: non-empty list of `unix:///abs/path`, `tcp://HOST:PORT`, `fd://[N]`;
 *   `tcp://` needs `extra.tlsverify === true` unless `allowInsecureTcp`.
 * - `extra`: JSON values; keys may not be typed settings (neither `bip` nor `fixed-cidr` nor `fixedCidr`...).
 * - unknown setting names and an empty settings object are refused.
 *
 * With `options.plan`, bip's network and the pools are then registered in it
 * (owners `daemon bip`, `daemon default-address-pools[i]`); overlaps with what the
 * plan holds are reported with the plan's message, and nothing is registered then.
 *
 * @param s - the settings as written by the user.
 * @param field - path prefix for messages, default `"daemon"`; `""` for bare keys.
 */
export function validateDaemonSettings(s: DaemonSettings, field = "daemon", options: ValidateDaemonOptions = {}): DaemonSettings {
  const top = field === "" ? "settings" : field;
  if (!isPlainObject(s)) {
    throw new DaemonConfigError(top, `${top} must be an object of daemon settings such as { bip: "192.168.42.1/24" }, got ${typeName(s)}.`);
  }
  for (const key of Object.keys(s)) {
    if (!KNOWN_SETTINGS.includes(key)) {
      throw new DaemonConfigError(
        join(field, key),
        `${top} has an unknown setting ${JSON.stringify(key)}: known settings are ${KNOWN_SETTINGS.join(", ")}; put other daemon.json keys in extra.`,
      );
    }
  }
  const present = Object.keys(s).filter((k) => s[k] !== undefined);
  if (
    present.length === 0 ||
    (present.length === 1 && present[0] === "extra" && isPlainObject(s.extra) && Object.keys(s.extra).length === 0)
  ) {
    throw new DaemonConfigError(top, `${top} sets no daemon.json key: set at least one of ${KNOWN_SETTINGS.join(", ")}.`);
  }

  const out: DaemonSettings = {};
  const extra = s.extra !== undefined ? validateExtra(s.extra, join(field, "extra")) : undefined;
  let bip: { text: string; network: Cidr } | undefined;
  if (s.bip !== undefined) {
    bip = validateBip(s.bip, join(field, "bip"));
    out.bip = bip.text;
    if (extra !== undefined && "bridge" in extra) {
      const p = join(field, "extra");
      throw new DaemonConfigError(
        `${p}["bridge"]`,
        `${p} key "bridge" cannot be combined with bip: dockerd refuses -b together with --bip; set bip only (it configures docker0), or drop bip.`,
      );
    }
  }
  if (s.fixedCidr !== undefined) out.fixedCidr = validateFixedCidr(s.fixedCidr, join(field, "fixedCidr"), bip);
  if (s.mtu !== undefined) out.mtu = validateMtu(s.mtu, join(field, "mtu"));
  if (s.dns !== undefined) out.dns = validateDns(s.dns, join(field, "dns"));
  if (s.dnsSearch !== undefined) out.dnsSearch = validateDnsSearch(s.dnsSearch, join(field, "dnsSearch"));
  let poolCidrs: Cidr[] = [];
  if (s.defaultAddressPools !== undefined) {
    const v = validatePools(s.defaultAddressPools, join(field, "defaultAddressPools"));
    out.defaultAddressPools = v.pools;
    poolCidrs = v.cidrs;
  }
  if (s.hosts !== undefined) {
    const tls = extra !== undefined && extra["tlsverify"] === true;
    out.hosts = validateHosts(s.hosts, join(field, "hosts"), tls, options.allowInsecureTcp === true);
  }
  if (extra !== undefined) out.extra = extra;

  // Overlaps: first among our own blocks (a scratch plan), then against the caller's plan.
  const claims: Array<{ owner: string; subnet: string; field: string }> = [];
  if (bip !== undefined) claims.push({ owner: "daemon bip", subnet: formatCidr(bip.network), field: join(field, "bip") });
  poolCidrs.forEach((c, i) =>
    claims.push({
      owner: `daemon default-address-pools[${i}]`,
      subnet: formatCidr(c),
      field: `${join(field, "defaultAddressPools")}[${i}].base`,
    }),
  );
  const scratch = new AddressPlan();
  for (const c of claims) scratch.register(c.owner, c.subnet, c.field);
  if (options.plan !== undefined) {
    const trial = new AddressPlan();
    for (const e of options.plan.entries()) trial.register(e.owner, e.subnet);
    for (const c of claims) trial.register(c.owner, c.subnet, c.field);
    for (const c of claims) options.plan.register(c.owner, c.subnet, c.field);
  }
  return out;
}

/**
 * The daemon.json keys and values of (canonical) settings: typed settings under
 * their daemon.json names, then `extra`, keys sorted. Does not validate.
 */
export function toDaemonJsonKeys(settings: DaemonSettings): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, key] of DAEMON_SETTING_KEYS) {
    const v = settings[name];
    if (v === undefined) continue;
    out[key] = name === "defaultAddressPools" ? (v as DaemonAddressPool[]).map((p) => ({ base: p.base, size: p.size })) : v;
  }
  for (const [k, v] of Object.entries(settings.extra ?? {})) out[k] = v;
  return sortKeys(out) as Record<string, unknown>;
}

/** A deep copy of `value` with the keys of every object sorted (by UTF-16 code units). */
export function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === "object") {
    const obj = value as Record<string, unknown>;
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(obj).sort()) out[k] = sortKeys(obj[k]);
    return out;
  }
  return value;
}

/**
 * The canonical text of a daemon.json object: keys sorted at every level, two-space
 * indentation, a trailing newline. Stable: `renderDaemonJson(parseDaemonJson(renderDaemonJson(x)))
 * === renderDaemonJson(x)`. Matches python3's `json.dumps(obj, indent=2, sort_keys=True,
 * ensure_ascii=False) + "\n"` (which the host-side script uses) for daemon.json data.
 */
export function renderDaemonJson(value: Record<string, unknown>): string {
  return `${JSON.stringify(sortKeys(value), null, 2)}\n`;
}

/** Compact canonical JSON (sorted keys, no spaces), as the host-side script prints it. */
export function compactJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

/**
 * Parse daemon.json text. `undefined` (absent file) and blank text are `{}`; a leading
 * UTF-8 byte order mark is ignored. Text that is not JSON, or JSON that is not an
 * object, is a {@link DaemonConfigError} naming `file` and the parse error, e.g.
 * `/etc/docker/daemon.json is not valid JSON (Unexpected token ...): it was left unchanged; fix or remove it, then apply again.`
 */
export function parseDaemonJson(text: string | undefined, file = "daemon.json"): Record<string, unknown> {
  if (text === undefined) return {};
  const body = text.startsWith("\uFEFF") ? text.slice(1) : text;
  if (body.trim() === "") return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch (e) {
    throw new DaemonConfigError(
      file,
      `${file} is not valid JSON (${(e as Error).message}): it was left unchanged; fix or remove it, then apply again.`,
    );
  }
  if (!isPlainObject(parsed)) {
    throw new DaemonConfigError(
      file,
      `${file} holds ${jsonKind(parsed)}, not a JSON object: it was left unchanged; fix or remove it, then apply again.`,
    );
  }
  return parsed;
}

/**
 * What one apply records about the keys it manages, so that delete can put them back:
 * `managed` lists the keys (sorted), `previous` holds the value each had before
 * dockwire first set it; a managed key missing from `previous` was unset.
 * Printed by the apply script as `DOCKWIRE_PREVIOUS=<compact JSON>`.
 */
export interface PreviousRecord {
  /** The daemon.json keys managed by the apply, sorted. */
  managed: string[];
  /** Previous values of those keys that were set; absent = the key was unset. */
  previous: Record<string, unknown>;
  /**
   * When the apply set bip where it was unset: docker0's address before, e.g.
   * `172.17.0.1/16` (dockerd would keep the managed range after bip is unset again, so
   * the restore brings docker0 back to this address first).
   */
  bridge?: string;
}

/** The outcome of planning a merge or a restore. */
export interface DaemonJsonPlan {
  /** The new file text (canonical rendering). */
  text: string;
  /** Whether the new object differs from the current one (semantically, not by formatting). */
  changed: boolean;
  /** The parsed current object ({} when absent). */
  before: Record<string, unknown>;
  /** The new object. */
  after: Record<string, unknown>;
  /** For a merge: the record of previous values to keep for delete. */
  record: PreviousRecord;
}

function has(obj: Record<string, unknown>, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(obj, key);
}

/**
 * Plan a merge of managed keys into the current daemon.json text (see
 * {@link mergeDaemonJson}) and compute the record of previous values.
 *
 * With `prior` (the record of an earlier apply of the same resource), keys it
 * managed that are no longer managed get their recorded previous value back (or are
 * removed), and keys still managed keep their originally recorded previous value.
 * `bridgeNow` is docker0's current address, recorded as `bridge` when bip is set where
 * it was unset (the host-side script reads it with `ip`).
 */
export function planDaemonJsonMerge(
  currentText: string | undefined,
  managed: Record<string, unknown>,
  prior?: PreviousRecord,
  file = "daemon.json",
  bridgeNow?: string,
): DaemonJsonPlan {
  const before = parseDaemonJson(currentText, file);
  const after: Record<string, unknown> = { ...before };
  const priorManaged = new Set(prior?.managed ?? []);
  const priorPrevious = prior?.previous ?? {};
  for (const k of priorManaged) {
    if (has(managed, k)) continue;
    if (has(priorPrevious, k)) after[k] = priorPrevious[k];
    else delete after[k];
  }
  const previous: Record<string, unknown> = {};
  for (const k of Object.keys(managed)) {
    after[k] = managed[k];
    if (priorManaged.has(k)) {
      if (has(priorPrevious, k)) previous[k] = priorPrevious[k];
    } else if (has(before, k)) {
      previous[k] = before[k];
    }
  }
  const record: PreviousRecord = { managed: Object.keys(managed).sort(), previous: sortKeys(previous) as Record<string, unknown> };
  if (has(managed, "bip") && !has(previous, "bip")) {
    if (priorManaged.has("bip")) {
      if (typeof prior?.bridge === "string") record.bridge = prior.bridge;
    } else if (bridgeNow !== undefined) {
      record.bridge = bridgeNow;
    }
  }
  return { text: renderDaemonJson(after), changed: compactJson(after) !== compactJson(before), before, after, record };
}

/**
 * The new daemon.json text after setting the managed keys: the current text is parsed
 * (absent or blank = `{}`), every other key is kept, the managed keys are set, and the
 * result is rendered with {@link renderDaemonJson}. `previous` is the record of an
 * earlier apply (see {@link planDaemonJsonMerge}). A malformed current file is a
 * {@link DaemonConfigError} naming `file` and the JSON parse error; nothing is overwritten.
 */
export function mergeDaemonJson(
  currentText: string | undefined,
  managed: Record<string, unknown>,
  previous?: PreviousRecord,
  file = "daemon.json",
): string {
  return planDaemonJsonMerge(currentText, managed, previous, file).text;
}

/**
 * The daemon.json text with each managed key put back to its previous value, or
 * removed when `previousValues` has none for it. Other keys are kept as they are.
 */
export function restoreDaemonJson(
  currentText: string | undefined,
  managedKeys: readonly string[],
  previousValues: Record<string, unknown>,
  file = "daemon.json",
): string {
  const after = { ...parseDaemonJson(currentText, file) };
  for (const k of managedKeys) {
    if (has(previousValues, k)) after[k] = previousValues[k];
    else delete after[k];
  }
  return renderDaemonJson(after);
}

/**
 * A short human-readable diff of two daemon.json objects for previews and logs: one line
 * per added, removed or changed key, keys sorted, values as compact JSON, e.g.
 * `bip: (unset) -> "192.168.42.1/24"`, `mtu: 1500 -> (unset)`. No lines when equal.
 */
export function describeChange(before: Record<string, unknown> | undefined, after: Record<string, unknown> | undefined): string[] {
  const b = before ?? {};
  const a = after ?? {};
  const keys = [...new Set([...Object.keys(b), ...Object.keys(a)])].sort();
  const show = (o: Record<string, unknown>, k: string) => (has(o, k) ? compactJson(o[k]) : "(unset)");
  const lines: string[] = [];
  for (const k of keys) {
    const x = show(b, k);
    const y = show(a, k);
    if (x !== y) lines.push(`${k}: ${x} -> ${y}`);
  }
  return lines;
}
