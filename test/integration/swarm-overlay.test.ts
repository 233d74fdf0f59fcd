// Seeds 000/004's multi-host section with today's tools: the Swarm component's own scripts
// make the test daemon a manager and a lab host (a second dockerd in a network namespace)
// a worker; an OverlayNetwork spec is created on the manager; a container on each daemon
// reaches the other by name. Everything is removed afterwards, swarm membership included.
import test from "ava";
import { OverlayNetwork, Swarm, resetDetachedAddressPlan } from "../../provider/networks";
import { captureResources, ofType } from "../components/lib/mocks";
import { docker, dockerHost, images, run, uniqueName } from "./lib/exec";
import { ensureLabImage, labHostDown, labHostUp } from "./lib/labhost";
import { diffSnapshots, snapshot } from "./lib/residue";
import { networkCreateArgs } from "./lib/spec-cli";

function sh(script: string, env: Record<string, string>, timeoutMs = 60_000) {
  return run("/bin/sh", ["-c", script], { env, timeoutMs });
}

test.serial("multi-host overlay through Swarm's scripts: containers on two daemons ping each other by name", async (t) => {
  const main = dockerHost();
  const before = await snapshot();
  const lab = await labHostUp(t, 7);
  await ensureLabImage(lab, images.busybox);
  const managerAddr = `10.99.${lab.x}.1`;
  const workerAddr = `10.99.${lab.x}.2`;
  const netName = uniqueName("dw-ov");
  const a = uniqueName("dw-ov-a");
  const b = uniqueName("dw-ov-b");

  resetDetachedAddressPlan();
  let overlay: OverlayNetwork | undefined;
  const rs = await captureResources(() => {
    const swarm = new Swarm("sw", {
      manager: { cliEnv: { DOCKER_HOST: main } },
      advertiseAddr: managerAddr,
      workers: [{ name: "lab", host: { cliEnv: { DOCKER_HOST: lab.dockerHost } }, advertiseAddr: workerAddr }],
    });
    overlay = new OverlayNetwork("ov", { networkName: netName, subnet: "10.0.9.0/24", swarm });
    return overlay.networkName;
  });
  const [init, token, join] = ofType(rs, "command:local:Command").map((r) => r.inputs);

  t.teardown(async () => {
    await docker(["rm", "-f", a]).catch(() => undefined);
    await run("docker", ["rm", "-f", b], { env: { DOCKER_HOST: lab.dockerHost } }).catch(() => undefined);
    await docker(["network", "rm", netName]).catch(() => undefined);
    await sh(join.delete, { DOCKER_HOST: lab.dockerHost }).catch(() => undefined);
    await sh(init.delete, { DOCKER_HOST: main }).catch(() => undefined);
    // Leaving a swarm keeps docker_gwbridge; it was not there before the test.
    if (!before.networks.includes("docker_gwbridge")) await docker(["network", "rm", "docker_gwbridge"]).catch(() => undefined);
  });

  const managerId = (await sh(init.create, { DOCKER_HOST: main })).stdout.trim();
  t.regex(managerId, /^[a-z0-9]{25}$/);
  // Create is idempotent: a second run on a manager does not init again.
  t.is((await sh(init.create, { DOCKER_HOST: main })).stdout.trim(), managerId);
  const workerToken = (await sh(token.create, { DOCKER_HOST: main })).stdout.trim();
  t.regex(workerToken, /^SWMTKN-1-/);
  const workerId = (await sh(join.create, { DOCKER_HOST: lab.dockerHost, DOCKWIRE_JOIN_TOKEN: workerToken }, 90_000)).stdout.trim();
  t.regex(workerId, /^[a-z0-9]{25}$/);
  t.not(workerId, managerId);

  await docker(networkCreateArgs(overlay!.spec));
  await docker(["run", "-d", "--name", a, "--network", netName, images.busybox, "sleep", "300"]);
  await run("docker", ["run", "-d", "--name", b, "--network", netName, images.busybox, "sleep", "300"], {
    env: { DOCKER_HOST: lab.dockerHost },
    timeoutMs: 90_000,
  });

  const ping = await docker(["exec", a, "ping", "-c", "1", "-W", "3", b], { timeoutMs: 20_000 });
  t.regex(ping, /1 packets received/);
  const back = await run("docker", ["exec", b, "ping", "-c", "1", "-W", "3", a], {
    env: { DOCKER_HOST: lab.dockerHost },
    timeoutMs: 20_000,
  });
  t.regex(back.stdout, /1 packets received/);
  const ip = await docker(["inspect", "-f", `{{(index .NetworkSettings.Networks "${netName}").IPAddress}}`, a]);
  t.regex(ip, /^10\.0\.9\.\d+$/);

  await docker(["rm", "-f", a]);
  await run("docker", ["rm", "-f", b], { env: { DOCKER_HOST: lab.dockerHost } });
  await docker(["network", "rm", netName]);
  await sh(join.delete, { DOCKER_HOST: lab.dockerHost });
  await sh(init.delete, { DOCKER_HOST: main });
  t.is(await docker(["info", "--format", "{{.Swarm.LocalNodeState}}"]), "inactive");
  if (!before.networks.includes("docker_gwbridge")) await docker(["network", "rm", "docker_gwbridge"]).catch(() => undefined);
  await labHostDown(lab.name);
  t.deepEqual(diffSnapshots(before, await snapshot()), []);
});
