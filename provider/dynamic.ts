/**
 * dockwire's own resources (the netns resources, DaemonConfig) are Pulumi dynamic
 * resources whose provider is a small shim: the text Pulumi serializes into the state
 * (`__provider`) holds no dockwire code, only the module to load. The shim loads, in
 * order:
 *
 * 1. the module by the absolute path it had when the program ran (this install);
 * 2. `dockwire/dist/provider/...` resolved from the working directory (the package as a
 *    dependency of the program, e.g. after a checkout moved or on a CI runner);
 * 3. the same path under the nearest parent directory whose package.json is dockwire's
 *    (programs inside dockwire's own repository).
 *
 * So the code that runs is always the installed library's, and a state written by an
 * earlier version stays readable: each implementation module reads every earlier
 * `stateVersion` of its state.
 *
 * @module
 */
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";

/**
 * The dynamic provider for the implementation module at `distPath` (relative to the
 * package's `dist/provider`, without extension, e.g. `netns/live`), exporting `provider`.
 */
export function shimProvider(distPath: string): pulumi.dynamic.ResourceProvider {
  const absolute = path.join(__dirname, distPath);
  type Impl = Record<string, (...a: unknown[]) => Promise<unknown>>;
  const load = (): Impl => {
    // Runs in the dynamic-provider process: only `require` and what it loads are at hand.
    /* eslint-disable @typescript-eslint/no-require-imports */
    const tries: string[] = [];
    const attempt = (p: string): Impl | undefined => {
      tries.push(p);
      try {
        return (require(p) as { provider: Impl }).provider;
      } catch (e) {
        const code = (e as { code?: string }).code;
        if (code !== "MODULE_NOT_FOUND" && code !== "ERR_PACKAGE_PATH_NOT_EXPORTED") throw e;
        return undefined;
      }
    };
    const found = attempt(absolute) ?? attempt(`dockwire/dist/provider/${distPath}`);
    if (found) return found;
    const nodePath = require("node:path") as typeof import("node:path");
    const fs = require("node:fs") as typeof import("node:fs");
    let dir = process.cwd();
    for (let i = 0; i < 64; i++) {
      try {
        const pkg = JSON.parse(fs.readFileSync(nodePath.join(dir, "package.json"), "utf8")) as { name?: unknown };
        if (pkg.name === "dockwire") {
          const p = attempt(nodePath.join(dir, "dist", "provider", distPath));
          if (p) return p;
          break;
        }
      } catch {
        // no package.json here
      }
      const up = nodePath.dirname(dir);
      if (up === dir) break;
      dir = up;
    }
    throw new Error(`dockwire: cannot load its resource provider (tried ${tries.join(", ")}): install dockwire in the program's project`);
    /* eslint-enable @typescript-eslint/no-require-imports */
  };
  return {
    check: (olds, news) => load().check(olds, news) as Promise<pulumi.dynamic.CheckResult>,
    diff: (id, olds, news) => load().diff(id, olds, news) as Promise<pulumi.dynamic.DiffResult>,
    create: (inputs) => load().create(inputs) as Promise<pulumi.dynamic.CreateResult>,
    read: (id, props) => load().read(id, props) as Promise<pulumi.dynamic.ReadResult>,
    update: (id, olds, news) => load().update(id, olds, news) as Promise<pulumi.dynamic.UpdateResult>,
    delete: (id, props) => load().delete(id, props) as Promise<void>,
  };
}
