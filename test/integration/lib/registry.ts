// A Docker registry with a password, on loopback, for one test: Debian's docker-registry
// with its own config, storage and htpasswd file in a temporary folder, stopped and removed
// in t.teardown even when the test fails. The test daemon treats 127.0.0.0/8 registries as
// insecure (plain HTTP), so nothing else is needed.
import { ChildProcess, spawn } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import * as net from "node:net";
import { tmpdir } from "node:os";
import * as path from "node:path";
import type { ExecutionContext } from "ava";
import { run } from "./exec";
import { pickPort, waitFor } from "./wait";

/** A running loopback registry. */
export interface LoopbackRegistry {
  /** `127.0.0.1:PORT`, the registry part of image names. */
  address: string;
  username: string;
  password: string;
}

/** Starts a registry that requires `username` / `password` (bcrypt htpasswd). */
export async function startRegistry(t: ExecutionContext): Promise<LoopbackRegistry> {
  const dir = await mkdtemp(path.join(tmpdir(), "dwreg-"));
  const proc: { p?: ChildProcess } = {};
  t.teardown(async () => {
    proc.p?.kill("SIGTERM");
    await rm(dir, { recursive: true, force: true });
  });
  const port = await pickPort();
  const username = "dockwire";
  const password = `pw-${Math.random().toString(36).slice(2, 12)}`;
  const htpasswd = await run("htpasswd", ["-Bbn", username, password]);
  await writeFile(path.join(dir, "htpasswd"), htpasswd.stdout);
  await writeFile(
    path.join(dir, "config.yml"),
    [
      "version: 0.1",
      "log:",
      "  level: warn",
      "storage:",
      "  filesystem:",
      `    rootdirectory: ${dir}/data`,
      "http:",
      `  addr: 127.0.0.1:${port}`,
      "auth:",
      "  htpasswd:",
      "    realm: dockwire-test",
      `    path: ${dir}/htpasswd`,
      "",
    ].join("\n"),
  );
  proc.p = spawn("docker-registry", ["serve", path.join(dir, "config.yml")], { stdio: "ignore" });
  const up = await waitFor(
    () =>
      new Promise<boolean>((resolve) => {
        const s = net.connect({ host: "127.0.0.1", port }, () => {
          s.destroy();
          resolve(true);
        });
        s.on("error", () => resolve(false));
      }),
    40,
    250,
  );
  if (!up) throw new Error(`docker-registry did not listen on 127.0.0.1:${port} within 10 s`);
  return { address: `127.0.0.1:${port}`, username, password };
}
