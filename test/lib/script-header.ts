import { execFileSync } from "node:child_process";

/** The words of a command line, as sh reads them. */
export function shWords(commandLine: string): string[] {
  const out = execFileSync("/bin/sh", ["-c", `printf '%s\\0' ${commandLine}`]).toString("utf8");
  return out.split("\0").slice(0, -1);
}

/**
 * The DW_* variables a DaemonConfig command line (`exec env DW_...=... sh -c SCRIPT dockwire`)
 * gives its script, as sh reads them back (DW_PY, the helper's text, left out).
 */
export function headerValues(commandLine: string): Record<string, string> {
  const words = shWords(commandLine);
  const values: Record<string, string> = {};
  for (const w of words.slice(words.indexOf("env") + 1, words.indexOf("sh"))) {
    const m = /^(DW_[A-Z0-9_]+)=([\s\S]*)$/.exec(w);
    if (m && m[1] !== "DW_PY") values[m[1]] = m[2];
  }
  return values;
}

/** Decodes a base64 JSON payload of a script header. */
export function decodeB64Json(b64: string): unknown {
  return JSON.parse(Buffer.from(b64, "base64").toString("utf8"));
}
