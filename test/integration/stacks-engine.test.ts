// The example stacks (the seeds' scenarios) through the real Pulumi engine, against the test
// daemon (and a lab host for the multi-host stack), in two ways:
// - inline, through the Automation API with nothing but the CLI and the dynamic-provider
//   launcher (what `npm run up` does where the Node.js language host cannot be had): the
//   whole scenario. Up and the daemon (or host) shows what was declared; a re-preview
//   changes nothing; a config change takes effect in one up; something removed by hand is
//   noticed by refresh and put back by the next up; destroy leaves nothing (networks,
//   containers in any state, volumes, images, namespaces, links).
// - from the stack folder, exactly as `cd stacks/NAME && pulumi up` runs it (needs the
//   Node.js language host): up, the main check, a quiet re-preview, destroy, nothing left.
import * as net from "node:net";
import type { EngineEvent } from "@pulumi/pulumi/automation";
import type { ExecutionContext } from "ava";
import {
  TestStack,
  collect,
  engineStack,
  engineTest,
  expectQuietPreview,
  folderStack,
  redisClusterTestConfig,
  refreshChanges,
  setConfig,
  upOutputs,
} from "./lib/engine";
import { docker, images, run, uniqueName } from "./lib/exec";
import { ensureLabImage, labHostDown, labHostUp } from "./lib/labhost";
import { SEED_000, chooseNames, ip, namespaces, pings, requireRoot } from "./lib/netns";
import { diffSnapshots, snapshot } from "./lib/residue";
import { get, pickPort, portBlock, waitFor } from "./lib/wait";

/** A stack folder run by the CLI needs the Node.js language host; inline, the CLI and the launcher are enough. */
const FOLDER = ["pulumi-language-nodejs", "pulumi-resource-pulumi-nodejs"];
const INLINE = ["pulumi-resource-pulumi-nodejs"];

/** How a test gets its stack: the stack folder, or the same program inline. */
type MakeStack = (t: ExecutionContext, name: string, config: Record<string, string>) => Promise<TestStack>;

/** The stack's own program run inline (project named like the stack, so its config keys apply). */
const inlineStack: MakeStack = async (t, name, config) => {
  const prefix = () => config.prefix ?? "";
  const programs: Record<string, () => Promise<Record<string, unknown>>> = {
    "redis-cluster": async () => {
      const m = await import("../../stacks/redis-cluster/program");
      return m.redisCluster(m.readConfig(), prefix());
    },
    "flask-redis": async () => {
      const m = await import("../../stacks/flask-redis/program");
      return m.flaskRedis(m.readConfig(), prefix());
    },
    "netns-lab": async () => {
      const m = await import("../../stacks/netns-lab/program");
      return m.netnsLab(m.readConfig());
    },
    "multi-host-overlay": async () => {
      const m = await import("../../stacks/multi-host-overlay/program");
      return m.multiHostOverlay(m.readConfig(), prefix());
    },
  };
  return engineStack(t, programs[name], { project: name, config });
};

/** `PING` to a Redis port on 127.0.0.1, answered `+PONG` (2 s limit). */
function redisPing(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect({ host: "127.0.0.1", port });
    let got = "";
    const done = (ok: boolean) => {
      clearTimeout(timer);
      s.destroy();
      resolve(ok);
    };
    const timer = setTimeout(() => done(false), 2_000);
    s.on("connect", () => s.write("PING\r\n"));
    s.on("data", (d) => {
      got += d.toString();
      if (got.includes("\r\n")) done(got.startsWith("+PONG"));
    });
    s.on("error", () => done(false));
  });
}

/** The nodes whose CLUSTER INFO does not say cluster_state:ok, asked once each (no waiting). */
async function nodesNotOk(prefix: string): Promise<string[]> {
  const bad: string[] = [];
  for (let i = 1; i <= 6; i++) {
    const info = await docker(["exec", `${prefix}redis-${i}`, "redis-cli", "cluster", "info"], { timeoutMs: 5_000 }).catch(String);
    if (!info.includes("cluster_state:ok")) bad.push(`redis-${i}`);
  }
  return bad;
}

