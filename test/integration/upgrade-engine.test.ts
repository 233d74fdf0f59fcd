// What `pulumi up` does to a stack deployed with dockwire 0.2, whose networks, volumes and
// containers were @pulumi/docker resources: the 0.2 program's resources (same types, names,
// parents and inputs as 0.2's components registered) are deployed with the docker provider
// plugin; then today's program runs `pulumi up` on the same stack with no docker plugin to
// be had. Every object is taken over in place through the aliases: the same network,
// volume and container (same id, not restarted), no replacement, a quiet re-preview, and
// destroy leaves nothing.
import { copyFile, mkdtemp, mkdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import { LocalWorkspace, PulumiCommand } from "@pulumi/pulumi/automation";
import { AppContainer, BridgeNetwork, DockerVolume, ipam, networkSpec, ports } from "../../provider";
import { collect, engineStack, engineTest, expectQuietPreview, upOutputs } from "./lib/engine";
import { docker as dockerCli, images, uniqueName } from "./lib/exec";
import { diffSnapshots, snapshot } from "./lib/residue";
import { pickPort } from "./lib/wait";

engineTest(
  "a stack deployed with dockwire 0.2 (@pulumi/docker resources) is taken over in place by pulumi up with no docker plugin: same network, volume and container, not restarted; quiet re-preview; nothing left after destroy",
  ["pulumi-resource-pulumi-nodejs", "pulumi-resource-docker"],
  async (t) => {
    const before = await snapshot();
    const tag = uniqueName("up").replace(/-/g, "");
    const port = await pickPort();
    const subnet = "10.188.0.0/24";
    const conf = "port 6379\n";

    // dockwire 0.2's shape: each component's one @pulumi/docker child, named like it.
    class Component extends pulumi.ComponentResource {
      constructor(type: string, name: string) {
        super(type, name, {}, {});
      }
    }
    const v02 = async () => {
      const nc = new Component("dockwire:networks:BridgeNetwork", "net");
      const spec = networkSpec("net", { networkName: `${tag}-net`, subnet }, { driver: "bridge" }, new ipam.AddressPlan()).spec;
      const net = new docker.Network("net", { ...spec }, { parent: nc });
      const vol = new docker.Volume("vol", { name: `${tag}-vol` });
      const cc = new Component("dockwire:containers:AppContainer", "box");
      new docker.Container(
        "box",
        {
          name: `${tag}-box`,
          image: images.busybox,
          command: ["sleep", "3600"],
          ports: ports.parsePortSpecs([`127.0.0.1:${port}:80`], "ports").map((p) => ({ ...p })),
          networksAdvanced: [{ name: net.name, ipv4Address: "10.188.0.5" }],
          mounts: [{ type: "volume", source: vol.name, target: "/data" }],
          uploads: [{ file: "/etc/conf", content: conf }],
        },
        { parent: cc },
      );
      return {};
    };
    const today = async () => {
      const net = new BridgeNetwork("net", { networkName: `${tag}-net`, subnet });
      const vol = new DockerVolume("vol", { name: `${tag}-vol` });
      new AppContainer("box", {
        image: images.busybox,
        containerName: `${tag}-box`,
        command: ["sleep", "3600"],
        ports: [`127.0.0.1:${port}:80`],
        networks: [{ network: net, ipv4Address: "10.188.0.5" }],
        mounts: [{ type: "volume", source: vol.name, target: "/data" }],
        uploads: [{ file: "/etc/conf", content: conf }],
      });
      return {};
    };

    let program = v02;
    const ts = await engineStack(t, async () => program());
    await upOutputs(ts);
    const ids = async () => [
      await dockerCli(["network", "inspect", "-f", "{{.Id}}", `${tag}-net`]),
      await dockerCli(["inspect", "-f", "{{.Id}} {{.State.StartedAt}}", `${tag}-box`]),
      await dockerCli(["volume", "inspect", "-f", "{{.CreatedAt}}", `${tag}-vol`]),
    ];
    const deployed = await ids();
    const types = async () =>
      ((await ts.stack.exportStack()).deployment.resources as { type: string }[])
        .map((r) => r.type)
        .filter((x) => !x.startsWith("pulumi:pulumi"));
    t.true((await types()).includes("docker:index/container:Container"), "the 0.2 state holds @pulumi/docker resources");

    // The same stack, on a CLI that has no docker plugin: an empty plugin folder, no ambient plugins.
    const home = await mkdtemp(path.join(tmpdir(), "dwhome-"));
    const root = await mkdtemp(path.join(tmpdir(), "dwroot-"));
    t.teardown(async () => {
      await rm(home, { recursive: true, force: true });
      await rm(root, { recursive: true, force: true });
    });
    await mkdir(path.join(root, "bin"));
    const bin = path.join(process.env.DOCKWIRE_PULUMI_ROOT!, "bin");
    for (const f of ["pulumi", "pulumi-resource-pulumi-nodejs"]) await copyFile(path.join(bin, f), path.join(root, "bin", f));
    const bare = await LocalWorkspace.selectStack(
      { stackName: ts.stack.name, projectName: "dockwire-test", program: async () => today() },
      {
        workDir: await mkdtemp(path.join(tmpdir(), "dwupg-")),
        pulumiCommand: await PulumiCommand.get({ root, skipVersionCheck: true }),
        projectSettings: { name: "dockwire-test", runtime: "nodejs", backend: { url: process.env.PULUMI_BACKEND_URL! } },
        envVars: { PULUMI_HOME: home, PULUMI_IGNORE_AMBIENT_PLUGINS: "true", NODE_PATH: path.resolve(__dirname, "../../../node_modules") },
      },
    );
    const log: string[] = [];
    const res = await bare.up({ onOutput: (s) => log.push(s) });
    t.log(res.summary.resourceChanges);
    t.is(res.summary.resourceChanges?.create ?? 0, 0, `nothing is created:\n${log.join("")}`);
    t.is(res.summary.resourceChanges?.replace ?? 0, 0, "nothing is replaced");
    t.deepEqual(await ids(), deployed, "the same network, container (not restarted) and volume");
    t.false(
      (await types()).some((x) => x.startsWith("docker:")),
      "no @pulumi/docker resource is left in the state",
    );

    program = today;
    await expectQuietPreview(t, ts);
    await ts.stack.destroy({ onOutput: collect(ts) });
    t.deepEqual(diffSnapshots(before, await snapshot()), []);
  },
);
