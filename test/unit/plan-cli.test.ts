// `dockwire plan`'s command line: flags, inputs from files and standard input, --out, and
// usage errors that name the flag and the fix (exit 2), unreadable inputs (exit 1).
import test from "ava";
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { CliIo, PLAN_USAGE, USAGE, main, parsePlanArgs } from "../../provider/plan/cli";

const repo = path.resolve(__dirname, "../../..");
const fixture = (name: string) => path.join(repo, "test/fixtures/plan", name);

/** An in-memory CliIo: files from a map (falling back to the disk), captured output. */
function fakeIo(stdin?: string, tty = false) {
  const written: Record<string, string> = {};
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = {
    readFile: (file) => readFileSync(file, "utf8"),
    writeFile: (file, text) => {
      if (file.startsWith("/nonexistent/")) throw Object.assign(new Error("ENOENT"), { code: "ENOENT" });
      written[file] = text;
    },
    readStdin: () => Promise.resolve(stdin ?? ""),
    stdinIsTty: tty,
    stdout: (t) => out.push(t),
    stderr: (t) => err.push(t),
  };
  return { io, written, out: () => out.join(""), err: () => err.join("") };
}

async function run(argv: string[], stdin?: string, tty = false) {
  const f = fakeIo(stdin, tty);
  const code = await main(argv, f.io);
  return { code, out: f.out(), err: f.err(), written: f.written };
}

const SUFFIX = "\nRun dockwire plan --help for the usage.\n";
const usageErrors: [string, string[], string][] = [
  [
    "no input",
    ["plan"],
    "nothing to read: give --preview FILE (`pulumi preview --json` output, - for standard input) and/or --state FILE (`pulumi stack export` output).",
  ],
  ["an unknown flag", ["plan", "--previw", "p.json"], 'unknown option "--previw": use --preview, --state, --format, --out or --help.'],
  [
    "a bare file name",
    ["plan", "p.json"],
    'unexpected argument "p.json": name the input with a flag, e.g. --preview p.json (`pulumi preview --json` output) or --state p.json (`pulumi stack export` output).',
  ],
  [
    "--preview without a value",
    ["plan", "--preview"],
    "--preview needs a value: give a file written by `pulumi preview --json`, or - for standard input.",
  ],
  [
    "--preview followed by a flag",
    ["plan", "--preview", "--format", "text"],
    "--preview needs a value: give a file written by `pulumi preview --json`, or - for standard input.",
  ],
  ["--state=", ["plan", "--state="], "--state needs a value: give a file written by `pulumi stack export`, or - for standard input."],
  ["a bad format", ["plan", "--preview", "p.json", "--format", "html"], '--format "html" is not a format: use markdown, svg or text.'],
  ["a flag twice", ["plan", "--preview", "a.json", "--preview=b.json"], "--preview is given twice: give it once."],
  [
    "both from stdin",
    ["plan", "--preview", "-", "--state", "-"],
    "--preview and --state cannot both read standard input: give one of them a file.",
  ],
  ["--out -", ["plan", "--preview", "p.json", "--out", "-"], "--out - is not needed: leave --out out to write to standard output."],
];
for (const [title, argv, message] of usageErrors) {
  test(`usage error, exit 2: ${title}`, async (t) => {
    const r = await run(argv);
    t.is(r.code, 2);
    t.is(r.out, "");
    t.is(r.err, `dockwire plan: ${message}${SUFFIX}`);
  });
}

test("--help and help print the usage, exit 0; no command prints dockwire's usage, exit 2; an unknown command names the fix", async (t) => {
  t.deepEqual(await run(["plan", "--help"]), { code: 0, out: PLAN_USAGE, err: "", written: {} });
  t.deepEqual(await run(["plan", "--preview", "x", "-h"]), { code: 0, out: PLAN_USAGE, err: "", written: {} });
  t.deepEqual(await run(["help", "plan"]), { code: 0, out: PLAN_USAGE, err: "", written: {} });
  t.deepEqual(await run(["--help"]), { code: 0, out: USAGE, err: "", written: {} });
  t.deepEqual(await run([]), { code: 2, out: "", err: USAGE, written: {} });
  t.deepEqual(await run(["plans"]), {
    code: 2,
    out: "",
    err: 'dockwire: unknown command "plans": the command is plan (dockwire plan --help).\n',
    written: {},
  });
});

