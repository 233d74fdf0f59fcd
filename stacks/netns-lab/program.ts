/**
 * Seed 000's section 4-3 lab as code: two network namespaces, test1 and test2, joined by a
 * veth pair whose ends are moved into them (veth-test1 into test1 with 192.168.1.1/24,
 * veth-test2 into test2 with 192.168.1.2/24) and brought up, so
 * `ip netns exec test1 ping 192.168.1.2` answers. Needs root and iproute2 where Pulumi runs.
 */
import * as pulumi from "@pulumi/pulumi";
import { netns, shellQuote } from "dockwire";

/** Stack configuration (every key optional; the defaults are the seed's). */
export interface NetnsLabConfig {
  /** The two namespaces. */
  ns1: string;
  ns2: string;
  /** The veth ends (at most 15 characters), ns1's end first. */
  veth1: string;
  veth2: string;
  /** Address of each end, as CIDR. */
  addr1: string;
  addr2: string;
}

/** The seed's names and addresses. */
export const SEED_NETNS_LAB: NetnsLabConfig = {
  ns1: "test1",
  ns2: "test2",
  veth1: "veth-test1",
  veth2: "veth-test2",
  addr1: "192.168.1.1/24",
  addr2: "192.168.1.2/24",
};

/** Reads the stack config; defaults are {@link SEED_NETNS_LAB}. */
export function readConfig(): NetnsLabConfig {
  const c = new pulumi.Config();
  const get = (k: keyof NetnsLabConfig) => c.get(k) ?? SEED_NETNS_LAB[k];
  return {
    ns1: get("ns1"),
    ns2: get("ns2"),
    veth1: get("veth1"),
    veth2: get("veth2"),
    addr1: get("addr1"),
    addr2: get("addr2"),
  };
}

/** Builds the lab; returns the stack outputs. Bad names or addresses fail before anything is registered. */
export function netnsLab(cfg: NetnsLabConfig) {
  // The builders are pure: running them first checks every name and address before any
  // component is registered (the components check again, each its own part).
  try {
    if (cfg.ns1 === cfg.ns2) throw new Error(`ns1 and ns2 are both ${JSON.stringify(cfg.ns1)}: give the two namespaces different names.`);
    netns.netnsCommands({ name: cfg.ns1 }, "ns1");
    netns.netnsCommands({ name: cfg.ns2 }, "ns2");
    netns.vethCommands(
      {
        name: cfg.veth1,
        peerName: cfg.veth2,
        ends: [
          { namespace: cfg.ns1, addresses: [cfg.addr1] },
          { namespace: cfg.ns2, addresses: [cfg.addr2] },
        ],
      },
      "veth",
    );
  } catch (e) {
    // The builders name their own fields; name the config key instead.
    const keys: [string, string][] = [
      ["ns1.name", "ns1"],
      ["ns2.name", "ns2"],
      ["veth.name", "veth1"],
      ["veth.peerName", "veth2"],
      ["veth.ends[0].addresses[0]", "addr1"],
      ["veth.ends[1].addresses[0]", "addr2"],
    ];
    const msg = keys.reduce((m, [field, key]) => m.split(field).join(key), (e as Error).message);
    throw new pulumi.RunError(`netns-lab stack: ${msg}`);
  }
  const ns1 = new netns.NetworkNamespace("test1", { name: cfg.ns1 });
  const ns2 = new netns.NetworkNamespace("test2", { name: cfg.ns2 });
  const veth = new netns.VethPair("veth", {
    name: cfg.veth1,
    peerName: cfg.veth2,
    ends: [
      { namespace: ns1, addresses: [cfg.addr1] },
      { namespace: ns2, addresses: [cfg.addr2] },
    ],
  });
  const peer = cfg.addr2.split("/")[0];
  return {
    namespaces: pulumi.all([ns1.namespace, ns2.namespace]),
    veth: veth.endNames,
    addresses: [cfg.addr1, cfg.addr2],
    check: veth.endNames.apply(() => `ip netns exec ${shellQuote(cfg.ns1)} ping -c 1 ${shellQuote(peer)}`),
  };
}
