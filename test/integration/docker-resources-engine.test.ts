// dockwire's own Docker resources (provider/docker) through the real engine with nothing but
// the CLI and the dynamic-provider launcher, against the real daemon: for each resource,
// create, a quiet re-preview, the in-place changes, the replacements, drift found by refresh
// and put right by up, adoption of objects made by hand, faults that leave nothing behind,
// and destroy with nothing left.
import * as net from "node:net";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import type { ExecutionContext } from "ava";
import type { EngineEvent } from "@pulumi/pulumi/automation";
import { AppContainer, BridgeNetwork, ContainerExec, DockerHost, DockerImage, DockerVolume, Swarm, contextDigest } from "../../provider";
import {
  TestStack,
  collect,
  engineStack,
  engineTest,
  expectFailure,
  expectQuietPreview,
  refreshChanges,
  upOutputs,
  mutable,
} from "./lib/engine";
import { docker, dockerJson, images, run, uniqueName } from "./lib/exec";
import { labDocker, labHostDown, labHostUp } from "./lib/labhost";
import { startRegistry } from "./lib/registry";
import { diffSnapshots, snapshot } from "./lib/residue";
import { pickPort } from "./lib/wait";

const PIECES = ["pulumi-resource-pulumi-nodejs"];

/** `op name [replace keys]` of every step a preview proposes other than `same`, sorted. */
async function previewSteps(t: ExecutionContext, ts: TestStack): Promise<string[]> {
  const events: EngineEvent[] = [];
  await ts.stack.preview({ diff: true, onOutput: collect(ts), onEvent: (e) => events.push(e) });
  return (
    events
      .flatMap((e) => (e.resourcePreEvent ? [e.resourcePreEvent.metadata] : []))
      .filter((m) => m.op !== "same" && m.type.startsWith("pulumi-nodejs:dynamic/dockwire:"))
      .filter((m) => m.op !== "create-replacement" && m.op !== "delete-replaced")
      // A replacement names the fields that force it.
      .map((m) => `${m.op} ${m.urn.slice(m.urn.lastIndexOf("::") + 2)}${m.keys?.length ? ` [${[...m.keys].sort().join(",")}]` : ""}`)
      .sort()
  );
}

const idAndStart = (name: string) => docker(["inspect", "-f", "{{.Id}} {{.State.StartedAt}}", name]);
const pingOk = async (from: string, to: string) =>
  /1 packets received/.test(await docker(["exec", from, "ping", "-c", "1", "-W", "3", to], { timeoutMs: 15_000 }).catch(String));

