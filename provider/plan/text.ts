/**
 * The address-plan report as plain text for a terminal: the same sections and tables as
 * the Markdown, columns padded to align.
 *
 * Pure module: no Pulumi imports, no I/O.
 *
 * @module
 */
import { PlanReport, Table } from "./report";

/** Width of a string in terminal columns (one per code point). */
function width(text: string): number {
  return [...text].length;
}

/** A table as aligned lines: header, a rule, the rows; `empty` when it has no rows. */
export function textTable(table: Table, empty: string): string[] {
  if (table.rows.length === 0) return [empty];
  const all = [table.headers, ...table.rows];
  const widths = table.headers.map((_, i) => Math.max(...all.map((r) => width(r[i] ?? ""))));
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c + " ".repeat(widths[i] - width(c))))
      .join("  ")
      .trimEnd();
  return [line(table.headers), line(widths.map((w) => "-".repeat(w))), ...table.rows.map(line)];
}

/** A section heading, underlined. */
function heading(title: string): string[] {
  return [title, "=".repeat(width(title))];
}

/** The report as text, ending with a newline. */
export function renderText(report: PlanReport): string {
  const out: string[] = [`dockwire address plan${report.stack === undefined ? "" : `: ${report.stack}`}`];
  out.push(report.summary === undefined ? report.source : `Preview: ${report.summary}. ${report.source}`, "");
  if (report.errors.length > 0) out.push(...heading("Preview errors"), ...report.errors.map((e) => `- ${e}`), "");
  out.push(...heading("Networks"), ...textTable(report.networks, "No Docker networks."), "");
  out.push(...heading("Container addresses and published ports"), ...textTable(report.containers, "No containers."), "");
  if (report.daemon !== undefined) out.push(...heading("Daemon ranges"), ...textTable(report.daemon, "No daemon ranges."), "");
  out.push(...heading("Collisions"));
  if (report.collisions.length === 0)
    out.push(report.summary === undefined ? "None in the deployed plan." : "None in the plan after this change.");
  else out.push(...report.collisions.map((c) => `- ${c.message}`));
  return `${out.join("\n")}\n`;
}
