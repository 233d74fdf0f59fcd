// dockwire plan's reports of the seed stacks, exact: Markdown (the pull-request comment),
// text and the SVG map, from the JSON fixtures in test/fixtures/plan (shaped as
// `pulumi preview --json` and `pulumi stack export` write them for what the components register).
import test from "ava";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import {
  PlanReport,
  buildReport,
  findCollisions,
  parsePreview,
  parseStackExport,
  planView,
  renderMarkdown,
  renderSvg,
  renderText,
  svgRangeCount,
  transition,
} from "../../provider/plan";

const fixtures = path.resolve(__dirname, "../../../test/fixtures/plan");
const read = (name: string) => readFileSync(path.join(fixtures, name), "utf8");
const preview = (name: string) => parsePreview(read(name), name);
const state = (name: string) => parseStackExport(read(name), name);
const report = (previewFile?: string, stateFile?: string): PlanReport =>
  buildReport(transition(previewFile ? preview(previewFile) : undefined, stateFile ? state(stateFile) : undefined));

const REDIS_NETWORKS_SAME = `### Networks

| network | driver | subnet | gateway | ip-range | aux addresses | change |
| --- | --- | --- | --- | --- | --- | --- |
| redis | bridge | 172.38.0.0/16 | 172.38.0.1 | - | - | unchanged |
`;

const REDIS_CONTAINERS_SAME = `### Container addresses and published ports

| container | network | IPv4 | IPv6 | published ports | change |
| --- | --- | --- | --- | --- | --- |
| redis-1 | redis | 172.38.0.11 | - | 0.0.0.0:6371->6379/tcp, 0.0.0.0:16371->16379/tcp | unchanged |
| redis-2 | redis | 172.38.0.12 | - | 0.0.0.0:6372->6379/tcp, 0.0.0.0:16372->16379/tcp | unchanged |
| redis-3 | redis | 172.38.0.13 | - | 0.0.0.0:6373->6379/tcp, 0.0.0.0:16373->16379/tcp | unchanged |
| redis-4 | redis | 172.38.0.14 | - | 0.0.0.0:6374->6379/tcp, 0.0.0.0:16374->16379/tcp | unchanged |
| redis-5 | redis | 172.38.0.15 | - | 0.0.0.0:6375->6379/tcp, 0.0.0.0:16375->16379/tcp | unchanged |
| redis-6 | redis | 172.38.0.16 | - | 0.0.0.0:6376->6379/tcp, 0.0.0.0:16376->16379/tcp | unchanged |
`;

test("(a) redis-cluster deployed, preview unchanged: network redis 172.38.0.0/16, six nodes .11-.16 on 637N and 1637N", (t) => {
  t.is(
    renderMarkdown(report("redis-preview-same.json")),
    `## dockwire address plan: redis-cluster / dev

Preview: 22 unchanged. Before: the deployed state the preview started from. After: the preview.

${REDIS_NETWORKS_SAME}
${REDIS_CONTAINERS_SAME}
### Collisions

None in the plan after this change.
`,
  );
});

test("(a) the same stack from its stack export alone: the deployed plan", (t) => {
  t.is(
    renderMarkdown(report(undefined, "redis-export.json")),
    `## dockwire address plan: redis-cluster / dev

The deployed state (stack export); no preview given, so before and after are the same.

${REDIS_NETWORKS_SAME}
${REDIS_CONTAINERS_SAME}
### Collisions

None in the deployed plan.
`,
  );
});

