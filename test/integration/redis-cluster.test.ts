// The redis-cluster stack's own resources, made on the real daemon: the network and six
// nodes exactly as the stack registers them, then the stack's cluster-create script. The
// cluster reaches cluster_state:ok, a re-run does not create it again, and a key set through
// one node reads back through another with `redis-cli -c`.
import test from "ava";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { resetDetachedHostPorts } from "../../provider/containers";
import { NetworkSpec, resetDetachedAddressPlan } from "../../provider/networks";
import { SEED_CLUSTER } from "../../stacks/redis-cluster/cluster-plan";
import { redisCluster } from "../../stacks/redis-cluster/program";
import { captureResources, ofType } from "../components/lib/mocks";
import { docker, dockerHost, images, run, uniqueName } from "./lib/exec";
import { diffSnapshots, snapshot } from "./lib/residue";
import { ContainerInputs, containerCreateArgs, networkCreateArgs } from "./lib/spec-cli";
import { portBlock } from "./lib/wait";

test.serial("seed 002's cluster from the stack's resources: cluster_state:ok, idempotent create, keys across nodes", async (t) => {
  const before = await snapshot();
  const prefix = `${uniqueName("dwrc").replace(/-/g, "")}-`;
  const base = portBlock(20);
  const cfg = { ...SEED_CLUSTER, image: images.app, subnet: "172.39.0.0/16", clientPortBase: base, busPortBase: base + 10 };
  resetDetachedAddressPlan();
  resetDetachedHostPorts();
  const rs = await captureResources(() => redisCluster(cfg, dockerHost(), prefix).network);
  const net = ofType(rs, "docker:index/network:Network")[0].inputs as NetworkSpec;
  const volumes = ofType(rs, "docker:index/volume:Volume").map((v) => v.inputs.name as string);
  const containers = ofType(rs, "docker:index/container:Container").map((c) => c.inputs as ContainerInputs);
  const [create] = ofType(rs, "command:local:Command").map((c) => c.inputs);
  t.is(containers.length, 6);
  t.deepEqual(
    containers.map((c) => c.networksAdvanced?.[0].ipv4Address),
    ["172.39.0.11", "172.39.0.12", "172.39.0.13", "172.39.0.14", "172.39.0.15", "172.39.0.16"],
  );

  const tmp = await mkdtemp(path.join(tmpdir(), "dwrc-"));
  t.teardown(async () => {
    await docker(["rm", "-f", ...containers.map((c) => c.name)]).catch(() => undefined);
    await docker(["volume", "rm", ...volumes]).catch(() => undefined);
    await docker(["network", "rm", net.name]).catch(() => undefined);
    await rm(tmp, { recursive: true, force: true });
  });

  await docker(networkCreateArgs(net));
  for (const v of volumes) await docker(["volume", "create", v]);
  for (const c of containers) {
    await docker(containerCreateArgs(c));
    for (const [i, u] of (c.uploads ?? []).entries()) {
      const file = path.join(tmp, `${c.name}-${i}`);
      await writeFile(file, u.content);
      await docker(["cp", file, `${c.name}:${u.file}`]);
    }
    await docker(["start", c.name]);
  }

  const env = { DOCKER_HOST: dockerHost() };
  const first = await run("/bin/sh", ["-c", create.create], { env, timeoutMs: 150_000 });
  t.is(first.stdout.trim(), "cluster_state:ok");
  t.regex(first.stderr, /\[OK\] All 16384 slots covered/);
  const again = await run("/bin/sh", ["-c", create.create], { env, timeoutMs: 150_000 });
  t.is(again.stdout.trim(), "cluster_state:ok");
  t.is(again.stderr, "", "a second run must not create the cluster again");

  const [n1, , , n4] = containers;
  t.is(await docker(["exec", n1.name, "redis-cli", "-c", "-h", "172.39.0.11", "set", "dockwire", "seed002"]), "OK");
  t.is(await docker(["exec", n4.name, "redis-cli", "-c", "-h", "172.39.0.14", "get", "dockwire"]), "seed002");
  const info = await docker(["exec", n1.name, "redis-cli", "cluster", "info"]);
  t.regex(info, /cluster_known_nodes:6/);
  t.regex(info, /cluster_size:3/);

  await docker(["rm", "-f", ...containers.map((c) => c.name)]);
  await docker(["volume", "rm", ...volumes]);
  await docker(["network", "rm", net.name]);
  t.deepEqual(diffSnapshots(before, await snapshot()), []);
});
