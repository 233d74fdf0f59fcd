/**
 * The AFTER plan's address space as a standalone SVG map: one horizontal bar per range
 * group (the private block holding the ranges: 10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16,
 * fc00::/7; else the range's IPv4 /8 or IPv6 /16), each used range a `<rect>` placed
 * proportionally (at least 2 px wide) with `data-range="CIDR"`, `data-owner` and a label
 * below; free gaps as `<rect class="free">`; ranges that overlap another owner's in red
 * (`class="range overlap"`, fill {@link OVERLAP_FILL}). Default address pools span the bar's
 * full height, networks and the bip network sit inset on top of them. Below a group, a
 * detail bar zooms into each /16 (IPv6: /48) holding smaller ranges; its rects carry
 * `data-detail-range` instead, so `rect[data-range]` counts each range once.
 *
 * Pure string generation: no Pulumi imports, no I/O, deterministic output.
 *
 * @module
 */
import { Cidr, cidrContainsCidr, cidrSize, cidrsOverlap, formatCidr, lastAddress, parseCidr } from "../ipam";
import { RangeClaim, overlappingPairs, rangeClaims } from "./collisions";
import { PlanReport } from "./report";

/** Fill of a range that overlaps another owner's. */
export const OVERLAP_FILL = "#d62728";
/** Fills of the other ranges, by kind. */
export const KIND_FILL: Record<RangeClaim["kind"], string> = { network: "#1f77b4", bip: "#ff7f0e", pool: "#98df8a" };
const FREE_FILL = "#ececec";

/** Width of the picture, and the bar's left edge and width. */
export const SVG_WIDTH = 960;
const BAR_X = 16;
const BAR_W = SVG_WIDTH - 2 * BAR_X;
const BAR_H = 28;
const LANE_H = 14;
/** Estimated width of one label character (11 px monospace). */
const CHAR_W = 6.7;

const PRIVATE_BLOCKS: Cidr[] = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "fc00::/7"].map((t) => parseCidr(t, "block"));

/** Text for SVG content and attribute values: `& < > " '` escaped. */
export function escapeXml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&#39;");
}

/** A coordinate with at most two decimals. */
function n(x: number): string {
  return String(Math.round(x * 100) / 100);
}

/** The group a block is drawn in: the private block holding it, else its IPv4 /8 or IPv6 /16 (or itself when larger). */
export function groupOf(c: Cidr): Cidr {
  const block = PRIVATE_BLOCKS.find((b) => cidrContainsCidr(b, c));
  if (block !== undefined) return block;
  const prefix = Math.min(c.prefix, c.family === 4 ? 8 : 16);
  const size = cidrSize({ family: c.family, network: 0n, prefix });
  return { family: c.family, network: (c.network / size) * size, prefix };
}

/** The groups of a list of claims, outermost only, in address order, each with its claims. */
export function rangeGroups(claims: readonly RangeClaim[]): { group: Cidr; claims: RangeClaim[] }[] {
  const candidates = claims.map((c) => groupOf(c.cidr));
  const outer = candidates.filter((g, i) =>
    candidates.every((h, j) => j === i || !cidrContainsCidr(h, g) || (cidrContainsCidr(g, h) && j > i)),
  );
  const groups = outer
    .sort((a, b) => a.family - b.family || (a.network < b.network ? -1 : a.network > b.network ? 1 : 0))
    .map((group) => ({ group, claims: claims.filter((c) => cidrContainsCidr(group, c.cidr)) }));
  return groups;
}

/** Fraction of `extent` before `value`, 0..1 (clamped). */
function frac(extent: Cidr, value: bigint): number {
  if (value <= extent.network) return 0;
  if (value > lastAddress(extent)) return 1;
  return Number(((value - extent.network) * 1_000_000n) / cidrSize(extent)) / 1_000_000;
}

/** Inclusive intervals of the union of the claims, clipped to `extent`, in order. */
function union(claims: readonly RangeClaim[], extent: Cidr): [bigint, bigint][] {
  const lo = extent.network;
  const hi = lastAddress(extent);
  const spans = claims
    .map((c): [bigint, bigint] => [c.cidr.network < lo ? lo : c.cidr.network, lastAddress(c.cidr) > hi ? hi : lastAddress(c.cidr)])
    .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  const out: [bigint, bigint][] = [];
  for (const [s, e] of spans) {
    const last = out[out.length - 1];
    if (last !== undefined && s <= last[1] + 1n) last[1] = e > last[1] ? e : last[1];
    else out.push([s, e]);
  }
  return out;
}

/** A claim's label: `172.38.0.0/16 redis`, `192.168.42.0/24 docker0 bip`. */
function label(c: RangeClaim): string {
  const owner = c.owner.replace(/^network "(.*)"$/, "$1").replace(/^daemon "(.*)" /, "$1 ");
  return `${c.text} ${owner}`;
}

/** Drawing order: pools first (they span the bar's height), then the others. */
const KIND_ORDER: Record<RangeClaim["kind"], number> = { pool: 0, bip: 1, network: 1 };

