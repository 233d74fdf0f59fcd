// The pull-request flow of .github/workflows/preview.yml, played on this machine: the
// redis-cluster stack deployed from a checkout with its state in a backend folder (standing
// in for the team's shared backend) and a secret in its config; a second checkout, the pull
// request, changes the subnet, the nodes' static addresses and their published ports in the
// stack's config; then exactly what the workflow runs (scripts/pr-preview.sh), against a
// stand-in daemon that answers pings only and records what it is asked. Pulumi's diff must show that change and nothing else, the
// address plan must show it before and after, and no secret may appear in anything printed.
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import * as http from "node:http";
import { tmpdir } from "node:os";
import * as path from "node:path";
import YAML from "yaml";
import { copyCheckout } from "./lib/checkout";
import { engineTest } from "./lib/engine";
import { dockerHost, images, run, uniqueName } from "./lib/exec";
import { diffSnapshots, snapshot } from "./lib/residue";
import { portBlock } from "./lib/wait";

const STACK_PIECES = ["pulumi-language-nodejs", "pulumi-resource-pulumi-nodejs"];
const SECRET = `s3cr3t-${process.pid}-value`;
const PASSPHRASE = `pass-${process.pid}-phrase`;

interface PreviewStep {
  op: string;
  urn: string;
  oldState?: { inputs?: Record<string, unknown> };
  newState?: { inputs?: Record<string, unknown> };
}

/** The inputs a step changes: the keys whose old and new values differ. */
function fieldsOf(s: PreviewStep): string[] {
  const olds = s.oldState?.inputs ?? {};
  const news = s.newState?.inputs ?? {};
  const keys = [...new Set([...Object.keys(olds), ...Object.keys(news)])].filter((k) => k !== "__defaults");
  return keys.filter((k) => JSON.stringify(olds[k]) !== JSON.stringify(news[k])).sort();
}

/** The stack file `file` (what `pulumi config set` wrote) with `values` set, as a pull request edits it. */
async function editStackFile(file: string, values: Record<string, string>): Promise<string> {
  const doc = YAML.parse(await readFile(file, "utf8")) as { config: Record<string, unknown> };
  for (const [k, v] of Object.entries(values)) doc.config[`redis-cluster:${k}`] = v;
  return YAML.stringify(doc);
}

