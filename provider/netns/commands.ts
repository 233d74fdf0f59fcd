/**
 * What manages Linux network namespaces, veth pairs, Linux bridges and routes on a host:
 * the shipped script provider/sh/netns.sh (iproute2's `ip`), and here the checks of every
 * name and address and the argument list of each run.
 *
 * Each builder validates its input (names with {@link validateInterfaceName} /
 * {@link validateNamespaceName}, addresses with the small local CIDR check below) and
 * returns the script's arguments ({@link HostRuns}); nothing from the input is ever put into
 * a script's text. The resources of ./live.ts run them with provider/hostexec.ts (locally,
 * or over SSH as `sh -c SCRIPT dockwire ARG...`); the `*Commands` builders give the same
 * runs as command lines for a `@pulumi/command` Command.
 *
 * ## What the script does (see the comments in provider/sh/netns.sh)
 *
 * Each run needs root (CAP_NET_ADMIN), stops at the first failing step and then prints
 * `dockwire: <resource>: create failed (exit N)` (or `delete failed`) on stderr after the
 * tool's own message, or a specific `dockwire: <resource>: <reason>`:
 * - `create` is idempotent: it checks before it adds and uses `ip addr replace` /
 *   `ip route replace`, so re-running it after a partial failure, or over drift, finishes
 *   the job;
 * - `delete` tolerates absence: it removes only what it finds.
 *
 * Removing what the program no longer lists (an extra address, a released bridge port) and
 * noticing drift at all is the work of the resources' read (./observe.ts, ./live.ts).
 *
 * @module
 */
import { scriptCommandLine } from "../hostexec";
import { validateInterfaceName, validateNamespaceName } from "./names";

/** The shipped script (provider/sh) every run of this module calls. */
export const NETNS_SCRIPT = "netns.sh";

/** One run of a shipped host script: its file name in provider/sh and its arguments. */
export interface HostRun {
  script: string;
  args: string[];
}

/** The create and delete runs of one object. */
export interface HostRuns {
  create: HostRun;
  delete: HostRun;
}

/** `field.` for nested field names; nothing for top-level ones (field ""). */
function pre(field: string): string {
  return field === "" ? "" : `${field}.`;
}

/** The two runs as `/bin/sh -c` command lines, for a `@pulumi/command` Command. */
export interface CommandScripts {
  /** Command line for `create` (idempotent, fails loudly naming the resource). */
  create: string;
  /** Command line for `delete` (tolerates the object being gone already). */
  delete: string;
}

/**
 * An invalid argument to a builder other than a name (addresses, routes,
 * structure). The message names the field, the value (JSON-quoted) and the
 * fix. Invalid names throw `NameError` from `./names`.
 */
export class CommandArgError extends Error {
  /** The offending field, e.g. `veth.ends[0].addresses[1]`. */
  readonly field: string;

  /**
   * @param field the offending field
   * @param message the full message
   */
  constructor(field: string, message: string) {
    super(message);
    this.name = "CommandArgError";
    this.field = field;
  }
}

/** Directory where `ip netns` keeps named namespaces. */
export const NETNS_DIR = "/var/run/netns";

// ---------------------------------------------------------------- addresses

/** A validated address with prefix length, as returned by {@link validateCidrArg}. */
export interface CidrArg {
  /** 4 or 6. */
  family: 4 | 6;
  /** Prefix length. */
  prefix: number;
  /** The text as given (already validated), used verbatim in commands. */
  text: string;
}

/**
 * Checks `text` is an IPv4 or IPv6 address with a prefix length
 * (`10.250.1.6/24`, `fd00::1/64`). IPv4 must be dotted-quad without leading
 * zeros; IPv6 may use `::` and a trailing dotted IPv4 but no zone (`%eth0`).
 * This is a deliberately small local check; provider/ipam has the full
 * address arithmetic.
 *
 * @param text the CIDR
 * @param field the field that held it, for messages
 * @param options `network: true` additionally requires the host bits to be
 *   zero (for route destinations), naming the network to use instead
 * @throws CommandArgError
 */
