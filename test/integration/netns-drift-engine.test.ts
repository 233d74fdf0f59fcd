// The netns resources read the host back, through the real engine: the seed 000 lab and a
// bridge lab with routes brought up and pinging, then each kind of drift made by hand
// (namespace deleted, veth deleted, address removed, end moved out of its namespace, bridge
// port detached, route deleted), each reported by refresh and preview naming the resource
// and the field, each repaired by one `up` (ping again, quiet re-preview); the same for a
// namespace over SSH; a stack of dockwire 0.1 (command resources) taken over in place; nothing
// left after destroy.
import type { ExecutionContext } from "ava";
import { readFile } from "node:fs/promises";
import * as path from "node:path";
import type { EngineEvent } from "@pulumi/pulumi/automation";
import { NetworkNamespace, VethPair, netnsCommands } from "../../provider/netns";
import { TestStack, collect, engineStack, engineTest, expectQuietPreview, upOutputs } from "./lib/engine";
import { labHostDown, labHostUp } from "./lib/labhost";
import { BRIDGE_LAB, SEED_000, bridgeLab, chooseNames, ip, namespaces, pings, requireRoot, seed000Lab } from "./lib/netns";
import { run } from "./lib/exec";
import { diffSnapshots, snapshot } from "./lib/residue";
import { startLabSshd } from "./lib/ssh-lab";

const DYNAMIC = ["pulumi-resource-pulumi-nodejs"];

/** One step of a preview or refresh, as the engine reports it. */
interface Step {
  op: string;
  /** The resource name (last part of the URN). */
  name: string;
  oldInputs?: Record<string, any>;
  newInputs?: Record<string, any>;
}

function stepsOf(events: EngineEvent[]): Step[] {
  const out: Step[] = [];
  for (const e of events) {
    const m = e.resourcePreEvent?.metadata;
    if (!m || m.op === "same" || !m.type.startsWith("pulumi-nodejs:dynamic/")) continue;
    out.push({
      op: m.op,
      name: m.urn.slice(m.urn.lastIndexOf("::") + 2),
      oldInputs: m.old?.inputs,
      newInputs: m.new?.inputs,
    });
  }
  return out.sort((a, b) => a.name.localeCompare(b.name));
}

/**
 * What a refresh found, from its resource-outputs events: `delete` for a resource gone
 * from the host, `update` for one the host has otherwise.
 */
function refreshStepsOf(events: EngineEvent[]): Step[] {
  const out: Step[] = [];
  for (const e of events) {
    const m = e.resOutputsEvent?.metadata;
    if (!m || m.op === "same" || !m.type.startsWith("pulumi-nodejs:dynamic/")) continue;
    const name = m.urn.slice(m.urn.lastIndexOf("::") + 2);
    out.push({ op: m.op, name, oldInputs: m.old?.inputs, newInputs: m.new?.inputs });
  }
  return out.sort((a, b) => a.name.localeCompare(b.name));
}

/** Refresh, then preview; returns both step lists (changed resources only) and the preview's text. */
async function refreshAndPreview(ts: TestStack): Promise<{ refresh: Step[]; preview: Step[]; text: string }> {
  const rev: EngineEvent[] = [];
  await ts.stack.refresh({ onOutput: collect(ts), onEvent: (e) => rev.push(e) });
  const pev: EngineEvent[] = [];
  const pv = await ts.stack.preview({ diff: true, onOutput: collect(ts), onEvent: (e) => pev.push(e) });
  return { refresh: refreshStepsOf(rev), preview: stepsOf(pev), text: pv.stdout };
}

const at = (x: any, path: (string | number)[]) => path.reduce((v, k) => (v === undefined || v === null ? undefined : v[k]), x);

