// dockwire plan's SVG map rendered by a real browser: headless Chromium (Debian's `chromium`,
// which scripts/host-tools.sh installs) screenshots the SVG of a fixture to a PNG, and a page
// embedding the same SVG counts its `rect[data-range]` elements into document.title, read back
// with --dump-dom. Checks: exit 0 and no load error on stderr, a PNG of the SVG's pixel size,
// the colours of an overlapping range, a plain range and a free gap at their places, and as
// many ranges (and overlapping ones) in the browser's DOM as the plan has. Offline: file://
// only, background networking off, a throwaway profile; every run bounded.
import test, { ExecutionContext } from "ava";
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { inflateSync } from "node:zlib";
import { buildReport, parsePreview, renderSvg, svgRangeCount, transition } from "../../provider/plan";
import { run } from "./lib/exec";

const repo = path.resolve(__dirname, "..", "..", "..");
const CHROMIUM = process.env.DOCKWIRE_CHROMIUM ?? "/usr/bin/chromium";

/**
 * Why the browser cannot run, or undefined when it can: when chromium is missing, the
 * project's installer (scripts/host-tools.sh, bounded to 10 minutes) is tried once.
 */
function chromiumMissing(): string | undefined {
  if (existsSync(CHROMIUM)) return undefined;
  const r = spawnSync("bash", [path.join(repo, "scripts", "host-tools.sh")], { encoding: "utf8", timeout: 600_000, killSignal: "SIGKILL" });
  if (existsSync(CHROMIUM)) return undefined;
  const why = (r.stderr || r.error?.message || "").trim().split("\n").pop() ?? "";
  return `needs ${CHROMIUM}: not installed and scripts/host-tools.sh could not install it${why ? ` (${why})` : ""}`;
}
const missing = chromiumMissing();

/** Flags that keep the browser headless, offline and out of the user's profile. */
function chromiumFlags(profile: string): string[] {
  return [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--no-first-run",
    "--no-default-browser-check",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-extensions",
    "--hide-scrollbars",
    "--force-device-scale-factor=1",
    `--user-data-dir=${profile}`,
  ];
}

/** stderr lines of a failed load or a crash (chromium exits 0 on a page that did not load). */
const FAILURE = [/Page load failed/, /net::ERR_/, /:FATAL:/, /Check failed/, /Segmentation fault/];
function failures(stderr: string): string[] {
  return stderr.split("\n").filter((l) => FAILURE.some((re) => re.test(l)));
}

/** A decoded 8-bit RGB or RGBA, non-interlaced PNG. */
interface Png {
  width: number;
  height: number;
  pixel(x: number, y: number): [number, number, number];
}

/** Decodes the PNGs chromium writes (IHDR, IDAT, IEND; filters 0-4). */
function decodePng(bytes: Uint8Array): Png {
  const SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
  if (!SIGNATURE.every((b, i) => bytes[i] === b)) throw new Error("not a PNG: the signature is missing");
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let at = 8;
  let width = 0;
  let height = 0;
  let channels = 0;
  const idat: Uint8Array[] = [];
  while (at < bytes.length) {
    const len = view.getUint32(at);
    const type = String.fromCharCode(...bytes.subarray(at + 4, at + 8));
    const data = bytes.subarray(at + 8, at + 8 + len);
    if (type === "IHDR") {
      width = view.getUint32(at + 8);
      height = view.getUint32(at + 12);
      const [depth, colour, , , interlace] = [data[8], data[9], data[10], data[11], data[12]];
      if (depth !== 8 || (colour !== 2 && colour !== 6) || interlace !== 0) {
        throw new Error(`unexpected PNG format: bit depth ${depth}, colour type ${colour}, interlace ${interlace}`);
      }
      channels = colour === 6 ? 4 : 3;
    } else if (type === "IDAT") idat.push(data);
    at += 12 + len;
  }
  const joined = new Uint8Array(idat.reduce((n, d) => n + d.length, 0));
  idat.reduce((off, d) => (joined.set(d, off), off + d.length), 0);
  const raw = inflateSync(joined);
  const stride = width * channels;
  const out = new Uint8Array(stride * height);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)];
    const line = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    for (let i = 0; i < stride; i++) {
      const a = i >= channels ? out[y * stride + i - channels] : 0;
      const b = y > 0 ? out[(y - 1) * stride + i] : 0;
      const c = i >= channels && y > 0 ? out[(y - 1) * stride + i - channels] : 0;
      const p = a + b - c;
      const [pa, pb, pc] = [Math.abs(p - a), Math.abs(p - b), Math.abs(p - c)];
      const paeth = pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
      const pred = [0, a, b, (a + b) >> 1, paeth][filter];
      if (pred === undefined) throw new Error(`PNG row ${y} has an unknown filter ${filter}`);
      out[y * stride + i] = (line[i] + pred) & 0xff;
    }
  }
  return {
    width,
    height,
    pixel: (x, y) => {
      const i = Math.round(y) * stride + Math.round(x) * channels;
      return [out[i], out[i + 1], out[i + 2]];
    },
  };
}