export function validateCidrArg(text: string, field: string, options: { network?: boolean } = {}): CidrArg {
  if (typeof text !== "string") {
    throw new CommandArgError(field, `${field} must be a string CIDR such as "10.0.0.1/24", not ${describe(text)}.`);
  }
  const q = JSON.stringify(text);
  const slash = text.indexOf("/");
  if (slash < 0 && parseIp(text)) {
    throw new CommandArgError(
      field,
      `${field} ${q} has no prefix length: write it as CIDR, e.g. ${JSON.stringify(`${text}/${text.includes(":") ? 64 : 24}`)}.`,
    );
  }
  const ip = slash < 0 ? undefined : parseIp(text.slice(0, slash));
  const prefixText = slash < 0 ? "" : text.slice(slash + 1);
  if (!ip || !/^(0|[1-9][0-9]{0,2})$/.test(prefixText)) {
    throw new CommandArgError(
      field,
      `${field} ${q} is not an IPv4 or IPv6 CIDR: write an address with a prefix length, e.g. "10.0.0.1/24" or "fd00::1/64".`,
    );
  }
  const prefix = Number(prefixText);
  const bits = ip.family === 4 ? 32 : 128;
  if (prefix > bits) {
    throw new CommandArgError(field, `${field} ${q} has prefix length ${prefix}: IPv${ip.family} allows 0-${bits}.`);
  }
  if (options.network) {
    const network = ip.bytes.map((b, i) => {
      const keep = Math.max(0, Math.min(8, prefix - i * 8));
      return b & ((0xff << (8 - keep)) & 0xff);
    });
    if (network.some((b, i) => b !== ip.bytes[i])) {
      const suggested = `${formatBytes(ip.family, network)}/${prefix}`;
      throw new CommandArgError(field, `${field} ${q} has host bits set: the network is ${JSON.stringify(suggested)}; use that.`);
    }
  }
  return { family: ip.family, prefix, text };
}

/**
 * Checks `text` is a plain IPv4 or IPv6 address (no prefix), e.g. a gateway.
 *
 * @param text the address
 * @param field the field that held it, for messages
 * @returns the family and the text as given
 * @throws CommandArgError
 */
export function validateIpArg(text: string, field: string): { family: 4 | 6; text: string } {
  if (typeof text !== "string") {
    throw new CommandArgError(field, `${field} must be a string address such as "10.0.0.1", not ${describe(text)}.`);
  }
  const ip = parseIp(text);
  if (!ip) {
    throw new CommandArgError(
      field,
      `${field} ${JSON.stringify(text)} is not an IPv4 or IPv6 address: write e.g. "10.0.0.1" or "fd00::1" (no prefix length).`,
    );
  }
  return { family: ip.family, text };
}

// ---------------------------------------------------------------- netns

/** Arguments of {@link netnsCommands}. */
export interface NetnsArgs {
  /** Namespace name, as for `ip netns add`. */
  name: string;
}

/**
 * Runs of netns.sh for a named network namespace: `netns-create NAME` /
 * `netns-delete NAME`.
 *
 * - create: `ip netns add NAME` unless /var/run/netns/NAME exists, then
 *   `ip -n NAME link set dev lo up` (a namespace that exists is kept).
 * - delete: `ip netns del NAME` if /var/run/netns/NAME exists.
 *
 * @param args the namespace
 * @param field prefix for error messages
 * @throws NameError for an invalid name
 *
 * @example netnsRuns({ name: "r1" }).create // { script: "netns.sh", args: ["netns-create", "r1"] }
 */
export function netnsRuns(args: NetnsArgs, field = "netns"): HostRuns {
  requireObject(args, field);
  const name = validateNamespaceName(args.name, `${pre(field)}name`);
  return { create: run("netns-create", name), delete: run("netns-delete", name) };
}

/** {@link netnsRuns} as `@pulumi/command` scripts (see {@link commandScripts}). */
export function netnsCommands(args: NetnsArgs, field = "netns"): CommandScripts {
  return commandScripts(netnsRuns(args, field));
}

// ---------------------------------------------------------------- veth

