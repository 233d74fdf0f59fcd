/**
 * The address-plan report as Markdown, for a pull-request comment: a heading, the preview's
 * summary, then the Networks, Container addresses and published ports, Daemon ranges (when
 * the stack has a DaemonConfig) and Collisions sections. Deterministic: the same documents
 * give the same text, byte for byte.
 *
 * Pure module: no Pulumi imports, no I/O.
 *
 * @module
 */
import { PlanReport, Table } from "./report";

/** A table cell: `\` and `|` escaped, `<` as an entity (no HTML), line breaks as spaces. */
export function markdownCell(text: string): string {
  return text.replace(/\r?\n/g, " ").replace(/\\/g, "\\\\").replace(/\|/g, "\\|").replace(/</g, "&lt;");
}

/** A table, or `empty` as a sentence when it has no rows. */
export function markdownTable(table: Table, empty: string): string[] {
  if (table.rows.length === 0) return [empty];
  const line = (cells: readonly string[]) => `| ${cells.map(markdownCell).join(" | ")} |`;
  return [line(table.headers), line(table.headers.map(() => "---")), ...table.rows.map(line)];
}

/** The report as Markdown, ending with a newline. */
export function renderMarkdown(report: PlanReport): string {
  const out: string[] = [`## dockwire address plan${report.stack === undefined ? "" : `: ${markdownCell(report.stack)}`}`, ""];
  out.push(report.summary === undefined ? report.source : `Preview: ${report.summary}. ${report.source}`, "");
  if (report.errors.length > 0) {
    out.push("### Preview errors", "", ...report.errors.map((e) => `- ${markdownCell(e)}`), "");
  }
  out.push("### Networks", "", ...markdownTable(report.networks, "No Docker networks."), "");
  out.push("### Container addresses and published ports", "", ...markdownTable(report.containers, "No containers."), "");
  if (report.daemon !== undefined) out.push("### Daemon ranges", "", ...markdownTable(report.daemon, "No daemon ranges."), "");
  out.push("### Collisions", "");
  if (report.collisions.length === 0)
    out.push(report.summary === undefined ? "None in the deployed plan." : "None in the plan after this change.");
  else out.push(...report.collisions.map((c) => `- ${markdownCell(c.message)}`));
  return `${out.join("\n")}\n`;
}