const REDIS_CHANGE_TABLES = `### Networks

| network | driver | subnet | gateway | ip-range | aux addresses | change |
| --- | --- | --- | --- | --- | --- | --- |
| redis | bridge | 172.38.0.0/16 → 172.38.0.0/24 | 172.38.0.1 | - | - | changed |

### Container addresses and published ports

| container | network | IPv4 | IPv6 | published ports | change |
| --- | --- | --- | --- | --- | --- |
| redis-1 | redis | 172.38.0.11 | - | 0.0.0.0:6371->6379/tcp → 0.0.0.0:7371->6379/tcp, 0.0.0.0:16371->16379/tcp | changed |
| redis-2 | redis | 172.38.0.12 | - | 0.0.0.0:6372->6379/tcp, 0.0.0.0:16372->16379/tcp | unchanged |
| redis-3 | redis | 172.38.0.13 | - | 0.0.0.0:6373->6379/tcp, 0.0.0.0:16373->16379/tcp | unchanged |
| redis-4 | redis | 172.38.0.14 | - | 0.0.0.0:6374->6379/tcp, 0.0.0.0:16374->16379/tcp | unchanged |
| redis-5 | redis | 172.38.0.15 | - | 0.0.0.0:6375->6379/tcp, 0.0.0.0:16375->16379/tcp | unchanged |
| redis-6 | redis | 172.38.0.16 → 172.38.0.26 | - | 0.0.0.0:6376->6379/tcp, 0.0.0.0:16376->16379/tcp | changed |

### Collisions

None in the plan after this change.
`;

test("(b) redis-cluster changed: subnet /16 -> /24, redis-6 moves to .26, redis-1's client port to 7371; the other replaced nodes unchanged", (t) => {
  t.is(
    renderMarkdown(report("redis-preview-change.json")),
    `## dockwire address plan: redis-cluster / dev

Preview: 8 to replace, 14 unchanged. Before: the deployed state the preview started from. After: the preview.

${REDIS_CHANGE_TABLES}`,
  );
});

test("(b) the same change against the stack export: BEFORE from the export", (t) => {
  t.is(
    renderMarkdown(report("redis-preview-change.json", "redis-export.json")),
    `## dockwire address plan: redis-cluster / dev

Preview: 8 to replace, 14 unchanged. Before: the deployed state (stack export). After: the preview.

${REDIS_CHANGE_TABLES}`,
  );
});

test("(b) as text: the same tables, columns aligned", (t) => {
  t.is(
    renderText(report("redis-preview-change.json")),
    `dockwire address plan: redis-cluster / dev
Preview: 8 to replace, 14 unchanged. Before: the deployed state the preview started from. After: the preview.

Networks
========
network  driver  subnet                         gateway     ip-range  aux addresses  change
-------  ------  -----------------------------  ----------  --------  -------------  -------
redis    bridge  172.38.0.0/16 → 172.38.0.0/24  172.38.0.1  -         -              changed

Container addresses and published ports
=======================================
container  network  IPv4                       IPv6  published ports                                                            change
---------  -------  -------------------------  ----  -------------------------------------------------------------------------  ---------
redis-1    redis    172.38.0.11                -     0.0.0.0:6371->6379/tcp → 0.0.0.0:7371->6379/tcp, 0.0.0.0:16371->16379/tcp  changed
redis-2    redis    172.38.0.12                -     0.0.0.0:6372->6379/tcp, 0.0.0.0:16372->16379/tcp                           unchanged
redis-3    redis    172.38.0.13                -     0.0.0.0:6373->6379/tcp, 0.0.0.0:16373->16379/tcp                           unchanged
redis-4    redis    172.38.0.14                -     0.0.0.0:6374->6379/tcp, 0.0.0.0:16374->16379/tcp                           unchanged
redis-5    redis    172.38.0.15                -     0.0.0.0:6375->6379/tcp, 0.0.0.0:16375->16379/tcp                           unchanged
redis-6    redis    172.38.0.16 → 172.38.0.26  -     0.0.0.0:6376->6379/tcp, 0.0.0.0:16376->16379/tcp                           changed

Collisions
==========
None in the plan after this change.
`,
  );
});

