// The network specs dockwire's components register, applied to the real daemon: Docker
// accepts them and `docker network inspect` reads back what was declared; containers get
// the declared addresses and reach each other by name. (Through the engine this is the
// docker provider's job; these tests pin dockwire's side of that contract.)
import test from "ava";
import { AddressPlan } from "../../provider/ipam";
import {
  DriverSpec,
  NetworkCommonArgs,
  bridgeOptions,
  ipvlanOptions,
  macvlanOptions,
  networkSpec,
  parseParent,
} from "../../provider/networks";
import { docker, dockerJson, images, run, uniqueName } from "./lib/exec";
import { diffSnapshots, snapshot } from "./lib/residue";
import { networkCreateArgs } from "./lib/spec-cli";

interface Case {
  title: string;
  args: NetworkCommonArgs;
  driver: DriverSpec;
  /** Static addresses for two containers (or undefined: Docker allocates). */
  statics?: [string, string];
  /** A veth pair made for the test, whose first end is the macvlan/ipvlan parent. */
  parentVeth?: string;
  /** Kernel link type the case needs (`vlan`, `ipvlan`): probed first, since some kernels lack it. */
  needs?: "vlan" | "ipvlan";
}

/** Whether this kernel can make links of `type` on `parent` (probed with a throwaway link). */
async function kernelSupports(type: "vlan" | "ipvlan", parent: string): Promise<boolean> {
  const probe = `dwprobe${process.pid % 10000}`;
  const args =
    type === "vlan"
      ? ["link", "add", "link", parent, "name", probe, "type", "vlan", "id", "4000"]
      : ["link", "add", probe, "link", parent, "type", "ipvlan", "mode", "l2"];
  try {
    await run("ip", args);
    await run("ip", ["link", "del", probe]);
    return true;
  } catch {
    return false;
  }
}

const tag = uniqueName("x")
  .slice(-5)
  .replace(/[^a-z0-9]/g, "");
const cases: Case[] = [
  { title: "seed 001 eagleslab-net", args: { subnet: "10.10.0.0/16", gateway: "10.10.0.1" }, driver: { driver: "bridge" } },
  { title: "seed 002 mynet", args: { subnet: "192.168.0.0/16", gateway: "192.168.0.1" }, driver: { driver: "bridge" } },
  { title: "seed 003 mybr0", args: { subnet: "172.26.0.0/16", gateway: "172.26.0.1" }, driver: { driver: "bridge" } },
  {
    title: "seed 002 redis with static addresses",
    args: { subnet: "172.38.0.0/16" },
    driver: { driver: "bridge" },
    statics: ["172.38.0.11", "172.38.0.12"],
  },
  {
    title: "bridge with ip-range, aux addresses, labels and every bridge option",
    args: {
      subnet: "172.18.0.0/16",
      ipRange: "172.18.5.0/24",
      auxAddresses: { router: "172.18.0.254" },
      labels: { "dockwire.test": "yes" },
    },
    driver: {
      driver: "bridge",
      options: bridgeOptions({
        bridgeName: `dwbr${tag}`,
        enableIcc: true,
        enableIpMasquerade: false,
        hostBindingIpv4: "127.0.0.1",
        mtu: 1400,
      }),
    },
  },
  {
    title: "internal dual-stack bridge",
    args: { pools: [{ subnet: "10.31.0.0/24" }, { subnet: "fd00:31::/64" }], internal: true },
    driver: { driver: "bridge" },
  },
  {
    title: "macvlan bridge mode on a veth parent",
    args: { subnet: "192.168.50.0/24", gateway: "192.168.50.1" },
    driver: { driver: "macvlan", options: macvlanOptions(parseParent(`dwmv${tag}`, undefined, "parent"), "bridge") },
    statics: ["192.168.50.10", "192.168.50.11"],
    parentVeth: `dwmv${tag}`,
  },
  {
    title: "macvlan on an 802.1q sub-interface of a veth parent",
    args: { subnet: "192.168.51.0/24" },
    driver: { driver: "macvlan", options: macvlanOptions(parseParent(`dwvl${tag}`, 10, "parent"), "bridge") },
    parentVeth: `dwvl${tag}`,
    needs: "vlan",
  },
  {
    title: "ipvlan l2 on a veth parent",
    args: { subnet: "192.168.60.0/24" },
    driver: { driver: "ipvlan", options: ipvlanOptions(parseParent(`dwiv${tag}`, undefined, "parent"), "l2", undefined) },
    statics: ["192.168.60.10", "192.168.60.11"],
    parentVeth: `dwiv${tag}`,
    needs: "ipvlan",
  },
  {
    title: "ipvlan l3 on a veth parent",
    args: { subnet: "192.168.61.0/24" },
    driver: { driver: "ipvlan", options: ipvlanOptions(parseParent(`dwi3${tag}`, undefined, "parent"), "l3", undefined) },
    parentVeth: `dwi3${tag}`,
    needs: "ipvlan",
  },
];

