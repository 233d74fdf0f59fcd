/**
 * The scaling chart (bench/results/scaling.svg), hand-written SVG without dependencies:
 * two log-log panels of median time against N, each with a dashed line of linear scaling
 * from the reference series' smallest N (warm plan; bare DockerNetwork): a series parallel
 * to it has a flat cost per item.
 */
import type { Machine } from "./common";

interface Series {
  label: string;
  color: string;
  points: [number, number][]; // [N, ms]
}

interface PlanSummary {
  n: number;
  coldMs: number;
  warmMs: number;
}

interface MockSummary {
  n: number;
  dockwire: { registerMs: number };
  bare: { registerMs: number };
  ratio: number;
}

const W = 420;
const H = 300;
const M = { left: 58, right: 16, top: 34, bottom: 46 };

function esc(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

function fmtTick(v: number): string {
  if (v >= 1000) return `${v / 1000}k`;
  if (v >= 1) return String(v);
  return String(Number(v.toPrecision(1)));
}

function panel(x0: number, title: string, series: Series[], yLabel: string, refIndex: number): string {
  const all = series.flatMap((s) => s.points).filter(([n, v]) => n > 0 && v > 0);
  if (all.length === 0) return "";
  const xs = all.map((p) => p[0]);
  const ys = all.map((p) => p[1]);
  // The linear reference starts at the reference series' smallest N; include its end in the y range.
  const first = series[refIndex].points[0];
  const lastN = Math.max(...xs);
  const refEnd = first[1] * (lastN / first[0]);
  const lx0 = Math.floor(Math.log10(Math.min(...xs)));
  const lx1 = Math.ceil(Math.log10(Math.max(...xs)));
  const ly0 = Math.floor(Math.log10(Math.min(...ys)));
  const ly1 = Math.ceil(Math.log10(Math.max(...ys, refEnd)));
  const pw = W - M.left - M.right;
  const ph = H - M.top - M.bottom;
  const r1 = (v: number) => Math.round(v * 10) / 10;
  const px = (n: number) => r1(x0 + M.left + ((Math.log10(n) - lx0) / Math.max(1, lx1 - lx0)) * pw);
  const py = (v: number) => r1(M.top + ph - ((Math.log10(v) - ly0) / Math.max(1, ly1 - ly0)) * ph);
  const out: string[] = [];
  out.push(`<text x="${x0 + M.left + pw / 2}" y="20" text-anchor="middle" font-weight="bold">${esc(title)}</text>`);
  out.push(`<rect x="${x0 + M.left}" y="${M.top}" width="${pw}" height="${ph}" fill="none" stroke="#999"/>`);
  for (let e = lx0; e <= lx1; e++) {
    const x = px(10 ** e);
    out.push(`<line x1="${x}" y1="${M.top}" x2="${x}" y2="${M.top + ph}" stroke="#eee"/>`);
    out.push(`<text x="${x}" y="${M.top + ph + 16}" text-anchor="middle">${fmtTick(10 ** e)}</text>`);
  }
  for (let e = ly0; e <= ly1; e++) {
    const y = py(10 ** e);
    out.push(`<line x1="${x0 + M.left}" y1="${y}" x2="${x0 + M.left + pw}" y2="${y}" stroke="#eee"/>`);
    out.push(`<text x="${x0 + M.left - 6}" y="${y + 4}" text-anchor="end">${fmtTick(10 ** e)}</text>`);
  }
  out.push(`<text x="${x0 + M.left + pw / 2}" y="${H - 10}" text-anchor="middle">N (networks, log scale)</text>`);
  out.push(`<text transform="translate(${x0 + 14} ${M.top + ph / 2}) rotate(-90)" text-anchor="middle">${esc(yLabel)}</text>`);
  out.push(`<line x1="${px(first[0])}" y1="${py(first[1])}" x2="${px(lastN)}" y2="${py(refEnd)}" stroke="#888" stroke-dasharray="4 4"/>`);
  series.forEach((s, i) => {
    const pts = s.points.filter(([n, v]) => n > 0 && v > 0);
    out.push(`<polyline fill="none" stroke="${s.color}" stroke-width="2" points="${pts.map(([n, v]) => `${px(n)},${py(v)}`).join(" ")}"/>`);
    for (const [n, v] of pts)
      out.push(
        `<circle cx="${px(n)}" cy="${py(v)}" r="3" fill="${s.color}"><title>${esc(`${s.label}, N=${n}: ${v.toFixed(3)} ms`)}</title></circle>`,
      );
    const ly = M.top + 14 + i * 16;
    out.push(`<line x1="${x0 + M.left + 8}" y1="${ly - 4}" x2="${x0 + M.left + 24}" y2="${ly - 4}" stroke="${s.color}" stroke-width="2"/>`);
    out.push(`<text x="${x0 + M.left + 28}" y="${ly}">${esc(s.label)}</text>`);
  });
  const ly = M.top + 14 + series.length * 16;
  out.push(`<line x1="${x0 + M.left + 8}" y1="${ly - 4}" x2="${x0 + M.left + 24}" y2="${ly - 4}" stroke="#888" stroke-dasharray="4 4"/>`);
  out.push(`<text x="${x0 + M.left + 28}" y="${ly}">linear from ${esc(series[refIndex].label)} at N=${first[0]}</text>`);
  return out.join("\n");
}

/** The chart, or undefined when neither the plan nor the mocks bench ran. */
export function scalingSvg(plan: PlanSummary[] | undefined, mocks: MockSummary[] | undefined, m: Machine): string | undefined {
  const panels: string[] = [];
  let x = 0;
  if (plan?.length) {
    panels.push(
      panel(
        x,
        "AddressPlan: register N /24s",
        [
          { label: "first in a fresh process", color: "#d62728", points: plan.map((p) => [p.n, p.coldMs]) },
          { label: "warm (JIT-optimized)", color: "#1f77b4", points: plan.map((p) => [p.n, p.warmMs]) },
        ],
        "median time (ms)",
        1,
      ),
    );
    x += W;
  }
  if (mocks?.length) {
    panels.push(
      panel(
        x,
        "Under Pulumi mocks: register N networks",
        [
          { label: "dockwire BridgeNetwork", color: "#2ca02c", points: mocks.map((p) => [p.n, p.dockwire.registerMs]) },
          { label: "bare DockerNetwork", color: "#9467bd", points: mocks.map((p) => [p.n, p.bare.registerMs]) },
        ],
        "median time (ms)",
        1,
      ),
    );
    x += W;
  }
  if (panels.length === 0) return undefined;
  const foot = `dockwire bench ${m.date.slice(0, 10)}: ${m.nproc} CPU ${m.cpuModel}, ${(m.memTotalMb / 1024).toFixed(0)} GiB, node ${m.node}`;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${x}" height="${H + 18}" viewBox="0 0 ${x} ${H + 18}" font-family="sans-serif" font-size="11">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    ...panels,
    `<text x="${x / 2}" y="${H + 12}" text-anchor="middle" fill="#555">${esc(foot)}</text>`,
    `</svg>`,
    "",
  ].join("\n");
}