/** Asserts the preview updates exactly `name`, with `field` (a path) going from `from` to `to`. */
function expectFieldUpdate(
  t: ExecutionContext,
  r: { refresh: Step[]; preview: Step[]; text: string },
  name: string,
  path: (string | number)[],
  from: unknown,
  to: unknown,
) {
  t.deepEqual(
    r.refresh.map((s) => [s.op, s.name]),
    [["update", name]],
    "refresh records the host's value",
  );
  // The dynamic provider protocol carries no per-field diff: the engine shows the old
  // inputs (what refresh recorded from the host) against the new ones, as compared here.
  t.deepEqual(
    r.preview.map((s) => [s.op, s.name]),
    [["update", name]],
    r.text,
  );
  t.deepEqual(at(r.preview[0].oldInputs, path), from, `${path.join(".")} as the host has it`);
  t.deepEqual(at(r.preview[0].newInputs, path), to, `${path.join(".")} as the program wants it`);
  t.regex(r.text, new RegExp(`~ pulumi-nodejs:dynamic/dockwire:\\w+: \\(update\\)[\\s\\S]*::${name.replace(/[.]/g, "\\.")}\\]`));
}

/** Asserts refresh found `names` gone and the preview creates exactly them again. */
function expectRecreate(t: ExecutionContext, r: { refresh: Step[]; preview: Step[]; text: string }, names: string[]) {
  t.deepEqual(
    r.refresh.map((s) => [s.op, s.name]),
    names.map((n) => ["delete", n]),
    "refresh drops what is gone",
  );
  t.deepEqual(
    r.preview.map((s) => [s.op, s.name]),
    names.map((n) => ["create", n]),
    r.text,
  );
}

engineTest(
  "netns drift: seed 000 and the bridge lab ping; namespace, veth, address, moved end, bridge port and route drift each found by refresh and preview and repaired by one up; nothing left",
  DYNAMIC,
  async (t) => {
    requireRoot();
    const before = await snapshot();
    const s0 = await chooseNames(SEED_000, { namespaces: ["ns1", "ns2"] }, (l) => t.log(l));
    const br = await chooseNames(BRIDGE_LAB, { namespaces: ["sw", "h1", "h2"] }, (l) => t.log(l));
    const ts = await engineStack(t, async () => {
      seed000Lab(s0);
      bridgeLab(br);
      return {};
    });
    const allPing = async () => {
      t.true(await pings("192.168.1.2", s0.ns1), "test1 reaches test2 over the veth pair");
      t.true(await pings("10.251.1.3", br.h1), "h1 reaches h2 over the bridge through its dev route");
      t.true(await pings("10.251.9.1", br.h2), "h2 reaches the far network through its gateway route");
    };
    await upOutputs(ts);
    await allPing();
    t.is(await expectQuietPreview(t, ts), 23);

    const repair = async (what: string) => {
      await upOutputs(ts);
      await allPing();
      await expectQuietPreview(t, ts);
      t.log(`${what}: repaired`);
    };

    // 1. the namespace deleted (what a reboot does): the pair inside it goes with it
    await ip(["netns", "del", s0.ns1]);
    t.false(await pings("192.168.1.2", s0.ns1));
    expectRecreate(t, await refreshAndPreview(ts), ["test1-netns", "veth-veth"]);
    await repair("namespace deleted");

    // 2. the veth pair deleted
    await ip(["-n", s0.ns1, "link", "del", s0.veth1]);
    expectRecreate(t, await refreshAndPreview(ts), ["veth-veth"]);
    await repair("veth deleted");

    // 3. an address removed
    await ip(["-n", s0.ns2, "addr", "del", "192.168.1.2/24", "dev", s0.veth2]);
    expectFieldUpdate(t, await refreshAndPreview(ts), "veth-veth", ["ends", 1, "addresses"], [], ["192.168.1.2/24"]);
    await repair("address removed");

    // 4. an end moved out of its namespace (into the host's)
    await ip(["-n", s0.ns1, "link", "set", "dev", s0.veth1, "netns", "1"]);
    expectFieldUpdate(t, await refreshAndPreview(ts), "veth-veth", ["ends", 0, "namespace"], undefined, s0.ns1);
    await repair("end moved out");

    // 5. a bridge port detached
    await ip(["-n", br.sw, "link", "set", "dev", "sw-h2", "nomaster"]);
    expectFieldUpdate(t, await refreshAndPreview(ts), "br0-bridge", ["ports"], ["sw-h1"], ["sw-h1", "sw-h2"]);
    await repair("port detached");

    // 6. a route deleted
    await ip(["-n", br.h2, "route", "del", "10.251.9.0/24"]);
    t.false(await pings("10.251.9.1", br.h2));
    expectRecreate(t, await refreshAndPreview(ts), ["h2-far-route"]);
    await repair("route deleted");

    // 7. an address added by hand is removed by up
    await ip(["-n", s0.ns1, "addr", "add", "192.168.77.1/24", "dev", s0.veth1]);
    expectFieldUpdate(
      t,
      await refreshAndPreview(ts),
      "veth-veth",
      ["ends", 0, "addresses"],
      ["192.168.1.1/24", "192.168.77.1/24"],
      ["192.168.1.1/24"],
    );
    await repair("address added");
    t.notRegex(await ip(["-n", s0.ns1, "-o", "addr", "show", "dev", s0.veth1]), /192\.168\.77\.1/);

    // drift left in place, then destroy: delete finds the end where it was moved to
    await ip(["-n", s0.ns1, "link", "set", "dev", s0.veth1, "netns", "1"]);
    await ip(["netns", "del", br.h2]);
    await ts.stack.destroy({ onOutput: collect(ts) });
    t.deepEqual(diffSnapshots(before, await snapshot()), []);
  },
);

