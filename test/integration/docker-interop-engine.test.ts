// Programs that mix their own @pulumi/docker resources with dockwire's: DockerHost gives a
// docker.Provider for the same daemon, and a docker.Container of that provider joins a
// dockwire network by its name and reaches a dockwire container on it. Needs the docker
// provider plugin, which no registry this project reaches serves: skipped, saying so, where
// it is missing.
import * as docker from "@pulumi/docker";
import { AppContainer, BridgeNetwork, DockerHost } from "../../provider";
import { collect, engineStack, engineTest, expectQuietPreview, upOutputs } from "./lib/engine";
import { docker as dockerCli, images, uniqueName } from "./lib/exec";
import { diffSnapshots, snapshot } from "./lib/residue";

engineTest(
  "a @pulumi/docker container of DockerHost's docker.Provider joins a dockwire network and pings a dockwire container by name; quiet re-preview; nothing left",
  ["pulumi-resource-pulumi-nodejs", "pulumi-resource-docker"],
  async (t) => {
    const before = await snapshot();
    const tag = uniqueName("io").replace(/-/g, "");
    const ts = await engineStack(t, async () => {
      const host = new DockerHost("local", { host: process.env.DOCKER_HOST! });
      const net = new BridgeNetwork("net", { host, networkName: `${tag}-net`, subnet: "10.199.0.0/24" });
      new AppContainer("dw", {
        host,
        image: images.busybox,
        containerName: `${tag}-dw`,
        command: ["sleep", "3600"],
        networks: [{ network: net, aliases: ["dw"] }],
      });
      const theirs = new docker.Container(
        "theirs",
        {
          name: `${tag}-theirs`,
          image: images.busybox,
          command: ["sleep", "3600"],
          networksAdvanced: [{ name: net.networkName }],
          mustRun: true,
        },
        { provider: host.dockerProvider() },
      );
      return { theirs: theirs.name };
    });
    await upOutputs(ts);
    const ping = await dockerCli(["exec", `${tag}-theirs`, "ping", "-c", "1", "-W", "3", "dw"], { timeoutMs: 15_000 });
    t.regex(ping, /1 packets received/);
    await expectQuietPreview(t, ts);
    await ts.stack.destroy({ onOutput: collect(ts) });
    t.deepEqual(diffSnapshots(before, await snapshot()), []);
  },
);