engineTest(
  "pull-request preview: the workflow's commands against a deployed redis-cluster show exactly the subnet, address and port change, before and after; the daemon is only read, never written; no secret printed",
  STACK_PIECES,
  async (t) => {
    const before = await snapshot();
    const work = await mkdtemp(path.join(tmpdir(), "dw-pr-"));
    const backend = path.join(work, "backend");
    const main = path.join(work, "main");
    const pr = path.join(work, "pr");
    const out = path.join(work, "out");
    await mkdir(backend);
    const stack = uniqueName("pr").replace(/-/g, "");
    const prefix = `${stack}-`;
    // The deploy binds base..base+15; the pull request's base+100 is only previewed.
    const base = portBlock(20);
    const env = {
      PULUMI_BACKEND_URL: `file://${backend}`,
      PULUMI_CONFIG_PASSPHRASE: PASSPHRASE,
      DOCKWIRE_STACK: stack,
      DOCKER_HOST: dockerHost(),
    };
    const pulumi = (cwd: string, args: string[], timeoutMs = 300_000) =>
      run("pulumi", [...args, "--non-interactive"], { cwd, env, timeoutMs });
    const dir = (root: string) => path.join(root, "stacks", "redis-cluster");
    t.teardown(async () => {
      await pulumi(dir(main), ["destroy", "--yes", "--stack", stack, "--skip-preview"]).catch((e: Error) => t.log(`destroy: ${e.message}`));
      await pulumi(dir(main), ["stack", "rm", "--yes", stack]).catch(() => undefined);
      await rm(work, { recursive: true, force: true });
    });

    // main: deployed, state in the backend folder.
    await copyCheckout(main, { dist: true });
    await pulumi(dir(main), ["stack", "init", stack]);
    const deployed = { prefix, image: images.app, subnet: "172.40.0.0/16", clientPortBase: String(base), busPortBase: String(base + 10) };
    for (const [k, v] of Object.entries(deployed)) await pulumi(dir(main), ["config", "set", k, v, "--stack", stack]);
    await pulumi(dir(main), ["config", "set", "--secret", "dbPassword", SECRET, "--stack", stack]);
    const stackFile = `Pulumi.${stack}.yaml`;
    t.false((await readFile(path.join(dir(main), stackFile), "utf8")).includes(SECRET), "the secret is stored encrypted in the stack file");
    await pulumi(dir(main), ["up", "--yes", "--skip-preview", "--stack", stack], 600_000);

    // The pull request: the same checkout with the stack's config changed.
    await copyCheckout(pr, { dist: true });
    const changed = { ...deployed, subnet: "172.40.0.0/24", firstHost: "21", clientPortBase: String(base + 100) };
    await writeFile(path.join(dir(pr), stackFile), await editStackFile(path.join(dir(main), stackFile), changed));

    // The workflow's step. The daemon it sees is a stand-in at the same DOCKER_HOST that answers
    // pings only and records every request: a network's preview check lists the daemon's
    // networks when it can (here it cannot, and the preview goes on without), and a preview
    // must never write (CI gets a daemon of its own, never the deployed host).
    const sock = dockerHost().replace(/^unix:\/\//, "");
    const standIn = await mkdtemp(path.join(tmpdir(), "dw-pr-sock-"));
    const requests: string[] = [];
    const server = http.createServer((req, res) => {
      requests.push(`${req.method ?? ""} ${(req.url ?? "").replace(/^\/v[0-9.]+/, "")}`);
      if (/^\/(v[0-9.]+\/)?_ping$/.test(req.url ?? "")) {
        res.writeHead(200, { "API-Version": "1.47", "Docker-Experimental": "false", OSType: "linux", "Content-Type": "text/plain" });
        res.end(req.method === "HEAD" ? undefined : "OK");
      } else {
        res.writeHead(500, { "Content-Type": "application/json" });
        res.end(JSON.stringify({ message: "dockwire test: this stand-in daemon answers pings only" }));
      }
    });
    await new Promise<void>((resolve) => server.listen(path.join(standIn, path.basename(sock)), resolve));
    t.teardown(async () => {
      await new Promise((resolve) => server.close(resolve));
      await rm(standIn, { recursive: true, force: true });
    });
    const script = `mount --bind ${JSON.stringify(standIn)} ${JSON.stringify(path.dirname(sock))} && exec bash scripts/pr-preview.sh redis-cluster ${JSON.stringify(out)}`;
    const res = await run("unshare", ["-m", "--propagation", "private", "sh", "-c", script], { cwd: pr, env, timeoutMs: 300_000 });
    t.deepEqual(
      [...new Set(requests)].sort(),
      ["GET /networks"],
      `the preview asked the daemon for more than the network list: ${JSON.stringify(requests)}`,
    );
    const printed = res.stdout + res.stderr;

    // Pulumi's diff: the network, the six nodes and the cluster command, in these inputs only.
    const preview = JSON.parse(await readFile(path.join(out, "preview.json"), "utf8")) as {
      steps: PreviewStep[];
      changeSummary: Record<string, number>;
    };
    const changedSteps = preview.steps.filter((s) => s.op !== "same");
    const short = (urn: string) => urn.slice(urn.lastIndexOf("::") + 2);
    const byName = Object.fromEntries(changedSteps.map((s) => [short(s.urn), s]));
    const nodes = [1, 2, 3, 4, 5, 6].map((i) => `redis-${i}`);
    t.deepEqual(
      Object.keys(byName).sort(),
      ["cluster-create", "redis", ...nodes].sort(),
      JSON.stringify(changedSteps.map((s) => [s.op, s.urn])),
    );
    t.is(byName["redis"].urn.includes("pulumi-nodejs:dynamic/dockwire:DockerNetwork"), true);
    t.deepEqual(fieldsOf(byName["redis"]), ["ipamConfigs"], JSON.stringify(byName["redis"].newState));
    for (const n of nodes) {
      t.regex(byName[n].urn, /pulumi-nodejs:dynamic\/dockwire:DockerContainer::/);
      // uploads: the node's redis.conf announces its address.
      t.deepEqual(fieldsOf(byName[n]), ["networksAdvanced", "ports", "uploads"], JSON.stringify(byName[n].newState));
    }
    // command: its `--cluster create` names the nodes' addresses; triggers: the addresses and node ids.
    // The command runs again in place (an exec leaves nothing to replace).
    t.deepEqual(fieldsOf(byName["cluster-create"]), ["command", "triggers"], JSON.stringify(byName["cluster-create"].newState));
    t.is(byName["cluster-create"].op, "update");
    t.deepEqual(preview.changeSummary, { replace: 7, update: 1, same: 14 });
    const diff = await readFile(path.join(out, "diff.txt"), "utf8");
    t.regex(diff, /172\.40\.0\.0\/16/);
    t.regex(diff, /172\.40\.0\.0\/24/);

    // The address plan, before and after.
    const md = await readFile(path.join(out, "plan.md"), "utf8");
    t.true(md.includes(`| ${prefix}redis | bridge | 172.40.0.0/16 → 172.40.0.0/24 | 172.40.0.1 | - | - | changed |`), md);
    t.true(
      md.includes(
        `| ${prefix}redis-1 | ${prefix}redis | 172.40.0.11 → 172.40.0.21 | - | 0.0.0.0:${base}->6379/tcp → 0.0.0.0:${base + 100}->6379/tcp, 0.0.0.0:${base + 10}->16379/tcp | changed |`,
      ),
      md,
    );
    const comment = await readFile(path.join(out, "comment.md"), "utf8");
    t.true(comment.startsWith("<!-- dockwire-preview:redis-cluster -->\n"));
    t.true(comment.includes(md.trim()));
    t.true(comment.includes(diff.trim()));
    t.regex(await readFile(path.join(out, "plan.svg"), "utf8"), /^<svg [^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    t.true(printed.includes(`${prefix}redis`), "the report is printed");

    // Nothing secret in anything shown: the comment, the files beside it, what was printed.
    for (const f of ["comment.md", "diff.txt", "plan.md", "plan.svg", "plan.txt", "preview.json"]) {
      const text = await readFile(path.join(out, f), "utf8");
      t.false(text.includes(SECRET), `${f} shows the secret`);
      t.false(text.includes(PASSPHRASE), `${f} shows the passphrase`);
    }
    t.false(printed.includes(SECRET) || printed.includes(PASSPHRASE), "the output shows a secret");
    t.false((await readFile(path.join(out, "state.json"), "utf8")).includes(SECRET), "the exported state holds the secret in plain text");

    // The preview changed nothing: the deployed stack still previews quiet from main.
    const quiet = await pulumi(dir(main), ["preview", "--stack", stack, "--expect-no-changes"]);
    t.regex(quiet.stdout, /22 unchanged/);
    await pulumi(dir(main), ["destroy", "--yes", "--skip-preview", "--stack", stack], 600_000);
    t.deepEqual(diffSnapshots(before, await snapshot()), []);
  },
);
