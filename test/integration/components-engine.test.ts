// Every dockwire component through the real engine and the real providers, as inline
// programs (what a user's own Pulumi program does with the package): up and the daemon or
// host matches what was declared; a re-preview changes nothing for every option; a change
// takes effect in one up; something removed by hand is noticed by refresh and put back;
// destroy leaves nothing.
import { readFile, writeFile } from "node:fs/promises";
import type { ExecutionContext } from "ava";
import type { EngineEvent } from "@pulumi/pulumi/automation";
import { AppContainer, BridgeNetwork, DaemonConfig, DockerHost, IpvlanNetwork, MacvlanNetwork } from "../../provider";
import { AddressPlan } from "../../provider/ipam";
import { collect, engineStack, engineTest, expectQuietPreview, mutable, refreshChanges, upOutputs } from "./lib/engine";
import { docker, dockerJson, images, run, uniqueName } from "./lib/exec";
import { LabHost, ensureLabImage, labDocker, labHostDown, labHostUp } from "./lib/labhost";
import { BRIDGE_LAB, SEED_003, bridgeLab, chooseNames, pings, requireRoot, seed003Lab } from "./lib/netns";
import { diffSnapshots, snapshot } from "./lib/residue";
import { startLabSshd } from "./lib/ssh-lab";
import { makeTlsLab } from "./lib/tls-lab";
import { get, pickPort, waitFor } from "./lib/wait";

const DYNAMIC = ["pulumi-resource-pulumi-nodejs"];

const inspectNet = async (name: string) => (await dockerJson<any[]>(["network", "inspect", name]))[0];