/** Seed 002: the whole scenario (`full`), or up, the checks, a quiet re-preview and destroy. */
async function redisCluster(t: ExecutionContext, make: MakeStack, full: boolean): Promise<void> {
  const before = await snapshot();
  const prefix = `${uniqueName("rc").replace(/-/g, "")}-`;
  const base = portBlock(40);
  const ts = await make(t, "redis-cluster", redisClusterTestConfig(prefix, "172.39.0.0/16", base, images.app));
  const out = await upOutputs(ts);
  t.is(out.clusterState, "cluster_state:ok");
  t.is(out.network, `${prefix}redis`);
  t.deepEqual(
    out.nodes,
    [11, 12, 13, 14, 15, 16].map((h) => `172.39.0.${h}:6379`),
  );
  const [inspect] = JSON.parse(await docker(["network", "inspect", `${prefix}redis`]));
  t.deepEqual(inspect.IPAM.Config, [{ Subnet: "172.39.0.0/16", Gateway: "172.39.0.1" }]);
  t.is(
    await docker(["inspect", "-f", `{{(index .NetworkSettings.Networks "${prefix}redis").IPAMConfig.IPv4Address}}`, `${prefix}redis-3`]),
    "172.39.0.13",
  );
  for (let i = 0; i < 6; i++) t.true(await redisPing(base + i), `node ${i + 1} answers PING on 127.0.0.1:${base + i}`);
  // A key set through one node reads back through another (the cluster redirects).
  await docker(["exec", `${prefix}redis-1`, "redis-cli", "-c", "set", "dockwire", "seed-002"]);
  t.is(await docker(["exec", `${prefix}redis-5`, "redis-cli", "-c", "get", "dockwire"]), "seed-002");
  // The stack, the network and its component, six volumes, six nodes and their components, the cluster command.
  t.is(await expectQuietPreview(t, ts), 22);
  if (!full) return destroyed(t, ts, before);

  // New host ports: the six containers are replaced in one up, their data volumes kept, and
  // the cluster comes back on the same addresses.
  const moved = base + 20;
  await setConfig(ts, { clientPortBase: String(moved) });
  await upOutputs(ts);
  for (let i = 0; i < 6; i++) t.true(await redisPing(moved + i), `node ${i + 1} answers PING on the new port ${moved + i}`);
  t.false(await redisPing(base), "the old port is closed");
  // up returns only once the replaced nodes have found each other again.
  t.deepEqual(await nodesNotOk(prefix), [], "every node is cluster_state:ok when up returns");
  t.is(await docker(["exec", `${prefix}redis-2`, "redis-cli", "-c", "get", "dockwire"]), "seed-002");
  await expectQuietPreview(t, ts);

  // A node removed by hand: refresh drops it from the state, up creates it again.
  await docker(["rm", "-f", `${prefix}redis-4`]);
  const found = await refreshChanges(ts);
  t.is(found.delete, 1, `refresh reports the missing container: ${JSON.stringify(found)}`);
  await upOutputs(ts);
  t.is(await docker(["inspect", "-f", "{{.State.Running}}", `${prefix}redis-4`]), "true");
  t.deepEqual(await nodesNotOk(prefix), [], "every node is cluster_state:ok when up returns");
  await expectQuietPreview(t, ts);

  // A node stopped by hand: refresh records it stopped, up starts the same container again.
  const id = await docker(["inspect", "-f", "{{.Id}}", `${prefix}redis-2`]);
  await docker(["stop", "-t", "5", `${prefix}redis-2`]);
  t.is((await refreshChanges(ts)).update, 1, "refresh records the stopped node");
  await upOutputs(ts);
  t.is(await docker(["inspect", "-f", "{{.Id}} {{.State.Running}}", `${prefix}redis-2`]), `${id} true`, "the same container runs again");
  await expectQuietPreview(t, ts);

  await destroyed(t, ts, before);
}

/** Destroys the stack and requires the daemon and host to be as before it. */
async function destroyed(t: ExecutionContext, ts: TestStack, before: Awaited<ReturnType<typeof snapshot>>): Promise<void> {
  await ts.stack.destroy({ onOutput: collect(ts) });
  t.deepEqual(diffSnapshots(before, await snapshot()), []);
}

engineTest(
  "redis-cluster inline, with the CLI only: cluster_state:ok, keys across nodes, quiet re-preview, new ports in one up, a node removed by hand put back, a node stopped by hand started again, nothing left",
  INLINE,
  (t) => redisCluster(t, inlineStack, true),
);
engineTest("redis-cluster from its folder: cluster_state:ok, keys across nodes, quiet re-preview, nothing left", FOLDER, (t) =>
  redisCluster(t, folderStack, false),
);

