/**
 * The address-plan report of a change: BEFORE and AFTER side by side as tables of display
 * text (networks, container addresses and published ports, daemon ranges), with a change
 * column, and the collisions of the AFTER plan. The Markdown, text and SVG renderers all
 * start from here.
 *
 * A row is one network, one container attachment (a container on two networks has two
 * rows) or one daemon setting, identified by resource URN (and network or setting), so a
 * replaced network with a new subnet is one `changed` row. A changed cell reads
 * `BEFORE → AFTER`. Rows are sorted by name, digits compared as numbers.
 *
 * Pure module: no Pulumi imports, no I/O.
 *
 * @module
 */
import { Collision, findCollisions } from "./collisions";
import { ContainerView, DaemonView, NetworkView, PlanView, PortView, planView } from "./model";
import { Transition } from "./pulumi-json";
import { UNKNOWN, naturalCompare } from "./values";

/** What happened to a row. */
export type Change = "added" | "removed" | "changed" | "unchanged";

/** A table of display text; the last column of every row is its {@link Change}. */
export interface Table {
  headers: string[];
  rows: string[][];
}

/** The whole report. */
export interface PlanReport {
  /** `PROJECT / STACK`, when the documents name them. */
  stack?: string;
  /** Where BEFORE and AFTER come from, one sentence. */
  source: string;
  /** The preview's change summary, e.g. `7 to replace, 15 unchanged`; undefined without a preview. */
  summary?: string;
  /** The preview's error diagnostics. */
  errors: string[];
  networks: Table;
  containers: Table;
  /** Present when either side has a DaemonConfig. */
  daemon?: Table;
  /** Collisions of the AFTER plan. */
  collisions: Collision[];
  before: PlanView;
  after: PlanView;
}

/** The arrow between a changed cell's BEFORE and AFTER. */
export const ARROW = " → ";
/** An empty cell. */
export const NONE = "-";

/**
 * A cell of one side: text, or a list (published ports, aux addresses) whose items are
 * compared one by one: each item has a key (a port's container port and protocol, an aux
 * address's name) that pairs it with the other side's.
 */
export type Cell = string | { items: [key: string, text: string][] };

/** One side's row: identity, sort key, cells. */
export interface SideRow {
  key: string;
  sort: string[];
  cells: Cell[];
}

function compareSort(a: string[], b: string[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const d = naturalCompare(a[i], b[i]);
    if (d !== 0) return d;
  }
  return a.length - b.length;
}

/** A cell's text: a list's items joined with `, `, or `-` when empty. */
export function cellText(cell: Cell): string {
  return typeof cell === "string" ? cell : joined(cell.items.map(([, t]) => t));
}

/**
 * A cell of a row on both sides: the text when equal, else `BEFORE → AFTER`; for a list,
 * item by item (`a → b` for a changed item, `- → b` for a new one, `a → -` for one gone,
 * after the others).
 */
export function diffCell(before: Cell, after: Cell): string {
  const b = cellText(before);
  const a = cellText(after);
  if (a === b) return a;
  if (typeof before === "string" || typeof after === "string") return `${b}${ARROW}${a}`;
  const old = new Map(before.items);
  const out = after.items.map(([key, text]) => {
    const was = old.get(key);
    return was === undefined ? `${NONE}${ARROW}${text}` : was === text ? text : `${was}${ARROW}${text}`;
  });
  const now = new Set(after.items.map(([key]) => key));
  for (const [key, text] of before.items) if (!now.has(key)) out.push(`${text}${ARROW}${NONE}`);
  return out.join(", ");
}

/** Pairs BEFORE and AFTER rows by key into cells plus a change column, sorted. */
export function diffRows(before: readonly SideRow[], after: readonly SideRow[]): string[][] {
  const old = new Map(before.map((r) => [r.key, r]));
  const now = new Map(after.map((r) => [r.key, r]));
  const keys = [...new Set([...old.keys(), ...now.keys()])];
  const rows = keys.map((key) => {
    const b = old.get(key);
    const a = now.get(key);
    if (b === undefined) return { sort: [...a!.sort, key], cells: [...a!.cells.map(cellText), "added"] };
    if (a === undefined) return { sort: [...b.sort, key], cells: [...b.cells.map(cellText), "removed"] };
    const changed = a.cells.some((x, i) => cellText(x) !== cellText(b.cells[i]));
    const cells = a.cells.map((x, i) => diffCell(b.cells[i], x));
    return { sort: [...a.sort, key], cells: [...cells, changed ? "changed" : "unchanged"] };
  });
  return rows.sort((x, y) => compareSort(x.sort, y.sort)).map((r) => r.cells);
}

/** `A, B` or `-`. */
function joined(items: readonly string[]): string {
  return items.length === 0 ? NONE : items.join(", ");
}

