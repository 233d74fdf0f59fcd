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
 * The provider object of the shim: `load()` finds the implementation module as described
 * above, on first use. Self-contained on purpose: {@link shimProviderText} writes this
 * function's own source into the state, where it runs in the dynamic-provider process with
 * only `require` and `process` at hand (no imports of this file, no helpers of the compiler).
 */
function shimFactory(absolute: string, distPath: string): pulumi.dynamic.ResourceProvider {
  type Impl = Record<string, (...a: unknown[]) => Promise<unknown>>;
  let impl: Impl | undefined;
  const load = (): Impl => {
    if (impl) return impl;
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
    if (found) return (impl = found);
    const nodePath = require("node:path") as typeof import("node:path");
    const fs = require("node:fs") as typeof import("node:fs");
    let dir = process.cwd();
    for (let i = 0; i < 64; i++) {
      try {
        const pkg = JSON.parse(fs.readFileSync(nodePath.join(dir, "package.json"), "utf8")) as { name?: unknown };
        if (pkg.name === "dockwire") {
          const p = attempt(nodePath.join(dir, "dist", "provider", distPath));
          if (p) return (impl = p);
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

/**
 * The dynamic provider for the implementation module at `distPath` (relative to the
 * package's `dist/provider`, without extension, e.g. `netns/live`), exporting `provider`,
 * for `pulumi.dynamic.Resource` (which serializes it from its closure).
 */
export function shimProvider(distPath: string): pulumi.dynamic.ResourceProvider {
  return shimFactory(path.join(__dirname, distPath), distPath);
}

const texts = new Map<string, string>();

/**
 * The same shim as the text a dynamic resource keeps in `__provider`, as
 * `pulumi.dynamic.Resource` would write it (a module whose `handler()` gives the provider),
 * but written directly from {@link shimFactory}'s source instead of serialized from a closure.
 * Pulumi's closure serialization costs a program 0.2-0.4 s before its first dynamic resource
 * can register (it loads the TypeScript compiler and opens an inspector session), and so
 * delays the start of the dynamic-provider process by as much on every preview, up and destroy.
 */
export function shimProviderText(distPath: string): string {
  let text = texts.get(distPath);
  if (!text) {
    const args = [JSON.stringify(path.join(__dirname, distPath)), JSON.stringify(distPath)].join(", ");
    text = `exports.handler = function () {\n  return (${shimFactory.toString()})(${args});\n};\n`;
    texts.set(distPath, text);
  }
  return text;
}
