// DaemonConfig applied to a host over SSH, as its command.remote.Command would do it: an
// sshd started by the test inside a lab host's network namespace (10.99.X.2:2222, a key made
// for the test), the component's own create and delete scripts run through `ssh`. The lab
// daemon comes back with the new bip, other keys untouched; delete restores the file byte
// for byte.
import test from "ava";
import { ChildProcess, spawn } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { DaemonConfig } from "../../provider/host";
import { AddressPlan } from "../../provider/ipam";
import { captureResources, ofType } from "../components/lib/mocks";
import { run } from "./lib/exec";
import { labHostDown, labHostUp } from "./lib/labhost";
import { diffSnapshots, snapshot } from "./lib/residue";

test.serial("DaemonConfig over SSH: bip applied on the remote daemon, other keys kept, delete restores the file", async (t) => {
  const before = await snapshot();
  const original = `{\n  "log-level": "warn"\n}\n`;
  const lab = await labHostUp(t, 13, original);
  const addr = `10.99.${lab.x}.2`;
  const dir = await mkdtemp(path.join(tmpdir(), "dwssh-"));
  let sshd: ChildProcess | undefined;
  t.teardown(async () => {
    sshd?.kill("SIGTERM");
    await rm(dir, { recursive: true, force: true });
  });

  await run("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", path.join(dir, "client")]);
  await run("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", path.join(dir, "hostkey")]);
  await writeFile(path.join(dir, "authorized_keys"), await readFile(path.join(dir, "client.pub"), "utf8"), { mode: 0o600 });
  await writeFile(
    path.join(dir, "sshd_config"),
    [
      `ListenAddress ${addr}:2222`,
      `HostKey ${dir}/hostkey`,
      `AuthorizedKeysFile ${dir}/authorized_keys`,
      `PidFile ${dir}/sshd.pid`,
      "PermitRootLogin prohibit-password",
      "PasswordAuthentication no",
      "StrictModes no",
      "UsePAM no",
      "",
    ].join("\n"),
  );
  await run("mkdir", ["-p", "/run/sshd"]);
  sshd = spawn("nsenter", [`--net=/var/run/netns/${lab.name}`, "/usr/sbin/sshd", "-D", "-e", "-f", path.join(dir, "sshd_config")], { stdio: "ignore" });

  const ssh = (script: string, timeoutMs = 120_000) =>
    run(
      "ssh",
      ["-i", path.join(dir, "client"), "-p", "2222", "-o", "StrictHostKeyChecking=no", "-o", `UserKnownHostsFile=${dir}/known_hosts`, "-o", "BatchMode=yes", "-o", "ConnectTimeout=5", `root@${addr}`, script],
      { timeoutMs },
    );
  // sshd answers within a bounded wait (40 tries, 0.25 s apart).
  let up = false;
  for (let i = 0; i < 40 && !up; i++) {
    up = await ssh("true", 10_000).then(() => true, () => false);
    if (!up) await new Promise((r) => setTimeout(r, 250));
  }
  t.true(up, "sshd in the lab namespace did not answer");

  const rs = await captureResources(
    () =>
      new DaemonConfig(
        "lab",
        {
          settings: { bip: "192.168.43.1/24" },
          configPath: lab.configPath,
          restart: { kind: "command", command: lab.restartCommand, logPath: lab.logPath },
          readinessDockerHost: lab.dockerHost,
          connection: { host: addr, port: 2222, user: "root" },
          plan: new AddressPlan(),
        },
      ).applied,
  );
  const [cmd] = ofType(rs, "command:remote:Command");
  t.truthy(cmd, "DaemonConfig with a connection registers a command.remote.Command");

  const applied = await ssh(cmd.inputs.create);
  t.regex(applied.stdout, /DOCKWIRE_PREVIOUS=/);
  const text = await readFile(lab.configPath, "utf8");
  t.deepEqual(JSON.parse(text), { bip: "192.168.43.1/24", "log-level": "warn" });
  const bridge = await run("docker", ["network", "inspect", "-f", "{{json .IPAM.Config}}", "bridge"], { env: { DOCKER_HOST: lab.dockerHost } });
  t.deepEqual(JSON.parse(bridge.stdout), [{ Subnet: "192.168.43.0/24", Gateway: "192.168.43.1" }]);

  await ssh(cmd.inputs.delete);
  t.is(await readFile(lab.configPath, "utf8"), original);

  sshd.kill("SIGTERM");
  await labHostDown(lab.name);
  t.deepEqual(diffSnapshots(before, await snapshot()), []);
});
