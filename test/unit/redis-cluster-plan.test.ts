import test from "ava";
import { SEED_CLUSTER, nodeConf, planCluster } from "../../stacks/redis-cluster/cluster-plan";

test("seed 002's six nodes: addresses .11-.16, ports 6371-6376 and 16371-16376", (t) => {
  const nodes = planCluster(SEED_CLUSTER);
  t.deepEqual(
    nodes.map((n) => [n.name, n.address, n.clientPort, n.busPort]),
    [
      ["redis-1", "172.38.0.11", 6371, 16371],
      ["redis-2", "172.38.0.12", 6372, 16372],
      ["redis-3", "172.38.0.13", 6373, 16373],
      ["redis-4", "172.38.0.14", 6374, 16374],
      ["redis-5", "172.38.0.15", 6375, 16375],
      ["redis-6", "172.38.0.16", 6376, 16376],
    ],
  );
});

test("each node's redis.conf is the seed's, announcing its own address", (t) => {
  t.is(
    nodeConf("172.38.0.11"),
    [
      "port 6379",
      "bind 0.0.0.0",
      "protected-mode no",
      "cluster-enabled yes",
      "dir /data",
      "cluster-config-file nodes.conf",
      "cluster-node-timeout 5000",
      "cluster-announce-ip 172.38.0.11",
      "cluster-announce-port 6379",
      "cluster-announce-bus-port 16379",
      "appendonly yes",
      "",
    ].join("\n"),
  );
});

const bad: [string, Partial<typeof SEED_CLUSTER>, string][] = [
  [
    "too few nodes",
    { nodes: 5 },
    "nodes 5 is too few for 1 replica(s) per master: Redis Cluster needs 3 masters, so use at least 6 nodes.",
  ],
  [
    "too few nodes without replicas",
    { nodes: 2, replicas: 0 },
    "nodes 2 is too few for 0 replica(s) per master: Redis Cluster needs 3 masters, so use at least 3 nodes.",
  ],
  ["negative replicas", { replicas: -1 }, "replicas -1 must be a whole number of at least 0."],
  ["ports past 65535", { clientPortBase: 65533 }, "clientPortBase 65533 leaves no room for 6 ports: use a port from 1 to 65530."],
  [
    "nodes past the subnet",
    { subnet: "172.38.0.0/28", firstHost: 11 },
    "firstHost 11 puts node 5 outside 172.38.0.0/28, on its gateway or on its broadcast address: use a host number from 2 that leaves room for 6 nodes.",
  ],
  [
    "first host on the gateway",
    { firstHost: 1 },
    "firstHost 1 puts node 1 outside 172.38.0.0/16, on its gateway or on its broadcast address: use a host number from 2 that leaves room for 6 nodes.",
  ],
  [
    "subnet with host bits",
    { subnet: "172.38.0.1/16" },
    'subnet "172.38.0.1/16" has host bits set. For a prefix of length 16 the network address is 172.38.0.0: use "172.38.0.0/16".',
  ],
];
for (const [title, change, message] of bad) {
  test(`config refused: ${title}`, (t) => {
    t.throws(() => planCluster({ ...SEED_CLUSTER, ...change }), { message });
  });
}
