// Netns labs as Pulumi programs, and the means to run what they register on this host without
// the Pulumi engine: the labs are built under the mock engine, the inputs of their dynamic
// children are captured, and the tests run the create/delete scripts the provider runs for
// those inputs with /bin/sh -c. (The engine tests run the same labs through the provider.)
import * as pulumi from "@pulumi/pulumi";
import { LinuxBridge, NetworkNamespace, Route, VethPair } from "../../../provider/netns";
import { commandScripts } from "../../../provider/netns/commands";
import { runsOf, specOf } from "../../../provider/netns/live";
import { captureResources, Registered, resolve } from "../../components/lib/mocks";
import { ExecResult, run } from "./exec";

/** A netns component as the labs use them. */
export type NetnsComponent = NetworkNamespace | VethPair | LinuxBridge | Route;

// ---------------------------------------------------------------- the labs

/** Names used by the seed 000 lab. */
export interface Seed000Names {
  ns1: string;
  ns2: string;
  veth1: string;
  veth2: string;
}

/** The seed's own names. */
export const SEED_000: Seed000Names = { ns1: "test1", ns2: "test2", veth1: "veth-test1", veth2: "veth-test2" };

/**
 * Seed 000: namespaces test1 and test2 joined by veth-test1 (192.168.1.1/24, in test1) and
 * veth-test2 (192.168.1.2/24, in test2). Returns the components in creation order.
 */
export function seed000Lab(n: Seed000Names = SEED_000): NetnsComponent[] {
  const ns1 = new NetworkNamespace("test1", { name: n.ns1 });
  const ns2 = new NetworkNamespace("test2", { name: n.ns2 });
  const veth = new VethPair("veth", {
    name: n.veth1,
    peerName: n.veth2,
    ends: [
      { namespace: ns1, addresses: ["192.168.1.1/24"] },
      { namespace: ns2, addresses: ["192.168.1.2/24"] },
    ],
  });
  return [ns1, ns2, veth];
}

/** Names used by the seed 003 lab. */
export interface Seed003Names {
  ns: string;
  veth1: string;
  veth2: string;
}

/** The seed's own names. */
export const SEED_003: Seed003Names = { ns: "r1", veth1: "veth1.1", veth2: "veth1.2" };

/**
 * Seed 003: veth1.1 moved into namespace r1 and renamed eth0 with 10.250.1.6/24; the host end
 * veth1.2 with 10.250.1.5/24, up. Returns the components in creation order.
 */
export function seed003Lab(n: Seed003Names = SEED_003): NetnsComponent[] {
  const r1 = new NetworkNamespace("r1", { name: n.ns });
  const uplink = new VethPair("r1-uplink", {
    name: n.veth1,
    peerName: n.veth2,
    ends: [{ namespace: r1, rename: "eth0", addresses: ["10.250.1.6/24"] }, { addresses: ["10.250.1.5/24"] }],
  });
  return [r1, uplink];
}

/** Names used by the bridge-and-route lab. */
export interface BridgeLabNames {
  /** The "switch" namespace holding the bridge. */
  sw: string;
  h1: string;
  h2: string;
  /** Host-namespace names of the two veth pairs at creation (renamed once moved). */
  h1a: string;
  h1b: string;
  h2a: string;
  h2b: string;
}

/** The lab's own names. */
export const BRIDGE_LAB: BridgeLabNames = {
  sw: "dwbr-sw",
  h1: "dwbr-h1",
  h2: "dwbr-h2",
  h1a: "dwbr-h1a",
  h1b: "dwbr-h1b",
  h2a: "dwbr-h2a",
  h2b: "dwbr-h2b",
};

/**
 * A bridge and two routes, all inside namespaces:
 *
 *     h1: eth0 10.251.1.2/32 ──┐                      ┌── h2: eth0 10.251.1.3/24
 *                              sw-h1 ─ br0 (sw) ─ sw-h2
 *                              10.251.1.1/24, 10.251.9.1/24
 *
 * - h1's address is a /32, so h1 reaches the LAN only through the dev route
 *   `10.251.1.0/24 dev eth0` (Route "h1-lan");
 * - h2 reaches 10.251.9.0/24 (a second address of br0) only through the gateway route
 *   `10.251.9.0/24 via 10.251.1.1` (Route "h2-far"); no forwarding is needed, the
 *   destination is local to namespace sw.
 *
 * Returns the components in creation order.
 */
