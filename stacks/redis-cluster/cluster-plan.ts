/**
 * The pure plan of seed 002's Redis Cluster: node addresses, ports and each node's
 * redis.conf. Plain values only: no resources are made here.
 */
import { ipam } from "dockwire";

const { IpamError, cidrContains, formatIp, lastAddress, parseCidr } = ipam;

/** Stack configuration of the cluster (all have defaults: seed 002's values). */
export interface ClusterConfig {
  /** Docker image with redis-server and redis-cli. */
  image: string;
  /** Number of nodes; at least 3 masters, so nodes >= 3 * (replicas + 1). */
  nodes: number;
  /** Replicas per master (`--cluster-replicas`). */
  replicas: number;
  /** Network name and subnet. */
  networkName: string;
  subnet: string;
  /** Host part of the first node's address: node i gets subnet + firstHost + i. */
  firstHost: number;
  /** Host ports: client port base + i and bus port base + i. */
  clientPortBase: number;
  busPortBase: number;
}

/** Seed 002's cluster. */
export const SEED_CLUSTER: ClusterConfig = {
  image: "dockwire/app:local",
  nodes: 6,
  replicas: 1,
  networkName: "redis",
  subnet: "172.38.0.0/16",
  firstHost: 11,
  clientPortBase: 6371,
  busPortBase: 16371,
};

/** One node of the plan. */
export interface ClusterNode {
  index: number;
  name: string;
  address: string;
  clientPort: number;
  busPort: number;
  conf: string;
}

/**
 * redis.conf of one node, as seed 002 writes it, plus `protected-mode no`: the seed's
 * official image turns protected mode off, Debian's redis-server does not, and with it on
 * every node refuses the other nodes' cluster connections. And `dir /data`: the official
 * image's working directory is the data volume, other images' is not, and nodes.conf and
 * the append-only file must live on the volume for a replaced node to keep its identity
 * and its keys.
 */
export function nodeConf(address: string): string {
  return [
    "port 6379",
    "bind 0.0.0.0",
    "protected-mode no",
    "cluster-enabled yes",
    "dir /data",
    "cluster-config-file nodes.conf",
    "cluster-node-timeout 5000",
    `cluster-announce-ip ${address}`,
    "cluster-announce-port 6379",
    "cluster-announce-bus-port 16379",
    "appendonly yes",
    "",
  ].join("\n");
}

/** Checks the config and lays out the nodes. Throws naming the config key and the fix. */
export function planCluster(cfg: ClusterConfig): ClusterNode[] {
  if (!Number.isInteger(cfg.replicas) || cfg.replicas < 0) {
    throw new IpamError("replicas", `replicas ${cfg.replicas} must be a whole number of at least 0.`);
  }
  const min = 3 * (cfg.replicas + 1);
  if (!Number.isInteger(cfg.nodes) || cfg.nodes < min) {
    throw new IpamError(
      "nodes",
      `nodes ${cfg.nodes} is too few for ${cfg.replicas} replica(s) per master: Redis Cluster needs 3 masters, so use at least ${min} nodes.`,
    );
  }
  const subnet = parseCidr(cfg.subnet, "subnet");
  for (const [key, base] of [
    ["clientPortBase", cfg.clientPortBase],
    ["busPortBase", cfg.busPortBase],
  ] as const) {
    if (!Number.isInteger(base) || base < 1 || base + cfg.nodes - 1 > 65535) {
      throw new IpamError(key, `${key} ${base} leaves no room for ${cfg.nodes} ports: use a port from 1 to ${65535 - cfg.nodes + 1}.`);
    }
  }
  return Array.from({ length: cfg.nodes }, (_, i) => {
    const value = subnet.network + BigInt(cfg.firstHost + i);
    const broadcast = subnet.family === 4 && value === lastAddress(subnet);
    if (!cidrContains(subnet, subnet.family, value) || broadcast || cfg.firstHost < 2) {
      throw new IpamError(
        "firstHost",
        `firstHost ${cfg.firstHost} puts node ${i + 1} outside ${cfg.subnet}, on its gateway or on its broadcast address: use a host number from 2 that leaves room for ${cfg.nodes} nodes.`,
      );
    }
    const address = formatIp(subnet.family, value);
    return {
      index: i + 1,
      name: `redis-${i + 1}`,
      address,
      clientPort: cfg.clientPortBase + i,
      busPort: cfg.busPortBase + i,
      conf: nodeConf(address),
    };
  });
}