engineTest(
  "DockerContainer changes networks in place: an alias and a static address changed, a network added and removed, all on the running container (same id and start time); env replaces it; a stop, a disconnect and a network removed by hand found by refresh and put right by up; nothing left",
  PIECES,
  async (t) => {
    const before = await snapshot();
    const tag = uniqueName("ip").replace(/-/g, "");
    const state = mutable({ alias: "web", ip: "10.191.0.10", second: false, env: "1" });
    const ts = await engineStack(
      t,
      state.program((v) => {
        const a = new BridgeNetwork("a", { networkName: `${tag}-a`, subnet: "10.191.0.0/24" });
        const b = new BridgeNetwork("b", { networkName: `${tag}-b`, subnet: "10.192.0.0/24" });
        const web = new AppContainer("web", {
          image: images.busybox,
          containerName: `${tag}-web`,
          command: ["sleep", "3600"],
          env: { GEN: v.env },
          networks: [{ network: a, aliases: [v.alias], ipv4Address: v.ip }, ...(v.second ? [{ network: b, aliases: ["web-b"] }] : [])],
        });
        new AppContainer("box", {
          image: images.busybox,
          containerName: `${tag}-box`,
          command: ["sleep", "3600"],
          networks: [{ network: a }, { network: b }],
        });
        return { web: web.containerName };
      }),
    );
    await upOutputs(ts);
    const web = `${tag}-web`;
    const box = `${tag}-box`;
    const first = await idAndStart(web);
    t.true(await pingOk(box, "web"), "box reaches web by its alias");
    await expectQuietPreview(t, ts);

    // Alias and static address: one in-place update, the preview says so.
    state.value = { ...state.value, alias: "www", ip: "10.191.0.11" };
    t.deepEqual(await previewSteps(t, ts), ["update web"]);
    const changed = await ts.stack.up({ onOutput: collect(ts) });
    t.deepEqual(changed.summary.resourceChanges, { update: 1, same: 8 });
    t.is(await idAndStart(web), first, "same container, not restarted");
    t.is(await docker(["inspect", "-f", `{{(index .NetworkSettings.Networks "${tag}-a").IPAddress}}`, web]), "10.191.0.11");
    t.true(await pingOk(box, "www"), "the new alias resolves");
    t.false(await pingOk(box, "web"), "the old alias is gone");
    await expectQuietPreview(t, ts);

    // A second network added, then removed: in place each time.
    state.value = { ...state.value, second: true };
    t.deepEqual((await ts.stack.up({ onOutput: collect(ts) })).summary.resourceChanges, { update: 1, same: 8 });
    t.is(await idAndStart(web), first);
    t.true(await pingOk(box, "web-b"), "web is on the second network by its alias there");
    await expectQuietPreview(t, ts);
    state.value = { ...state.value, second: false };
    t.deepEqual((await ts.stack.up({ onOutput: collect(ts) })).summary.resourceChanges, { update: 1, same: 8 });
    t.is(await idAndStart(web), first);
    t.deepEqual(Object.keys((await dockerJson<any[]>(["inspect", web]))[0].NetworkSettings.Networks), [`${tag}-a`]);

    // Stopped by hand: refresh records it, the preview shows the update of `running`, up starts the same container.
    await docker(["stop", "-t", "0", web]);
    t.is((await refreshChanges(ts)).update, 1);
    t.deepEqual(await previewSteps(t, ts), ["update web"]);
    await upOutputs(ts);
    t.is(await docker(["inspect", "-f", "{{.Id}} {{.State.Running}}", web]), `${first.split(" ")[0]} true`);
    await expectQuietPreview(t, ts);

    // Disconnected by hand: refresh records it, up connects it again with its address and alias.
    await docker(["network", "disconnect", `${tag}-a`, web]);
    t.is((await refreshChanges(ts)).update, 1);
    await upOutputs(ts);
    t.is(await docker(["inspect", "-f", `{{(index .NetworkSettings.Networks "${tag}-a").IPAddress}}`, web]), "10.191.0.11");
    t.true(await pingOk(box, "www"));
    await expectQuietPreview(t, ts);

    // A network removed by hand (its containers disconnected first, as Docker requires):
    // refresh finds it gone and box no longer on it; up makes it again and connects box to
    // the new network in place.
    const boxId = (await idAndStart(box)).split(" ")[0];
    await docker(["network", "disconnect", "-f", `${tag}-b`, box]);
    await docker(["network", "rm", `${tag}-b`]);
    t.like(await refreshChanges(ts), { delete: 1, update: 1 });
    await upOutputs(ts);
    t.is((await idAndStart(box)).split(" ")[0], boxId, "box is the same container");
    t.deepEqual(
      Object.keys((await dockerJson<any[]>(["inspect", box]))[0].NetworkSettings.Networks).sort(),
      [`${tag}-a`, `${tag}-b`].sort(),
    );
    await expectQuietPreview(t, ts);

    // The environment cannot change on a container: a replacement, named in the preview.
    state.value = { ...state.value, env: "2" };
    t.deepEqual(await previewSteps(t, ts), ["replace web [envs]"]);
    await upOutputs(ts);
    t.not((await idAndStart(web)).split(" ")[0], first.split(" ")[0], "a new container");
    t.true((await dockerJson<any[]>(["inspect", web]))[0].Config.Env.includes("GEN=2"));
    await expectQuietPreview(t, ts);

    await ts.stack.destroy({ onOutput: collect(ts) });
    t.deepEqual(diffSnapshots(before, await snapshot()), []);
  },
);