export function bridgeLab(n: BridgeLabNames = BRIDGE_LAB): NetnsComponent[] {
  const sw = new NetworkNamespace("sw", { name: n.sw });
  const h1 = new NetworkNamespace("h1", { name: n.h1 });
  const h2 = new NetworkNamespace("h2", { name: n.h2 });
  const h1link = new VethPair("h1-link", {
    name: n.h1a,
    peerName: n.h1b,
    ends: [
      { namespace: h1, rename: "eth0", addresses: ["10.251.1.2/32"] },
      { namespace: sw, rename: "sw-h1" },
    ],
  });
  const h2link = new VethPair("h2-link", {
    name: n.h2a,
    peerName: n.h2b,
    ends: [
      { namespace: h2, rename: "eth0", addresses: ["10.251.1.3/24"] },
      { namespace: sw, rename: "sw-h2" },
    ],
  });
  const br = new LinuxBridge(
    "br0",
    { name: "br0", namespace: sw, addresses: ["10.251.1.1/24", "10.251.9.1/24"], ports: ["sw-h1", "sw-h2"] },
    { dependsOn: [h1link, h2link] },
  );
  const h1lan = new Route("h1-lan", { namespace: h1, destination: "10.251.1.0/24", dev: "eth0" }, { dependsOn: [h1link] });
  const h2far = new Route("h2-far", { namespace: h2, destination: "10.251.9.0/24", via: "10.251.1.1" }, { dependsOn: [h2link, br] });
  return [sw, h1, h2, h1link, h2link, br, h1lan, h2far];
}

// ---------------------------------------------------------------- capture

/** One child as the engine would receive it, with the scripts its provider runs. */
export interface LabCommand {
  /** The child's resource name, e.g. `test1-netns`. */
  name: string;
  /** `pulumi-nodejs:dynamic/dockwire:NetworkNamespace`, ... */
  type: string;
  /** The run of provider/sh/netns.sh the provider makes for these inputs (`runsOf` in provider/netns/live), as one command line. */
  create: string;
  /** The delete run, likewise. */
  delete: string;
  /** All the child's registered inputs. */
  inputs: Record<string, any>;
}

/**
 * Builds `program` under the mock engine and returns its components' command children, in the
 * order the program returned the components (their creation order; delete in reverse).
 */
export async function captureLab(program: () => NetnsComponent[]): Promise<{ commands: LabCommand[]; registered: Registered[] }> {
  let components: NetnsComponent[] = [];
  const registered = await captureResources(() => {
    components = program();
    return pulumi.all(components.map((c) => c.resource.urn));
  });
  const commands: LabCommand[] = [];
  for (const c of components) {
    const urn = (await resolve(c.resource.urn)) as string;
    const name = urn.slice(urn.lastIndexOf("::") + 2);
    const found = registered.filter((r) => r.name === name && r.type.startsWith("pulumi-nodejs:dynamic/"));
    if (found.length !== 1) throw new Error(`expected one registered dynamic resource named ${name}, found ${found.length}`);
    const r = found[0];
    const scripts = commandScripts(runsOf(specOf(r.inputs)));
    commands.push({ name, type: r.type, create: scripts.create, delete: scripts.delete, inputs: r.inputs });
  }
  return { commands, registered };
}

// ---------------------------------------------------------------- running on this host

/** Time limit of one create or delete script. */
export const SCRIPT_TIMEOUT_MS = 30_000;
/** Time limit of one `ip` query or ping. */
export const QUERY_TIMEOUT_MS = 10_000;

/** Throws a clear error unless this process runs as root. */
export function requireRoot(): void {
  const uid = process.getuid?.();
  if (uid !== 0) {
    throw new Error(
      `the netns lab tests need root (they create network namespaces and veth pairs with ip), ` +
        `but this process runs as uid ${uid ?? "unknown"}: run them as root, e.g. ` +
        "`sudo npx ava --serial dist/test/integration/netns-labs.test.js`.",
    );
  }
}

/** Runs one script as the provider does locally: `/bin/sh -c SCRIPT`. */
export function runScript(script: string, timeoutMs = SCRIPT_TIMEOUT_MS): Promise<ExecResult> {
  return run("/bin/sh", ["-c", script], { timeoutMs });
}

/** Runs every `create`, in order. */
export async function createAll(commands: readonly LabCommand[]): Promise<void> {
  for (const c of commands) await runScript(c.create);
}

/** Runs every `delete`, in reverse order (as the engine deletes dependents first). */
export async function deleteAll(commands: readonly LabCommand[]): Promise<void> {
  for (const c of [...commands].reverse()) await runScript(c.delete);
}

/** Runs `ip ARGS` (no shell) and returns stdout. */
export async function ip(args: readonly string[]): Promise<string> {
  return (await run("ip", args, { timeoutMs: QUERY_TIMEOUT_MS })).stdout;
}

