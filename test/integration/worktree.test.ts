// The README's main job as a user runs it: `npm run up` brings the redis-cluster stack up
// through its folder and prints the cluster state, `npm run down` destroys it, and neither
// changes the work tree (`git status --porcelain` is as it was). The stack is a fresh one of
// the project, with ports and subnet of its own so it can run beside a user's `dev` stack.
import * as path from "node:path";
import { engineTest, folderStack, redisClusterTestConfig } from "./lib/engine";
import { images, run, uniqueName } from "./lib/exec";
import { diffSnapshots, snapshot } from "./lib/residue";
import { portBlock } from "./lib/wait";

const repo = path.resolve(__dirname, "../../..");
const gitStatus = async () => (await run("git", ["status", "--porcelain"], { cwd: repo })).stdout;

engineTest(
  "npm run up then npm run down: cluster_state:ok printed, the daemon as it was, the work tree unchanged",
  ["pulumi-resource-pulumi-nodejs"],
  async (t) => {
    const before = await snapshot();
    const tree = await gitStatus();
    const prefix = `${uniqueName("wt").replace(/-/g, "")}-`;
    const base = portBlock(40);
    const ts = await folderStack(t, "redis-cluster", redisClusterTestConfig(prefix, "172.40.0.0/16", base, images.app));
    const env = { DOCKWIRE_STACK: ts.stack.name };
    const upOut = await run("npm", ["run", "up"], { cwd: repo, env, timeoutMs: 400_000 });
    t.regex(upOut.stdout, /^clusterState: "cluster_state:ok"$/m);
    t.is(await gitStatus(), tree, "npm run up changed the work tree");
    await run("npm", ["run", "down"], { cwd: repo, env, timeoutMs: 300_000 });
    t.is(await gitStatus(), tree, "npm run down changed the work tree");
    t.deepEqual(diffSnapshots(before, await snapshot()), []);
  },
);