engineTest(
  "BridgeNetwork with every option and AppContainers with every -p form, aliases and modes: daemon matches, quiet re-preview, a subnet change with containers attached in one up, refresh repairs, nothing left",
  DYNAMIC,
  async (t) => {
    const before = await snapshot();
    const tag = uniqueName("c").replace(/-/g, "");
    const full = `${tag}-full`;
    const plain = `${tag}-plain`;
    const [p1, p2, p3] = [await pickPort(), await pickPort(), await pickPort()];
    const state = mutable({
      subnet: "10.181.0.0/16",
      gateway: "10.181.0.1",
      ipRange: "10.181.5.0/24",
      aux: "10.181.0.250",
      ip: "10.181.5.10",
    });
    const ts = await engineStack(
      t,
      state.program((v) => {
        const host = new DockerHost("local", { host: process.env.DOCKER_HOST! });
        const opts = {};
        const net = new BridgeNetwork(
          "full",
          {
            host,
            networkName: full,
            subnet: v.subnet,
            gateway: v.gateway,
            ipRange: v.ipRange,
            auxAddresses: { router: v.aux },
            labels: { "dockwire.test": tag, a: "1" },
            bridgeName: `br-${tag}`.slice(0, 15),
            enableIcc: true,
            enableIpMasquerade: true,
            hostBindingIpv4: "127.0.0.1",
            mtu: 1400,
          },
          opts,
        );
        const other = new BridgeNetwork("plain", { host, networkName: plain, subnet: "10.182.0.0/24", internal: true }, opts);
        const web = new AppContainer(
          "web",
          {
            host,
            image: images.busybox,
            containerName: `${tag}-web`,
            command: ["httpd", "-f", "-p", "80", "-h", "/"],
            ports: [`127.0.0.1:${p1}:80`, { internal: 81, external: p2, ip: "127.0.0.1" }, `127.0.0.1:${p3}:80/udp`],
            networks: [{ network: net, aliases: ["web", "www"], ipv4Address: v.ip }, { network: other }],
            env: { B: "2", A: "1" },
            labels: { role: "web" },
            uploads: [{ file: "/index.html", content: "dockwire\n" }],
            restart: "unless-stopped",
            hostname: "web",
          },
          opts,
        );
        const box = new AppContainer(
          "box",
          { host, image: images.busybox, containerName: `${tag}-box`, command: ["sleep", "600"], networks: [{ network: net }] },
          opts,
        );
        new AppContainer(
          "side",
          { host, image: images.busybox, containerName: `${tag}-side`, command: ["sleep", "600"], networkMode: `container:${tag}-box` },
          { ...opts, dependsOn: [box] },
        );
        new AppContainer(
          "none",
          { host, image: images.busybox, containerName: `${tag}-none`, command: ["sleep", "600"], networkMode: "none" },
          opts,
        );
        new AppContainer(
          "hostnet",
          { host, image: images.busybox, containerName: `${tag}-host`, command: ["sleep", "600"], networkMode: "host" },
          opts,
        );
        return { web: web.containerName };
      }),
    );
    await upOutputs(ts);
    const n = await inspectNet(full);
    t.deepEqual(n.IPAM.Config, [
      { Subnet: "10.181.0.0/16", Gateway: "10.181.0.1", IPRange: "10.181.5.0/24", AuxiliaryAddresses: { router: "10.181.0.250" } },
    ]);
    t.is(n.Options["com.docker.network.bridge.name"], `br-${tag}`.slice(0, 15));
    t.is(n.Options["com.docker.network.driver.mtu"], "1400");
    t.is(n.Options["com.docker.network.bridge.host_binding_ipv4"], "127.0.0.1");
    // The owner label (PROJECT/STACK) tells the program's networks from everyone else's at preview.
    t.deepEqual(n.Labels, { "dockwire.test": tag, a: "1", "dockwire.owner": `dockwire-test/${ts.stack.name}` });
    t.true((await inspectNet(plain)).Internal);
    const web = (await dockerJson<any[]>(["inspect", `${tag}-web`]))[0];
    t.is(web.NetworkSettings.Networks[full].IPAddress, "10.181.5.10");
    t.deepEqual([...web.NetworkSettings.Networks[full].Aliases].filter((a: string) => a === "web" || a === "www").sort(), ["web", "www"]);
    t.deepEqual(web.Config.Env.filter((e: string) => /^[AB]=/.test(e)).sort(), ["A=1", "B=2"]);
    t.is(web.HostConfig.RestartPolicy.Name, "unless-stopped");
    t.true(await waitFor(async () => (await get(p1, "/index.html")).body === "dockwire\n"), `the published port ${p1} answers`);
    t.is(
      (await dockerJson<any[]>(["inspect", `${tag}-side`]))[0].HostConfig.NetworkMode,
      `container:${(await dockerJson<any[]>(["inspect", `${tag}-box`]))[0].Id}`,
    );
    t.is((await dockerJson<any[]>(["inspect", `${tag}-none`]))[0].HostConfig.NetworkMode, "none");
    t.is((await dockerJson<any[]>(["inspect", `${tag}-host`]))[0].HostConfig.NetworkMode, "host");
    // The stack, the DockerHost, two networks and five containers with their components.
    t.is(await expectQuietPreview(t, ts), 1 + 1 + 2 * 2 + 5 * 2);

    // Addressing of a network that has containers attached, in one up: the network is
    // replaced, and the running containers are disconnected and connected again in place
    // (same container, not restarted), not recreated.
    const started = async () => docker(["inspect", "-f", "{{.Id}} {{.State.StartedAt}}", `${tag}-web`, `${tag}-box`]);
    const startedBefore = await started();
    state.value = { subnet: "10.183.0.0/16", gateway: "10.183.0.254", ipRange: "10.183.7.0/24", aux: "10.183.0.250", ip: "10.183.7.10" };
    await upOutputs(ts);
    t.deepEqual((await inspectNet(full)).IPAM.Config, [
      { Subnet: "10.183.0.0/16", Gateway: "10.183.0.254", IPRange: "10.183.7.0/24", AuxiliaryAddresses: { router: "10.183.0.250" } },
    ]);
    t.is(await docker(["inspect", "-f", `{{(index .NetworkSettings.Networks "${full}").IPAddress}}`, `${tag}-web`]), "10.183.7.10");
    t.is(await started(), startedBefore, "the attached containers keep their ids and start times");
    t.is(
      await docker(["exec", `${tag}-box`, "ping", "-c", "1", "-W", "5", "www"], { timeoutMs: 20_000 }).then((o) =>
        /1 packets received/.test(o),
      ),
      true,
      "box reaches web by its alias on the new subnet",
    );
    t.true(await waitFor(async () => (await get(p1, "/index.html")).status === 200), "the port answers after the change");
    await expectQuietPreview(t, ts);

    // Removed by hand: refresh finds it gone, up puts it back.
    await docker(["rm", "-f", `${tag}-web`]);
    const found = await refreshChanges(ts);
    t.is(found.delete, 1, JSON.stringify(found));
    await upOutputs(ts);
    t.is(await docker(["inspect", "-f", "{{.State.Running}}", `${tag}-web`]), "true");
    await expectQuietPreview(t, ts);

    await ts.stack.destroy({ onOutput: collect(ts) });
    t.deepEqual(diffSnapshots(before, await snapshot()), []);
  },
);