function networkRow(n: NetworkView): SideRow {
  const subnet = n.pools.length > 0 ? joined(n.pools.map((p) => p.subnet)) : n.assigned === "unknown" ? UNKNOWN : "(assigned by Docker)";
  return {
    key: n.key,
    sort: [n.name],
    cells: [
      n.name,
      n.driver,
      subnet,
      joined(n.pools.map((p) => p.gateway ?? NONE)),
      joined(n.pools.flatMap((p) => (p.ipRange === undefined ? [] : [p.ipRange]))),
      { items: n.pools.flatMap((p) => p.auxAddresses).map((x): [string, string] => [x.slice(0, x.indexOf("=")), x]) },
    ],
  };
}

/** `HOST-IP:PORT->CONTAINER-PORT/PROTO`, IPv6 host addresses in brackets, `(random)` for a port Docker picks. */
export function portText(p: PortView): string {
  const ip = p.ip.includes(":") ? `[${p.ip}]` : p.ip;
  return `${ip}:${p.external ?? "(random)"}->${p.internal}/${p.protocol}`;
}

/** A network mode as a network cell: `(host)`, `(container:0123456789ab)`. */
function modeText(mode: string | undefined): string {
  if (mode === undefined) return "(default bridge)";
  const m = /^container:([0-9a-f]{64})$/.exec(mode);
  return `(${m ? `container:${m[1].slice(0, 12)}` : mode})`;
}

/** A container's ports as a list cell, each keyed by its container port, protocol and host address family. */
function portsCell(ports: readonly PortView[]): Cell {
  const seen = new Map<string, number>();
  return {
    items: ports.map((p): [string, string] => {
      const base = `${p.internal}/${p.protocol}/${p.ip.includes(":") ? 6 : 4}`;
      const k = (seen.get(base) ?? 0) + 1;
      seen.set(base, k);
      return [`${base}#${k}`, portText(p)];
    }),
  };
}

function containerRows(c: ContainerView): SideRow[] {
  const ports = portsCell(c.ports);
  if (c.attachments.length === 0) {
    const own = c.networkMode === undefined || c.networkMode === "bridge";
    return [{ key: `${c.key}\u0000`, sort: [c.name, ""], cells: [c.name, modeText(c.networkMode), own ? "dynamic" : NONE, NONE, ports] }];
  }
  return c.attachments.map((a) => ({
    key: `${c.key}\u0000${a.network}`,
    sort: [c.name, a.network],
    cells: [c.name, a.network, a.ipv4 ?? "dynamic", a.ipv6 ?? NONE, ports],
  }));
}

const SETTING_ORDER = ["bip", "fixed-cidr", "fixed-cidr-v6"];

function daemonRows(d: DaemonView): SideRow[] {
  const settings: [string, string][] = [];
  if (d.bip !== undefined) settings.push(["bip", d.bip]);
  if (d.fixedCidr !== undefined) settings.push(["fixed-cidr", d.fixedCidr]);
  if (d.fixedCidrV6 !== undefined) settings.push(["fixed-cidr-v6", d.fixedCidrV6]);
  d.pools.forEach((p, i) => settings.push([`default-address-pools[${i}]`, `${p.base}, size /${p.size}`]));
  return settings.map(([setting, value]) => {
    const rank = SETTING_ORDER.includes(setting) ? SETTING_ORDER.indexOf(setting) : SETTING_ORDER.length;
    return { key: `${d.key}\u0000${setting}`, sort: [d.name, String(rank), setting], cells: [d.name, setting, value] };
  });
}

const OP_LABEL: Record<string, string> = {
  create: "to create",
  update: "to update",
  replace: "to replace",
  delete: "to delete",
  same: "unchanged",
};

/** `7 to replace, 15 unchanged`; `no resources` when empty. */
export function summaryText(summary: readonly [string, number][]): string {
  if (summary.length === 0) return "no resources";
  return summary.map(([op, n]) => `${n} ${OP_LABEL[op] ?? op}`).join(", ");
}

const SOURCE: Record<Transition["source"], string> = {
  preview: "Before: the deployed state the preview started from. After: the preview.",
  state: "The deployed state (stack export); no preview given, so before and after are the same.",
  both: "Before: the deployed state (stack export). After: the preview.",
};

/** Builds the report of a transition. */
export function buildReport(t: Transition): PlanReport {
  const before = planView(t.before);
  const after = planView(t.after);
  const report: PlanReport = {
    source: SOURCE[t.source],
    errors: t.errors,
    networks: {
      headers: ["network", "driver", "subnet", "gateway", "ip-range", "aux addresses", "change"],
      rows: diffRows(before.networks.map(networkRow), after.networks.map(networkRow)),
    },
    containers: {
      headers: ["container", "network", "IPv4", "IPv6", "published ports", "change"],
      rows: diffRows(before.containers.flatMap(containerRows), after.containers.flatMap(containerRows)),
    },
    collisions: findCollisions(after),
    before,
    after,
  };
  if (t.project !== undefined && t.stack !== undefined) report.stack = `${t.project} / ${t.stack}`;
  if (t.summary !== undefined) report.summary = summaryText(t.summary);
  if (before.daemons.length > 0 || after.daemons.length > 0) {
    report.daemon = {
      headers: ["daemon", "setting", "value", "change"],
      rows: diffRows(before.daemons.flatMap(daemonRows), after.daemons.flatMap(daemonRows)),
    };
  }
  return report;
}
