// The SDKs other languages use dockwire through, generated from the provider plugin by the
// Pulumi CLI (`pulumi package gen-sdk`), as a user generates them:
// - Python: installs beside `pulumi` from PyPI (scripts/pyenv.sh), imports, its BridgeNetwork
//   takes typed arguments, and the README's Python example (stacks/mynet-python) registers
//   seed 002's network and node under Pulumi's Python mocks;
// - Go: the SDK and a program calling NewBridgeNetwork with typed arguments compile;
// - .NET: the SDK is generated with the typed argument classes (no .NET SDK is installed here
//   to compile it).
// The schema comes from the plugin itself (the engine starts the launcher and asks for it),
// except for .NET, whose code generator downloads the package logo: it gets the same schema
// with a logo served on loopback.
import test, { type ExecutionContext } from "ava";
import * as http from "node:http";
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from "node:fs/promises";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { missingPieces } from "./lib/engine";
import { run } from "./lib/exec";

const repo = path.resolve(__dirname, "..", "..", "..");
const launcher = path.join(repo, "provider", "plugin", "pulumi-resource-dockwire");

/** A test that needs toolchain pieces; skipped with the reason where one is missing. */
function sdkTest(title: string, pieces: string[], body: (t: ExecutionContext) => Promise<void>): void {
  const why = missingPieces(...pieces);
  (why ? test.serial.skip : test.serial)(`${title}${why ? ` (${why})` : ""}`, body);
}

async function tempDir(t: ExecutionContext, prefix: string): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), prefix));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

/** `pulumi package gen-sdk SOURCE --language L -o OUT`; Python and Go through sdkgen (scripts/toolchain.sh). */
async function genSdk(source: string, language: string, out: string): Promise<string> {
  const sdkgen = process.env.DOCKWIRE_SDKGEN_PATH;
  const env: Record<string, string> =
    language === "python" || language === "go" ? { PATH: `${sdkgen}:${process.env.PATH}`, PULUMI_IGNORE_AMBIENT_PLUGINS: "false" } : {};
  const res = await run("pulumi", ["package", "gen-sdk", source, "--language", language, "-o", out], { timeoutMs: 120_000, env, cwd: out });
  return res.stderr;
}