engineTest(
  "MacvlanNetwork (bridge mode) and IpvlanNetwork (l2) on a test veth parent: daemon matches, quiet re-preview, nothing left",
  DYNAMIC,
  async (t) => {
    requireRoot();
    const before = await snapshot();
    const tag = uniqueName("m").replace(/-/g, "").slice(0, 8);
    const parent = `mv${tag}a`.slice(0, 15);
    await run("ip", ["link", "add", parent, "type", "veth", "peer", "name", `mv${tag}b`.slice(0, 15)]);
    t.teardown(() =>
      run("ip", ["link", "del", parent]).then(
        () => undefined,
        () => undefined,
      ),
    );
    await run("ip", ["link", "set", parent, "up"]);
    const ts = await engineStack(t, async () => {
      const mv = new MacvlanNetwork("mv", { networkName: `${tag}-mv`, parent, mode: "bridge", subnet: "10.184.0.0/24" });
      const iv = new IpvlanNetwork("iv", { networkName: `${tag}-iv`, parent, mode: "l2", subnet: "10.185.0.0/24" });
      return { mv: mv.networkName, iv: iv.networkName };
    });
    await upOutputs(ts);
    const mv = await inspectNet(`${tag}-mv`);
    t.is(mv.Driver, "macvlan");
    t.deepEqual(mv.Options, { macvlan_mode: "bridge", parent });
    t.deepEqual(mv.IPAM.Config, [{ Subnet: "10.184.0.0/24", Gateway: "10.184.0.1" }]);
    const iv = await inspectNet(`${tag}-iv`);
    t.is(iv.Driver, "ipvlan");
    t.deepEqual(iv.Options, { ipvlan_mode: "l2", parent });
    await expectQuietPreview(t, ts);
    await ts.stack.destroy({ onOutput: collect(ts) });
    await run("ip", ["link", "del", parent]);
    t.deepEqual(diffSnapshots(before, await snapshot()), []);
  },
);

/** A network and a container on a lab daemon through a DockerHost's provider; checks and destroys them. */
async function remoteNetworkAndContainer(
  t: ExecutionContext,
  lab: LabHost,
  makeHost: () => DockerHost,
  env?: Record<string, string>,
): Promise<void> {
  const tag = uniqueName("r").replace(/-/g, "");
  const ts = await engineStack(
    t,
    async () => {
      const host = makeHost();
      const net = new BridgeNetwork("net", { host, networkName: `${tag}-net`, subnet: "10.77.0.0/24" });
      const box = new AppContainer("box", {
        host,
        image: images.busybox,
        containerName: `${tag}-box`,
        command: ["sleep", "600"],
        networks: [{ network: net, ipv4Address: "10.77.0.9" }],
      });
      return { box: box.containerName };
    },
    env ? { env } : {},
  );
  await upOutputs(ts);
  t.is(await labDocker(lab, ["inspect", "-f", `{{(index .NetworkSettings.Networks "${tag}-net").IPAddress}}`, `${tag}-box`]), "10.77.0.9");
  await expectQuietPreview(t, ts);
  await labDocker(lab, ["rm", "-f", `${tag}-box`]);
  t.is((await refreshChanges(ts)).delete, 1);
  await upOutputs(ts);
  t.is(await labDocker(lab, ["inspect", "-f", "{{.State.Running}}", `${tag}-box`]), "true");
  await ts.stack.destroy({ onOutput: collect(ts) });
  t.is(await labDocker(lab, ["ps", "-aq"]), "");
  t.false((await labDocker(lab, ["network", "ls", "--format", "{{.Name}}"])).includes(tag));
}

engineTest(
  "DockerHost over tcp+TLS: dockwire's resources create a network and a container on a TLS-only lab daemon, quiet re-preview, refresh repairs, nothing left",
  DYNAMIC,
  async (t) => {
    const before = await snapshot();
    const lab = await labHostUp(t, 14);
    await ensureLabImage(lab, images.busybox);
    const tls = await makeTlsLab(lab);
    // DOCKER_HOST of the engine's environment stays set: dockwire's resources go to the host they are given.
    await remoteNetworkAndContainer(t, lab, () => new DockerHost("remote", { host: tls.url, tls: tls.client }));
    await labHostDown(lab.name);
    t.deepEqual(diffSnapshots(before, await snapshot()), []);
  },
);

engineTest(
  "DockerHost over ssh://: dockwire's resources reach a lab daemon through a real sshd (host key pinned), quiet re-preview, refresh repairs, nothing left",
  DYNAMIC,
  async (t) => {
    const before = await snapshot();
    const lab = await labHostUp(t, 15);
    await ensureLabImage(lab, images.busybox);
    const ssh = await startLabSshd(t, lab);
    const privateKey = await readFile(ssh.keyFile, "utf8");
    await remoteNetworkAndContainer(
      t,
      lab,
      () => new DockerHost("remote", { host: `ssh://root@${ssh.addr}:${ssh.port}`, sshPrivateKey: privateKey, sshHostKey: ssh.hostKey }),
    );
    ssh.stop();
    await labHostDown(lab.name);
    t.deepEqual(diffSnapshots(before, await snapshot()), []);
  },
);