/** `6.3%`: the share of `extent` the claims use. */
function usedShare(claims: readonly RangeClaim[], extent: Cidr): string {
  const used = union(claims, extent).reduce((sum, [s, e]) => sum + e - s + 1n, 0n);
  const permille = (used * 2000n) / cidrSize(extent);
  const share = Number((permille + 1n) / 2n) / 10;
  return share === 0 && used > 0n ? "<0.1%" : `${share.toFixed(1)}%`;
}

/**
 * One bar from `y`: `extent` drawn proportionally, its free gaps, the claims that touch it
 * (clipped to it) and their labels; returns the elements and the height used. Ranges of
 * the overview bar carry `data-range`, those of a detail bar `data-detail-range`, so each
 * range is counted once.
 */
function barSvg(
  extent: Cidr,
  claims: readonly RangeClaim[],
  overlapping: ReadonlySet<RangeClaim>,
  y: number,
  detail: boolean,
): { parts: string[]; height: number } {
  const parts: string[] = [];
  const extentText = formatCidr(extent);
  const title = detail
    ? `detail of ${extentText}: ${usedShare(claims, extent)} used`
    : `${extentText}: ${claims.length} range${claims.length === 1 ? "" : "s"}, ${usedShare(claims, extent)} used`;
  parts.push(`<g class="${detail ? "detail" : "group"}" data-${detail ? "detail" : "group"}="${escapeXml(extentText)}">`);
  parts.push(`<text class="${detail ? "detail-label" : "group-label"}" x="${BAR_X}" y="${n(y + 14)}">${escapeXml(title)}</text>`);
  const barY = y + 22;
  parts.push(
    `<rect class="space" x="${BAR_X}" y="${n(barY)}" width="${BAR_W}" height="${BAR_H}" fill="#ffffff" stroke="#888888"><title>${escapeXml(extentText)}</title></rect>`,
  );
  let cursor = extent.network;
  const gaps: [bigint, bigint][] = [];
  for (const [s, e] of union(claims, extent)) {
    if (s > cursor) gaps.push([cursor, s - 1n]);
    cursor = e + 1n;
  }
  if (cursor <= lastAddress(extent)) gaps.push([cursor, lastAddress(extent)]);
  for (const [s, e] of gaps) {
    const x = BAR_X + BAR_W * frac(extent, s);
    const w = BAR_W * (frac(extent, e + 1n) - frac(extent, s));
    const span = `${formatAddress(extent, s)}-${formatAddress(extent, e)}`;
    parts.push(
      `<rect class="free" data-free="${escapeXml(span)}" x="${n(x)}" y="${n(barY)}" width="${n(w)}" height="${BAR_H}" fill="${FREE_FILL}"><title>${escapeXml(`free: ${span}`)}</title></rect>`,
    );
  }
  const at = (c: RangeClaim) => {
    const x = BAR_X + BAR_W * frac(extent, c.cidr.network);
    return { x, w: Math.max(2, BAR_W * frac(extent, lastAddress(c.cidr) + 1n) - (x - BAR_X)) };
  };
  // Pools first, then larger before smaller, so what lies inside another range is drawn on
  // top of it, inset deeper by how many other ranges of the bar contain it.
  const drawn = [...claims].sort((a, b) => KIND_ORDER[a.kind] - KIND_ORDER[b.kind] || a.cidr.prefix - b.cidr.prefix);
  for (const c of drawn) {
    const { x, w } = at(c);
    const depth = claims.filter(
      (o) => o !== c && o.kind !== "pool" && o.cidr.prefix < c.cidr.prefix && cidrsOverlap(o.cidr, c.cidr),
    ).length;
    const inset = c.kind === "pool" ? 0 : Math.min(12, 5 + 4 * depth);
    const over = overlapping.has(c);
    const fill = over ? OVERLAP_FILL : KIND_FILL[c.kind];
    const tip = `${c.text} of ${c.owner}${over ? " (overlaps)" : ""}`;
    parts.push(
      `<rect class="range ${c.kind}${over ? " overlap" : ""}" data-${detail ? "detail-range" : "range"}="${escapeXml(c.text)}" data-owner="${escapeXml(c.owner)}" x="${n(x)}" y="${n(barY + inset)}" width="${n(Math.min(w, BAR_X + BAR_W - x))}" height="${BAR_H - 2 * inset}" fill="${fill}" stroke="#333333" stroke-width="0.5"><title>${escapeXml(tip)}</title></rect>`,
    );
  }
  // Labels in address order, each in the first lane where it does not overlap the previous one.
  const laneEnds: number[] = [];
  for (const c of claims) {
    const { x } = at(c);
    const over = overlapping.has(c);
    const textW = label(c).length * CHAR_W;
    const lx = Math.max(BAR_X, Math.min(x, BAR_X + BAR_W - textW));
    let lane = laneEnds.findIndex((end) => end + 8 <= lx);
    if (lane < 0) {
      lane = laneEnds.length;
      laneEnds.push(0);
    }
    laneEnds[lane] = lx + textW;
    const ly = barY + BAR_H + LANE_H * (lane + 1);
    parts.push(
      `<line class="leader" x1="${n(x + 1)}" y1="${n(barY + BAR_H)}" x2="${n(x + 1)}" y2="${n(ly - 10)}" stroke="#666666" stroke-width="0.5"/>`,
      `<text class="range-label${over ? " overlap" : ""}" x="${n(lx)}" y="${n(ly)}"${over ? ` fill="${OVERLAP_FILL}"` : ""}>${escapeXml(label(c))}</text>`,
    );
  }
  parts.push("</g>");
  return { parts, height: 22 + BAR_H + LANE_H * laneEnds.length + 18 };
}