test("(c) flask-redis, first up: everything added, the subnet Docker picks only known after apply", (t) => {
  t.is(
    renderMarkdown(report("flask-redis-preview-create.json")),
    `## dockwire address plan: flask-redis / dev

Preview: 8 to create. Before: the deployed state the preview started from. After: the preview.

### Networks

| network | driver | subnet | gateway | ip-range | aux addresses | change |
| --- | --- | --- | --- | --- | --- | --- |
| flask-redis | bridge | (known after apply) | - | - | - | added |

### Container addresses and published ports

| container | network | IPv4 | IPv6 | published ports | change |
| --- | --- | --- | --- | --- | --- |
| flask-redis | flask-redis | dynamic | - | 0.0.0.0:5000->5000/tcp | added |
| redis | flask-redis | dynamic | - | - | added |

### Collisions

None in the plan after this change.
`,
  );
});

test("(c) flask-redis deployed: the subnet Docker picked, read back from the outputs", (t) => {
  t.is(
    renderMarkdown(report(undefined, "flask-redis-export.json")),
    `## dockwire address plan: flask-redis / dev

The deployed state (stack export); no preview given, so before and after are the same.

### Networks

| network | driver | subnet | gateway | ip-range | aux addresses | change |
| --- | --- | --- | --- | --- | --- | --- |
| flask-redis | bridge | 172.18.0.0/16 | 172.18.0.1 | - | - | unchanged |

### Container addresses and published ports

| container | network | IPv4 | IPv6 | published ports | change |
| --- | --- | --- | --- | --- | --- |
| flask-redis | flask-redis | dynamic | - | 0.0.0.0:5000->5000/tcp | unchanged |
| redis | flask-redis | dynamic | - | - | unchanged |

### Collisions

None in the deployed plan.
`,
  );
});

test("(d) collisions flagged: overlapping networks, bip moved into a network, a host port and a static address taken twice", (t) => {
  t.is(
    renderMarkdown(report("lab-preview-collisions.json")),
    `## dockwire address plan: lab / dev

Preview: 2 to create, 1 to update, 5 unchanged. Before: the deployed state the preview started from. After: the preview.

### Networks

| network | driver | subnet | gateway | ip-range | aux addresses | change |
| --- | --- | --- | --- | --- | --- | --- |
| back | bridge | 10.10.128.0/17 | 10.10.128.1 | - | - | added |
| front | bridge | 10.10.0.0/16 | 10.10.0.1 | 10.10.0.0/24 | router=10.10.0.2 | unchanged |

### Container addresses and published ports

| container | network | IPv4 | IPv6 | published ports | change |
| --- | --- | --- | --- | --- | --- |
| web1 | front | 10.10.0.5 | - | 0.0.0.0:5353->53/udp, 0.0.0.0:8080->80/tcp | unchanged |
| web2 | back | dynamic | - | 0.0.0.0:5353->53/tcp, 127.0.0.1:8080->80/tcp | added |
| web2 | front | 10.10.0.5 | - | 0.0.0.0:5353->53/tcp, 127.0.0.1:8080->80/tcp | added |

### Daemon ranges

| daemon | setting | value | change |
| --- | --- | --- | --- |
| docker0 | bip | 192.168.42.1/24 → 10.10.5.1/24 | changed |
| docker0 | default-address-pools[0] | 10.201.0.0/16, size /24 | unchanged |

### Collisions

- 10.10.0.0/16 of network "front" overlaps 10.10.128.0/17 of network "back"
- 10.10.0.0/16 of network "front" overlaps 10.10.5.0/24 of daemon "docker0" bip
- host port 0.0.0.0:8080/tcp of container "web1" collides with 127.0.0.1:8080/tcp of container "web2"
- address 10.10.0.5 on network "front" is given to container "web1" and container "web2"
`,
  );
});

test("(d) the BEFORE plan of the same stack has no collision: the change brings them", (t) => {
  const tr = transition(preview("lab-preview-collisions.json"), undefined);
  t.deepEqual(findCollisions(planView(tr.before)), []);
  t.is(findCollisions(planView(tr.after)).length, 4);
});

