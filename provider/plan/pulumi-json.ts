/**
 * The two Pulumi JSON documents `dockwire plan` reads, and the BEFORE and AFTER resource
 * lists they describe:
 *
 * - `pulumi preview --json`: `{ steps: [{ op, urn, oldState?, newState? }], changeSummary,
 *   diagnostics }`, each state `{ urn, type, inputs, outputs, parent }`;
 * - `pulumi stack export`: `{ version, deployment: { resources: [{ urn, type, inputs,
 *   outputs, parent, delete? }] } }`.
 *
 * BEFORE is the deployed state: the stack export when given, else the steps' `oldState`.
 * AFTER is each step's `newState` (a `same` step without one keeps its old state); deleted
 * resources are gone from it, and resources of the export the preview does not mention
 * (a `--target`ed preview) stay as they are.
 *
 * Pure module: no Pulumi imports, no I/O.
 *
 * @module
 */
import { JsonObject, isObject, naturalCompare } from "./values";

/** One resource as both documents record it. */
export interface ResourceState {
  /** The resource's URN. */
  urn: string;
  /** Its type token, e.g. `docker:index/network:Network`. */
  type: string;
  /** The inputs the program gave it. */
  inputs: JsonObject;
  /** What the provider returned (after a refresh: what the host has). */
  outputs: JsonObject;
  /** The parent's URN, if any. */
  parent?: string;
}

/** A `pulumi preview --json` document, checked. */
export interface PreviewDoc {
  steps: { op: string; urn: string; oldState?: ResourceState; newState?: ResourceState }[];
  /** `changeSummary`: count per operation. */
  changeSummary: Record<string, number>;
  /** Messages of the diagnostics of severity `error`. */
  errors: string[];
}

/** Where BEFORE and AFTER come from, and what the engine plans to do. */
export interface Transition {
  before: ResourceState[];
  after: ResourceState[];
  /** Stack and project, from the first URN. */
  stack?: string;
  project?: string;
  /** The preview's change summary in display order (`create`, `update`, `replace`, `delete`, `same`, others), or undefined without a preview. */
  summary?: [string, number][];
  /** Error diagnostics of the preview. */
  errors: string[];
  /** Which documents were read. */
  source: "preview" | "state" | "both";
}

/** A malformed input document: the message names the file and what was expected. */
export class PlanInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "PlanInputError";
  }
}

const PREVIEW_HINT = "--preview takes the output of `pulumi preview --json` (run `pulumi preview --json > preview.json`)";
const STATE_HINT = "--state takes the output of `pulumi stack export` (run `pulumi stack export > state.json`)";

/** Parses JSON text, failing with a message that names `label` and quotes how the text starts. */
function parseJson(text: string, label: string, hint: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    const head = text.trim().split("\n")[0].slice(0, 40);
    const shown = head === "" ? "it is empty" : `it starts with ${JSON.stringify(head)}`;
    throw new PlanInputError(`${label} is not JSON (${shown}): ${hint}.`);
  }
}

/** Parses the first two `::`-separated fields after `urn:pulumi:` (stack, project). */
export function urnParts(urn: string): { stack: string; project: string; type: string; name: string } | undefined {
  const m = /^urn:pulumi:([^:]*)::([^:]*)::([^:]+(?::[^:]+)*)::(.*)$/s.exec(urn);
  if (!m) return undefined;
  const chain = m[3].split("$");
  return { stack: m[1], project: m[2], type: chain[chain.length - 1], name: m[4] };
}

/** A resource state object, checked; `where` names it in messages (`steps[3].newState`). */
function resourceState(v: unknown, label: string, where: string, hint: string): ResourceState {
  if (!isObject(v)) throw new PlanInputError(`${label}: ${where} is not an object: ${hint}.`);
  if (typeof v.urn !== "string" || v.urn === "") throw new PlanInputError(`${label}: ${where} has no "urn" string: ${hint}.`);
  if (typeof v.type !== "string" || v.type === "") throw new PlanInputError(`${label}: ${where} has no "type" string: ${hint}.`);
  const out: ResourceState = {
    urn: v.urn,
    type: v.type,
    inputs: isObject(v.inputs) ? v.inputs : {},
    outputs: isObject(v.outputs) ? v.outputs : {},
  };
  if (typeof v.parent === "string" && v.parent !== "") out.parent = v.parent;
  return out;
}

