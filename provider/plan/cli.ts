/**
 * `dockwire plan`: the address-plan report of a stack's change, from `pulumi preview --json`
 * and/or `pulumi stack export`, as Markdown (a pull-request comment), an SVG map or text.
 * `bin/dockwire.mjs` calls {@link main}; everything it reads and writes goes through
 * {@link CliIo}, so tests run it without a process.
 *
 * Exit status: 0 on success, 1 when an input cannot be read or is malformed, 2 on a usage
 * error. Messages go to stderr, start with `dockwire plan:` and name the flag or file and
 * the fix.
 *
 * @module
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { renderMarkdown } from "./markdown";
import { PlanInputError, PreviewDoc, ResourceState, parsePreview, parseStackExport, transition } from "./pulumi-json";
import { buildReport } from "./report";
import { renderSvg } from "./svg";
import { renderText } from "./text";

/** The output formats. */
export const FORMATS = ["markdown", "svg", "text"] as const;
/** An output format. */
export type PlanFormat = (typeof FORMATS)[number];

/** Usage of `dockwire plan`. */
export const PLAN_USAGE = `Usage: dockwire plan --preview FILE [--state FILE] [--format markdown|svg|text] [--out FILE]
       dockwire plan --state FILE [--format ...] [--out FILE]

Renders the address plan of a stack before and after a change: networks (subnet,
gateway, ip-range, aux addresses), container addresses and published ports, the daemon's
ranges (DaemonConfig), and the collisions of the plan after the change (overlapping
ranges, host ports published twice, static addresses given twice).

Options:
  --preview FILE   output of \`pulumi preview --json\` (the AFTER plan; its old states are
                   the BEFORE plan unless --state is given); - reads standard input
  --state FILE     output of \`pulumi stack export\` (the deployed BEFORE plan); alone, the
                   report shows the deployed plan
  --format FORMAT  markdown (default; for a pull-request comment), svg (a map of the
                   address space after the change) or text (for a terminal); by default
                   taken from --out's extension (.md, .svg, .txt)
  --out FILE       write the report to FILE instead of standard output
  -h, --help       print this help

Examples:
  pulumi preview --json | dockwire plan --preview - --format text
  pulumi stack export > state.json && pulumi preview --json > preview.json
  dockwire plan --preview preview.json --state state.json --out plan.md
`;

/** Usage of `dockwire`. */
export const USAGE = `Usage: dockwire COMMAND [OPTIONS]

Commands:
  plan   the address-plan report of a stack's change (dockwire plan --help)

Options:
  -h, --help     print this help
  --version      print dockwire's version
`;

/** What the CLI reads and writes. */
export interface CliIo {
  readFile(file: string): string;
  writeFile(file: string, text: string): void;
  readStdin(): Promise<string>;
  stdinIsTty: boolean;
  stdout(text: string): void;
  stderr(text: string): void;
}

/** The arguments of `dockwire plan`, checked. */
export interface PlanArgs {
  preview?: string;
  state?: string;
  format: PlanFormat;
  out?: string;
  help: boolean;
}

/** A usage error: the message names the flag and the fix. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

const VALUE_HINT: Record<string, string> = {
  "--preview": "give a file written by `pulumi preview --json`, or - for standard input",
  "--state": "give a file written by `pulumi stack export`, or - for standard input",
  "--format": "give markdown, svg or text",
  "--out": "give the file to write the report to",
};

const EXTENSION_FORMAT: Record<string, PlanFormat> = { ".md": "markdown", ".markdown": "markdown", ".svg": "svg", ".txt": "text" };

/**
 * Parses `dockwire plan`'s arguments (`--flag VALUE` or `--flag=VALUE`).
 * @throws UsageError naming the flag and the fix
 */
export function parsePlanArgs(argv: readonly string[]): PlanArgs {
  const given: Record<string, string> = {};
  let help = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "-h" || arg === "--help") {
      help = true;
      continue;
    }
    const eq = arg.indexOf("=");
    const flag = arg.startsWith("--") && eq > 0 ? arg.slice(0, eq) : arg;
    if (!(flag in VALUE_HINT)) {
      if (arg.startsWith("-") && arg !== "-") {
        throw new UsageError(`unknown option ${JSON.stringify(arg)}: use --preview, --state, --format, --out or --help.`);
      }
      throw new UsageError(
        `unexpected argument ${JSON.stringify(arg)}: name the input with a flag, e.g. --preview ${arg} (\`pulumi preview --json\` output) or --state ${arg} (\`pulumi stack export\` output).`,
      );
    }
    let value: string | undefined;
    if (flag !== arg) value = arg.slice(eq + 1);
    else {
      const next = argv[i + 1];
      if (next !== undefined && (next === "-" || !next.startsWith("-"))) {
        value = next;
        i++;
      }
    }
    if (value === undefined || value === "") throw new UsageError(`${flag} needs a value: ${VALUE_HINT[flag]}.`);
    if (flag in given) throw new UsageError(`${flag} is given twice: give it once.`);
    given[flag] = value;
  }
  const out: PlanArgs = { format: "markdown", help };
  if (help) return out;
  if (given["--format"] !== undefined) {
    const f = given["--format"];
    if (!(FORMATS as readonly string[]).includes(f))
      throw new UsageError(`--format ${JSON.stringify(f)} is not a format: use markdown, svg or text.`);
    out.format = f as PlanFormat;
  } else if (given["--out"] !== undefined) {
    out.format = EXTENSION_FORMAT[path.extname(given["--out"]).toLowerCase()] ?? "markdown";
  }
  if (given["--preview"] === undefined && given["--state"] === undefined) {
    throw new UsageError(
      "nothing to read: give --preview FILE (`pulumi preview --json` output, - for standard input) and/or --state FILE (`pulumi stack export` output).",
    );
  }
  if (given["--preview"] === "-" && given["--state"] === "-") {
    throw new UsageError("--preview and --state cannot both read standard input: give one of them a file.");
  }
  if (given["--preview"] !== undefined) out.preview = given["--preview"];
  if (given["--state"] !== undefined) out.state = given["--state"];
  if (given["--out"] !== undefined) {
    if (given["--out"] === "-") throw new UsageError("--out - is not needed: leave --out out to write to standard output.");
    out.out = given["--out"];
  }
  return out;
}

