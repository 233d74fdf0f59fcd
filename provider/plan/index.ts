/**
 * `dockwire plan`'s pure core: a stack's address plan BEFORE and AFTER a change, read from
 * `pulumi preview --json` and `pulumi stack export` ({@link ./pulumi-json}, {@link ./model}),
 * compared ({@link ./report}), checked for collisions ({@link ./collisions}) and rendered as
 * Markdown, text or an SVG map. The command itself is `./cli` (`bin/dockwire.mjs`).
 *
 * @module
 */
export * from "./values";
export * from "./pulumi-json";
export * from "./model";
export * from "./collisions";
export * from "./report";
export * from "./markdown";
export * from "./text";
export * from "./svg";
