// Real netns labs on this host, without the Pulumi engine: each lab is declared with the netns
// components, built under the mock engine, and the create/delete scripts the provider runs for
// its children's inputs are run with /bin/sh -c, as root, against the real `ip`. Traffic goes only to
// addresses inside namespaces these tests create. Run with --serial; needs root.
import test, { ExecutionContext } from "ava";
import {
  BRIDGE_LAB,
  BridgeLabNames,
  LabCommand,
  SEED_000,
  SEED_003,
  Seed000Names,
  Seed003Names,
  bridgeLab,
  captureLab,
  chooseNames,
  createAll,
  deleteAll,
  ip,
  links,
  namespaces,
  ping,
  pings,
  requireRoot,
  runScript,
  seed000Lab,
  seed003Lab,
} from "./lib/netns";

/**
 * Deletes the lab in t.teardown, even when the test failed half-way: first with the
 * components' own delete scripts, then, for whatever is left, by name (only names this run
 * checked were free before it created them).
 */
function cleanUpAfter(t: ExecutionContext, commands: () => readonly LabCommand[], ours: { namespaces: string[]; links: string[] }): void {
  t.teardown(async () => {
    await deleteAll(commands()).catch((e) => t.log(`teardown: delete scripts failed: ${String(e)}`));
    for (const ns of ours.namespaces) {
      if ((await namespaces().catch((): string[] => [])).includes(ns)) await ip(["netns", "del", ns]).catch(() => undefined);
    }
    for (const link of ours.links) {
      if ((await links().catch((): string[] => [])).includes(link)) await ip(["link", "del", "dev", link]).catch(() => undefined);
    }
  });
}

/** Asserts none of the names is left as a namespace or host interface. */
async function assertGone(t: ExecutionContext, ours: { namespaces: string[]; links: string[] }): Promise<void> {
  const nss = await namespaces();
  const hostLinks = await links();
  t.deepEqual(
    ours.namespaces.filter((n) => nss.includes(n)),
    [],
    "namespaces left behind (ip netns list)",
  );
  t.deepEqual(
    ours.links.filter((n) => hostLinks.includes(n)),
    [],
    "interfaces left behind (ip link)",
  );
}

/** `ip -4 -o addr` of one interface, reduced to "name family cidr" lines (for idempotence checks). */
async function addrs(namespace: string | undefined, dev: string): Promise<string[]> {
  const out = await ip([...(namespace === undefined ? [] : ["-n", namespace]), "-4", "-o", "addr", "show", "dev", dev]);
  return out
    .split("\n")
    .filter((l) => l.trim() !== "")
    .map((l) => l.split(/\s+/).slice(1, 4).join(" "));
}

test.before(() => {
  requireRoot();
});

test.serial("seed 000: namespaces test1 and test2 joined by a veth pair ping each other", async (t) => {
  const n = await chooseNames<Seed000Names>(SEED_000, { namespaces: ["ns1", "ns2"] }, (l) => t.log(l));
  const ours = { namespaces: [n.ns1, n.ns2], links: [n.veth1, n.veth2] };
  let commands: LabCommand[] = [];
  cleanUpAfter(t, () => commands, ours);
  commands = (await captureLab(() => seed000Lab(n))).commands;
  t.deepEqual(
    commands.map((c) => `${c.type} ${c.name}`),
    [
      "pulumi-nodejs:dynamic/dockwire:NetworkNamespace test1-netns",
      "pulumi-nodejs:dynamic/dockwire:NetworkNamespace test2-netns",
      "pulumi-nodejs:dynamic/dockwire:VethPair veth-veth",
    ],
  );

  await createAll(commands);
  t.deepEqual(
    (await namespaces()).filter((x) => ours.namespaces.includes(x)),
    [...ours.namespaces].sort(),
  );
  t.deepEqual(await addrs(n.ns1, n.veth1), [`${n.veth1} inet 192.168.1.1/24`]);
  t.deepEqual(await addrs(n.ns2, n.veth2), [`${n.veth2} inet 192.168.1.2/24`]);
  t.regex(await ip(["-n", n.ns1, "link", "show", "dev", n.veth1]), /state UP/);
  t.regex(await ping("192.168.1.2", n.ns1), /1 packets received/);

  // Idempotent: a second create changes nothing and still works.
  const before = [await links(n.ns1), await links(n.ns2), await addrs(n.ns1, n.veth1), await addrs(n.ns2, n.veth2)];
  await createAll(commands);
  t.deepEqual([await links(n.ns1), await links(n.ns2), await addrs(n.ns1, n.veth1), await addrs(n.ns2, n.veth2)], before);
  t.deepEqual(await links(n.ns1), ["lo", n.veth1].sort());
  t.regex(await ping("192.168.1.2", n.ns1), /1 packets received/);
  t.regex(await ping("192.168.1.1", n.ns2), /1 packets received/);

  await deleteAll(commands);
  await assertGone(t, ours);
  await deleteAll(commands); // delete twice is harmless
  await assertGone(t, ours);
});

