// A real sshd inside a lab host's network namespace (10.99.X.2:2222), with keys made for the
// test, stopped in t.teardown. Its sessions get DOCKER_HOST set to the lab daemon's socket,
// so `docker` run over SSH (the docker provider's `docker system dial-stdio`) reaches the lab.
import { ChildProcess, spawn } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import type { ExecutionContext } from "ava";
import { run } from "./exec";
import { LabHost } from "./labhost";
import { waitFor } from "./wait";

/** A running lab sshd. */
export interface LabSshd {
  addr: string;
  port: number;
  /** The client's private key file. */
  keyFile: string;
  /** The sshd's host public key line (hostkey.pub), for pinning. */
  hostKey: string;
  /** ssh options that reach it non-interactively (key, known-hosts file of its own). */
  opts: string[];
  /** Stops sshd (also done in t.teardown); call it before removing the lab, whose namespace sshd holds. */
  stop(): void;
  /** Runs a script on the lab over SSH, bounded. */
  ssh(script: string, timeoutMs?: number): Promise<{ stdout: string; stderr: string }>;
}

export async function startLabSshd(t: ExecutionContext, lab: LabHost, port = 2222): Promise<LabSshd> {
  const addr = `10.99.${lab.x}.2`;
  const dir = await mkdtemp(path.join(tmpdir(), "dwssh-"));
  const running: { sshd?: ChildProcess } = {};
  t.teardown(async () => {
    running.sshd?.kill("SIGTERM");
    await rm(dir, { recursive: true, force: true });
  });
  await run("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", path.join(dir, "client")]);
  await run("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", path.join(dir, "hostkey")]);
  await writeFile(path.join(dir, "authorized_keys"), await readFile(path.join(dir, "client.pub"), "utf8"), { mode: 0o600 });
  await writeFile(
    path.join(dir, "sshd_config"),
    [
      `ListenAddress ${addr}:${port}`,
      `HostKey ${dir}/hostkey`,
      `AuthorizedKeysFile ${dir}/authorized_keys`,
      `PidFile ${dir}/sshd.pid`,
      "PermitRootLogin prohibit-password",
      "PasswordAuthentication no",
      "StrictModes no",
      "UsePAM no",
      `SetEnv DOCKER_HOST=${lab.dockerHost}`,
      "",
    ].join("\n"),
  );
  await run("mkdir", ["-p", "/run/sshd"]);
  running.sshd = spawn("nsenter", [`--net=/var/run/netns/${lab.name}`, "/usr/sbin/sshd", "-D", "-e", "-f", path.join(dir, "sshd_config")], {
    stdio: "ignore",
  });
  const keyFile = path.join(dir, "client");
  const opts = [
    "-i",
    keyFile,
    "-o",
    "StrictHostKeyChecking=no",
    "-o",
    `UserKnownHostsFile=${dir}/known_hosts`,
    "-o",
    "BatchMode=yes",
    "-o",
    "ConnectTimeout=5",
  ];
  const ssh = (script: string, timeoutMs = 120_000) => run("ssh", [...opts, "-p", String(port), `root@${addr}`, script], { timeoutMs });
  // sshd answers within a bounded wait (40 tries, 0.25 s apart).
  const up = await waitFor(async () => (await ssh("true", 10_000), true), 40, 250);
  if (!up) throw new Error(`sshd in the lab namespace ${lab.name} did not answer on ${addr}:${port}`);
  const hostKey = (await readFile(path.join(dir, "hostkey.pub"), "utf8")).trim();
  return { addr, port, keyFile, hostKey, opts, ssh, stop: () => void running.sshd?.kill("SIGTERM") };
}