/** Where one end of a veth pair goes and how it is configured. */
export interface VethEnd {
  /** Namespace to move the end into; absent to keep it in the host (current) namespace. */
  namespace?: string;
  /** Name to give the end after moving it (e.g. `eth0`); absent to keep the original name. */
  rename?: string;
  /** Addresses to add, as CIDR (`10.250.1.6/24`); applied with `ip addr replace`. */
  addresses?: readonly string[];
  /** Bring the end up (default) or set it down (`false`). */
  up?: boolean;
}

/** Arguments of {@link vethCommands}. */
export interface VethArgs {
  /** Name of the first end at creation (in the host namespace). */
  name: string;
  /** Name of the second end at creation (in the host namespace). */
  peerName: string;
  /** Placement of `[name, peerName]`, in that order. */
  ends: readonly [VethEnd, VethEnd];
}

/**
 * Runs of netns.sh for a veth pair whose ends may be moved into namespaces and renamed:
 * `veth-create NAME PEER NS0 FINAL0 STATE0 ADDRS0 NS1 FINAL1 STATE1 ADDRS1` and
 * `veth-delete NAME PEER NS0 FINAL0 NS1 FINAL1` ("-" for the host namespace or no
 * addresses; addresses comma-separated).
 *
 * create, step by step, each step skipped when already done:
 * 1. fails unless every target namespace exists;
 * 2. `ip link add NAME type veth peer name PEER` unless either end already
 *    exists as a veth in any place it can be (final place, moved but not yet
 *    renamed, or still in the host under its original name);
 * 3. per end (ends that change namespace first): `ip link set dev X netns NS`,
 *    `ip -n NS link set dev X name Y`, `ip -n NS addr replace ADDR dev Y`,
 *    `ip -n NS link set dev Y up` (or `down` when `up: false`). An end found
 *    nowhere fails with a message naming it.
 *
 * delete removes the first end found as a veth (looking in the same places);
 * deleting one end of a veth pair removes both. Nothing found is success
 * (deleting a namespace already destroys the veth ends inside it).
 *
 * create finishes an end that is missing, was not moved or not renamed, or was moved back
 * out of its namespace under its final name; it refuses a same-named non-veth interface.
 * It only adds addresses; removing the ones the program no longer lists is the
 * provider's prune step (./live.ts).
 *
 * @param args the pair and the placement of its ends
 * @param field prefix for error messages
 * @throws NameError | CommandArgError
 *
 * @example
 * vethRuns({
 *   name: "veth1.1", peerName: "veth1.2",
 *   ends: [{ namespace: "r1", rename: "eth0", addresses: ["10.250.1.6/24"] },
 *          { addresses: ["10.250.1.5/24"] }],
 * })
 */
export function vethRuns(args: VethArgs, field = "veth"): HostRuns {
  requireObject(args, field);
  const name = validateInterfaceName(args.name, `${pre(field)}name`);
  const peerName = validateInterfaceName(args.peerName, `${pre(field)}peerName`);
  if (name === peerName) {
    throw new CommandArgError(
      `${pre(field)}peerName`,
      `${pre(field)}peerName ${JSON.stringify(peerName)} is the same as ${pre(field)}name: the two ends of a veth pair need different names.`,
    );
  }
  if (!Array.isArray(args.ends) || args.ends.length !== 2) {
    const count = Array.isArray(args.ends) ? (args.ends as readonly unknown[]).length : -1;
    const got = count < 0 ? describe(args.ends) : `${count} end${count === 1 ? "" : "s"}`;
    throw new CommandArgError(
      `${pre(field)}ends`,
      `${pre(field)}ends must list exactly 2 ends (for ${pre(field)}name and ${pre(field)}peerName, in that order), got ${got}.`,
    );
  }
  const ends = [name, peerName].map((original, i) => {
    const f = `${pre(field)}ends[${i}]`;
    const end = args.ends[i];
    requireObject(end, f);
    const namespace = end.namespace === undefined ? undefined : validateNamespaceName(end.namespace, `${f}.namespace`);
    const final = end.rename === undefined ? original : validateInterfaceName(end.rename, `${f}.rename`);
    return {
      field: f,
      original,
      namespace,
      final,
      addresses: validateAddresses(end.addresses, `${f}.addresses`),
      up: validateUp(end.up, `${f}.up`),
    };
  });
  if (ends[0].namespace === ends[1].namespace && ends[0].final === ends[1].final) {
    throw new CommandArgError(
      `${pre(field)}ends[1]`,
      `${pre(field)}ends[1] would be named ${JSON.stringify(ends[1].final)} in ${nsLabel(ends[1].namespace)}, ` +
        `like ${pre(field)}ends[0]: give the two ends different final names.`,
    );
  }

  const endArgs = (e: (typeof ends)[number]) => [e.namespace ?? HOST, e.final];
  return {
    create: run("veth-create", name, peerName, ...ends.flatMap((e) => [...endArgs(e), e.up ? "up" : "down", list(e.addresses)])),
    delete: run("veth-delete", name, peerName, ...ends.flatMap(endArgs)),
  };
}