/** Reads one input (a file, or standard input for `-`); `flag` names it in messages. */
async function readInput(io: CliIo, flag: string, file: string): Promise<{ text: string; label: string }> {
  if (file === "-") {
    if (io.stdinIsTty) {
      throw new UsageError(
        `${flag} - reads standard input, which is a terminal: pipe the document in, e.g. \`pulumi preview --json | dockwire plan ${flag} -\`.`,
      );
    }
    return { text: await io.readStdin(), label: `${flag} standard input` };
  }
  try {
    return { text: io.readFile(file), label: `${flag} file ${JSON.stringify(file)}` };
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === "ENOENT" ? "no such file" : code === "EISDIR" ? "it is a directory" : (e as Error).message;
    throw new PlanInputError(`cannot read ${flag} file ${JSON.stringify(file)} (${why}): check the path.`);
  }
}

/** Renders the report the arguments ask for. */
export async function runPlan(args: PlanArgs, io: CliIo): Promise<string> {
  let preview: PreviewDoc | undefined;
  let state: ResourceState[] | undefined;
  if (args.preview !== undefined) {
    const input = await readInput(io, "--preview", args.preview);
    preview = parsePreview(input.text, input.label);
  }
  if (args.state !== undefined) {
    const input = await readInput(io, "--state", args.state);
    state = parseStackExport(input.text, input.label);
  }
  const report = buildReport(transition(preview, state));
  return args.format === "svg" ? renderSvg(report) : args.format === "text" ? renderText(report) : renderMarkdown(report);
}

/** Writes the report to `--out`'s file. */
function writeOutput(io: CliIo, file: string, text: string): void {
  try {
    io.writeFile(file, text);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === "ENOENT" ? "its folder does not exist" : code === "EISDIR" ? "it is a directory" : (e as Error).message;
    throw new PlanInputError(`cannot write --out file ${JSON.stringify(file)} (${why}): give a path in an existing folder.`);
  }
}

/** The process's own I/O. */
export function processIo(): CliIo {
  return {
    readFile: (file) => fs.readFileSync(file, "utf8"),
    writeFile: (file, text) => fs.writeFileSync(file, text),
    readStdin: () =>
      new Promise((resolve, reject) => {
        const chunks: string[] = [];
        process.stdin.setEncoding("utf8");
        process.stdin.on("data", (c: string) => chunks.push(c));
        process.stdin.on("end", () => resolve(chunks.join("")));
        process.stdin.on("error", reject);
      }),
    stdinIsTty: process.stdin.isTTY === true,
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
  };
}

/** dockwire's version, from the package.json beside dist/. */
function version(): string {
  try {
    const pkg = JSON.parse(fs.readFileSync(path.resolve(__dirname, "../../../package.json"), "utf8")) as { version?: unknown };
    return typeof pkg.version === "string" ? pkg.version : "unknown";
  } catch {
    return "unknown";
  }
}

/**
 * The `dockwire` command: `argv` without the node and script paths. Resolves with the
 * exit status.
 */
export async function main(argv: readonly string[], io: CliIo = processIo()): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined) {
    io.stderr(USAGE);
    return 2;
  }
  if (command === "-h" || command === "--help" || command === "help") {
    io.stdout(rest[0] === "plan" ? PLAN_USAGE : USAGE);
    return 0;
  }
  if (command === "--version") {
    io.stdout(`${version()}\n`);
    return 0;
  }
  if (command !== "plan") {
    io.stderr(`dockwire: unknown command ${JSON.stringify(command)}: the command is plan (dockwire plan --help).\n`);
    return 2;
  }
  try {
    const args = parsePlanArgs(rest);
    if (args.help) {
      io.stdout(PLAN_USAGE);
      return 0;
    }
    const output = await runPlan(args, io);
    if (args.out === undefined) io.stdout(output);
    else writeOutput(io, args.out, output);
    return 0;
  } catch (e) {
    if (e instanceof UsageError) {
      io.stderr(`dockwire plan: ${e.message}\nRun dockwire plan --help for the usage.\n`);
      return 2;
    }
    if (e instanceof PlanInputError) {
      io.stderr(`dockwire plan: ${e.message}\n`);
      return 1;
    }
    throw e;
  }
}