/** The `rect` elements of an SVG with a given attribute, as attribute maps. */
function rects(svg: string, attribute: string): Record<string, string>[] {
  return [...svg.matchAll(/<rect ([^>]*)>/g)]
    .map((m) => Object.fromEntries([...m[1].matchAll(/([\w-]+)="([^"]*)"/g)].map((a) => [a[1], a[2]])))
    .filter((a) => attribute in a);
}

test("SVG of (d): one rect per range, the three overlapping ones red, a detail bar of 10.10.0.0/16, text escaped", (t) => {
  const r = report("lab-preview-collisions.json");
  const svg = renderSvg(r);
  t.true(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg" width="960" height="'));
  t.true(svg.endsWith("</svg>\n"));
  const ranges = rects(svg, "data-range");
  t.is(ranges.length, svgRangeCount(r));
  t.deepEqual(
    ranges.map((a) => [a["data-range"], a["data-owner"], a.fill, a.class]),
    [
      ["10.201.0.0/16", "daemon &quot;docker0&quot; default-address-pools[0]", "#98df8a", "range pool"],
      ["10.10.0.0/16", "network &quot;front&quot;", "#d62728", "range network overlap"],
      ["10.10.128.0/17", "network &quot;back&quot;", "#d62728", "range network overlap"],
      ["10.10.5.0/24", "daemon &quot;docker0&quot; bip", "#d62728", "range bip overlap"],
    ],
  );
  t.deepEqual(
    rects(svg, "data-detail-range").map((a) => a["data-detail-range"]),
    ["10.10.0.0/16", "10.10.128.0/17", "10.10.5.0/24"],
  );
  t.deepEqual(
    [...svg.matchAll(/data-group="([^"]*)"/g)].map((m) => m[1]),
    ["10.0.0.0/8"],
  );
  t.deepEqual(
    [...svg.matchAll(/data-detail="([^"]*)"/g)].map((m) => m[1]),
    ["10.10.0.0/16"],
  );
  // Proportional: in 10.0.0.0/8 on a 928 px bar from x=16, 10.201.0.0/16 starts at 16 + 928 * 201/256.
  t.is(ranges[0].x, "744.62");
  t.is(ranges[0].width, "3.62");
  t.deepEqual(
    rects(svg, "data-free").map((a) => a["data-free"]),
    ["10.0.0.0-10.9.255.255", "10.11.0.0-10.200.255.255", "10.202.0.0-10.255.255.255"],
  );
  t.notRegex(svg, /<text[^>]*>[^<]*"[^<]*<\/text>/); // quotes in text are escaped
});

test("SVG of (a): one network range in 172.0.0.0/8 (172.38/16 is outside the private 172.16/12), no overlap, no detail bar", (t) => {
  const svg = renderSvg(report("redis-preview-same.json"));
  t.deepEqual(
    rects(svg, "data-range").map((a) => [a["data-range"], a.fill, a.x, a.width]),
    [["172.38.0.0/16", "#1f77b4", "153.75", "3.62"]],
  );
  t.is(rects(svg, "data-detail-range").length, 0);
  t.regex(svg, /<text class="group-label" x="16" y="70">172\.0\.0\.0\/8: 1 range, 0\.4% used<\/text>/);
  t.regex(svg, /<text class="note" x="16" y="40">1 range, 0 overlapping<\/text>/);
});

test("SVG of (c) before apply: no range known, the network named as not drawn", (t) => {
  const svg = renderSvg(report("flask-redis-preview-create.json"));
  t.is(rects(svg, "data-range").length, 0);
  t.regex(svg, /No address ranges in the plan\./);
  t.regex(svg, /subnet chosen by Docker or not yet known, not drawn: flask-redis/);
});

test("SVG escapes names: a network named with markup characters", (t) => {
  const r = report(undefined, "redis-export.json");
  r.after.networks[0].name = `a<b>&"c'`;
  const svg = renderSvg(r);
  t.true(svg.includes('data-owner="network &quot;a&lt;b&gt;&amp;&quot;c&#39;&quot;"'));
  t.false(svg.includes("a<b>"));
});
