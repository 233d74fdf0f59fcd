import { execFileSync } from "node:child_process";

/** The DW_* variables a DaemonConfig script's header sets, as sh reads them back. */
export function headerValues(script: string): Record<string, string> {
  const header = script.slice(0, script.indexOf("\nset -u\n"));
  const names = [...header.matchAll(/^(DW_[A-Z0-9_]+)=/gm)].map((m) => m[1]).filter((n) => n !== "DW_PY");
  const printer = names.map((n) => `printf '%s\\0%s\\0' ${n} "$${n}"`).join("; ");
  const out = execFileSync("/bin/sh", ["-c", `${header}\n${printer}`]).toString("utf8");
  const parts = out.split("\0");
  const values: Record<string, string> = {};
  for (let i = 0; i + 1 < parts.length; i += 2) values[parts[i]] = parts[i + 1];
  return values;
}

/** Decodes a base64 JSON payload of a script header. */
export function decodeB64Json(b64: string): unknown {
  return JSON.parse(Buffer.from(b64, "base64").toString("utf8"));
}