/** {@link vethRuns} as `@pulumi/command` scripts (see {@link commandScripts}). */
export function vethCommands(args: VethArgs, field = "veth"): CommandScripts {
  return commandScripts(vethRuns(args, field));
}

// ---------------------------------------------------------------- bridge

/** Arguments of {@link linuxBridgeCommands}. */
export interface LinuxBridgeArgs {
  /** Bridge interface name. */
  name: string;
  /** Namespace to create it in; absent for the host (current) namespace. */
  namespace?: string;
  /** Addresses to add to the bridge, as CIDR. */
  addresses?: readonly string[];
  /** Bring the bridge up (default) or set it down (`false`). */
  up?: boolean;
  /** Existing interfaces in the same namespace to enslave (`ip link set dev P master NAME`). */
  ports?: readonly string[];
}

/**
 * Runs of netns.sh for a Linux bridge (not a Docker network): `bridge-create NAME NS
 * STATE ADDRS PORTS` and `bridge-delete NAME NS`.
 *
 * - create: fails unless the namespace exists; `ip link add name NAME type bridge`
 *   unless a bridge of that name exists (a non-bridge of that name fails);
 *   each port must exist and is enslaved with `master`; addresses with
 *   `ip addr replace`; then up (or down).
 * - delete: `ip link del dev NAME` if a bridge of that name exists (its ports
 *   are released, not deleted).
 *
 * create attaches a port enslaved elsewhere back; it does not release ports or remove
 * addresses (the provider's prune step does) or touch the ports' own up/down state.
 *
 * @param args the bridge
 * @param field prefix for error messages
 * @throws NameError | CommandArgError
 */
export function linuxBridgeRuns(args: LinuxBridgeArgs, field = "bridge"): HostRuns {
  requireObject(args, field);
  const name = validateInterfaceName(args.name, `${pre(field)}name`);
  const namespace = args.namespace === undefined ? undefined : validateNamespaceName(args.namespace, `${pre(field)}namespace`);
  const addresses = validateAddresses(args.addresses, `${pre(field)}addresses`);
  const up = validateUp(args.up, `${pre(field)}up`);
  if (args.ports !== undefined && !Array.isArray(args.ports)) {
    throw new CommandArgError(`${pre(field)}ports`, `${pre(field)}ports must be an array of interface names, not ${describe(args.ports)}.`);
  }
  const ports = (args.ports ?? []).map((p: string, i: number) => validateInterfaceName(p, `${pre(field)}ports[${i}]`));
  ports.forEach((p, i) => {
    if (p === name) {
      throw new CommandArgError(
        `${pre(field)}ports[${i}]`,
        `${pre(field)}ports[${i}] ${JSON.stringify(p)} is the bridge itself: list the interfaces to attach to ${name}.`,
      );
    }
    if (ports.indexOf(p) !== i) {
      throw new CommandArgError(`${pre(field)}ports[${i}]`, `${pre(field)}ports lists ${JSON.stringify(p)} twice: list each port once.`);
    }
  });

  const ns = namespace ?? HOST;
  return {
    create: run("bridge-create", name, ns, up ? "up" : "down", list(addresses), list(ports)),
    delete: run("bridge-delete", name, ns),
  };
}