/** Seeds 000/004's flask + redis app: the whole scenario (`full`), or up, the counts, a quiet re-preview and destroy. */
async function flaskRedis(t: ExecutionContext, make: MakeStack, full: boolean): Promise<void> {
  const before = await snapshot();
  const prefix = `${uniqueName("fr").replace(/-/g, "")}-`;
  const imageName = `dockwire/flask-redis:${prefix.slice(0, -1)}`;
  const port = await pickPort();
  const ts = await make(t, "flask-redis", {
    prefix,
    appImageName: imageName,
    baseImage: images.app,
    redisImage: images.app,
    hostIp: "127.0.0.1",
    hostPort: String(port),
    subnet: "10.231.0.0/24",
  });
  const out = await upOutputs(ts);
  t.is(out.url, `http://127.0.0.1:${port}/`);
  t.is(out.image, imageName);
  const imageId = await docker(["image", "inspect", "-f", "{{.Id}}", imageName]);
  t.is(await docker(["inspect", "-f", "{{.Image}}", `${prefix}flask-redis`]), imageId);
  // No build intermediates: every container on the daemon that was not there before is the stack's.
  const added = diffSnapshots(before, await snapshot()).filter((l) => l.startsWith("containers added"));
  t.deepEqual(added.sort(), [`containers added: ${prefix}flask-redis (running)`, `containers added: ${prefix}redis (running)`]);
  t.true(await waitFor(async () => (await get(port, "/dockwire-probe")).status === 404), "the app answers");
  t.regex((await get(port, "/")).body, /seen b'1' times/);
  t.regex((await get(port, "/")).body, /seen b'2' times/);
  await expectQuietPreview(t, ts);
  if (!full) {
    await ts.stack.destroy({ onOutput: collect(ts) });
    t.is(await docker(["images", "-q", imageName]), "", "the built image is removed");
    t.deepEqual(diffSnapshots(before, await snapshot()), []);
    return;
  }

  const port2 = await pickPort();
  await setConfig(ts, { hostPort: String(port2) });
  const out2 = await upOutputs(ts);
  t.is(out2.url, `http://127.0.0.1:${port2}/`);
  t.true(await waitFor(async () => (await get(port2, "/dockwire-probe")).status === 404), "the app answers on the new port");
  t.regex((await get(port2, "/")).body, /seen b'3' times/, "the count lives in Redis, which was not replaced");
  await expectQuietPreview(t, ts);

  await docker(["rm", "-f", `${prefix}redis`]);
  const found = await refreshChanges(ts);
  t.is(found.delete, 1, JSON.stringify(found));
  await upOutputs(ts);
  t.is(await docker(["inspect", "-f", "{{.State.Running}}", `${prefix}redis`]), "true");
  await expectQuietPreview(t, ts);

  await ts.stack.destroy({ onOutput: collect(ts) });
  t.is(await docker(["images", "-q", imageName]), "", "the built image is removed");
  t.deepEqual(diffSnapshots(before, await snapshot()), []);
}

engineTest(
  "flask-redis inline, with the CLI only: the image built, seen 1 then 2 times, quiet re-preview, a new port in one up, refresh and repair, nothing left",
  INLINE,
  (t) => flaskRedis(t, inlineStack, true),
);
engineTest("flask-redis from its folder: the image built, seen 1 then 2 times, quiet re-preview, nothing left", FOLDER, (t) =>
  flaskRedis(t, folderStack, false),
);

engineTest(
  "netns-lab inline, with the CLI only: seed 000's namespaces ping over their veth pair, quiet re-preview, nothing left",
  INLINE,
  async (t) => {
    requireRoot();
    const before = await snapshot();
    const names = await chooseNames(SEED_000, { namespaces: ["ns1", "ns2"] }, (l) => t.log(l));
    const ts = await inlineStack(t, "netns-lab", { ...names, addr1: "192.168.1.1/24", addr2: "192.168.1.2/24" });
    const out = await upOutputs(ts);
    t.deepEqual(out.namespaces, [names.ns1, names.ns2]);
    t.true(await pings("192.168.1.2", names.ns1), "ns1 pings ns2 over the veth pair");
    await expectQuietPreview(t, ts);
    await destroyed(t, ts, before);
  },
);

