// DaemonConfig applied to a host over SSH with the scripts its provider runs there: an
// sshd started by the test inside a lab host's network namespace (10.99.X.2:2222, a key made
// for the test), the component's own create and delete scripts run through `ssh`. The lab
// daemon comes back with the new bip, other keys untouched; delete restores the file byte
// for byte.
import test from "ava";
import { readFile } from "node:fs/promises";
import { DaemonConfig } from "../../provider/host";
import { daemonScripts } from "../../provider/host/daemon-live";
import { AddressPlan } from "../../provider/ipam";
import { captureResources, ofType } from "../components/lib/mocks";
import { run } from "./lib/exec";
import { labHostDown, labHostUp } from "./lib/labhost";
import { startLabSshd } from "./lib/ssh-lab";
import { diffSnapshots, snapshot } from "./lib/residue";

test.serial("DaemonConfig over SSH: bip applied on the remote daemon, other keys kept, delete restores the file", async (t) => {
  const before = await snapshot();
  const original = `{\n  "log-level": "warn"\n}\n`;
  const lab = await labHostUp(t, 13, original);
  const addr = `10.99.${lab.x}.2`;
  const sshd = await startLabSshd(t, lab);
  const ssh = (script: string) => sshd.ssh(script);
  const rs = await captureResources(
    () =>
      new DaemonConfig("lab", {
        settings: { bip: "192.168.43.1/24" },
        configPath: lab.configPath,
        restart: { kind: "command", command: lab.restartCommand, logPath: lab.logPath },
        readinessDockerHost: lab.dockerHost,
        connection: { host: addr, port: 2222, user: "root" },
        plan: new AddressPlan(),
      }).applied,
  );
  const [cmd] = ofType(rs, "pulumi-nodejs:dynamic/dockwire:DaemonConfig");
  t.truthy(cmd, "DaemonConfig with a connection registers its dynamic resource");
  const scripts = daemonScripts(cmd.inputs);

  const applied = await ssh(scripts.create);
  t.regex(applied.stdout, /DOCKWIRE_PREVIOUS=/);
  const text = await readFile(lab.configPath, "utf8");
  t.deepEqual(JSON.parse(text), { bip: "192.168.43.1/24", "log-level": "warn" });
  const bridge = await run("docker", ["network", "inspect", "-f", "{{json .IPAM.Config}}", "bridge"], {
    env: { DOCKER_HOST: lab.dockerHost },
  });
  t.deepEqual(JSON.parse(bridge.stdout), [{ Subnet: "192.168.43.0/24", Gateway: "192.168.43.1" }]);

  await ssh(scripts.delete);
  t.is(await readFile(lab.configPath, "utf8"), original);

  sshd.stop();
  await labHostDown(lab.name);
  t.deepEqual(diffSnapshots(before, await snapshot()), []);
});
