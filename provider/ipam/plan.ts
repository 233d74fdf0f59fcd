/**
 * The address plan of one program: every subnet a program claims (network pools,
 * the daemon's `bip`, default address pools, ...) registered under a readable
 * owner label, so overlaps are caught at preview time with a message that names
 * both claimants.
 *
 * Pure module: no Pulumi, no I/O.
 *
 * @module
 */

import { Cidr, IpFamily, IpamError, cidrContainsCidr, cidrSize, formatCidr, lastAddress, parseCidr } from "./cidr";

/** One registered subnet and who claimed it. */
export interface PlanEntry {
  /** Owner label as passed to {@link AddressPlan.register}, e.g. `network "a"` or `daemon bip`. */
  readonly owner: string;
  /** Canonical subnet text, e.g. `10.10.0.0/16`. */
  readonly subnet: string;
}

/** A registered block as an inclusive address interval. */
export interface Interval {
  start: bigint;
  end: bigint;
  entry: PlanEntry;
}

/** Well-known private blocks; a suggestion stays inside the one holding the conflicting subnet. */
const PRIVATE_BLOCKS: Cidr[] = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "fc00::/7"].map((t) => parseCidr(t, "block"));

/** Round `value` up to a multiple of `size` (a power of two). */
function alignUp(value: bigint, size: bigint): bigint {
  return ((value + size - 1n) / size) * size;
}

