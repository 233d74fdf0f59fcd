/**
 * Runs an example stack through the real Pulumi engine on the local backend:
 *
 *   node dist/stacks/run.js up|preview|refresh|destroy STACK
 *
 * With the Node.js language host available it runs the stack folder exactly as
 * `cd stacks/STACK && pulumi up` does. Without it, it runs the same program inline through
 * the Automation API, in a workspace under the gitignored `.dockwire/inline/STACK`: nothing
 * is written into the work tree either way (the stack folder's own `Pulumi.<stack>.yaml`,
 * which `pulumi` writes on `stack init`, is gitignored).
 */
import { copyFileSync, existsSync, mkdirSync, readFileSync } from "node:fs";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { LocalWorkspace, PulumiCommand, Stack } from "@pulumi/pulumi/automation";
import * as YAML from "yaml";
/** The `prefix` config key of the stacks that have one. */
const prefix = (): string => new pulumi.Config().get("prefix") ?? "";

// Each stack's program is loaded only when it runs inline: in a stack folder the language
// host runs it, and loading all four here would add to the start-up of every `npm run up`,
// `preview` and `down`. Every stack needs only the CLI and the dynamic-provider launcher.
const PROGRAMS: Record<string, { plugins: string[]; program: () => Promise<Record<string, unknown>> }> = {
  "redis-cluster": {
    plugins: ["pulumi-resource-pulumi-nodejs"],
    program: async () => {
      const { readConfig, redisCluster } = await import("./redis-cluster/program");
      return redisCluster(readConfig(), prefix());
    },
  },
  "flask-redis": {
    plugins: ["pulumi-resource-pulumi-nodejs"],
    program: async () => {
      const m = await import("./flask-redis/program");
      return m.flaskRedis(m.readConfig(), prefix());
    },
  },
  "netns-lab": {
    plugins: ["pulumi-resource-pulumi-nodejs"],
    program: async () => {
      const m = await import("./netns-lab/program");
      return m.netnsLab(m.readConfig());
    },
  },
  "multi-host-overlay": {
    plugins: ["pulumi-resource-pulumi-nodejs"],
    program: async () => {
      const m = await import("./multi-host-overlay/program");
      return m.multiHostOverlay(m.readConfig(), prefix());
    },
  },
};

const OPS = ["up", "preview", "refresh", "destroy"];

function fail(msg: string, code = 1): never {
  process.stderr.write(`run.js: ${msg}\n`);
  process.exit(code);
}

async function main(): Promise<void> {
  const [op, name] = process.argv.slice(2);
  if (!OPS.includes(op) || !name) fail(`usage: run.js ${OPS.join("|")} STACK (stacks: ${Object.keys(PROGRAMS).join(", ")})`, 2);
  const entry = PROGRAMS[name] ?? fail(`unknown stack ${JSON.stringify(name)}: use one of ${Object.keys(PROGRAMS).join(", ")}`, 2);
  const have = (process.env.DOCKWIRE_TOOLCHAIN ?? "").split(/\s+/);
  const missing = entry.plugins.filter((p) => !have.includes(p));
  if (missing.length > 0 && op !== "destroy") {
    fail(
      `the ${name} stack needs the provider plugin(s) ${missing.join(", ")}, which the toolchain could not provide on this machine ` +
        "(`bash scripts/toolchain.sh status` shows what is missing). Install them with " +
        "`pulumi plugin install resource NAME VERSION --file BINARY`, or put pulumi and its plugins on PATH, and run again.",
      3,
    );
  }
  const root = process.env.DOCKWIRE_PULUMI_ROOT ?? fail("DOCKWIRE_PULUMI_ROOT is not set: run through `npm run up` (scripts/main.sh)");
  const pulumiCommand = await PulumiCommand.get({ root, skipVersionCheck: true });
  const backend = process.env.PULUMI_BACKEND_URL ?? fail("PULUMI_BACKEND_URL is not set: run through `npm run up`");
  const repo = path.resolve(__dirname, "../..");
  const stackName = process.env.DOCKWIRE_STACK ?? "dev";
  let stack: Stack;
  if (have.includes("pulumi-language-nodejs")) {
    stack = await LocalWorkspace.createOrSelectStack({ stackName, workDir: path.join(repo, "stacks", name) }, { pulumiCommand });
  } else {
    // The inline program gets a workspace of its own: the Automation API writes the project
    // settings it is given into its workDir, which must never be the tracked stack folder.
    const workDir = path.join(repo, ".dockwire", "inline", name);
    mkdirSync(workDir, { recursive: true });
    // The stack's config, where `pulumi config set` in the stack folder wrote it, holds here too.
    const folderConfig = path.join(repo, "stacks", name, `Pulumi.${stackName}.yaml`);
    if (existsSync(folderConfig)) copyFileSync(folderConfig, path.join(workDir, `Pulumi.${stackName}.yaml`));
    process.stderr.write(`run.js: no Node.js language host here; running the ${name} program inline (workspace ${workDir})\n`);
    stack = await LocalWorkspace.createOrSelectStack(
      { stackName, projectName: name, program: entry.program },
      { pulumiCommand, workDir, projectSettings: { name, runtime: "nodejs", backend: { url: backend } } },
    );
  }
  // A stack folder's `options: refresh: always` (netns-lab) holds for the inline program too.
  const refresh = folderRefreshes(path.join(repo, "stacks", name, "Pulumi.yaml")) || undefined;
  const onOutput = (s: string) => process.stdout.write(s);
  if (op === "up") {
    const res = await stack.up({ onOutput, refresh });
    for (const [k, v] of Object.entries(res.outputs)) process.stdout.write(`${k}: ${JSON.stringify(v.secret ? "[secret]" : v.value)}\n`);
  } else if (op === "preview") {
    await stack.preview({ onOutput, diff: true, refresh });
  } else if (op === "refresh") {
    await stack.refresh({ onOutput });
  } else {
    await stack.destroy({ onOutput, refresh });
  }
}

/** Whether the project file sets `options: refresh: always`, as the CLI reads it. */
function folderRefreshes(projectFile: string): boolean {
  const doc = YAML.parse(readFileSync(projectFile, "utf8")) as { options?: { refresh?: unknown } } | null;
  return doc?.options?.refresh === "always";
}

main().catch((e) => fail((e as Error).message));