/** {@link linuxBridgeRuns} as `@pulumi/command` scripts (see {@link commandScripts}). */
export function linuxBridgeCommands(args: LinuxBridgeArgs, field = "bridge"): CommandScripts {
  return commandScripts(linuxBridgeRuns(args, field));
}

// ---------------------------------------------------------------- routes

/** Arguments of {@link routeCommands}. */
export interface RouteArgs {
  /** Destination network as CIDR with zero host bits (`10.0.0.0/24`), or `"default"`. */
  destination: string;
  /** Gateway address, same family as the destination. */
  via?: string;
  /** Outgoing interface. */
  dev?: string;
  /** Namespace whose main routing table to change; absent for the host (current) namespace. */
  namespace?: string;
}

/**
 * Runs of netns.sh for one route in the main table: `route-create NS FAMILY DEST VIA DEV`
 * and `route-delete NS FAMILY DEST`.
 *
 * - create: fails unless the namespace exists; `ip [-n NS] -4|-6 route replace DEST [via GW] [dev DEV]`.
 *   The family is the destination's, or for `default` the gateway's
 *   (IPv4 when neither tells).
 * - delete: `ip [-n NS] -4|-6 route del DEST` if `route show exact DEST` lists
 *   anything (a gone namespace counts as gone).
 *
 * `route replace` overwrites a route to the same destination that was changed by hand;
 * delete removes whatever route to DEST it finds, even one changed by hand.
 *
 * @param args the route
 * @param field prefix for error messages
 * @throws NameError | CommandArgError
 */
export function routeRuns(args: RouteArgs, field = "route"): HostRuns {
  requireObject(args, field);
  const namespace = args.namespace === undefined ? undefined : validateNamespaceName(args.namespace, `${pre(field)}namespace`);
  const destination =
    args.destination === "default" ? undefined : validateCidrArg(args.destination, `${pre(field)}destination`, { network: true });
  const via = args.via === undefined ? undefined : validateIpArg(args.via, `${pre(field)}via`);
  const dev = args.dev === undefined ? undefined : validateInterfaceName(args.dev, `${pre(field)}dev`);
  if (via === undefined && dev === undefined) {
    throw new CommandArgError(
      field,
      `${field === "" ? "route" : field} has neither via nor dev: set via (the gateway address), dev (the outgoing interface), or both.`,
    );
  }
  if (destination && via && destination.family !== via.family) {
    throw new CommandArgError(
      `${pre(field)}via`,
      `${pre(field)}via ${JSON.stringify(via.text)} is IPv${via.family} but ${pre(field)}destination ` +
        `${JSON.stringify(destination.text)} is IPv${destination.family}: use a gateway of the same family.`,
    );
  }
  const family = destination?.family ?? via?.family ?? 4;
  const dest = destination?.text ?? "default";
  const ns = namespace ?? HOST;
  return {
    create: run("route-create", ns, String(family), dest, via?.text ?? NONE, dev ?? NONE),
    delete: run("route-delete", ns, String(family), dest),
  };
}

/** {@link routeRuns} as `@pulumi/command` scripts (see {@link commandScripts}). */
export function routeCommands(args: RouteArgs, field = "route"): CommandScripts {
  return commandScripts(routeRuns(args, field));
}

// ---------------------------------------------------------------- runs

/** The host namespace, and an empty list, as arguments of provider/sh/netns.sh. */
const HOST = "-";
const NONE = "-";

/** A list argument of netns.sh: items joined with commas (none contains one), `-` when empty. */
function list(items: readonly string[]): string {
  return items.length === 0 ? NONE : items.join(",");
}

function nsLabel(namespace: string | undefined): string {
  return namespace === undefined ? "the host namespace" : `namespace ${namespace}`;
}

function run(command: string, ...args: string[]): HostRun {
  return { script: NETNS_SCRIPT, args: [command, ...args] };
}

/** A run as one `/bin/sh -c` command line ({@link scriptCommandLine}). */
export function commandLine(r: HostRun): string {
  return scriptCommandLine(r.script, r.args);
}