test("unreadable or malformed input, exit 1, naming the file", async (t) => {
  const missing = await run(["plan", "--preview", "/nonexistent/preview.json"]);
  t.is(missing.code, 1);
  t.is(missing.err, 'dockwire plan: cannot read --preview file "/nonexistent/preview.json" (no such file): check the path.\n');
  const dir = await run(["plan", "--state", repo]);
  t.is(dir.err, `dockwire plan: cannot read --state file ${JSON.stringify(repo)} (it is a directory): check the path.\n`);
  const wrong = await run(["plan", "--state", fixture("redis-preview-same.json")]);
  t.is(wrong.code, 1);
  t.is(
    wrong.err,
    `dockwire plan: --state file ${JSON.stringify(fixture("redis-preview-same.json"))} looks like \`pulumi preview --json\` output (it has "steps"): pass it with --preview.\n`,
  );
  const text = await run(["plan", "--preview", "-"], "Previewing update (dev):\n");
  t.is(
    text.err,
    'dockwire plan: --preview standard input is not JSON (it starts with "Previewing update (dev):"): --preview takes the output of `pulumi preview --json` (run `pulumi preview --json > preview.json`).\n',
  );
  const tty = await run(["plan", "--preview", "-"], undefined, true);
  t.is(tty.code, 2);
  t.is(
    tty.err,
    `dockwire plan: --preview - reads standard input, which is a terminal: pipe the document in, e.g. \`pulumi preview --json | dockwire plan --preview -\`.${SUFFIX}`,
  );
  const out = await run(["plan", "--preview", fixture("redis-preview-same.json"), "--out", "/nonexistent/plan.md"]);
  t.is(out.code, 1);
  t.is(
    out.err,
    'dockwire plan: cannot write --out file "/nonexistent/plan.md" (its folder does not exist): give a path in an existing folder.\n',
  );
});

test("stdin, files, --format and --out: the format follows --out's extension unless given", async (t) => {
  const doc = readFileSync(fixture("redis-preview-change.json"), "utf8");
  const md = await run(["plan", "--preview", "-"], doc);
  t.is(md.code, 0);
  t.true(md.out.startsWith("## dockwire address plan: redis-cluster / dev\n"));
  const both = await run(["plan", "--preview=-", "--state", fixture("redis-export.json"), "--format=text"], doc);
  t.true(
    both.out.startsWith(
      "dockwire address plan: redis-cluster / dev\nPreview: 8 to replace, 14 unchanged. Before: the deployed state (stack export).",
    ),
  );
  const svg = await run(["plan", "--preview", fixture("lab-preview-collisions.json"), "--out", "/tmp/x/plan.svg"]);
  t.is(svg.out, "");
  t.true(svg.written["/tmp/x/plan.svg"].startsWith('<svg xmlns="http://www.w3.org/2000/svg"'));
  const forced = await run([
    "plan",
    "--preview",
    fixture("lab-preview-collisions.json"),
    "--out",
    "/tmp/x/plan.svg",
    "--format",
    "markdown",
  ]);
  t.true(forced.written["/tmp/x/plan.svg"].startsWith("## dockwire address plan: lab / dev"));
  t.deepEqual(parsePlanArgs(["--state", "s.json", "--out", "r.TXT"]), { format: "text", help: false, state: "s.json", out: "r.TXT" });
});

test("the package's launcher: node bin/dockwire.mjs plan --help prints the usage; a report from a file", (t) => {
  const bin = path.join(repo, "bin", "dockwire.mjs");
  t.is(execFileSync(process.execPath, [bin, "plan", "--help"], { encoding: "utf8", timeout: 30_000 }), PLAN_USAGE);
  const out = execFileSync(process.execPath, [bin, "plan", "--preview", fixture("redis-preview-same.json"), "--format", "text"], {
    encoding: "utf8",
    timeout: 30_000,
  });
  t.true(out.includes("redis-6    redis    172.38.0.16  -     0.0.0.0:6376->6379/tcp, 0.0.0.0:16376->16379/tcp  unchanged\n"));
  const pkg = JSON.parse(readFileSync(path.join(repo, "package.json"), "utf8"));
  t.is(pkg.bin.dockwire, "bin/dockwire.mjs");
  t.true(pkg.files.includes("bin"));
});