sdkTest(
  "sdk: the generated Python SDK installs beside pulumi from PyPI, has typed arguments, and runs the Python example",
  ["sdkgen"],
  async (t) => {
    const dir = await tempDir(t, "dockwire-py-");
    t.regex(await genSdk(launcher, "python", dir), /SDK has been written/);
    const python = (await run("bash", [path.join(repo, "scripts", "pyenv.sh")], { timeoutMs: 600_000 })).stdout.trim();
    const site = path.join(dir, "site");
    await run(
      python,
      ["-m", "pip", "install", "--quiet", "--no-deps", "--no-build-isolation", "--no-index", "--target", site, path.join(dir, "python")],
      {
        timeoutMs: 180_000,
      },
    );
    await writeFile(
      path.join(dir, "check.py"),
      `import importlib.metadata, inspect, json, runpy, sys
import pulumi
import pulumi_dockwire as dockwire

out = {"version": importlib.metadata.version("pulumi_dockwire"), "pulumi": importlib.metadata.version("pulumi")}
# Every requirement the SDK declares is met by what is installed beside it.
from pip._vendor.packaging.requirements import Requirement
out["unmet"] = [r for r in importlib.metadata.requires("pulumi_dockwire") or []
                if not Requirement(r).specifier.contains(importlib.metadata.version(Requirement(r).name), prereleases=True)]
out["component"] = issubclass(dockwire.BridgeNetwork, pulumi.ComponentResource)
params = inspect.signature(dockwire.BridgeNetworkArgs.__init__).parameters
out["bridgeArgs"] = {n: str(p.annotation) for n, p in params.items() if n != "__self__"}
out["bridgeDoc"] = dockwire.BridgeNetworkArgs.subnet.__doc__

seen = []
class Mocks(pulumi.runtime.Mocks):
    def new_resource(self, args):
        seen.append({"type": args.typ, "name": args.name, "inputs": {k: v for k, v in args.inputs.items() if isinstance(v, (str, int, float, bool, list))}})
        return [args.name + "-id", args.inputs]
    def call(self, args):
        return {}
pulumi.runtime.set_mocks(Mocks(), project="mynet-python", stack="dev", preview=False)

@pulumi.runtime.test
def example():
    ns = runpy.run_path(sys.argv[1])
    return pulumi.Output.all(ns["mynet"].urn, ns["tomcat01"].urn)
example()
out["registered"] = sorted(seen, key=lambda r: r["type"])
print(json.dumps(out))
`,
    );
    const res = await run(python, [path.join(dir, "check.py"), path.join(repo, "stacks", "mynet-python", "__main__.py")], {
      timeoutMs: 60_000,
      env: { PYTHONPATH: site },
    });
    const out = JSON.parse(res.stdout) as {
      version: string;
      pulumi: string;
      component: boolean;
      bridgeArgs: Record<string, string>;
      bridgeDoc: string;
      registered: { type: string; name: string; inputs: Record<string, unknown> }[];
    };
    const pkg = JSON.parse(await readFile(path.join(repo, "package.json"), "utf8")) as { version: string };
    t.is(out.version, pkg.version);
    t.true(out.component);
    // Typed arguments: plain strings where the component checks the value at preview, the DockerHost component, typed pools.
    t.is(out.bridgeArgs.subnet, "typing.Optional[str]");
    t.is(out.bridgeArgs.network_name, "typing.Optional[str]");
    t.is(out.bridgeArgs.internal, "typing.Optional[bool]");
    t.regex(out.bridgeArgs.host, /DockerHost/);
    t.regex(out.bridgeArgs.pools, /Sequence\[.*AddressPoolArgs/);
    t.regex(out.bridgeArgs.labels, /Mapping\[str, .*str/);
    t.is(out.bridgeDoc.trim(), "IPv4 or IPv6 subnet, e.g. `10.10.0.0/16`. Host bits must be clear. Changing it replaces the network.");
    // The README's example: seed 002's network and a node, as remote components of the dockwire package.
    t.deepEqual(
      out.registered.map((r) => `${r.type} ${r.name}`),
      ["dockwire:containers:AppContainer tomcat01", "dockwire:networks:BridgeNetwork mynet"],
    );
    t.like(out.registered[1].inputs, { networkName: "mynet", subnet: "192.168.0.0/16", gateway: "192.168.0.1" });
    t.like(out.registered[0].inputs, { image: "dockwire/busybox:local", command: ["sleep", "86400"] });
  },
);

sdkTest("sdk: the generated Go SDK compiles, with a program that calls NewBridgeNetwork with typed arguments", ["sdkgen"], async (t) => {
  const dir = await tempDir(t, "dockwire-go-");
  await genSdk(launcher, "go", dir);
  const prog = path.join(dir, "prog");
  await mkdir(prog);
  const goMod = await readFile(path.join(dir, "go", "go.mod"), "utf8");
  const sdkVersion = /github\.com\/pulumi\/pulumi\/sdk\/v3 (v[0-9.]+)/.exec(goMod)![1];
  await writeFile(
    path.join(prog, "go.mod"),
    `module prog\n\ngo 1.24\n\nrequire (\n\tdockwire/sdk/go v0.0.0\n\tgithub.com/pulumi/pulumi/sdk/v3 ${sdkVersion}\n)\n\nreplace dockwire/sdk/go => ../go\n`,
  );
  await writeFile(
    path.join(prog, "main.go"),
    `package main

import (
	"dockwire/sdk/go/dockwire"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

func main() {
	pulumi.Run(func(ctx *pulumi.Context) error {
		mynet, err := dockwire.NewBridgeNetwork(ctx, "mynet", &dockwire.BridgeNetworkArgs{
			NetworkName: pulumi.StringRef("mynet"),
			Subnet:      pulumi.StringRef("192.168.0.0/16"),
			Gateway:     pulumi.StringRef("192.168.0.1"),
		})
		if err != nil {
			return err
		}
		ctx.Export("networkId", mynet.NetworkId)
		return nil
	})
}
`,
  );
  // Modules from the Go module proxy (cached by the toolchain build); nothing written outside the temporary folder.
  const env = { GOFLAGS: "-mod=mod", GOWORK: "off" };
  await run("go", ["build", "./..."], { cwd: path.join(dir, "go"), env, timeoutMs: 600_000 });
  await run("go", ["build", "-o", path.join(dir, "prog-bin"), "."], { cwd: prog, env, timeoutMs: 600_000 });
  t.true((await readdir(dir)).includes("prog-bin"));
});

/** A 1×1 grey PNG (the package logo the .NET code generator downloads). */
const PNG = Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAAAAAA6fptVAAAACklEQVR4nGNgAAAAAgABSK+kcQAAAABJRU5ErkJggg==", "base64");

sdkTest("sdk: the .NET SDK is generated with typed argument classes", ["pulumi-language-dotnet"], async (t) => {
  const dir = await tempDir(t, "dockwire-dotnet-");
  const server = http.createServer((_req, res) => res.writeHead(200, { "content-type": "image/png" }).end(PNG));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  t.teardown(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const schema = JSON.parse(await readFile(path.join(repo, "provider", "plugin", "schema.json"), "utf8")) as Record<string, unknown>;
  schema.logoUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/logo.png`;
  await writeFile(path.join(dir, "schema.json"), JSON.stringify(schema));
  await genSdk(path.join(dir, "schema.json"), "dotnet", dir);
  const files = await readdir(path.join(dir, "dotnet"));
  for (const f of ["BridgeNetwork.cs", "AppContainer.cs", "DockerHost.cs", "Pulumi.Dockwire.csproj"]) t.true(files.includes(f), f);
  const bridge = await readFile(path.join(dir, "dotnet", "BridgeNetwork.cs"), "utf8");
  t.regex(
    bridge,
    /\[DockwireResourceType\("dockwire:networks:BridgeNetwork"[^\]]*\)\]\s*public partial class BridgeNetwork : global::Pulumi\.ComponentResource/,
  );
  t.regex(bridge, /public sealed class BridgeNetworkArgs : global::Pulumi\.ResourceArgs/);
  t.regex(bridge, /\[Input\("subnet"\)\]\s*public string\? Subnet \{ get; set; \}/);
});