engineTest(
  "adopting what the seeds make by hand: a network, a volume and a container made with the docker CLI taken over by name (same ids), quiet re-preview, a volume relabelled is replaced and one removed by hand comes back, a mismatch refused naming the field, destroy removes them",
  PIECES,
  async (t) => {
    const before = await snapshot();
    const tag = uniqueName("ad").replace(/-/g, "");
    await docker(["network", "create", "--subnet", "10.193.0.0/24", `${tag}-net`]);
    await docker(["volume", "create", `${tag}-vol`]);
    await docker(["run", "-d", "--name", `${tag}-box`, "--network", `${tag}-net`, images.busybox, "sleep", "3600"]);
    t.teardown(async () => {
      await docker(["rm", "-f", `${tag}-box`]).catch(() => undefined);
      await docker(["volume", "rm", `${tag}-vol`]).catch(() => undefined);
      await docker(["network", "rm", `${tag}-net`]).catch(() => undefined);
    });
    const ids = async () => [
      await docker(["network", "inspect", "-f", "{{.Id}}", `${tag}-net`]),
      (await idAndStart(`${tag}-box`)).split(" ")[0],
    ];
    const made = await ids();
    const state = mutable({ label: "a", subnet: "10.193.0.0/24" });
    const ts = await engineStack(
      t,
      state.program((v) => {
        const n = new BridgeNetwork("net", { networkName: `${tag}-net`, subnet: v.subnet, adopt: true });
        new DockerVolume("vol", {
          name: `${tag}-vol`,
          adopt: `${tag}-vol`,
          labels: v.label === "a" ? undefined : [{ label: "v", value: v.label }],
        });
        new AppContainer("box", {
          image: images.busybox,
          containerName: `${tag}-box`,
          command: ["sleep", "3600"],
          networks: [{ network: n }],
          adopt: true,
        });
        return {};
      }),
    );
    const res = await ts.stack.up({ onOutput: collect(ts) });
    t.is(res.summary.resourceChanges?.create, 6, "the stack, two components and three resources enter the state");
    t.deepEqual(await ids(), made, "nothing was made anew: the same network and container");
    await expectQuietPreview(t, ts);

    state.value = { ...state.value, label: "b" };
    t.deepEqual(await previewSteps(t, ts), ["replace vol [labels]"]);
    await upOutputs(ts);
    t.is(await docker(["volume", "inspect", "-f", "{{.Labels.v}}", `${tag}-vol`]), "b");
    await expectQuietPreview(t, ts);
    await docker(["volume", "rm", `${tag}-vol`]);
    t.is((await refreshChanges(ts)).delete, 1);
    await upOutputs(ts);
    t.is(await docker(["volume", "inspect", "-f", "{{.Labels.v}}", `${tag}-vol`]), "b", "up made the volume again");

    await ts.stack.destroy({ onOutput: collect(ts) });
    t.deepEqual(diffSnapshots(before, await snapshot()), [], "destroy removed the adopted objects too");

    // Adopting a network that differs from the program: refused, naming the field, nothing taken.
    await docker(["network", "create", "--subnet", "10.194.0.0/24", `${tag}-net`]);
    const other = await engineStack(t, async () => {
      new BridgeNetwork("net", { networkName: `${tag}-net`, subnet: "10.195.0.0/24", adopt: true });
    });
    const text = await expectFailure(() => other.stack.up({ onOutput: collect(other) }));
    t.regex(text, new RegExp(`the network "${tag}-net" on \\S+ differs from the program in ipamConfigs`));
    t.deepEqual(
      (await other.stack.exportStack()).deployment.resources?.filter((r: { type: string }) => r.type.includes("DockerNetwork")) ?? [],
      [],
    );
    await docker(["network", "rm", `${tag}-net`]);
  },
);

