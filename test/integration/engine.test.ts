// dockwire through the real Pulumi engine (the CLI built by scripts/toolchain.sh), with the
// Automation API and the local file backend.
import test from "ava";
import * as pulumi from "@pulumi/pulumi";
import { AppContainer, BridgeNetwork, DockerHost, MacvlanNetwork } from "../../provider";
import { parseCidr, parseIp, cidrContains } from "../../provider/ipam";
import { docker, dockerJson, images, uniqueName } from "./lib/exec";
import { collect, engineStack, engineTest, expectFailure, expectQuietPreview } from "./lib/engine";
import { diffSnapshots, snapshot } from "./lib/residue";

test.serial("the engine runs a program: up, a quiet re-preview, refresh, destroy, stack removed", async (t) => {
  class Probe extends pulumi.ComponentResource {
    constructor(name: string) {
      super("dockwire:test:Probe", name, {});
      this.registerOutputs({});
    }
  }
  const ts = await engineStack(t, async () => {
    new Probe("probe");
    return { answer: 42 };
  });
  const up = await ts.stack.up({ onOutput: collect(ts) });
  t.is(up.summary.result, "succeeded");
  t.deepEqual(up.outputs.answer, { value: 42, secret: false });
  const pv = await ts.stack.preview({ expectNoChanges: true, onOutput: collect(ts) });
  t.deepEqual(pv.changeSummary, { same: 2 });
  await ts.stack.refresh({ onOutput: collect(ts) });
  const d = await ts.stack.destroy({ onOutput: collect(ts) });
  t.is(d.summary.result, "succeeded");
  t.deepEqual((await ts.stack.exportStack()).deployment.resources ?? [], []);
});

// Bad input reaches the user of `pulumi preview` as dockwire's message, and nothing is
// created: validation runs before any resource is registered, so no provider is needed.
const badPrograms: [string, () => void, string][] = [
  [
    "host bits in a subnet",
    () => void new BridgeNetwork("mynet", { subnet: "192.168.0.1/16" }),
    'subnet "192.168.0.1/16" has host bits set. For a prefix of length 16 the network address is 192.168.0.0: use "192.168.0.0/16".',
  ],
  [
    "a gateway outside its subnet",
    () => void new BridgeNetwork("eagleslab-net", { subnet: "10.10.0.0/16", gateway: "10.11.0.1" }),
    'gateway "10.11.0.1" is outside subnet 10.10.0.0/16: pick an address inside it, or omit gateway to use 10.10.0.1.',
  ],
  [
    "an unknown macvlan mode",
    () => void new MacvlanNetwork("mv", { parent: "mvparent0", mode: "vlan" as any }),
    'mode "vlan" is not a macvlan mode: use one of "bridge", "private", "vepa", "passthru".',
  ],
  [
    "plain TCP without allowInsecure",
    () => void new DockerHost("hostb", { host: "tcp://10.99.0.2:2375" }),
    'host "tcp://10.99.0.2:2375" is plain TCP without TLS',
  ],
  ["a -p spec out of range", () => void new AppContainer("web", { image: "x", ports: ["70000:80"] }), '"70000:80"'],
];
for (const [title, program, message] of badPrograms) {
  test.serial(`preview fails on ${title}, naming the field and the fix, and creates nothing`, async (t) => {
    const ts = await engineStack(t, async () => program());
    const text = await expectFailure(() => ts.stack.preview({ onOutput: collect(ts) }));
    t.true(text.includes(message), `the preview output does not contain ${JSON.stringify(message)}:\n${text}`);
    t.deepEqual((await ts.stack.exportStack()).deployment.resources ?? [], []);
  });
}

// A bridge network and a container through the real engine and dockwire's own resources
// (the CLI and Node only), the smallest program a user writes with the package.
engineTest(
  "a bridge network and a container through the engine match the daemon, re-preview is quiet, destroy leaves nothing",
  ["pulumi-resource-pulumi-nodejs"],
  async (t) => {
    const before = await snapshot();
    const net = uniqueName("dw-eng-net");
    const box = uniqueName("dw-eng-box");
    const ts = await engineStack(t, async () => {
      const host = new DockerHost("local", { host: process.env.DOCKER_HOST! });
      const n = new BridgeNetwork("net", { networkName: net, subnet: "10.10.0.0/16", gateway: "10.10.0.1", host });
      const c = new AppContainer("box", {
        host,
        image: images.busybox,
        containerName: box,
        command: ["sleep", "600"],
        networks: [{ network: n }],
      });
      return { network: n.networkName, container: c.containerName };
    });
    await ts.stack.up({ onOutput: collect(ts) });
    const [inspect] = await dockerJson<any[]>(["network", "inspect", net]);
    t.deepEqual(inspect.IPAM.Config, [{ Subnet: "10.10.0.0/16", Gateway: "10.10.0.1" }]);
    const ip = await docker(["inspect", "-f", `{{(index .NetworkSettings.Networks "${net}").IPAddress}}`, box]);
    const parsed = parseIp(ip)!;
    t.true(cidrContains(parseCidr("10.10.0.0/16", "subnet"), parsed.family, parsed.value));
    // The stack, the DockerHost, the network and the container with their components.
    t.is(await expectQuietPreview(t, ts), 6);
    await ts.stack.destroy({ onOutput: collect(ts) });
    t.deepEqual(diffSnapshots(before, await snapshot()), []);
  },
);
