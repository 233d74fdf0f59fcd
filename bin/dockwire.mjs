#!/usr/bin/env node
// The `dockwire` command of the package: a launcher for the compiled CLI in
// dist/provider/plan/cli.js (in a checkout, run `npm run build` first). An ES module, as
// the lint rules take plain JavaScript only in .mjs files.
import process from "node:process";
import cli from "../dist/provider/plan/cli.js";

cli.main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err) => {
    process.stderr.write(`dockwire: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  },
);