engineTest(
  "DockerImage and ContainerExec: an image built from a folder with the classic builder, a container from it, a command run in it; quiet re-preview; a changed file rebuilds, replaces the container and runs the command again; a failing command fails up with its exit code and stderr; destroy leaves no image or intermediate",
  PIECES,
  async (t) => {
    const before = await snapshot();
    const tag = uniqueName("im").replace(/-/g, "");
    const dir = await mkdtemp(path.join(tmpdir(), "dwimg-"));
    t.teardown(() => rm(dir, { recursive: true, force: true }));
    await writeFile(
      path.join(dir, "Dockerfile"),
      'ARG BASE\nFROM ${BASE}\nCOPY greeting /greeting\nRUN ["sh", "-c", "cat /greeting > /copy"]\n',
    );
    await writeFile(path.join(dir, "greeting"), "hello 1\n");
    const state = mutable({ command: ["cat", "/copy"] });
    const ts = await engineStack(
      t,
      state.program((v) => {
        const img = new DockerImage("img", {
          name: `dockwire/${tag}:test`,
          context: dir,
          contextDigest: contextDigest(dir),
          buildArgs: { BASE: images.busybox },
        });
        const c = new AppContainer("c", { image: img.imageId, containerName: `${tag}-c`, command: ["sleep", "3600"] });
        const ex = new ContainerExec("read", { container: c.containerName, command: v.command, triggers: [c.container.id] });
        return { imageId: img.imageId, said: ex.stdout };
      }),
    );
    const out = await upOutputs(ts);
    t.is(out.said, "hello 1");
    t.is(await docker(["image", "inspect", "-f", "{{.Id}}", `dockwire/${tag}:test`]), String(out.imageId));
    const containersAfterBuild = diffSnapshots(before, await snapshot()).filter((l) => l.startsWith("containers added"));
    t.deepEqual(containersAfterBuild, [`containers added: ${tag}-c (running)`], "no build intermediate is left");
    await expectQuietPreview(t, ts);

    await writeFile(path.join(dir, "greeting"), "hello 2\n");
    const out2 = await upOutputs(ts);
    t.is(out2.said, "hello 2", "the command ran again in the new container");
    t.not(out2.imageId, out.imageId);
    t.is(await docker(["images", "-q", "--no-trunc", String(out.imageId)]), "", "the old image is removed");
    await expectQuietPreview(t, ts);

    state.value = { command: ["sh", "-c", "echo broken >&2; exit 3"] };
    const text = await expectFailure(() => ts.stack.up({ onOutput: collect(ts) }));
    t.regex(text, /"sh -c echo broken >&2; exit 3" in container "[^"]+" exited with 3:\s+broken/);
    state.value = { command: ["cat", "/copy"] };
    t.is((await upOutputs(ts)).said, "hello 2");

    await ts.stack.destroy({ onOutput: collect(ts) });
    t.deepEqual(diffSnapshots(before, await snapshot()), []);
  },
);

