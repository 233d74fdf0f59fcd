import { cp, mkdir, symlink } from "node:fs/promises";
import * as path from "node:path";
import { run } from "./exec";

/** The repository this test build comes from. */
export const repoRoot = path.resolve(__dirname, "..", "..", "..", "..");

/**
 * A copy of the work tree as a fresh clone has it: the files git tracks and the untracked
 * ones it does not ignore, with the repository's node_modules/ (and dist/, when `dist`)
 * linked in rather than copied.
 */
export async function copyCheckout(dir: string, opts: { dist?: boolean } = {}): Promise<void> {
  const { stdout } = await run("git", ["ls-files", "-co", "--exclude-standard", "-z"], { cwd: repoRoot });
  for (const file of stdout.split("\0").filter((f) => f !== "")) {
    await mkdir(path.join(dir, path.dirname(file)), { recursive: true });
    await cp(path.join(repoRoot, file), path.join(dir, file), { verbatimSymlinks: true }).catch((e: NodeJS.ErrnoException) => {
      if (e.code !== "ENOENT") throw e; // deleted in the work tree, not yet in git
    });
  }
  await symlink(path.join(repoRoot, "node_modules"), path.join(dir, "node_modules"));
  if (opts.dist) await symlink(path.join(repoRoot, "dist"), path.join(dir, "dist"));
}
