/**
 * Seed 002 as code: network `redis` 172.38.0.0/16, six redis-server nodes at .11-.16 with
 * their redis.conf, each published on 637N:6379 and 1637N:16379 with its own data volume,
 * then `redis-cli --cluster create ... --cluster-replicas 1` once every node answers.
 */
import * as pulumi from "@pulumi/pulumi";
import { AppContainer, BridgeNetwork, ContainerExec, DockerVolume, shellQuote } from "dockwire";
import { ClusterConfig, ClusterNode, SEED_CLUSTER, planCluster } from "./cluster-plan";

/** Reads the stack config (every key optional; defaults are seed 002's). */
export function readConfig(): ClusterConfig {
  const c = new pulumi.Config();
  return {
    image: c.get("image") ?? SEED_CLUSTER.image,
    nodes: c.getNumber("nodes") ?? SEED_CLUSTER.nodes,
    replicas: c.getNumber("replicas") ?? SEED_CLUSTER.replicas,
    networkName: c.get("networkName") ?? SEED_CLUSTER.networkName,
    subnet: c.get("subnet") ?? SEED_CLUSTER.subnet,
    firstHost: c.getNumber("firstHost") ?? SEED_CLUSTER.firstHost,
    clientPortBase: c.getNumber("clientPortBase") ?? SEED_CLUSTER.clientPortBase,
    busPortBase: c.getNumber("busPortBase") ?? SEED_CLUSTER.busPortBase,
  };
}

/**
 * The script that forms the cluster, run in the first node (`docker exec node-1 sh -c ...`,
 * through dockwire's ContainerExec): waits (bounded) until every node answers PING at its
 * address, then runs `--cluster create` unless the first node already serves slots (a
 * formed cluster whose nodes restarted is briefly `cluster_state:fail` but keeps its slots
 * in nodes.conf on the data volume, and must not be created again), then waits (bounded)
 * until every node reports cluster_state:ok and prints the first node's state line.
 */
export function clusterCreateScript(nodes: readonly ClusterNode[], replicas: number): string {
  const hosts = nodes.map((n) => shellQuote(n.address)).join(" ");
  const addrs = nodes.map((n) => shellQuote(`${n.address}:6379`)).join(" ");
  return [
    "set -e",
    `for h in ${hosts}; do`,
    "  i=0",
    '  until [ "$(redis-cli -h "$h" ping 2>/dev/null)" = PONG ]; do',
    '    i=$((i+1)); [ $i -le 600 ] || { echo "redis node $h did not answer PING within 60 s" >&2; exit 1; }; sleep 0.1',
    "  done",
    "done",
    "if redis-cli cluster info | tr -d '\\r' | grep -qx 'cluster_slots_assigned:0'; then",
    `  redis-cli --cluster create ${addrs} --cluster-replicas ${replicas} --cluster-yes >&2`,
    "fi",
    // Every node, not only the first: right after the create, a node that has not heard
    // the others yet still answers CLUSTERDOWN.
    `for h in ${hosts}; do`,
    "  i=0",
    "  until redis-cli -h \"$h\" cluster info | grep -q '^cluster_state:ok'; do",
    '    i=$((i+1)); [ $i -le 600 ] || { echo "redis node $h did not reach cluster_state:ok within 60 s" >&2; exit 1; }; sleep 0.1',
    "  done",
    "done",
    "redis-cli cluster info | tr -d '\\r' | grep '^cluster_state:'",
  ].join("\n");
}

/** Builds the cluster; returns the stack outputs. */
export function redisCluster(cfg: ClusterConfig, prefix = "") {
  const nodes = planCluster(cfg);
  const net = new BridgeNetwork("redis", { networkName: `${prefix}${cfg.networkName}`, subnet: cfg.subnet });
  const containers = nodes.map((n) => {
    const volume = new DockerVolume(`${n.name}-data`, { name: `${prefix}${n.name}-data` });
    return new AppContainer(n.name, {
      image: cfg.image,
      containerName: `${prefix}${n.name}`,
      command: ["redis-server", "/etc/redis/redis.conf"],
      uploads: [{ file: "/etc/redis/redis.conf", content: n.conf }],
      ports: [`${n.clientPort}:6379`, `${n.busPort}:16379`],
      networks: [{ network: net, ipv4Address: n.address }],
      mounts: [{ type: "volume", source: volume.name, target: "/data" }],
      // A replaced node keeps its volume: let redis-server flush its append-only file on
      // SIGTERM (it exits within milliseconds) instead of being killed mid-write.
      stopGraceSeconds: 10,
    });
  });
  const create = new ContainerExec(
    "cluster-create",
    {
      container: containers[0].containerName,
      command: ["sh", "-c", clusterCreateScript(nodes, cfg.replicas)],
      // A replaced node (new ports, or put back after it was removed) runs the script again,
      // so that `up` returns only once every node is back to cluster_state:ok.
      triggers: [...nodes.map((n) => n.address), ...containers.map((c) => c.container.id)],
      timeoutSeconds: 180,
    },
    { dependsOn: containers, aliases: [{ type: "command:local:Command" }] },
  );
  return {
    network: net.networkName,
    nodes: nodes.map((n) => `${n.address}:6379`),
    clusterState: create.stdout,
  };
}