/** Prefix length of the detail bars: /16 for IPv4, /48 for IPv6. */
const DETAIL_PREFIX = { 4: 16, 6: 48 } as const;

/**
 * The detail bars of a group: the /16 (IPv6: /48) around each claim at least that small,
 * where the group is larger, and the claims there are more than that one block itself.
 */
export function detailBlocks(group: Cidr, claims: readonly RangeClaim[]): Cidr[] {
  const prefix = DETAIL_PREFIX[group.family];
  if (group.prefix >= prefix) return [];
  const blocks: Cidr[] = [];
  for (const c of claims) {
    if (c.cidr.prefix < prefix) continue;
    const size = cidrSize({ family: c.cidr.family, network: 0n, prefix });
    const block: Cidr = { family: c.cidr.family, network: (c.cidr.network / size) * size, prefix };
    if (!blocks.some((b) => b.network === block.network)) blocks.push(block);
  }
  return blocks
    .filter((b) => claims.some((c) => cidrsOverlap(b, c.cidr) && !(c.cidr.prefix === b.prefix && c.cidr.network === b.network)))
    .sort((a, b) => (a.network < b.network ? -1 : a.network > b.network ? 1 : 0));
}

/** An address of the group's family as text. */
function formatAddress(group: Cidr, value: bigint): string {
  return formatCidr({ family: group.family, network: value, prefix: group.family === 4 ? 32 : 128 }).replace(/\/\d+$/, "");
}

/** The number of `rect[data-range]` elements {@link renderSvg} draws for a report: one per claimed range. */
export function svgRangeCount(report: PlanReport): number {
  return rangeClaims(report.after).length;
}

/** The AFTER plan of a report as a standalone SVG document, ending with a newline. */
export function renderSvg(report: PlanReport): string {
  const claims = rangeClaims(report.after);
  const overlapping = new Set(overlappingPairs(claims).flat());
  const side = report.summary === undefined ? "deployed" : "after the change";
  const heading = `dockwire address plan${report.stack === undefined ? "" : `: ${report.stack}`} (${side})`;
  const unplaced = report.after.networks.filter((x) => x.pools.length === 0).map((x) => x.name);
  const note =
    unplaced.length === 0
      ? `${claims.length} range${claims.length === 1 ? "" : "s"}, ${overlapping.size} overlapping`
      : `${claims.length} range${claims.length === 1 ? "" : "s"}, ${overlapping.size} overlapping; subnet chosen by Docker or not yet known, not drawn: ${unplaced.join(", ")}`;
  const body: string[] = [];
  let y = 56;
  if (claims.length === 0) {
    body.push(`<text x="${BAR_X}" y="${y + 16}">No address ranges in the plan.</text>`);
    y += 32;
  }
  for (const { group, claims: inGroup } of rangeGroups(claims)) {
    const g = barSvg(group, inGroup, overlapping, y, false);
    body.push(...g.parts);
    y += g.height;
    for (const block of detailBlocks(group, inGroup)) {
      const d = barSvg(
        block,
        inGroup.filter((c) => cidrsOverlap(block, c.cidr)),
        overlapping,
        y,
        true,
      );
      body.push(...d.parts);
      y += d.height;
    }
  }
  const legend: [string, string][] = [
    ["network", KIND_FILL.network],
    ["daemon bip", KIND_FILL.bip],
    ["default address pool", KIND_FILL.pool],
    ["overlap", OVERLAP_FILL],
    ["free", FREE_FILL],
  ];
  let lx = BAR_X;
  body.push(`<g class="legend">`);
  for (const [name, fill] of legend) {
    body.push(
      `<rect class="key" x="${lx}" y="${y + 4}" width="12" height="12" fill="${fill}" stroke="#333333" stroke-width="0.5"/>`,
      `<text x="${lx + 16}" y="${y + 14}">${escapeXml(name)}</text>`,
    );
    lx += 16 + Math.ceil(name.length * CHAR_W) + 20;
  }
  body.push("</g>");
  const height = y + 28;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${SVG_WIDTH}" height="${height}" viewBox="0 0 ${SVG_WIDTH} ${height}" font-family="DejaVu Sans Mono, Menlo, Consolas, monospace" font-size="11">`,
    `<title>${escapeXml(heading)}</title>`,
    `<rect class="background" x="0" y="0" width="${SVG_WIDTH}" height="${height}" fill="#ffffff"/>`,
    `<text class="heading" x="${BAR_X}" y="22" font-size="15" font-weight="bold">${escapeXml(heading)}</text>`,
    `<text class="note" x="${BAR_X}" y="40">${escapeXml(note)}</text>`,
    ...body,
    "</svg>",
    "",
  ].join("\n");
}