engineTest(
  "faults leave nothing behind: a host port held by another process, a missing image and a daemon out of address pools each fail up with the cause, leave nothing on the daemon that the state does not know, and the next up converges once the cause is gone; preview refuses a subnet overlapping someone else's network and a name taken by hand",
  PIECES,
  async (t) => {
    const before = await snapshot();
    const tag = uniqueName("ft").replace(/-/g, "");

    // A host port held by a listener of this test on loopback.
    const port = await pickPort();
    const holder = net.createServer().listen(port, "127.0.0.1");
    await new Promise((r) => holder.once("listening", r));
    t.teardown(() => void holder.close());
    const held = await engineStack(t, async () => {
      new AppContainer("web", {
        image: images.busybox,
        containerName: `${tag}-web`,
        command: ["sleep", "3600"],
        ports: [`127.0.0.1:${port}:80`],
      });
    });
    const text = await expectFailure(() => held.stack.up({ onOutput: collect(held) }));
    t.regex(text, /A host port this container publishes is in use by another process or container/);
    t.is(await docker(["ps", "-aq", "--filter", `name=^${tag}-web$`]), "", "no container is left on the daemon");
    t.deepEqual(
      (await held.stack.exportStack()).deployment.resources?.filter((r: { type: string }) => r.type.includes("DockerContainer")) ?? [],
      [],
    );
    await new Promise((r) => holder.close(r));
    await upOutputs(held);
    t.is(await docker(["inspect", "-f", "{{.State.Running}}", `${tag}-web`]), "true", "up converges once the port is free");
    await held.stack.destroy({ onOutput: collect(held) });

    // An image the daemon lacks and cannot pull (a registry on loopback where nothing listens).
    const nowhere = await pickPort();
    const missing = await engineStack(t, async () => {
      new AppContainer("c", { image: `127.0.0.1:${nowhere}/dockwire/none:missing`, containerName: `${tag}-miss`, command: ["sleep", "1"] });
    });
    const miss = await expectFailure(() => missing.stack.up({ onOutput: collect(missing) }));
    t.regex(miss, new RegExp(`image "127.0.0.1:${nowhere}/dockwire/none:missing" is not on \\S+ and pulling it failed`));
    t.is(await docker(["ps", "-aq", "--filter", `name=^${tag}-miss$`]), "");

    // Preview, with the daemon reachable: a subnet overlapping a network made by hand, and a name taken by hand.
    await docker(["network", "create", "--subnet", "10.196.0.0/24", `${tag}-theirs`]);
    t.teardown(() =>
      docker(["network", "rm", `${tag}-theirs`]).then(
        () => undefined,
        () => undefined,
      ),
    );
    const overlap = await engineStack(t, async () => {
      new BridgeNetwork("mine", { networkName: `${tag}-mine`, subnet: "10.196.0.0/16" });
    });
    const ov = await expectFailure(() => overlap.stack.preview({ onOutput: collect(overlap) }));
    t.regex(
      ov,
      new RegExp(
        `subnet 10.196.0.0/16 overlaps 10.196.0.0/24 of network "${tag}-theirs" on \\S+, which this program does not own: choose a subnet outside 10.196.0.0/24, or remove that network`,
      ),
    );
    const taken = await engineStack(t, async () => {
      new BridgeNetwork("same", { networkName: `${tag}-theirs`, subnet: "10.197.0.0/24" });
    });
    const tk = await expectFailure(() => taken.stack.preview({ onOutput: collect(taken) }));
    t.regex(
      tk,
      new RegExp(
        `a network named "${tag}-theirs" exists already on \\S+ .*made outside this program: remove it .*or adopt it \\(adopt: true\\)`,
      ),
    );
    await docker(["network", "rm", `${tag}-theirs`]);

    // A daemon whose default address pools are all in use refuses a network that asks for none:
    // two /24 pools, one taken by the lab's own bridge, one by a network made by hand.
    const lab = await labHostUp(t, 21, JSON.stringify({ "default-address-pools": [{ base: "10.198.0.0/23", size: 24 }] }));
    await labDocker(lab, ["network", "create", "hand"]);
    const pools = await engineStack(
      t,
      async () => {
        new BridgeNetwork("auto", { networkName: `${tag}-auto` });
        return {};
      },
      { env: { DOCKER_HOST: lab.dockerHost } },
    );
    const pl = await expectFailure(() => pools.stack.up({ onOutput: collect(pools) }));
    t.regex(pl, /creating network "[^"]+" on unix:\/\/\/run\/[^ ]+ failed: .*(available|non-overlapping).*pool/i);
    t.false((await labDocker(lab, ["network", "ls", "--format", "{{.Name}}"])).includes(`${tag}-auto`));
    await labDocker(lab, ["network", "rm", "hand"]);
    await upOutputs(pools);
    t.is(await labDocker(lab, ["network", "inspect", "-f", "{{(index .IPAM.Config 0).Subnet}}", `${tag}-auto`]), "10.198.1.0/24");
    await pools.stack.destroy({ onOutput: collect(pools) });
    t.is(await labDocker(lab, ["network", "ls", "-q", "--filter", `name=${tag}`]), "");
    await labHostDown(lab.name);

    t.deepEqual(diffSnapshots(before, await snapshot()), []);
  },
);