/**
 * Reads a `pulumi preview --json` document.
 * @param text the file's content
 * @param label how messages name it, e.g. `--preview file "preview.json"`
 * @throws PlanInputError naming `label` and what is expected
 */
export function parsePreview(text: string, label: string): PreviewDoc {
  const doc = parseJson(text, label, PREVIEW_HINT);
  if (!isObject(doc)) throw new PlanInputError(`${label} is JSON but not an object: ${PREVIEW_HINT}.`);
  if (doc.steps === undefined && isObject(doc.deployment)) {
    throw new PlanInputError(`${label} looks like \`pulumi stack export\` output (it has "deployment", no "steps"): pass it with --state.`);
  }
  if (doc.steps === undefined && !isObject(doc.changeSummary)) {
    throw new PlanInputError(`${label} has no "steps" array: ${PREVIEW_HINT}.`);
  }
  if (doc.steps !== undefined && !Array.isArray(doc.steps)) {
    throw new PlanInputError(`${label}: "steps" is not an array: ${PREVIEW_HINT}.`);
  }
  const rawSteps: unknown[] = Array.isArray(doc.steps) ? (doc.steps as unknown[]) : [];
  const steps = rawSteps.map((s, i) => {
    const where = `steps[${i}]`;
    if (!isObject(s)) throw new PlanInputError(`${label}: ${where} is not an object: ${PREVIEW_HINT}.`);
    if (typeof s.op !== "string" || s.op === "") throw new PlanInputError(`${label}: ${where} has no "op" string: ${PREVIEW_HINT}.`);
    if (typeof s.urn !== "string" || s.urn === "") throw new PlanInputError(`${label}: ${where} has no "urn" string: ${PREVIEW_HINT}.`);
    const step: PreviewDoc["steps"][number] = { op: s.op, urn: s.urn };
    if (s.oldState !== undefined && s.oldState !== null)
      step.oldState = resourceState(s.oldState, label, `${where}.oldState`, PREVIEW_HINT);
    if (s.newState !== undefined && s.newState !== null)
      step.newState = resourceState(s.newState, label, `${where}.newState`, PREVIEW_HINT);
    return step;
  });
  const changeSummary: Record<string, number> = {};
  if (isObject(doc.changeSummary)) {
    for (const [op, n] of Object.entries(doc.changeSummary)) if (typeof n === "number") changeSummary[op] = n;
  }
  const errors: string[] = [];
  if (Array.isArray(doc.diagnostics)) {
    for (const d of doc.diagnostics as unknown[]) {
      if (isObject(d) && d.severity === "error" && typeof d.message === "string") errors.push(d.message.trim());
    }
  }
  return { steps, changeSummary, errors };
}

/**
 * Reads a `pulumi stack export` document (also a bare deployment, `{ resources: [...] }`).
 * Resources pending deletion (`delete: true`) are left out.
 * @throws PlanInputError naming `label` and what is expected
 */