// The apply script checks the docker0 address on the Docker host itself, so it runs there:
// over SSH into the lab's network namespace, as on any remote host.
engineTest(
  "DaemonConfig through the engine over SSH on a lab daemon: bip and mtu applied with other keys kept, quiet re-preview, a new bip in one up, an mtu edited by hand found by refresh and preview and put back by up, destroy restores daemon.json byte for byte",
  DYNAMIC,
  async (t) => {
    const original = `{\n  "log-level": "warn"\n}\n`;
    const lab = await labHostUp(t, 16, original);
    const ssh = await startLabSshd(t, lab);
    const privateKey = await readFile(ssh.keyFile, "utf8");
    const state = mutable("192.168.44.1/24");
    const ts = await engineStack(
      t,
      state.program((bip) => {
        const dc = new DaemonConfig("lab", {
          settings: { bip, mtu: 1450 },
          configPath: lab.configPath,
          restart: { kind: "command", command: lab.restartCommand, logPath: lab.logPath },
          readinessDockerHost: lab.dockerHost,
          connection: { host: ssh.addr, port: ssh.port, user: "root", privateKey },
          plan: new AddressPlan(),
        });
        return { applied: dc.applied };
      }),
    );
    await upOutputs(ts);
    t.deepEqual(JSON.parse(await readFile(lab.configPath, "utf8")), { bip: "192.168.44.1/24", "log-level": "warn", mtu: 1450 });
    t.deepEqual(JSON.parse(await labDocker(lab, ["network", "inspect", "-f", "{{json .IPAM.Config}}", "bridge"])), [
      { Subnet: "192.168.44.0/24", Gateway: "192.168.44.1" },
    ]);
    await expectQuietPreview(t, ts);
    state.value = "192.168.45.1/24";
    await upOutputs(ts);
    t.deepEqual(JSON.parse(await readFile(lab.configPath, "utf8")), { bip: "192.168.45.1/24", "log-level": "warn", mtu: 1450 });
    t.deepEqual(JSON.parse(await labDocker(lab, ["network", "inspect", "-f", "{{json .IPAM.Config}}", "bridge"])), [
      { Subnet: "192.168.45.0/24", Gateway: "192.168.45.1" },
    ]);
    await expectQuietPreview(t, ts);

    // A managed key edited by hand: refresh records it, preview shows managed.mtu going back.
    await writeFile(lab.configPath, `{\n  "bip": "192.168.45.1/24",\n  "log-level": "warn",\n  "mtu": 1400\n}\n`);
    const changes = await refreshChanges(ts);
    t.is(changes.update, 1, `refresh records the hand edit: ${JSON.stringify(changes)}`);
    const events: EngineEvent[] = [];
    const pv = await ts.stack.preview({ diff: true, onOutput: collect(ts), onEvent: (e) => events.push(e) });
    const steps = events
      .map((e) => e.resourcePreEvent?.metadata)
      .filter((m) => m !== undefined && m.op !== "same" && m.type === "pulumi-nodejs:dynamic/dockwire:DaemonConfig");
    t.deepEqual(
      steps.map((m) => [m!.op, m!.urn.split("::").pop(), m!.old?.inputs?.managed?.mtu, m!.new?.inputs?.managed?.mtu]),
      [["update", "lab-apply", 1400, 1450]],
      pv.stdout,
    );
    t.regex(pv.stdout, /mtu\s*: 1400 => 1450/);
    await upOutputs(ts);
    t.deepEqual(JSON.parse(await readFile(lab.configPath, "utf8")), { bip: "192.168.45.1/24", "log-level": "warn", mtu: 1450 });
    await expectQuietPreview(t, ts);
    await ts.stack.destroy({ onOutput: collect(ts) });
    t.is(await readFile(lab.configPath, "utf8"), original);
    ssh.stop();
  },
);

engineTest(
  "netns components through their provider: seed 003's r1 uplink and a bridge lab with routes ping, quiet re-preview, nothing left",
  DYNAMIC,
  async (t) => {
    requireRoot();
    const before = await snapshot();
    const s3 = await chooseNames(SEED_003, { namespaces: ["ns"] }, (l) => t.log(l));
    const br = await chooseNames(BRIDGE_LAB, { namespaces: ["sw", "h1", "h2"] }, (l) => t.log(l));
    const ts = await engineStack(t, async () => {
      seed003Lab(s3);
      bridgeLab(br);
      return {};
    });
    await upOutputs(ts);
    t.true(await pings("10.250.1.6"), "the host reaches r1 over the uplink");
    t.true(await pings("10.251.1.3", br.h1), "h1 reaches h2 over the bridge through its dev route");
    t.true(await pings("10.251.9.1", br.h2), "h2 reaches the far network through its gateway route");
    await expectQuietPreview(t, ts);
    await ts.stack.destroy({ onOutput: collect(ts) });
    t.deepEqual(diffSnapshots(before, await snapshot()), []);
  },
);