test.serial("seed 003: veth1.1 becomes eth0 in r1, the host pings it over veth1.2", async (t) => {
  const n = await chooseNames<Seed003Names>(SEED_003, { namespaces: ["ns"] }, (l) => t.log(l));
  const routes = await ip(["-4", "route", "show", "10.250.1.0/24"]);
  if (routes.trim() !== "") {
    t.fail(
      `10.250.1.0/24 is already routed on this host (${routes.trim()}): the seed 003 lab would clash with it; remove that route first.`,
    );
    return;
  }
  const ours = { namespaces: [n.ns], links: [n.veth1, n.veth2] };
  let commands: LabCommand[] = [];
  cleanUpAfter(t, () => commands, ours);
  commands = (await captureLab(() => seed003Lab(n))).commands;
  t.deepEqual(
    commands.map((c) => `${c.type} ${c.name}`),
    ["pulumi-nodejs:dynamic/dockwire:NetworkNamespace r1-netns", "pulumi-nodejs:dynamic/dockwire:VethPair r1-uplink-veth"],
  );

  await createAll(commands);
  t.deepEqual(await links(n.ns), ["eth0", "lo"]);
  t.deepEqual(await addrs(n.ns, "eth0"), ["eth0 inet 10.250.1.6/24"]);
  t.deepEqual(await addrs(undefined, n.veth2), [`${n.veth2} inet 10.250.1.5/24`]);
  t.false((await links()).includes(n.veth1), `${n.veth1} should have left the host namespace`);
  t.regex(await ip(["link", "show", "dev", n.veth2]), /state UP/);
  t.regex(await ping("10.250.1.6"), /1 packets received/);

  await createAll(commands); // idempotent
  t.deepEqual(await addrs(n.ns, "eth0"), ["eth0 inet 10.250.1.6/24"]);
  t.regex(await ping("10.250.1.6"), /1 packets received/);

  await deleteAll(commands);
  await assertGone(t, ours);
  t.is((await ip(["-4", "route", "show", "10.250.1.0/24"])).trim(), "", "the host route to 10.250.1.0/24 is gone");
  await deleteAll(commands);
  await assertGone(t, ours);
});

test.serial(
  "bridge and routes inside namespaces: h1 (a /32) reaches h2 over br0 only with its dev route, h2 reaches br0's far address via the gateway",
  async (t) => {
    const n = await chooseNames<BridgeLabNames>(BRIDGE_LAB, { namespaces: ["sw", "h1", "h2"] }, (l) => t.log(l));
    const ours = { namespaces: [n.sw, n.h1, n.h2], links: [n.h1a, n.h1b, n.h2a, n.h2b] };
    let commands: LabCommand[] = [];
    cleanUpAfter(t, () => commands, ours);
    commands = (await captureLab(() => bridgeLab(n))).commands;
    t.deepEqual(
      commands.map((c) => c.name),
      ["sw-netns", "h1-netns", "h2-netns", "h1-link-veth", "h2-link-veth", "br0-bridge", "h1-lan-route", "h2-far-route"],
    );
    const [, , , , , bridge, h1lan, h2far] = commands;

    // Everything but the routes: h1 has only a /32, so it cannot reach the LAN yet.
    await createAll(commands.slice(0, 6));
    t.deepEqual(await links(n.sw), ["br0", "lo", "sw-h1", "sw-h2"]);
    t.deepEqual(
      (await ip(["-n", n.sw, "-o", "link", "show", "master", "br0"]))
        .split("\n")
        .filter(Boolean)
        .map((l) => l.split(": ")[1].split("@")[0]),
      ["sw-h1", "sw-h2"],
    );
    t.deepEqual(await addrs(n.sw, "br0"), ["br0 inet 10.251.1.1/24", "br0 inet 10.251.9.1/24"]);
    t.regex(await ping("10.251.1.3", n.sw), /1 packets received/, "the bridge reaches h2");
    t.false(await pings("10.251.1.3", n.h1), "h1 must not reach h2 before its route exists");
    t.false(await pings("10.251.9.1", n.h2), "h2 must not reach 10.251.9.1 before its route exists");

    await runScript(h1lan.create);
    await runScript(h2far.create);
    t.is((await ip(["-n", n.h1, "-4", "route", "show", "exact", "10.251.1.0/24"])).trim(), "10.251.1.0/24 dev eth0 scope link");
    t.is((await ip(["-n", n.h2, "-4", "route", "show", "exact", "10.251.9.0/24"])).trim(), "10.251.9.0/24 via 10.251.1.1 dev eth0");
    t.regex(await ping("10.251.1.3", n.h1), /1 packets received/, "h1 reaches h2 across br0");
    t.regex(await ping("10.251.1.1", n.h1), /1 packets received/, "h1 reaches the bridge");
    t.regex(await ping("10.251.9.1", n.h2), /1 packets received/, "h2 reaches 10.251.9.1 via 10.251.1.1");

    await createAll(commands); // idempotent, including route replace and re-enslaving
    t.deepEqual(await addrs(n.sw, "br0"), ["br0 inet 10.251.1.1/24", "br0 inet 10.251.9.1/24"]);
    t.regex(await ping("10.251.1.3", n.h1), /1 packets received/);

    // Each delete removes exactly its object: the routes, then the bridge (its ports stay).
    await runScript(h2far.delete);
    await runScript(h1lan.delete);
    t.is((await ip(["-n", n.h1, "-4", "route", "show", "exact", "10.251.1.0/24"])).trim(), "");
    t.is((await ip(["-n", n.h2, "-4", "route", "show", "exact", "10.251.9.0/24"])).trim(), "");
    t.false(await pings("10.251.1.3", n.h1), "h1 loses the LAN with its route");
    await runScript(bridge.delete);
    t.deepEqual(await links(n.sw), ["lo", "sw-h1", "sw-h2"]);
    t.notRegex(await ip(["-n", n.sw, "link", "show", "dev", "sw-h1"]), /master/);

    await deleteAll(commands);
    await assertGone(t, ours);
    await deleteAll(commands);
    await assertGone(t, ours);
  },
);
