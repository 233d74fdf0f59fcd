// npm test fails when a lint rule, the format check, shellcheck or actionlint fails: a copy
// of the work tree gets one deliberately bad file for each (a floating promise, a file
// prettier would reformat, an unquoted expansion, a workflow using an undefined output), and `scripts/test.sh lint` (the lint layer of
// npm test) exits non-zero, naming each check and counting the failure.
import test from "ava";
import { execFile } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { copyCheckout } from "./lib/checkout";

/** Runs a command to its end whatever its status (bounded), returning status and output. */
function runStatus(file: string, args: string[], cwd: string, timeoutMs: number): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    execFile(file, args, { cwd, timeout: timeoutMs, killSignal: "SIGKILL", maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as { code?: unknown }).code === "number" ? (err as { code: number }).code : -1) : 0;
      resolve({ code, out: stdout + stderr });
    });
  });
}

test.serial(
  "npm test's lint layer fails on a lint error, a format error, a shellcheck warning and a workflow error, naming each",
  async (t) => {
    const copy = await mkdtemp(path.join(tmpdir(), "dw-lint-"));
    t.teardown(() => rm(copy, { recursive: true, force: true }));
    await copyCheckout(copy);
    await writeFile(
      path.join(copy, "provider", "lint-probe.ts"),
      "export async function probe(): Promise<void> {\n  await Promise.resolve();\n}\n\nexport function leak(): void {\n  probe();\n}\n",
    );
    await writeFile(path.join(copy, "test", "format-probe.ts"), "export const x = { a:1,\n      b : 2 };\n");
    await writeFile(path.join(copy, "scripts", "lint-probe.sh"), "#!/usr/bin/env bash\ndir=$1\nrm -rf $dir/cache\n");
    await writeFile(
      path.join(copy, ".github", "workflows", "lint-probe.yml"),
      "on: push\njobs:\n  probe:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ${{ steps.nowhere.outputs.x }}\n",
    );

    const r = await runStatus("bash", ["scripts/test.sh", "lint"], copy, 300_000);
    t.not(r.code, 0, r.out);
    t.regex(r.out, /provider\/lint-probe\.ts[\s\S]*@typescript-eslint\/no-floating-promises/);
    t.regex(r.out, /lint\.sh: eslint FAILED/);
    t.regex(r.out, /test\/format-probe\.ts/);
    t.regex(r.out, /lint\.sh: prettier FAILED/);
    t.regex(r.out, /scripts\/lint-probe\.sh[\s\S]*SC2086/);
    t.regex(r.out, /lint\.sh: shellcheck FAILED/);
    t.regex(r.out, /lint-probe\.yml:6:[\s\S]*nowhere/);
    t.regex(r.out, /lint\.sh: actionlint FAILED/);
    t.regex(r.out, /^dockwire: 0 passed, 1 failed, 0 skipped$/m);
  },
);
