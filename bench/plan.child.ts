/**
 * One measured run of the address-plan check alone, in its own process:
 *
 *   node dist/bench/plan.child.js N [MIN_REPS]
 *
 * Registers N non-overlapping /24 subnets (10.a.b.0/24, in a fixed shuffled order, as a
 * program declares networks in no particular order) in a fresh AddressPlan.
 * - coldMs: the first registration of N in this process (what one `pulumi preview` pays:
 *   module code not yet optimized by the JIT);
 * - warmMs: steady state, after the same JIT warm-up work for every N: the median of at
 *   least MIN_REPS (and at least 20000 registrations' worth of) registrations of N, each
 *   into a fresh plan;
 * - parseWarmMs: the same for parsing and formatting the N subnets with no plan at all (the
 *   text work every registration does), so the plan's own share can be told apart.
 * Prints one BENCH_RESULT line (with the process's peak RSS).
 */
import { AddressPlan, formatCidr, parseCidr } from "../provider/ipam";
import { median, nowMs, reportResult } from "./lib/common";

/** The i-th /24 of 10.0.0.0/8. */
function subnet(i: number): string {
  return `10.${(i >> 8) & 255}.${i & 255}.0/24`;
}

/** 0..n-1 in a fixed pseudo-random order (LCG, same seed every run). */
function shuffled(n: number): number[] {
  const a = Array.from({ length: n }, (_, i) => i);
  let s = 0x2545f491;
  for (let i = n - 1; i > 0; i--) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    const j = s % (i + 1);
    [a[i], a[j]] = [a[j], a[i]];
  }
  return a;
}

function registerAll(owners: string[], subnets: string[]): number {
  const plan = new AddressPlan();
  const t0 = nowMs();
  for (let i = 0; i < subnets.length; i++) plan.register(owners[i], subnets[i]);
  const t = nowMs() - t0;
  if (plan.entries().length !== subnets.length) throw new Error(`registered ${plan.entries().length} of ${subnets.length}`);
  return t;
}

/** Parsing and formatting the same N subnets alone, with no plan: the baseline of the text work. */
function parseAll(subnets: string[]): number {
  const t0 = nowMs();
  let len = 0;
  for (let i = 0; i < subnets.length; i++) len += formatCidr(parseCidr(subnets[i], "subnet")).length;
  const t = nowMs() - t0;
  if (len === 0) throw new Error("nothing parsed");
  return t;
}

/** Registrations of JIT warm-up before the warm figure, and at least as many measured. */
const WARM_WORK = 20000;

function main(): void {
  const n = Number(process.argv[2]);
  const minReps = Number(process.argv[3] ?? 5);
  if (!Number.isInteger(n) || n < 1 || n > 65536) throw new Error("usage: plan.child.js N [MIN_REPS] (1 <= N <= 65536)");
  const order = shuffled(n);
  const subnets = order.map(subnet);
  const owners = order.map((i) => `network "net-${i}"`);
  const coldMs = registerAll(owners, subnets);
  // Steady state: the same amount of warm-up work for every N (so small N is as optimized
  // as large N), then at least MIN_REPS and at least WARM_WORK measured registrations.
  for (let done = n; done < WARM_WORK; done += n) {
    registerAll(owners, subnets);
    parseAll(subnets);
  }
  const warm: number[] = [];
  const parse: number[] = [];
  for (let r = 0; r < minReps || r * n < WARM_WORK; r++) {
    warm.push(registerAll(owners, subnets));
    parse.push(parseAll(subnets));
  }
  // An overlap is still caught at this size (the check is real, not a no-op).
  const plan = new AddressPlan();
  for (let i = 0; i < n; i++) plan.register(owners[i], subnets[i]);
  let caught = false;
  try {
    plan.register('network "dup"', subnet(order[n >> 1]).replace("/24", "/25"));
  } catch {
    caught = true;
  }
  if (!caught) throw new Error("an overlapping /25 was not rejected");
  reportResult({ n, coldMs, warmMs: median(warm), parseWarmMs: median(parse), warmReps: warm.length });
}

main();