for (const c of cases) {
  test.serial(`the daemon accepts and reads back: ${c.title}`, async (t) => {
    const before = await snapshot();
    const name = uniqueName("dw-spec");
    const { spec, pools } = networkSpec(name, { ...c.args, networkName: name }, c.driver, new AddressPlan());
    const boxes = [uniqueName("dw-sa"), uniqueName("dw-sb")];
    t.teardown(async () => {
      await docker(["rm", "-f", ...boxes]).catch(() => undefined);
      await docker(["network", "rm", name]).catch(() => undefined);
      if (c.parentVeth) await run("ip", ["link", "del", c.parentVeth]).catch(() => undefined);
    });
    if (c.parentVeth) {
      await run("ip", ["link", "add", c.parentVeth, "type", "veth", "peer", "name", `${c.parentVeth}p`]);
      // Both ends up: a macvlan/ipvlan parent needs carrier.
      await run("ip", ["link", "set", c.parentVeth, "up"]);
      await run("ip", ["link", "set", `${c.parentVeth}p`, "up"]);
    }
    const supported = c.needs === undefined || (await kernelSupports(c.needs, c.parentVeth!));
    if (!supported && c.needs === "vlan") {
      // Docker makes the 802.1q sub-interface when the network is created: on a kernel
      // without VLAN support the request reaches the kernel and is refused there.
      const err = await t.throwsAsync(docker(networkCreateArgs(spec)));
      t.regex(err.message, new RegExp(`failed to create ${c.parentVeth}\\.10 vlan link: operation not supported`));
      t.log(
        `this kernel (${(await run("uname", ["-r"])).stdout.trim()}) has no 802.1q support: checked that Docker was asked for ${c.parentVeth}.10`,
      );
      await run("ip", ["link", "del", c.parentVeth!]);
      t.deepEqual(diffSnapshots(before, await snapshot()), []);
      return;
    }

    await docker(networkCreateArgs(spec));
    const [n] = await dockerJson<any[]>(["network", "inspect", name]);
    t.is(n.Driver, spec.driver);
    t.deepEqual(
      n.IPAM.Config.map((p: any) => ({
        subnet: p.Subnet,
        gateway: p.Gateway,
        ...(p.IPRange ? { ipRange: p.IPRange } : {}),
        ...(p.AuxiliaryAddresses ? { auxAddress: p.AuxiliaryAddresses } : {}),
      })),
      spec.ipamConfigs,
    );
    t.deepEqual(n.Options ?? {}, spec.options ?? {});
    t.deepEqual(n.Labels ?? {}, Object.fromEntries((spec.labels ?? []).map((l) => [l.label, l.value])));
    t.is(n.Internal, spec.internal ?? false);
    t.is(n.EnableIPv6, spec.ipv6 ?? false);

    if (!supported) {
      t.log(
        `this kernel (${(await run("uname", ["-r"])).stdout.trim()}) has no ${c.needs} support: network checked, containers not attached`,
      );
      await docker(["network", "rm", name]);
      await run("ip", ["link", "del", c.parentVeth!]);
      t.deepEqual(diffSnapshots(before, await snapshot()), []);
      return;
    }
    // Two containers: declared (or allocated) addresses inside the pool, and a ping by name.
    for (const [i, box] of boxes.entries()) {
      const ip = c.statics ? ["--ip", c.statics[i]] : [];
      await docker(["run", "-d", "--name", box, "--network", name, ...ip, images.busybox, "sleep", "300"]);
    }
    for (const [i, box] of boxes.entries()) {
      const addr = await docker(["inspect", "-f", `{{(index .NetworkSettings.Networks "${name}").IPAddress}}`, box]);
      if (c.statics) t.is(addr, c.statics[i]);
      const v4 = pools.find((p) => p.family === 4)!;
      t.true(addr.startsWith(v4.subnet.split(".").slice(0, 2).join(".")), `${addr} not in ${v4.subnet}`);
    }
    if (c.parentVeth && c.driver.options?.parent?.includes(".")) {
      const sub = c.driver.options.parent;
      t.regex((await run("ip", ["-d", "link", "show", sub])).stdout, /vlan protocol 802\.1Q id 10/);
    }
    const ping = await docker(["exec", boxes[0], "ping", "-c", "1", "-W", "2", boxes[1]], { timeoutMs: 15_000 });
    t.regex(ping, /1 packets received/);

    await docker(["rm", "-f", ...boxes]);
    await docker(["network", "rm", name]);
    if (c.parentVeth) await run("ip", ["link", "del", c.parentVeth]);
    t.deepEqual(diffSnapshots(before, await snapshot()), []);
  });
}