export function parseStackExport(text: string, label: string): ResourceState[] {
  const doc = parseJson(text, label, STATE_HINT);
  if (!isObject(doc)) throw new PlanInputError(`${label} is JSON but not an object: ${STATE_HINT}.`);
  if (Array.isArray(doc.steps)) {
    throw new PlanInputError(`${label} looks like \`pulumi preview --json\` output (it has "steps"): pass it with --preview.`);
  }
  const deployment = isObject(doc.deployment) ? doc.deployment : Array.isArray(doc.resources) ? doc : undefined;
  if (deployment === undefined) {
    throw new PlanInputError(`${label} has no "deployment" object with "resources": ${STATE_HINT}.`);
  }
  if (deployment.resources === undefined || deployment.resources === null) return []; // a stack with no resources yet
  if (!Array.isArray(deployment.resources)) {
    throw new PlanInputError(`${label}: "deployment.resources" is not an array: ${STATE_HINT}.`);
  }
  const out: ResourceState[] = [];
  (deployment.resources as unknown[]).forEach((r, i) => {
    const state = resourceState(r, label, `deployment.resources[${i}]`, STATE_HINT);
    if (isObject(r) && r.delete === true) return;
    out.push(state);
  });
  return out;
}

/** Ops after which the resource no longer exists. */
const GONE = new Set(["delete", "discard", "read-discard", "delete-replaced", "remove-pending-replace"]);
/** Display order of the change summary. */
const SUMMARY_ORDER = ["create", "update", "replace", "delete", "same"];

/** The change summary in display order: known ops first, then the others by name; zero counts left out. */
function orderedSummary(summary: Record<string, number>): [string, number][] {
  const rank = (op: string) => (SUMMARY_ORDER.includes(op) ? SUMMARY_ORDER.indexOf(op) : SUMMARY_ORDER.length);
  return Object.entries(summary)
    .filter(([, n]) => n > 0)
    .sort(([a], [b]) => rank(a) - rank(b) || naturalCompare(a, b));
}

/**
 * BEFORE and AFTER of a preview and/or a stack export (see the module comment).
 * @throws PlanInputError when neither is given
 */
export function transition(preview: PreviewDoc | undefined, state: ResourceState[] | undefined): Transition {
  if (preview === undefined && state === undefined) {
    throw new PlanInputError("nothing to read: give a `pulumi preview --json` document, a `pulumi stack export` document, or both.");
  }
  const before = new Map<string, ResourceState>();
  const after = new Map<string, ResourceState>();
  if (state !== undefined) for (const r of state) before.set(r.urn, r);
  if (preview !== undefined) {
    const mentioned = new Set<string>();
    const gone = new Set<string>();
    for (const step of preview.steps) {
      mentioned.add(step.urn);
      if (state === undefined && step.oldState !== undefined && !before.has(step.urn)) before.set(step.urn, step.oldState);
      if (GONE.has(step.op)) {
        if (step.op !== "delete-replaced" && step.op !== "remove-pending-replace") gone.add(step.urn);
        continue;
      }
      const next = step.newState ?? step.oldState ?? before.get(step.urn);
      if (next !== undefined) {
        after.set(step.urn, next);
        gone.delete(step.urn);
      }
    }
    for (const urn of gone) after.delete(urn);
    // Deployed resources the preview does not mention (a targeted preview) stay as they are.
    for (const [urn, r] of before) if (!mentioned.has(urn)) after.set(urn, r);
  } else {
    for (const [urn, r] of before) after.set(urn, r);
  }
  const first = [...before.keys(), ...after.keys()].map(urnParts).find((p) => p !== undefined);
  const out: Transition = {
    before: [...before.values()],
    after: [...after.values()],
    errors: preview?.errors ?? [],
    source: preview === undefined ? "state" : state === undefined ? "preview" : "both",
  };
  if (first !== undefined) {
    out.stack = first.stack;
    out.project = first.project;
  }
  if (preview !== undefined) {
    const counted = Object.keys(preview.changeSummary).length > 0 ? preview.changeSummary : countOps(preview);
    out.summary = orderedSummary(counted);
  }
  return out;
}

/** Counts steps per op when the document has no change summary (replacement sub-steps not counted). */
function countOps(preview: PreviewDoc): Record<string, number> {
  const out: Record<string, number> = {};
  for (const s of preview.steps) {
    if (s.op === "create-replacement" || s.op === "delete-replaced") continue;
    out[s.op] = (out[s.op] ?? 0) + 1;
  }
  return out;
}