engineTest(
  "a container whose image is not on the daemon pulls it, as docker run does, from a registry with a password on loopback; the credentials are secrets in the state; without them the pull is refused, naming the image",
  PIECES,
  async (t) => {
    const before = await snapshot();
    const reg = await startRegistry(t);
    const tag = uniqueName("rg").replace(/-/g, "");
    const image = `${reg.address}/dockwire/busybox:${tag}`;
    const cfg = await mkdtemp(path.join(tmpdir(), "dwdockercfg-"));
    t.teardown(() => rm(cfg, { recursive: true, force: true }));
    // The CLI's login and push use a config folder of their own: the user's ~/.docker is not touched.
    const cli = { env: { DOCKER_CONFIG: cfg }, timeoutMs: 120_000 };
    await run("docker", ["login", "-u", reg.username, "--password-stdin", reg.address], { ...cli, input: reg.password });
    await docker(["tag", images.busybox, image]);
    await run("docker", ["push", image], cli);
    await docker(["rmi", image]);

    const refused = await engineStack(t, async () => {
      new AppContainer("c", { image, containerName: `${tag}-c`, command: ["sleep", "3600"] });
    });
    const text = await expectFailure(() => refused.stack.up({ onOutput: collect(refused) }));
    t.regex(
      text,
      new RegExp(
        `image "${image.replace(/[.]/g, "\\.")}" is not on \\S+ and pulling it failed: .*(unauthorized|authentication|no basic auth)`,
        "i",
      ),
    );

    const ts = await engineStack(t, async () => {
      const c = new AppContainer("c", {
        image,
        containerName: `${tag}-c`,
        command: ["sleep", "3600"],
        registryAuth: { username: reg.username, password: reg.password, serveraddress: reg.address },
      });
      return { name: c.containerName };
    });
    await upOutputs(ts);
    t.is(await docker(["inspect", "-f", "{{.State.Running}} {{.Config.Image}}", `${tag}-c`]), `true ${image}`);
    // The checkpoint as the backend keeps it: the credentials only as ciphertext.
    const checkpoint = await readFile(
      path.join(new URL(process.env.PULUMI_BACKEND_URL!).pathname, ".pulumi", "stacks", "dockwire-test", `${ts.stack.name}.json`),
      "utf8",
    );
    t.false(checkpoint.includes(reg.password), "the password is not in the state in plain text");
    const container = JSON.parse(checkpoint).checkpoint.latest.resources.find((r: { type: string }) => r.type.endsWith(":DockerContainer"));
    for (const side of ["inputs", "outputs"]) {
      t.truthy(container[side].registryAuth.ciphertext, `registryAuth is a secret in the ${side}`);
    }
    await expectQuietPreview(t, ts);
    await ts.stack.destroy({ onOutput: collect(ts) });
    await docker(["rmi", image]);
    t.deepEqual(diffSnapshots(before, await snapshot()), []);
  },
);

engineTest(
  "Swarm through the Engine API on a lab daemon: init, quiet re-preview, a swarm left by hand found by refresh and made again by up, destroy leaves it; a daemon already in a swarm before up stays in it after destroy",
  PIECES,
  async (t) => {
    const lab = await labHostUp(t, 22);
    const state = () => labDocker(lab, ["info", "--format", "{{.Swarm.LocalNodeState}}"]);
    const addr = `10.99.${lab.x}.2`;
    const program = async () => {
      const host = new DockerHost("lab", { host: lab.dockerHost });
      const s = new Swarm("sw", { manager: host, advertiseAddr: addr });
      return { node: s.managerNodeId };
    };
    const ts = await engineStack(t, program);
    const out = await upOutputs(ts);
    t.is(await state(), "active");
    t.is(await labDocker(lab, ["info", "--format", "{{.Swarm.NodeID}}"]), String(out.node));
    await expectQuietPreview(t, ts);

    await labDocker(lab, ["swarm", "leave", "--force"]);
    t.is((await refreshChanges(ts)).delete, 1, "refresh finds the membership gone");
    t.deepEqual(await previewSteps(t, ts), ["create sw-init"]);
    await upOutputs(ts);
    t.is(await state(), "active", "up made the swarm again");
    await expectQuietPreview(t, ts);
    await ts.stack.destroy({ onOutput: collect(ts) });
    t.is(await state(), "inactive", "destroy leaves the swarm this stack made");

    // A daemon that was a swarm member before: up finds it active and destroy leaves it so.
    await labDocker(lab, ["swarm", "init", "--advertise-addr", addr]);
    const before = await labDocker(lab, ["info", "--format", "{{.Swarm.NodeID}}"]);
    const other = await engineStack(t, program);
    t.is(String((await upOutputs(other)).node), before);
    await other.stack.destroy({ onOutput: collect(other) });
    t.is(await state(), "active", "a swarm the stack did not make is left as it was");
    await labDocker(lab, ["swarm", "leave", "--force"]);
    await labHostDown(lab.name);
  },
);
