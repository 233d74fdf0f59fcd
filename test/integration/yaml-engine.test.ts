// dockwire from a Pulumi YAML program, through the real engine: stacks/mynet-yaml (seed 002's
// `mynet` and two containers on it) run by the CLI with its YAML language host, dockwire's
// components constructed by the dockwire provider plugin (provider/plugin, Node.js only), and
// their Docker objects made by dockwire's own dynamic resources. Bad input in YAML is refused
// at preview with the same message a TypeScript program gets, and nothing is created; up
// makes what the daemon then shows; a re-preview is quiet; a change takes one up, in place;
// destroy leaves nothing.
import type { ExecutionContext } from "ava";
import { mkdtemp, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { repoRoot } from "./lib/checkout";
import { TestStack, collect, engineTest, expectFailure, expectQuietPreview, folderStack, folderStackIn } from "./lib/engine";
import { docker, dockerHost, dockerJson, images, run, uniqueName } from "./lib/exec";
import { pings, requireRoot } from "./lib/netns";

const YAML = ["pulumi-language-yaml", "pulumi-resource-pulumi-nodejs"];

/** The test's own names and range, beside anything else on the daemon. */
function config(id: string): Record<string, string> {
  return {
    networkName: `${id}-mynet`,
    subnet: "10.202.0.0/16",
    gateway: "10.202.0.1",
    tomcat01Ip: "10.202.0.11",
    image: images.busybox,
    prefix: `${id}-`,
    alias: "tomcat02",
  };
}

/** Docker objects of the test on the daemon: its network and containers (any state). */
async function objects(id: string): Promise<string[]> {
  const nets = (await docker(["network", "ls", "--format", "{{.Name}}"])).split("\n").filter((n) => n.startsWith(id));
  const ctrs = (await docker(["ps", "-a", "--format", "{{.Names}}"])).split("\n").filter((n) => n.startsWith(id));
  return [...nets.map((n) => `network ${n}`), ...ctrs.map((c) => `container ${c}`)];
}

async function resourcesInState(ts: TestStack): Promise<string[]> {
  const resources = (await ts.stack.exportStack()).deployment?.resources ?? [];
  // The stack itself and the default provider of the dockwire package are not objects of the program.
  return resources
    .map((r: { type: string }) => r.type)
    .filter((ty: string) => ty !== "pulumi:pulumi:Stack" && !ty.startsWith("pulumi:providers:"));
}

async function pingByName(t: ExecutionContext, from: string, name: string): Promise<void> {
  const out = await docker(["exec", from, "ping", "-c", "1", "-W", "2", name], { timeoutMs: 15_000 });
  t.regex(out, /1 packets received/, `${from} pings ${name}`);
}

engineTest("a Pulumi YAML program (seed 002: mynet and two containers) through the dockwire provider plugin", YAML, async (t) => {
  const id = uniqueName("dwy");
  t.teardown(async () => {
    // Only if the engine's destroy failed: what the test made, by name.
    for (const o of await objects(id).catch(() => [])) {
      const [kind, name] = o.split(" ");
      await docker(kind === "network" ? ["network", "rm", name] : ["rm", "-f", name]).catch(() => undefined);
    }
  });

  // 1. Bad input, written in YAML: refused at preview (and by up) with dockwire's message, naming the field and the fix.
  const bad = await folderStack(t, "mynet-yaml", { ...config(id), gateway: "10.9.0.1" });
  const message =
    'dockwire:networks:BridgeNetwork "mynet": gateway "10.9.0.1" is outside subnet 10.202.0.0/16: pick an address inside it, or omit gateway to use 10.202.0.1.';
  const previewed = await expectFailure(() => bad.stack.preview({ onOutput: collect(bad) }));
  t.true(previewed.includes(message), previewed);
  const upped = await expectFailure(() => bad.stack.up({ onOutput: collect(bad) }));
  t.true(upped.includes(message), upped);
  t.deepEqual(await resourcesInState(bad), [], "nothing in state");
  t.deepEqual(await objects(id), [], "nothing on the daemon");
  // A static address outside the network's subnet: the network is given by name, and the
  // provider plugin finds the program's network of that name, so the address is checked.
  await bad.stack.setAllConfig({ gateway: { value: "10.202.0.1" }, tomcat01Ip: { value: "10.9.9.9" } });
  const address = await expectFailure(() => bad.stack.preview({ onOutput: collect(bad) }));
  t.true(
    address.includes(
      'dockwire:containers:AppContainer "tomcat01": networks[0].ipv4Address "10.9.9.9" is outside subnet 10.202.0.0/16: pick an address inside it.',
    ),
    address,
  );
  t.deepEqual(await objects(id), [], "nothing on the daemon");

  // 2. Up: the daemon has the network with its subnet and gateway, both containers on it, reaching each other by name.
  const ts = await folderStack(t, "mynet-yaml", config(id));
  const up = await ts.stack.up({ onOutput: collect(ts) });
  t.deepEqual(up.outputs.containers.value, [`${id}-tomcat01`, `${id}-tomcat02`]);
  const [net] = await dockerJson<any[]>(["network", "inspect", `${id}-mynet`]);
  t.deepEqual(net.IPAM.Config, [{ Subnet: "10.202.0.0/16", Gateway: "10.202.0.1" }]);
  t.is(net.Id, up.outputs.networkId.value);
  const inspect = async (c: string) => (await dockerJson<any[]>(["inspect", c]))[0];
  const before = await inspect(`${id}-tomcat02`);
  t.true(before.State.Running);
  t.true(before.NetworkSettings.Networks[`${id}-mynet`].IPAddress.startsWith("10.202."));
  t.is((await inspect(`${id}-tomcat01`)).NetworkSettings.Networks[`${id}-mynet`].IPAddress, "10.202.0.11");
  await pingByName(t, `${id}-tomcat01`, "tomcat02");
  await pingByName(t, `${id}-tomcat02`, "tomcat01");

  // 3. A re-preview shows nothing to do.
  await expectQuietPreview(t, ts);

  // 4. A change in one up, in place: tomcat02's alias becomes `web`; same container, not restarted.
  await ts.stack.setConfig("alias", { value: "web" });
  const changed = await ts.stack.up({ onOutput: collect(ts) });
  t.falsy(changed.summary.resourceChanges?.replace, "no replacement");
  t.true((changed.summary.resourceChanges?.update ?? 0) >= 1, JSON.stringify(changed.summary.resourceChanges));
  const after = await inspect(`${id}-tomcat02`);
  t.is(after.Id, before.Id);
  t.is(after.State.StartedAt, before.State.StartedAt);
  t.true(after.NetworkSettings.Networks[`${id}-mynet`].Aliases.includes("web"));
  await pingByName(t, `${id}-tomcat01`, "web");
  await expectQuietPreview(t, ts);

  // 5. Destroy: nothing left on the daemon.
  await ts.stack.destroy({ onOutput: collect(ts) });
  t.deepEqual(await objects(id), []);
});

engineTest(
  "a Pulumi YAML program passing components to components: a network on a DockerHost (a reference), seed 000's veth pair between two namespaces (by name)",
  YAML,
  async (t) => {
    requireRoot();
    const id = uniqueName("dwl").replace(/-/g, "");
    const [ns1, ns2, v1, v2, net] = [`${id}n1`, `${id}n2`, `${id}v1`, `${id}v2`, `${id}-net`];
    const dir = await mkdtemp(path.join(tmpdir(), "dockwire-yaml-"));
    t.teardown(async () => {
      await rm(dir, { recursive: true, force: true });
      // Only if the engine's destroy failed: what the program made, by name.
      for (const ns of [ns1, ns2]) await run("ip", ["netns", "del", ns]).catch(() => undefined);
      await run("ip", ["link", "del", v1]).catch(() => undefined);
      await docker(["network", "rm", net]).catch(() => undefined);
    });
    // The program's folder as a user's, after `npm install dockwire`: node_modules beside Pulumi.yaml.
    await symlink(path.join(repoRoot, "node_modules"), path.join(dir, "node_modules"));
    await writeFile(
      path.join(dir, "Pulumi.yaml"),
      `name: dockwire-yaml-lab
runtime: yaml
plugins:
  providers:
    - name: dockwire
      path: ${path.join(repoRoot, "provider", "plugin")}
resources:
  local:
    type: dockwire:host:DockerHost
    properties:
      host: ${dockerHost()}
  net:
    type: dockwire:networks:BridgeNetwork
    properties:
      host: \${local}
      networkName: ${net}
      subnet: 10.203.0.0/24
  ns1:
    type: dockwire:netns:NetworkNamespace
    properties:
      name: ${ns1}
  ns2:
    type: dockwire:netns:NetworkNamespace
    properties:
      name: ${ns2}
  pair:
    type: dockwire:netns:VethPair
    properties:
      name: ${v1}
      peerName: ${v2}
      ends:
        - namespace: \${ns1.namespaceName}
          addresses: ["192.168.1.1/24"]
        - namespace: \${ns2.namespaceName}
          addresses: ["192.168.1.2/24"]
outputs:
  networkId: \${net.networkId}
  endNames: \${pair.endNames}
`,
    );
    const ts = await folderStackIn(t, dir);
    const up = await ts.stack.up({ onOutput: collect(ts) });
    t.deepEqual(up.outputs.endNames.value, [v1, v2]);
    t.is((await dockerJson<any[]>(["network", "inspect", net]))[0].Id, up.outputs.networkId.value);
    // Seed 000: the two namespaces ping each other over the pair.
    t.true(await pings("192.168.1.2", ns1), `${ns1} pings 192.168.1.2 in ${ns2}`);
    await expectQuietPreview(t, ts);
    await ts.stack.destroy({ onOutput: collect(ts) });
    const left = (await run("ip", ["netns", "list"])).stdout;
    t.false(left.includes(ns1) || left.includes(ns2), left);
    t.false((await docker(["network", "ls", "--format", "{{.Name}}"])).split("\n").includes(net));
  },
);