/** Both runs as command lines ({@link commandLine}). */
export function commandScripts(runs: HostRuns): CommandScripts {
  return { create: commandLine(runs.create), delete: commandLine(runs.delete) };
}

// ---------------------------------------------------------------- validation helpers

function requireObject(value: unknown, field: string): void {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new CommandArgError(field, `${field} must be an object, not ${describe(value)}.`);
  }
}

function validateAddresses(addresses: unknown, field: string): string[] {
  if (addresses === undefined) return [];
  if (!Array.isArray(addresses)) {
    throw new CommandArgError(field, `${field} must be an array of CIDRs such as ["10.0.0.1/24"], not ${describe(addresses)}.`);
  }
  return addresses.map((a, i) => validateCidrArg(a as string, `${field}[${i}]`).text);
}

function validateUp(up: unknown, field: string): boolean {
  if (up === undefined) return true;
  if (typeof up !== "boolean") {
    throw new CommandArgError(field, `${field} must be true or false, not ${describe(up)}.`);
  }
  return up;
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (value === undefined) return "undefined";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "string") return `the string ${JSON.stringify(value)}`;
  if (typeof value === "number") return `the number ${value}`;
  return `a ${typeof value}`;
}

interface ParsedIp {
  family: 4 | 6;
  bytes: number[];
}

function parseIp(text: string): ParsedIp | undefined {
  const v4 = parseIPv4(text);
  if (v4) return { family: 4, bytes: v4 };
  const v6 = parseIPv6(text);
  return v6 ? { family: 6, bytes: v6 } : undefined;
}

function parseIPv4(text: string): number[] | undefined {
  const m = /^(0|[1-9]\d{0,2})\.(0|[1-9]\d{0,2})\.(0|[1-9]\d{0,2})\.(0|[1-9]\d{0,2})$/.exec(text);
  if (!m) return undefined;
  const bytes = m.slice(1).map(Number);
  return bytes.every((b) => b <= 255) ? bytes : undefined;
}

/** IPv6 to 16 bytes; accepts `::` and a trailing dotted IPv4, rejects zones. */
function parseIPv6(text: string): number[] | undefined {
  if (!/^[0-9A-Fa-f:.]+$/.test(text) || !text.includes(":")) return undefined;
  let s = text;
  let tail4: number[] = [];
  if (s.includes(".")) {
    const cut = s.lastIndexOf(":");
    const v4 = parseIPv4(s.slice(cut + 1));
    if (!v4) return undefined;
    tail4 = v4;
    // Drop the IPv4 part and its ":" separator, but keep a "::" right before it.
    s = s.slice(0, cut + 1);
    s = s.endsWith("::") ? s : s.slice(0, -1);
  }
  const wantGroups = tail4.length ? 6 : 8;
  const gap = s.indexOf("::");
  let groups: string[];
  if (gap >= 0) {
    if (s.indexOf("::", gap + 1) >= 0) return undefined;
    const head = s.slice(0, gap) === "" ? [] : s.slice(0, gap).split(":");
    const rest = s.slice(gap + 2) === "" ? [] : s.slice(gap + 2).split(":");
    if (head.length + rest.length > wantGroups - 1) return undefined;
    groups = [...head, ...Array<string>(wantGroups - head.length - rest.length).fill("0"), ...rest];
  } else {
    groups = s === "" ? [] : s.split(":");
    if (groups.length !== wantGroups) return undefined;
  }
  if (!groups.every((g) => /^[0-9A-Fa-f]{1,4}$/.test(g))) return undefined;
  return [...groups.flatMap((g) => [parseInt(g, 16) >> 8, parseInt(g, 16) & 0xff]), ...tail4];
}

function formatBytes(family: 4 | 6, bytes: number[]): string {
  if (family === 4) return bytes.join(".");
  const groups = Array.from({ length: 8 }, (_, i) => (bytes[2 * i] << 8) | bytes[2 * i + 1]);
  let best = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; i++) {
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen) {
      best = i;
      bestLen = j - i;
    }
  }
  const hex = groups.map((g) => g.toString(16));
  return best < 0 ? hex.join(":") : `${hex.slice(0, best).join(":")}::${hex.slice(best + bestLen).join(":")}`;
}