engineTest(
  "netns drift over SSH: a namespace and a veth on a lab host, the namespace deleted by hand found by refresh and preview, restored by up, nothing left",
  DYNAMIC,
  async (t) => {
    requireRoot();
    const before = await snapshot();
    const lab = await labHostUp(t, 17, "{}\n");
    const ssh = await startLabSshd(t, lab);
    const privateKey = await readFile(ssh.keyFile, "utf8");
    const name = `dwssh-${lab.x}`;
    // The lab's host key pins the host: ssh checks it strictly.
    const hostKey = await readFile(path.join(path.dirname(ssh.keyFile), "hostkey.pub"), "utf8");
    const connection = { host: ssh.addr, port: ssh.port, user: "root", privateKey, hostKey };
    const ts = await engineStack(t, async () => {
      const ns = new NetworkNamespace("remote", { name, connection });
      new VethPair("uplink", {
        name: "dwssh0",
        peerName: "dwssh1",
        ends: [{ namespace: ns, rename: "eth0", addresses: ["10.252.1.2/24"] }, { addresses: ["10.252.1.1/24"] }],
        connection,
      });
      return {};
    });
    await upOutputs(ts);
    t.true((await namespaces()).includes(name), "the namespace made over SSH exists");
    t.regex(
      await ssh
        .ssh(`ip netns exec ${name} ping -c 1 -W 2 10.252.1.1 || ip netns exec ${name} busybox ping -c 1 -W 2 10.252.1.1`)
        .then((r) => r.stdout),
      /1 packets received|1 received/,
    );
    await expectQuietPreview(t, ts);
    // The state file as the backend stores it: the connection is a secret (ciphertext).
    const backend = new URL(process.env.PULUMI_BACKEND_URL!).pathname;
    const stateFile = path.join(backend, ".pulumi", "stacks", "dockwire-test", `${ts.stack.name}.json`);
    const stored = await readFile(stateFile, "utf8");
    t.true(stored.includes(`"connection"`), `${stateFile} holds the resources`);
    t.false(stored.includes(privateKey.split("\n")[1]), "the private key is not in the state in plain text");

    await ip(["netns", "del", name]);
    expectRecreate(t, await refreshAndPreview(ts), ["remote-netns", "uplink-veth"]);
    await upOutputs(ts);
    t.true((await namespaces()).includes(name));
    await expectQuietPreview(t, ts);

    await ts.stack.destroy({ onOutput: collect(ts) });
    t.false((await namespaces()).includes(name));
    ssh.stop();
    await labHostDown(lab.name);
    t.deepEqual(diffSnapshots(before, await snapshot()), []);
  },
);