/** The attributes of the SVG's first `<rect>` with `attr="value"`. */
function rectAttributes(svg: string, attr: string, value: string): Record<string, string> {
  const m = [...svg.matchAll(/<rect ([^>]*)>/g)].find((x) => x[1].includes(`${attr}="${value}"`));
  if (!m) throw new Error(`no rect with ${attr}="${value}"`);
  return Object.fromEntries([...m[1].matchAll(/([\w-]+)="([^"]*)"/g)].map((a) => [a[1], a[2]]));
}

/** A colour within 40 per channel of `#rrggbb` (antialiasing, colour management). */
function near(t: ExecutionContext, got: [number, number, number], hex: string, what: string): void {
  const want = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));
  t.true(
    got.every((v, i) => Math.abs(v - want[i]) <= 40),
    `${what}: pixel rgb(${got.join(",")}) is not ${hex}`,
  );
}

interface Probe {
  /** Which rect (attribute and value), where inside it (fraction of its width), and the colour there. */
  attr: string;
  value: string;
  at: number;
  colour: string;
}

const cases: { fixture: string; ranges: number; overlapping: number; probes: Probe[] }[] = [
  {
    fixture: "lab-preview-collisions.json",
    ranges: 4,
    overlapping: 3,
    probes: [
      { attr: "data-detail-range", value: "10.10.0.0/16", at: 0.25, colour: "#d62728" },
      { attr: "data-range", value: "10.201.0.0/16", at: 0.5, colour: "#98df8a" },
      { attr: "data-free", value: "10.11.0.0-10.200.255.255", at: 0.5, colour: "#ececec" },
    ],
  },
  {
    fixture: "redis-preview-same.json",
    ranges: 1,
    overlapping: 0,
    probes: [
      { attr: "data-range", value: "172.38.0.0/16", at: 0.5, colour: "#1f77b4" },
      { attr: "data-free", value: "172.39.0.0-172.255.255.255", at: 0.5, colour: "#ececec" },
    ],
  },
];

for (const c of cases) {
  (missing ? test.serial.skip : test.serial)(
    `plan SVG of ${c.fixture} renders in headless Chromium: ${c.ranges} ranges, ${c.overlapping} overlapping${missing ? ` (skipped: ${missing})` : ""}`,
    async (t) => {
      const dir = await mkdtemp(path.join(tmpdir(), "dw-plan-render-"));
      t.teardown(() => rm(dir, { recursive: true, force: true }));
      const text = await readFile(path.join(repo, "test", "fixtures", "plan", c.fixture), "utf8");
      const report = buildReport(transition(parsePreview(text, c.fixture), undefined));
      const svg = renderSvg(report);
      t.is(svgRangeCount(report), c.ranges);
      const size = /^<svg [^>]*width="(\d+)" height="(\d+)"/.exec(svg);
      if (!size) throw new Error("the SVG has no width and height");
      const [width, height] = [Number(size[1]), Number(size[2])];
      const svgFile = path.join(dir, "plan.svg");
      const pngFile = path.join(dir, "plan.png");
      await writeFile(svgFile, svg);

      // 1. The SVG itself, screenshotted at its own size.
      const shot = await run(
        CHROMIUM,
        [...chromiumFlags(path.join(dir, "profile")), `--screenshot=${pngFile}`, `--window-size=${width},${height}`, `file://${svgFile}`],
        { timeoutMs: 90_000 },
      );
      t.deepEqual(failures(shot.stderr), [], shot.stderr);
      const png = new Uint8Array(await readFile(pngFile));
      t.true((await stat(pngFile)).size > 2000, `the PNG is only ${png.length} bytes`);
      t.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
      t.is(String.fromCharCode(...png.subarray(12, 16)), "IHDR");
      const ihdr = new DataView(png.buffer, png.byteOffset + 16, 8);
      t.deepEqual([ihdr.getUint32(0), ihdr.getUint32(4)], [width, height]);
      const image = decodePng(png);
      for (const p of c.probes) {
        const r = rectAttributes(svg, p.attr, p.value);
        const x = Number(r.x) + Number(r.width) * p.at;
        const y = Number(r.y) + Number(r.height) / 2;
        near(t, image.pixel(x, y), p.colour, `${p.attr}="${p.value}" at (${Math.round(x)}, ${Math.round(y)})`);
      }

      // 2. The same SVG inline in a page whose script counts what the browser parsed and laid out.
      const page = path.join(dir, "count.html");
      await writeFile(
        page,
        `<!doctype html><html><head><meta charset="utf-8"><title>not counted</title></head><body>${svg}<script>
const ranges = [...document.querySelectorAll("svg rect[data-range]")];
const drawn = ranges.filter((r) => r.getBoundingClientRect().width >= 1.9 && r.getBoundingClientRect().height > 0);
const overlapping = ranges.filter((r) => r.classList.contains("overlap"));
document.title = "ranges=" + ranges.length + " drawn=" + drawn.length + " overlapping=" + overlapping.length;
</script></body></html>`,
      );
      const dom = await run(
        CHROMIUM,
        [...chromiumFlags(path.join(dir, "profile")), "--window-size=1000,800", "--dump-dom", `file://${page}`],
        {
          timeoutMs: 90_000,
        },
      );
      t.deepEqual(failures(dom.stderr), [], dom.stderr);
      const title = /<title>([^<]*)<\/title>/.exec(dom.stdout)?.[1];
      t.is(title, `ranges=${c.ranges} drawn=${c.ranges} overlapping=${c.overlapping}`);
    },
  );
}