/** One ratio of the run: what, dockwire's figure over its reference, and the goal (a ratio). */
export interface RatioBar {
  label: string;
  ratio: number;
  goal: number;
}

/**
 * The ratios chart (bench/results/ratios.svg): one horizontal bar per comparison with a goal
 * (dockwire / by hand, / Compose, / the docker CLI, / the empty program, BridgeNetwork / bare DockerNetwork), on a linear axis from 0, the goal
 * as a dark tick on the bar's line and the 1.0 line dashed; a bar is green when it meets its
 * goal, red when it misses it. Undefined when no row has a ratio and a goal.
 */
export function ratiosSvg(bars: RatioBar[], m: Machine): string | undefined {
  if (bars.length === 0) return undefined;
  const rowH = 26;
  const left = 470;
  const width = 360;
  const top = 40;
  const h = top + bars.length * rowH + 40;
  const max = Math.max(1.2, ...bars.map((b) => Math.max(b.ratio, b.goal))) * 1.08;
  const x = (v: number) => left + (v / max) * width;
  const out = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${left + width + 220}" height="${h}" font-family="sans-serif" font-size="12">`,
    `<text x="8" y="18" font-size="14">dockwire's ratios, medians of alternated rounds (${esc(m.date)}, ${m.nproc} CPUs)</text>`,
    `<line x1="${x(1)}" y1="${top - 8}" x2="${x(1)}" y2="${top + bars.length * rowH}" stroke="#888" stroke-dasharray="4 3"/>`,
    `<text x="${x(1)}" y="${top - 12}" text-anchor="middle" fill="#555">1.0</text>`,
  ];
  bars.forEach((b, i) => {
    const y = top + i * rowH;
    const met = b.ratio <= b.goal;
    out.push(
      `<text x="${left - 8}" y="${y + 15}" text-anchor="end">${esc(b.label)}</text>`,
      `<rect x="${left}" y="${y + 4}" width="${(x(b.ratio) - left).toFixed(1)}" height="${rowH - 10}" fill="${met ? "#2ca02c" : "#d62728"}" data-ratio="${b.ratio.toFixed(3)}"/>`,
      `<line x1="${x(b.goal)}" y1="${y + 1}" x2="${x(b.goal)}" y2="${y + rowH - 3}" stroke="#000" stroke-width="2"/>`,
      `<text x="${(x(b.ratio) + 4).toFixed(1)}" y="${y + 15}">${b.ratio.toFixed(2)} (goal ${met ? "met" : "missed"}: ≤ ${String(b.goal)})</text>`,
    );
  });
  out.push(`<text x="${left}" y="${h - 12}" fill="#555">green: goal met; red: missed; black tick: the goal</text>`, "</svg>");
  return out.join("\n");
}

/**
 * The same ratios as text, for a terminal and the README: one line per comparison, a bar
 * of `#` to the ratio (`=` past the goal), `|` at the goal, on a linear scale from 0.
 */
export function ratiosText(bars: RatioBar[], width = 40): string[] {
  if (bars.length === 0) return [];
  const max = Math.max(1.2, ...bars.map((b) => Math.max(b.ratio, b.goal)));
  const col = (v: number) => Math.round((v / max) * width);
  const labelW = Math.max(...bars.map((b) => b.label.length));
  return bars.map((b) => {
    const goalAt = col(b.goal);
    const end = col(b.ratio);
    let bar = "";
    for (let i = 0; i <= Math.max(end, goalAt); i++) {
      if (i === goalAt) bar += "|";
      else if (i < end) bar += i < goalAt ? "#" : "=";
      else bar += " ";
    }
    const verdict = b.ratio <= b.goal ? "met" : "MISSED";
    return `${b.label.padEnd(labelW)}  ${bar.padEnd(width + 2)} ${b.ratio.toFixed(2)} (goal <= ${b.goal}: ${verdict})`;
  });
}
