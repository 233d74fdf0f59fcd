import { readFile } from "node:fs/promises";
import { docker, run } from "./exec";

/** What a test could leave behind, on the daemon and on the host. */
export interface Snapshot {
  networks: string[];
  containers: string[];
  volumes: string[];
  /** Image ids, intermediate layers included: what a build leaves. */
  images: string[];
  namespaces: string[];
  links: string[];
  daemonJson: string;
}

async function lines(p: Promise<string>): Promise<string[]> {
  return (await p)
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l !== "")
    .sort();
}

/** Takes a snapshot of the daemon's networks, containers, volumes and images, and the host's netns and links. */
export async function snapshot(): Promise<Snapshot> {
  const [networks, containers, volumes, images, namespaces, links] = await Promise.all([
    lines(docker(["network", "ls", "--format", "{{.Name}}"])),
    // Every container whatever its state: a build's intermediates stay in state Created.
    lines(docker(["ps", "-a", "--format", "{{.Names}} ({{.State}})"])),
    lines(docker(["volume", "ls", "--format", "{{.Name}}"])),
    lines(docker(["image", "ls", "-a", "--format", "{{.ID}} {{.Repository}}:{{.Tag}}"])),
    lines(run("ip", ["netns", "list"]).then((r) => r.stdout.replace(/ \(id: \d+\)/g, ""))),
    // Docker's own veth ends come and go with containers of other daemons; compare named links only.
    lines(
      run("ip", ["-o", "link", "show"]).then((r) =>
        r.stdout
          .split("\n")
          .map((l) => l.split(": ")[1]?.split("@")[0] ?? "")
          .filter((n) => n && !/^veth[0-9a-f]{7}$/.test(n))
          .join("\n"),
      ),
    ),
  ]);
  const daemonJson = await readFile("/etc/docker/daemon.json", "utf8").catch(() => "<absent>");
  return { networks, containers, volumes, images, namespaces, links, daemonJson };
}

/** Lists every difference between two snapshots, one line each ("network added: x"). */
export function diffSnapshots(before: Snapshot, after: Snapshot): string[] {
  const out: string[] = [];
  for (const key of ["networks", "containers", "volumes", "images", "namespaces", "links"] as const) {
    const b = new Set(before[key]);
    const a = new Set(after[key]);
    for (const x of a) if (!b.has(x)) out.push(`${key} added: ${x}`);
    for (const x of b) if (!a.has(x)) out.push(`${key} removed: ${x}`);
  }
  if (before.daemonJson !== after.daemonJson) out.push("/etc/docker/daemon.json changed");
  return out;
}