engineTest(
  "netns upgrade from dockwire 0.1: a namespace managed by a @pulumi/command Command is taken over in place by alias (its contents kept), with no command plugin, then destroyed",
  DYNAMIC,
  async (t) => {
    requireRoot();
    const before = await snapshot();
    const name = `dwupg-${Math.floor(Math.random() * 36 ** 4).toString(36)}`;
    const ts = await engineStack(t, async () => {
      new NetworkNamespace("r", { name });
      return {};
    });
    await legacyNamespaceState(ts, "r", name);
    t.true((await namespaces()).includes(name));
    await ip(["-n", name, "link", "add", "dwmark", "type", "veth", "peer", "name", "dwmark1"]);

    const res = await ts.stack.up({ onOutput: collect(ts) });
    t.deepEqual(res.summary.resourceChanges, { update: 1, same: 2 }, "the child is updated in place, not created and deleted");
    t.regex(await ip(["-n", name, "-o", "link", "show"]), /dwmark/, "the namespace was kept, not made again");
    t.false(
      ((await ts.stack.exportStack()).deployment.resources as { type: string }[]).some((r) => r.type.startsWith("command:")),
      "no @pulumi/command resource is left in the state",
    );
    await expectQuietPreview(t, ts);
    await ts.stack.destroy({ onOutput: collect(ts) });
    t.false((await namespaces()).includes(name));
    t.deepEqual(diffSnapshots(before, await snapshot()), []);
  },
);

/**
 * A stack as dockwire 0.1 left it: its NetworkNamespace component with a local @pulumi/command
 * Command child, whose create script (0.1's, `netnsCommands`) has run. Written with `pulumi
 * stack import` (what the command provider would have recorded), so that no command plugin
 * is needed to make it: the upgrade must not need one either.
 */
async function legacyNamespaceState(ts: TestStack, component: string, ns: string): Promise<void> {
  const scripts = netnsCommands({ name: ns }, "");
  const made = await run("/bin/sh", ["-c", scripts.create], { timeoutMs: 30_000 });
  const stackName = ts.stack.name;
  const project = "dockwire-test";
  const urn = (type: string, name: string) => `urn:pulumi:${stackName}::${project}::${type}::${name}`;
  const stackUrn = urn("pulumi:pulumi:Stack", `${project}-${stackName}`);
  const compUrn = urn("dockwire:netns:NetworkNamespace", component);
  const providerUrn = urn("pulumi:providers:command", "default_1_2_1");
  const providerId = "a5d2b3c4-0d1e-4f50-8a6b-7c8d9e0f1a2b";
  const inputs = { create: scripts.create, delete: scripts.delete, interpreter: ["/bin/sh", "-c"] };
  // An empty up makes the stack and its secrets settings; the 0.1 resources go in beside them.
  const deployment = (await ts.stack.exportStack()).deployment as Record<string, unknown>;
  deployment.resources = [
    { urn: stackUrn, custom: false, type: "pulumi:pulumi:Stack" },
    {
      urn: providerUrn,
      custom: true,
      id: providerId,
      type: "pulumi:providers:command",
      inputs: { version: "1.2.1" },
      outputs: { version: "1.2.1" },
    },
    { urn: compUrn, custom: false, type: "dockwire:netns:NetworkNamespace", parent: stackUrn },
    {
      urn: urn("dockwire:netns:NetworkNamespace$command:local:Command", `${component}-netns`),
      custom: true,
      id: `${component}-netns-0p1`,
      type: "command:local:Command",
      parent: compUrn,
      provider: `${providerUrn}::${providerId}`,
      inputs,
      outputs: { ...inputs, stdout: made.stdout.trim(), stderr: made.stderr.trim() },
    },
  ];
  await ts.stack.importStack({ version: 3, deployment });
}