/** Names of the host's named network namespaces (`ip netns list`). */
export async function namespaces(): Promise<string[]> {
  return (await ip(["netns", "list"]))
    .split("\n")
    .map((l) => l.trim().split(" ")[0])
    .filter((n) => n !== "")
    .sort();
}

/** Interface names in a namespace (the host's when `namespace` is undefined), from `ip -o link`. */
export async function links(namespace?: string): Promise<string[]> {
  const out = await ip([...(namespace === undefined ? [] : ["-n", namespace]), "-o", "link", "show"]);
  return out
    .split("\n")
    .map((l) => l.split(": ")[1]?.split("@")[0] ?? "")
    .filter((n) => n !== "")
    .sort();
}

/** The program and arguments that ping: `ping` if installed, else busybox's applet. */
export async function pingCommand(): Promise<string[]> {
  for (const candidate of [["ping"], ["busybox", "ping"]]) {
    const ok = await run("/bin/sh", ["-c", `command -v ${candidate[0]} >/dev/null`], { timeoutMs: QUERY_TIMEOUT_MS }).then(
      () => true,
      () => false,
    );
    if (ok) return candidate;
  }
  throw new Error(
    "neither ping nor busybox is installed: install iputils-ping or busybox-static (scripts/images.sh installs busybox-static).",
  );
}

/**
 * Pings `address` once (`-c 1 -W 2`), from inside `namespace` (`ip netns exec`) or from the host,
 * and returns the output; rejects when no reply comes.
 */
export async function ping(address: string, namespace?: string): Promise<string> {
  const argv = [
    ...(namespace === undefined ? [] : ["ip", "netns", "exec", namespace]),
    ...(await pingCommand()),
    "-c",
    "1",
    "-W",
    "2",
    address,
  ];
  const { stdout } = await run(argv[0], argv.slice(1), { timeoutMs: QUERY_TIMEOUT_MS });
  return stdout;
}

/** Whether a ping of `address` from `namespace` gets a reply (never throws for a lost ping). */
export async function pings(address: string, namespace?: string): Promise<boolean> {
  return ping(address, namespace).then(
    () => true,
    () => false,
  );
}

// ---------------------------------------------------------------- names

/** Which of these namespaces and host interfaces already exist. */
export async function existing(names: { namespaces: readonly string[]; links: readonly string[] }): Promise<string[]> {
  const [nss, hostLinks] = await Promise.all([namespaces(), links()]);
  return [
    ...names.namespaces.filter((n) => nss.includes(n)).map((n) => `namespace ${n}`),
    ...names.links.filter((n) => hostLinks.includes(n)).map((n) => `interface ${n}`),
  ];
}

/** Appends a short per-run tag to a name, keeping interface names within 15 characters. */
export function tagged(name: string, tag: string, max: number): string {
  return `${name.slice(0, max - tag.length - 1)}-${tag}`;
}

/** A 4-character tag for this run. */
export function runTag(): string {
  return Math.floor(Math.random() * 36 ** 4)
    .toString(36)
    .padStart(4, "0");
}

/**
 * Chooses the names a lab runs with: the seed's own names when none of them exists on this host,
 * otherwise the same names with a per-run tag (leaving the existing objects alone). Throws when
 * the chosen names exist too, rather than adopt (and later delete) someone else's objects.
 *
 * @param seed the seed's names
 * @param kinds which fields are namespace names (the rest are host interface names)
 * @param log receives one line when the seed names are taken
 */
export async function chooseNames<T extends { [K in keyof T]: string }>(
  seed: T,
  kinds: { namespaces: readonly (keyof T)[] },
  log: (line: string) => void,
): Promise<T> {
  const isNamespace = (k: string) => (kinds.namespaces as readonly string[]).includes(k);
  const split = (n: T) => ({
    namespaces: Object.keys(n)
      .filter(isNamespace)
      .map((k) => n[k as keyof T] as string),
    links: Object.keys(n)
      .filter((k) => !isNamespace(k))
      .map((k) => n[k as keyof T] as string),
  });
  const taken = await existing(split(seed));
  if (taken.length === 0) return seed;
  const tag = runTag();
  const chosen = Object.fromEntries(Object.entries(seed).map(([k, v]) => [k, tagged(v as string, tag, isNamespace(k) ? 64 : 15)])) as T;
  log(`seed names already in use on this host (${taken.join(", ")}); left untouched, running with ${JSON.stringify(chosen)}`);
  const alsoTaken = await existing(split(chosen));
  if (alsoTaken.length > 0) {
    throw new Error(`refusing to run: ${alsoTaken.join(", ")} already exist(s) on this host and would be adopted and then deleted.`);
  }
  return chosen;
}
