// Seeds 000/004's multi-host section with today's tools: the Swarm component's own scripts
// make the test daemon a manager and a lab host (a second dockerd in a network namespace)
// a worker; an OverlayNetwork spec is created on the manager; a container on each daemon
// reaches the other by name. Everything is removed afterwards, swarm membership included.
import test from "ava";
import { OverlayNetwork, SWARM_MADE_MARK, Swarm, resetDetachedAddressPlan, swarmInitScripts } from "../../provider/networks";
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
    await docker(["swarm", "leave", "--force"]).catch(() => undefined);
    if (!before.networks.includes("docker_gwbridge")) await docker(["network", "rm", "docker_gwbridge"]).catch(() => undefined);
  });

  // As the command provider runs them: each later run and the delete get the stderr of the last run.
  const first = await sh(init.create, { DOCKER_HOST: main });
  const managerId = first.stdout.trim();
  t.regex(managerId, /^[a-z0-9]{25}$/);
  t.true(first.stderr.includes(SWARM_MADE_MARK), first.stderr);
  // Create is idempotent: a second run on a manager does not init again, and keeps the mark.
  const again = await sh(init.create, { DOCKER_HOST: main, PULUMI_COMMAND_STDERR: first.stderr });
  t.is(again.stdout.trim(), managerId);
  t.true(again.stderr.includes(SWARM_MADE_MARK), again.stderr);
  const workerToken = (await sh(token.create, { DOCKER_HOST: main })).stdout.trim();
  t.regex(workerToken, /^SWMTKN-1-/);
  const joined = await sh(join.create, { DOCKER_HOST: lab.dockerHost, DOCKWIRE_JOIN_TOKEN: workerToken }, 90_000);
  const workerId = joined.stdout.trim();
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
  await sh(join.delete, { DOCKER_HOST: lab.dockerHost, PULUMI_COMMAND_STDERR: joined.stderr });
  await sh(init.delete, { DOCKER_HOST: main, PULUMI_COMMAND_STDERR: again.stderr });
  t.is(await docker(["info", "--format", "{{.Swarm.LocalNodeState}}"]), "inactive");
  t.false(
    (await docker(["network", "ls", "--format", "{{.Name}}"])).split("\n").includes("docker_gwbridge"),
    "leaving removes docker_gwbridge",
  );
  await labHostDown(lab.name);
  t.deepEqual(diffSnapshots(before, await snapshot()), []);
});

test.serial("a daemon that was a swarm member before stays one: Swarm's init finds it active and its delete leaves it alone", async (t) => {
  const lab = await labHostUp(t, 9);
  const addr = `10.99.${lab.x}.2`;
  const env = { DOCKER_HOST: lab.dockerHost };
  await run("docker", ["swarm", "init", "--advertise-addr", addr], { env, timeoutMs: 60_000 });
  const scripts = swarmInitScripts(addr);
  const created = await sh(scripts.create, env);
  t.regex(created.stderr, /already a swarm member: it stays one/);
  t.false(created.stderr.includes(SWARM_MADE_MARK));
  const deleted = await sh(scripts.delete, { ...env, PULUMI_COMMAND_STDERR: created.stderr });
  t.regex(deleted.stdout, /left as it is/);
  t.is((await run("docker", ["info", "--format", "{{.Swarm.LocalNodeState}}"], { env })).stdout.trim(), "active");
  await run("docker", ["swarm", "leave", "--force"], { env });
  await labHostDown(lab.name);
});