/** Index of the first interval whose start is greater than `start` (intervals sorted by start). */
function upperBound(list: Interval[], start: bigint): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (list[mid].start <= start) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Index of the first interval whose end is at least `value` (ends are sorted too: intervals are disjoint). */
function firstEndingAtOrAfter(list: Interval[], value: bigint): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (list[mid].end < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Collects the subnets of one program and rejects overlaps between them.
 *
 * Owners are free-form labels chosen by the caller so messages read as prose:
 * use `network "NAME"` for a Docker network's pool, `daemon bip`,
 * `daemon default-address-pools[0]`, `host "NAME" docker0` and the like.
 *
 * Rules:
 * - the same owner registering the same subnet again is a no-op (idempotent);
 * - any other overlap is an error, including two different subnets of the same
 *   owner and the identical subnet registered by two owners;
 * - IPv4 and IPv6 never overlap each other.
 *
 * Cost: each family keeps its blocks sorted by start address. Because registered
 * blocks are disjoint, only the two neighbours of the insertion point (found by
 * binary search) can overlap a new block, so a registration makes O(log n)
 * comparisons; n registrations cost O(n log n) comparisons (plus the array
 * insertion's element shift, a memmove). Only the error path walks further, to
 * suggest a free range.
 */
export class AddressPlan {
  private readonly byFamily = new Map<IpFamily, Interval[]>([
    [4, []],
    [6, []],
  ]);
  private readonly ordered: PlanEntry[] = [];

  /**
   * Claim `subnet` for `owner`.
   *
   * Message on overlap (FIELD is `field`, NEW/OLD canonical subnets, P the new prefix):
   * `FIELD NEW of OWNER overlaps OLD of OTHER_OWNER: choose a range that does not overlap, e.g. the next free /P: SUGGESTION.`
   * e.g. `subnet 10.10.0.0/16 of network "b" overlaps 10.10.128.0/17 of network "a": choose a range that does not overlap, e.g. the next free /16: 10.11.0.0/16.`
   * The suggestion is the first free block of NEW's size at or after NEW, else
   * (wrapping around) the first one from the start of the space searched. The
   * space is the private block holding NEW (10/8, 172.16/12, 192.168/16,
   * fc00::/7), or the whole family when NEW is in none; when nothing is free
   * the message ends at `does not overlap.`
   * When both neighbours overlap, the one with the lower address is named.
   *
   * @param owner - a readable label such as `network "a"` or `daemon bip`; must be non-empty.
   * @param subnet - a CIDR, validated with {@link parseCidr} under `field`.
   * @param field - path for messages and {@link IpamError.field}, default `"subnet"`.
   * @throws IpamError for an invalid subnet, an empty owner, or an overlap.
   */
  register(owner: string, subnet: string, field = "subnet"): void {
    const found = this.check(owner, subnet, field);
    if (found === "registered") return;
    found.list.splice(found.at, 0, found.interval);
    this.ordered.push(found.interval.entry);
  }

  /**
   * Checks that `owner` could claim `subnet` now, without claiming it; throws the same
   * errors as {@link register}. Lets a caller check every subnet of one network before
   * registering any, so a failure leaves nothing half-registered.
   */
  check(owner: string, subnet: string, field = "subnet"): "registered" | { list: Interval[]; at: number; interval: Interval } {
    const cidr = parseCidr(subnet, field);
    const text = formatCidr(cidr);
    if (typeof owner !== "string" || owner === "") {
      throw new IpamError(field, `${field} ${text} has no owner: pass a label such as 'network "a"' or 'daemon bip'.`);
    }
    const list = this.byFamily.get(cidr.family)!;
    const interval: Interval = { start: cidr.network, end: lastAddress(cidr), entry: { owner, subnet: text } };
    const at = upperBound(list, interval.start);
    const clash = this.neighbourClash(list, at, interval);
    if (clash !== undefined) {
      if (clash.entry.owner === owner && clash.entry.subnet === text) return "registered";
      throw this.overlapError(field, cidr, owner, clash.entry, list);
    }
    return { list, at, interval };
  }

  /** All registered subnets in registration order (a copy). */
  entries(): readonly PlanEntry[] {
    return [...this.ordered];
  }

  /** Forget every registration. */
  clear(): void {
    this.byFamily.forEach((list) => (list.length = 0));
    this.ordered.length = 0;
  }

  /** The neighbour of insertion point `at` that overlaps `interval`, lower one first. */
  private neighbourClash(list: Interval[], at: number, interval: Interval): Interval | undefined {
    const before = list[at - 1];
    if (before !== undefined && before.end >= interval.start) return before;
    const after = list[at];
    if (after !== undefined && after.start <= interval.end) return after;
    return undefined;
  }

  private overlapError(field: string, cidr: Cidr, owner: string, other: PlanEntry, list: Interval[]): IpamError {
    const suggestion = suggestFree(list, cidr);
    const fix =
      suggestion === undefined
        ? "choose a range that does not overlap."
        : `choose a range that does not overlap, e.g. the next free /${cidr.prefix}: ${formatCidr(suggestion)}.`;
    return new IpamError(field, `${field} ${formatCidr(cidr)} of ${owner} overlaps ${other.subnet} of ${other.owner}: ${fix}`);
  }
}

/** The private block holding `cidr`, or the whole address space of its family. */
function suggestionSpace(cidr: Cidr): Cidr {
  return PRIVATE_BLOCKS.find((b) => cidrContainsCidr(b, cidr)) ?? { family: cidr.family, network: 0n, prefix: 0 };
}

/** First free block of `size` addresses starting at or after `from` (aligned) and ending by `limit`. */
function findFree(list: Interval[], from: bigint, size: bigint, limit: bigint): bigint | undefined {
  let candidate = from;
  let i = firstEndingAtOrAfter(list, candidate);
  while (candidate + size - 1n <= limit) {
    while (i < list.length && list[i].end < candidate) i++;
    if (i === list.length || list[i].start > candidate + size - 1n) return candidate;
    candidate = alignUp(list[i].end + 1n, size);
  }
  return undefined;
}

/**
 * A free block the size of `cidr`: the first at or after it, else (wrapping
 * around) the first from the start of its private block; undefined if none.
 */
function suggestFree(list: Interval[], cidr: Cidr): Cidr | undefined {
  const size = cidrSize(cidr);
  const space = suggestionSpace(cidr);
  const limit = lastAddress(space);
  const network = findFree(list, cidr.network, size, limit) ?? findFree(list, alignUp(space.network, size), size, cidr.network - 1n);
  return network === undefined ? undefined : { family: cidr.family, network, prefix: cidr.prefix };
}