engineTest(
  "netns-lab from its folder: seed 000's namespaces ping, quiet re-preview, both namespaces deleted by hand shown by a plain preview and put back by one up, an address change updated in place in one up, nothing left",
  ["pulumi-language-nodejs", "pulumi-resource-pulumi-nodejs"],
  async (t) => {
    requireRoot();
    const before = await snapshot();
    const names = await chooseNames(SEED_000, { namespaces: ["ns1", "ns2"] }, (l) => t.log(l));
    const ts = await folderStack(t, "netns-lab", { ...names, addr1: "192.168.1.1/24", addr2: "192.168.1.2/24" });
    const out = await upOutputs(ts);
    t.deepEqual(out.namespaces, [names.ns1, names.ns2]);
    t.true((await namespaces()).includes(names.ns1));
    t.true(await pings("192.168.1.2", names.ns1), "ns1 pings ns2 over the veth pair");
    await expectQuietPreview(t, ts);

    // What a reboot does, then a plain `pulumi preview`: the stack's Pulumi.yaml sets
    // `options: refresh: always`, so the preview reads the host first and shows the lab gone.
    await ip(["netns", "del", names.ns1]);
    await ip(["netns", "del", names.ns2]);
    const events: EngineEvent[] = [];
    await ts.stack.preview({ diff: true, onOutput: collect(ts), onEvent: (e) => events.push(e) });
    const steps = events
      .flatMap((e) => (e.resourcePreEvent ? [e.resourcePreEvent.metadata] : []))
      .filter((m) => m.op !== "same" && m.op !== "refresh")
      .map((m) => `${m.op} ${m.urn.slice(m.urn.lastIndexOf("::") + 2)}`)
      .sort();
    t.deepEqual(steps, ["create test1-netns", "create test2-netns", "create veth-veth"], "the preview creates exactly what the host lost");
    const repaired = await ts.stack.up({ onOutput: collect(ts) });
    t.is(repaired.summary.resourceChanges?.create, 3, "one up puts the namespaces and the pair back");
    t.true(await pings("192.168.1.2", names.ns1), "ns1 pings ns2 again");
    await expectQuietPreview(t, ts);

    await setConfig(ts, { addr2: "192.168.1.3/24" });
    const changed = await ts.stack.up({ onOutput: collect(ts) });
    t.deepEqual(changed.summary.resourceChanges, { update: 1, same: 6 }, "an address change is an update of the pair, not a replacement");
    t.true(await pings("192.168.1.3", names.ns1), "the new address answers");
    t.false(await pings("192.168.1.2", names.ns1), "the old one is gone");
    await expectQuietPreview(t, ts);

    await ts.stack.destroy({ onOutput: collect(ts) });
    t.deepEqual(diffSnapshots(before, await snapshot()), []);
  },
);

/** Seeds 000/004's multi-host overlay with a swarm: two daemons, containers on both ping by name. */
async function multiHost(t: ExecutionContext, make: MakeStack, full: boolean): Promise<void> {
  const before = await snapshot();
  const lab = await labHostUp(t, 8);
  await ensureLabImage(lab, images.busybox);
  const prefix = `${uniqueName("mh").replace(/-/g, "")}-`;
  const ts = await make(t, "multi-host-overlay", {
    prefix,
    managerAddr: `10.99.${lab.x}.1`,
    workerHost: lab.dockerHost,
    workerAddr: `10.99.${lab.x}.2`,
    image: images.busybox,
    subnet: "10.0.9.0/24",
  });
  t.teardown(async () => {
    // Whatever happened, neither daemon stays in a swarm.
    await docker(["swarm", "leave", "--force"]).catch(() => undefined);
  });
  const out = await upOutputs(ts);
  t.deepEqual(out.containers, [`${prefix}test1`, `${prefix}test2`]);
  t.is(await docker(["info", "--format", "{{.Swarm.LocalNodeState}}"]), "active");
  const ping = await docker(["exec", `${prefix}test1`, "ping", "-c", "1", "-W", "5", `${prefix}test2`], { timeoutMs: 20_000 });
  t.regex(ping, /1 packets received/);
  await expectQuietPreview(t, ts);
  if (full) {
    // Both daemons' swarm memberships, the network and the containers read back: refresh changes nothing.
    const found = await refreshChanges(ts);
    t.deepEqual(Object.keys(found), ["same"], `refresh finds nothing changed: ${JSON.stringify(found)}`);
  }

  await ts.stack.destroy({ onOutput: collect(ts) });
  t.is(await docker(["info", "--format", "{{.Swarm.LocalNodeState}}"]), "inactive");
  const labState = await run("docker", ["info", "--format", "{{.Swarm.LocalNodeState}}"], { env: { DOCKER_HOST: lab.dockerHost } });
  t.is(labState.stdout.trim(), "inactive");
  await labHostDown(lab.name);
  t.deepEqual(diffSnapshots(before, await snapshot()), []);
}

engineTest(
  "multi-host-overlay inline, with the CLI only: a swarm of the test daemon and a lab host through the Engine API, containers on both ping by name, quiet re-preview, refresh quiet, nothing left",
  INLINE,
  (t) => multiHost(t, inlineStack, true),
);
engineTest(
  "multi-host-overlay from its folder: a swarm of the test daemon and a lab host, containers on both ping by name, quiet re-preview, nothing left",
  FOLDER,
  (t) => multiHost(t, folderStack, false),
);
