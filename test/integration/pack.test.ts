// The library as its users get it: `npm pack`, installed into a separate program outside
// the repo, which imports "dockwire" by name. Under Pulumi mocks the program registers the
// expected resources; through the real engine its bad input fails at preview with
// dockwire's message.
import test from "ava";
import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { toolchainHas } from "./lib/engine";
import { run } from "./lib/exec";

const repo = path.resolve(__dirname, "..", "..", "..");

test.serial("a separate program installs the packed library and uses its components", async (t) => {
  const dir = await mkdtemp(path.join(tmpdir(), "dockwire-consumer-"));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const packed = await run("npm", ["pack", "--silent", "--pack-destination", dir], {
    timeoutMs: 120_000,
    cwd: repo,
    env: { npm_config_ignore_scripts: "true" },
  });
  const tarball = path.join(dir, packed.stdout.trim().split("\n").pop()!);
  const pkg = JSON.parse(await readFile(path.join(repo, "package.json"), "utf8"));
  await writeFile(
    path.join(dir, "package.json"),
    JSON.stringify(
      {
        name: "consumer",
        private: true,
        dependencies: { dockwire: `file:${tarball}`, "@pulumi/pulumi": pkg.dependencies["@pulumi/pulumi"] },
      },
      null,
      2,
    ),
  );
  await run("npm", ["install", "--ignore-scripts", "--no-audit", "--no-fund", "--prefer-offline"], {
    timeoutMs: 300_000,
    cwd: dir,
    env: { npm_config_cache: process.env.npm_config_cache ?? path.join(process.env.HOME ?? "/root", ".npm") },
  });

  // 1. Under mocks: exact registrations, and the types are the packed declarations.
  await writeFile(
    path.join(dir, "mocks.js"),
    `const pulumi = require("@pulumi/pulumi");
const seen = [];
pulumi.runtime.setMocks({ newResource: (a) => { seen.push([a.type, a.name, a.inputs]); return { id: a.name + "-id", state: a.inputs }; }, call: (a) => a.inputs }, "consumer", "dev", false);
const { BridgeNetwork, AppContainer } = require("dockwire");
const net = new BridgeNetwork("mynet", { subnet: "192.168.0.0/16", gateway: "192.168.0.1" });
new AppContainer("web", { image: "busybox", ports: ["127.0.0.1:8080:80"], networks: [{ network: net, aliases: ["web"] }] });
setTimeout(() => process.stdout.write(JSON.stringify(seen)), 200);
`,
  );
  const seen = JSON.parse((await run("node", ["mocks.js"], { timeoutMs: 30_000, cwd: dir })).stdout) as [string, string, any][];
  // Registration is asynchronous: compare as a set, then look each resource up.
  t.deepEqual(seen.map(([type, name]) => `${type} ${name}`).sort(), [
    "dockwire:containers:AppContainer web",
    "dockwire:networks:BridgeNetwork mynet",
    "pulumi-nodejs:dynamic/dockwire:DockerContainer web",
    "pulumi-nodejs:dynamic/dockwire:DockerNetwork mynet",
  ]);
  const inputs = (type: string) => seen.find(([ty]) => ty === type)![2];
  t.deepEqual(inputs("pulumi-nodejs:dynamic/dockwire:DockerNetwork").ipamConfigs, [{ subnet: "192.168.0.0/16", gateway: "192.168.0.1" }]);
  t.deepEqual(inputs("pulumi-nodejs:dynamic/dockwire:DockerContainer").ports, [
    { internal: 80, external: 8080, ip: "127.0.0.1", protocol: "tcp" },
  ]);
  t.is(inputs("pulumi-nodejs:dynamic/dockwire:DockerContainer").networksAdvanced[0].name, "mynet");
  t.deepEqual(inputs("pulumi-nodejs:dynamic/dockwire:DockerContainer").networksAdvanced[0].aliases, ["web"]);
  const dts = await readFile(path.join(dir, "node_modules", "dockwire", "dist", "provider", "networks", "bridge.d.ts"), "utf8");
  t.regex(dts, /export declare class BridgeNetwork/);

  // 2. Through the real engine: the packed library's validation reaches `pulumi preview`.
  await writeFile(
    path.join(dir, "engine.js"),
    `const { LocalWorkspace, PulumiCommand } = require("@pulumi/pulumi/automation");
const pulumi = require("@pulumi/pulumi");
(async () => {
  const cmd = await PulumiCommand.get({ root: process.env.DOCKWIRE_PULUMI_ROOT, skipVersionCheck: true });
  const program = async () => {
    try { const { BridgeNetwork } = require("dockwire"); new BridgeNetwork("mynet", { subnet: "192.168.0.0/16", gateway: "10.0.0.1" }); }
    catch (e) { await pulumi.log.error(e.message); }
  };
  const stack = await LocalWorkspace.createOrSelectStack({ stackName: "consumer${process.pid}", projectName: "consumer", program },
    { pulumiCommand: cmd, workDir: __dirname, projectSettings: { name: "consumer", runtime: "nodejs", backend: { url: process.env.PULUMI_BACKEND_URL } } });
  let out = "";
  try { await stack.preview({ onOutput: (s) => (out += s) }); console.log("PREVIEW-SUCCEEDED"); }
  catch (e) { console.log(out + e.message); }
  finally { await stack.workspace.removeStack(stack.name, { force: true }); }
})();
`,
  );
  const engine = await run("node", ["engine.js"], { timeoutMs: 120_000, cwd: dir });
  t.false(engine.stdout.includes("PREVIEW-SUCCEEDED"));
  t.true(
    engine.stdout.includes(
      'dockwire:networks:BridgeNetwork "mynet": gateway "10.0.0.1" is outside subnet 192.168.0.0/16: pick an address inside it, or omit gateway to use 192.168.0.1.',
    ),
    engine.stdout,
  );

  // 3. The package ships the host scripts its own resources run, and they work from an
  // installed copy (its dependencies, dockerode among them, from the package's own
  // manifest): a NetworkNamespace and a BridgeNetwork up, read back by refresh, and destroyed.
  const listing = await run("tar", ["-tzf", tarball], { timeoutMs: 30_000 });
  for (const f of ["netns-observe.sh", "netns-fix.sh", "daemon-read.sh"]) t.true(listing.stdout.includes(`package/provider/sh/${f}`), f);

  // 4. The provider plugin for other languages ships too, and runs from the installed copy
  // with Node alone: the engine reads its schema through it; where the YAML language host is
  // there, a YAML program pointed at node_modules/dockwire/provider/plugin (the README's way)
  // gets dockwire's refusal of bad input at preview.
  for (const f of ["pulumi-resource-dockwire", "schema.json"]) t.true(listing.stdout.includes(`package/provider/plugin/${f}`), f);
  // npm links the launcher into node_modules/.bin too (on PATH there, the engine finds the plugin by itself).
  const launcher = path.join(dir, "node_modules", ".bin", "pulumi-resource-dockwire");
  const served = await run("pulumi", ["package", "get-schema", launcher], { timeoutMs: 60_000, cwd: dir });
  // The CLI adds the defaults it fills in (`config: {}`); the rest is the shipped schema.
  const { config: _config, ...servedSchema } = JSON.parse(served.stdout) as Record<string, unknown>;
  t.deepEqual(servedSchema, JSON.parse(await readFile(path.join(repo, "provider", "plugin", "schema.json"), "utf8")));
  if (toolchainHas("pulumi-language-yaml")) {
    const yamlDir = path.join(dir, "yaml");
    await mkdir(yamlDir);
    await symlink(path.join(dir, "node_modules"), path.join(yamlDir, "node_modules"));
    await writeFile(
      path.join(yamlDir, "Pulumi.yaml"),
      [
        "name: consumer-yaml",
        "runtime: yaml",
        "plugins:",
        "  providers:",
        "    - name: dockwire",
        "      path: node_modules/dockwire/provider/plugin",
        "resources:",
        "  mynet:",
        "    type: dockwire:networks:BridgeNetwork",
        "    properties:",
        "      subnet: 192.168.0.0/16",
        "      gateway: 10.0.0.1",
        "",
      ].join("\n"),
    );
    const stackName = `consumeryaml${process.pid}`;
    await run("pulumi", ["stack", "init", stackName], { timeoutMs: 60_000, cwd: yamlDir });
    try {
      // Both streams and the exit status, whatever they are.
      const preview = await run("sh", ["-c", 'pulumi preview --stack "$1" 2>&1; echo "exit=$?"', "sh", stackName], {
        timeoutMs: 120_000,
        cwd: yamlDir,
      });
      t.notRegex(preview.stdout, /exit=0\s*$/);
      t.true(
        preview.stdout.includes(
          'dockwire:networks:BridgeNetwork "mynet": gateway "10.0.0.1" is outside subnet 192.168.0.0/16: pick an address inside it, or omit gateway to use 192.168.0.1.',
        ),
        preview.stdout,
      );
    } finally {
      await run("pulumi", ["stack", "rm", "--yes", "--force", stackName], { timeoutMs: 60_000, cwd: yamlDir }).catch(() => undefined);
    }
  } else {
    t.log("skipped the YAML program on the installed plugin: needs pulumi-language-yaml (scripts/toolchain.sh)");
  }
  if (!toolchainHas("pulumi-resource-pulumi-nodejs") || process.getuid?.() !== 0) {
    t.log("skipped the installed NetworkNamespace: needs root and the dynamic-provider launcher (scripts/toolchain.sh)");
    return;
  }
  const ns = `dwpack-${process.pid}`;
  await writeFile(
    path.join(dir, "netns.js"),
    `const { LocalWorkspace, PulumiCommand } = require("@pulumi/pulumi/automation");
(async () => {
  const cmd = await PulumiCommand.get({ root: process.env.DOCKWIRE_PULUMI_ROOT, skipVersionCheck: true });
  const program = async () => {
    const { netns, BridgeNetwork } = require("dockwire");
    new netns.NetworkNamespace("lab", { name: ${JSON.stringify(ns)} });
    new BridgeNetwork("net", { networkName: ${JSON.stringify(ns)}, subnet: "10.187.0.0/24" });
  };
  const stack = await LocalWorkspace.createOrSelectStack({ stackName: "netns${process.pid}", projectName: "consumer", program },
    { pulumiCommand: cmd, workDir: __dirname, projectSettings: { name: "consumer", runtime: "nodejs", backend: { url: process.env.PULUMI_BACKEND_URL } } });
  try {
    const up = await stack.up({});
    const refreshed = await stack.refresh({});
    console.log("UP " + JSON.stringify(up.summary.resourceChanges) + " REFRESH " + JSON.stringify(refreshed.summary.resourceChanges));
  } finally {
    await stack.destroy({});
    await stack.workspace.removeStack(stack.name, { force: true });
  }
})().catch((e) => { console.log("FAILED " + e.message); process.exitCode = 1; });
`,
  );
  t.teardown(() => run("ip", ["netns", "del", ns]).catch(() => undefined));
  t.teardown(() => run("docker", ["network", "rm", ns]).catch(() => undefined));
  const installed = await run("node", ["netns.js"], { timeoutMs: 180_000, cwd: dir });
  t.is(installed.stdout.trim(), 'UP {"create":5} REFRESH {"same":5}');
  t.false((await run("ip", ["netns", "list"])).stdout.includes(ns), "destroyed");
  t.false((await run("docker", ["network", "ls", "--format", "{{.Name}}"])).stdout.includes(ns), "the network is destroyed");
});
