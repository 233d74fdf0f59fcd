/**
 * The implementation behind the netns resources (NetworkNamespace, VethPair,
 * LinuxBridge, Route): check, diff, create, read, update and delete against the real
 * host, run in the Pulumi dynamic-provider process (see `../dynamic`).
 *
 * - create / update remove what the host has beyond the inputs (addresses, bridge
 *   ports), run the builders' idempotent create script (`./commands`), then read the
 *   host back: the outputs are what the host has.
 * - read runs `provider/sh/netns-observe.sh` and returns what the host has in the shape of
 *   the inputs, so `pulumi refresh` records it and the next preview shows, field by
 *   field, what `up` will put back. An object that is gone reads as deleted.
 * - diff compares the host (or the last outputs) with the inputs; it asks for a
 *   replacement (old one deleted first) only when the program changed an identity field
 *   (a name, a namespace, the destination, the SSH target), never for drift.
 * - delete runs the delete script, which succeeds when the object is gone already.
 *
 * State: inputs and outputs hold {@link Spec} fields plus `connection` (secret) and,
 * in outputs only, `applied` (the spec last applied) and `stateVersion`
 * ({@link STATE_VERSION}); later versions of this module read every earlier version.
 *
 * @module
 */
import {
  ConnectionProblem,
  SshConnection,
  connectionOf,
  connectionProblems,
  isLegacy,
  runOnHost,
  shippedScript,
  targetOf,
} from "../hostexec";
import { CommandArgError, HostRuns, linuxBridgeRuns, netnsRuns, routeRuns, validateCidrArg, vethRuns } from "./commands";
import { NameError } from "./names";
import {
  HOST_NS,
  HostView,
  LinkView,
  canonicalCidr,
  canonicalIp,
  comparableAddresses,
  findLink,
  namespacePresent,
  parseObservation,
} from "./observe";

/** Version of the state layout written by this module. */
export const STATE_VERSION = 1;

/** One end of a veth pair as the resource holds it. */
export interface EndSpec {
  namespace?: string;
  rename?: string;
  addresses: string[];
  up: boolean;
  /** Only in what was read: `false` when the end was found nowhere dockwire looks. */
  found?: boolean;
}

/** What each kind of resource manages. */
export type Spec =
  | { kind: "netns"; name: string; loopbackUp: boolean }
  | { kind: "veth"; name: string; peerName: string; ends: [EndSpec, EndSpec] }
  | { kind: "bridge"; name: string; namespace?: string; addresses: string[]; up: boolean; ports: string[] }
  | { kind: "route"; destination: string; via?: string; dev?: string; namespace?: string };

/** The resource's inputs: a spec and where it lives. */
export type Inputs = Spec & { connection?: SshConnection };
/** The resource's outputs. */
export type Outputs = Inputs & { applied: Spec; stateVersion: number };

/** Check failure in Pulumi's shape. */
export interface CheckFailure {
  property: string;
  reason: string;
}

// ---------------------------------------------------------------- spec helpers

/** The builders' runs of provider/sh/netns.sh for a spec (they validate it again). */
export function runsOf(spec: Spec): HostRuns {
  switch (spec.kind) {
    case "netns":
      return netnsRuns({ name: spec.name }, "");
    case "veth":
      return vethRuns({ name: spec.name, peerName: spec.peerName, ends: spec.ends }, "");
    case "bridge":
      return linuxBridgeRuns({ name: spec.name, namespace: spec.namespace, addresses: spec.addresses, up: spec.up, ports: spec.ports }, "");
    case "route":
      return routeRuns({ destination: spec.destination, via: spec.via, dev: spec.dev, namespace: spec.namespace }, "");
  }
}

/** The spec part of inputs or outputs (connection, applied, __provider dropped). */
export function specOf(x: Record<string, unknown>): Spec {
  const kind = x.kind;
  const opt = <T>(k: string, v: T | undefined) => (v === undefined || v === null ? {} : { [k]: v });
  switch (kind) {
    case "netns":
      return { kind, name: x.name as string, loopbackUp: x.loopbackUp !== false };
    case "veth": {
      const ends = (Array.isArray(x.ends) ? x.ends : [{}, {}]) as Record<string, unknown>[];
      const end = (e: Record<string, unknown> | undefined): EndSpec => ({
        ...opt("namespace", e?.namespace as string | undefined),
        ...opt("rename", e?.rename as string | undefined),
        addresses: Array.isArray(e?.addresses) ? (e.addresses as string[]) : [],
        up: e?.up !== false,
        ...(e?.found === false ? { found: false } : {}),
      });
      return { kind, name: x.name as string, peerName: x.peerName as string, ends: [end(ends[0]), end(ends[1])] };
    }
    case "bridge":
      return {
        kind,
        name: x.name as string,
        ...opt("namespace", x.namespace as string | undefined),
        addresses: Array.isArray(x.addresses) ? (x.addresses as string[]) : [],
        up: x.up !== false,
        ports: Array.isArray(x.ports) ? (x.ports as string[]) : [],
      };
    case "route":
      return {
        kind,
        destination: x.destination as string,
        ...opt("via", x.via as string | undefined),
        ...opt("dev", x.dev as string | undefined),
        ...opt("namespace", x.namespace as string | undefined),
      };
    default:
      throw new Error(`dockwire: unknown netns resource kind ${JSON.stringify(kind)} in the state: upgrade dockwire`);
  }
}

/** A stable id for a spec on a target. */
export function idOf(spec: Spec): string {
  switch (spec.kind) {
    case "netns":
      return `netns/${spec.name}`;
    case "veth":
      return `veth/${spec.name}/${spec.peerName}`;
    case "bridge":
      return `bridge/${spec.namespace ?? HOST_NS}/${spec.name}`;
    case "route":
      return `route/${spec.namespace ?? HOST_NS}/${spec.destination}`;
  }
}

/** The namespaces a spec's objects live in (`-` for the host). */
export function namespacesOf(spec: Spec): string[] {
  switch (spec.kind) {
    case "netns":
      return [spec.name];
    case "veth":
      return [...new Set([HOST_NS, ...spec.ends.map((e) => e.namespace ?? HOST_NS)])];
    case "bridge":
    case "route":
      return [spec.namespace ?? HOST_NS];
  }
}

// ---------------------------------------------------------------- observing

/** Reads the host for `spec` (the observe script with its namespaces as arguments). */
export async function observe(connection: SshConnection | undefined, spec: Spec): Promise<HostView> {
  const out = await runOnHost(connection, shippedScript("netns-observe.sh"), namespacesOf(spec), {
    what: `reading the host for ${idOf(spec)}`,
    timeoutMs: 60_000,
  });
  return parseObservation(out.stdout);
}

/**
 * What the host has of `spec`, in the spec's shape; `undefined` when the object is gone
 * (the namespace, the pair, the bridge or the route).
 */
export function observedSpec(spec: Spec, view: HostView): Spec | undefined {
  switch (spec.kind) {
    case "netns": {
      if (!namespacePresent(view, spec.name)) return undefined;
      const lo = findLink(view, spec.name, "lo");
      return { kind: "netns", name: spec.name, loopbackUp: lo?.up === true };
    }
    case "veth": {
      const originals = [spec.name, spec.peerName];
      const located = spec.ends.map((e, i) => locateEnd(view, spec, i, originals[i], e));
      if (located.every((l) => l === undefined)) return undefined;
      const ends = located.map((l, i): EndSpec => {
        const want = spec.ends[i];
        if (l === undefined) return { ...want, found: false };
        return {
          ...(l.ns === HOST_NS ? {} : { namespace: l.ns }),
          ...(l.link.name === originals[i] ? {} : { rename: l.link.name }),
          addresses: comparableAddresses(l.link, want.addresses),
          up: l.link.up,
        };
      }) as [EndSpec, EndSpec];
      return { kind: "veth", name: spec.name, peerName: spec.peerName, ends };
    }
    case "bridge": {
      const ns = spec.namespace ?? HOST_NS;
      const link = findLink(view, ns, spec.name);
      if (link === undefined || link.kind !== "bridge") return undefined;
      const v = view.get(ns);
      const attached = v === undefined || v === "absent" ? [] : v.links.filter((l) => l.master === spec.name).map((l) => l.name);
      const ports = [...spec.ports.filter((p) => attached.includes(p)), ...attached.filter((p) => !spec.ports.includes(p))];
      return {
        kind: "bridge",
        name: spec.name,
        ...(spec.namespace === undefined ? {} : { namespace: spec.namespace }),
        addresses: comparableAddresses(link, spec.addresses),
        up: link.up,
        ports,
      };
    }
    case "route": {
      const ns = spec.namespace ?? HOST_NS;
      const v = view.get(ns);
      if (v === undefined || v === "absent") return undefined;
      const family = routeFamily(spec);
      const dest = spec.destination === "default" ? "default" : canonicalCidr(spec.destination);
      const r = v.routes.find((x) => x.family === family && canonicalCidr(x.destination) === dest);
      if (r === undefined) return undefined;
      return {
        kind: "route",
        destination: spec.destination,
        ...(r.gateway === undefined ? {} : { via: sameIpText(spec.via, r.gateway) }),
        ...(spec.dev === undefined || r.dev === undefined ? {} : { dev: r.dev }),
        ...(spec.namespace === undefined ? {} : { namespace: spec.namespace }),
      };
    }
  }
}

/** The gateway as the user wrote it when it is the same address. */
function sameIpText(wanted: string | undefined, got: string): string {
  return wanted !== undefined && canonicalIp(wanted) === canonicalIp(got) ? wanted : got;
}

function routeFamily(spec: Extract<Spec, { kind: "route" }>): 4 | 6 {
  if (spec.destination !== "default") return validateCidrArg(spec.destination, "destination").family;
  return spec.via !== undefined && spec.via.includes(":") ? 6 : 4;
}

/** Where end `i` is: its final place, then where the create script may have left it. */
function locateEnd(view: HostView, spec: Extract<Spec, { kind: "veth" }>, i: number, original: string, e: EndSpec) {
  const final = e.rename ?? original;
  const ns = e.namespace ?? HOST_NS;
  const other = spec.ends[1 - i];
  const otherFinal = other.rename ?? (i === 0 ? spec.peerName : spec.name);
  const otherInHostAs = (other.namespace ?? HOST_NS) === HOST_NS ? otherFinal : undefined;
  const places: [string, string][] = [
    [ns, final],
    [ns, original],
    [HOST_NS, original],
  ];
  if (ns !== HOST_NS && otherInHostAs !== final) places.push([HOST_NS, final]);
  for (const [n, name] of places) {
    const link = findLink(view, n, name);
    if (link !== undefined && link.kind === "veth") return { ns: n, link };
  }
  return undefined;
}

// ---------------------------------------------------------------- comparing

/** A difference between what is (or was applied) and what is wanted. */
export interface FieldDiff {
  /** Property path, e.g. `ends[0].addresses`. */
  path: string;
  /** True when a change of it in the program replaces the object. */
  identity: boolean;
}

const sameSet = (a: readonly string[], b: readonly string[], canon: (s: string) => string = (s) => s) => {
  const x = a.map(canon).sort();
  const y = b.map(canon).sort();
  return x.length === y.length && x.every((v, i) => v === y[i]);
};

/** The fields in which `have` differs from `want` (both of the same kind). */
export function compareSpecs(have: Spec, want: Spec): FieldDiff[] {
  const out: FieldDiff[] = [];
  const d = (p: string, identity: boolean, differs: boolean) => differs && out.push({ path: p, identity });
  if (have.kind !== want.kind) return [{ path: "kind", identity: true }];
  switch (want.kind) {
    case "netns": {
      const h = have as typeof want;
      d("name", true, h.name !== want.name);
      d("loopbackUp", false, h.loopbackUp !== want.loopbackUp);
      break;
    }
    case "veth": {
      const h = have as typeof want;
      d("name", true, h.name !== want.name);
      d("peerName", true, h.peerName !== want.peerName);
      want.ends.forEach((w, i) => {
        const e = h.ends[i];
        d(`ends[${i}].found`, false, e.found === false);
        if (e.found === false) return;
        d(`ends[${i}].namespace`, true, e.namespace !== w.namespace);
        d(`ends[${i}].rename`, true, e.rename !== w.rename);
        d(`ends[${i}].addresses`, false, !sameSet(e.addresses, w.addresses, canonicalCidr));
        d(`ends[${i}].up`, false, e.up !== w.up);
      });
      break;
    }
    case "bridge": {
      const h = have as typeof want;
      d("name", true, h.name !== want.name);
      d("namespace", true, h.namespace !== want.namespace);
      d("addresses", false, !sameSet(h.addresses, want.addresses, canonicalCidr));
      d("up", false, h.up !== want.up);
      d("ports", false, !sameSet(h.ports, want.ports));
      break;
    }
    case "route": {
      const h = have as typeof want;
      const canonDest = (s: string) => (s === "default" ? s : canonicalCidr(s));
      d("destination", true, canonDest(h.destination) !== canonDest(want.destination));
      d("namespace", true, h.namespace !== want.namespace);
      d(
        "via",
        false,
        (h.via === undefined ? undefined : canonicalIp(h.via)) !== (want.via === undefined ? undefined : canonicalIp(want.via)),
      );
      d("dev", false, want.dev !== undefined && h.dev !== want.dev);
      break;
    }
  }
  return out;
}

/** Pulumi's diff result of a dynamic provider. */
export interface DiffResult {
  changes: boolean;
  replaces: string[];
  deleteBeforeReplace: boolean;
}

/**
 * The diff of the last outputs (what the host had at the last read, create or update)
 * with the inputs. Replaces only for identity fields the program changed (compared with
 * `applied`) and for a new SSH target; drift in any field is an in-place update.
 */
export function diffState(olds: Record<string, unknown>, news: Record<string, unknown>): DiffResult {
  // State of the @pulumi/command Command this resource replaced (taken over by alias): an
  // update runs the idempotent create script, which adopts what the old one made.
  if (isLegacy(olds)) return { changes: true, replaces: [], deleteBeforeReplace: true };
  const want = specOf(news);
  const have = specOf(olds);
  const applied = olds.applied === undefined ? have : specOf(olds.applied as Record<string, unknown>);
  const replaces = compareSpecs(applied, want)
    .filter((f) => f.identity)
    .map((f) => f.path);
  if (targetOf(connectionOf(olds)) !== targetOf(connectionOf(news))) replaces.push("connection");
  const drift = compareSpecs(have, want).map((f) => f.path);
  const changes = replaces.length > 0 || drift.length > 0 || compareSpecs(applied, want).length > 0;
  return { changes, replaces, deleteBeforeReplace: true };
}

// ---------------------------------------------------------------- check

/** Check: the same validation as the components (for inputs that were unknown then), plus the connection. */
export function checkInputs(news: Record<string, unknown>): CheckFailure[] {
  const failures: CheckFailure[] = connectionProblems(news.connection).map((p: ConnectionProblem) => ({
    property: p.property,
    reason: p.reason,
  }));
  try {
    runsOf(specOf(news));
  } catch (e) {
    if (e instanceof NameError || e instanceof CommandArgError) failures.push({ property: e.field || "kind", reason: e.message });
    else failures.push({ property: "kind", reason: (e as Error).message });
  }
  return failures;
}

// ---------------------------------------------------------------- applying

/** Removes what the host has beyond `spec`: addresses of its interfaces, ports of its bridge. */
async function prune(connection: SshConnection | undefined, spec: Spec, view: HostView): Promise<number> {
  const steps: string[][] = [];
  const extraAddresses = (ns: string, link: LinkView | undefined, wanted: readonly string[]) => {
    if (link === undefined) return;
    const want = wanted.map(canonicalCidr);
    for (const a of comparableAddresses(link, wanted)) {
      if (!want.includes(canonicalCidr(a))) steps.push(["addr-del", ns, link.name, a]);
    }
  };
  if (spec.kind === "veth") {
    spec.ends.forEach((e, i) => {
      const ns = e.namespace ?? HOST_NS;
      extraAddresses(ns, findLink(view, ns, e.rename ?? (i === 0 ? spec.name : spec.peerName)), e.addresses);
    });
  } else if (spec.kind === "bridge") {
    const ns = spec.namespace ?? HOST_NS;
    extraAddresses(ns, findLink(view, ns, spec.name), spec.addresses);
    const v = view.get(ns);
    if (v !== undefined && v !== "absent") {
      for (const l of v.links) if (l.master === spec.name && !spec.ports.includes(l.name)) steps.push(["nomaster", ns, l.name]);
    }
  }
  for (const step of steps) {
    await runOnHost(connection, shippedScript("netns-fix.sh"), step, { what: `${idOf(spec)}: ${step.join(" ")}` });
  }
  return steps.length;
}

/** Runs the create script, prunes, reads back; the outputs. */
async function apply(news: Record<string, unknown>): Promise<{ id: string; outs: Outputs }> {
  const spec = specOf(news);
  const connection = connectionOf(news);
  const runs = runsOf(spec);
  // Extra addresses go first: deleting an IPv4 address also deletes the secondary
  // addresses of its subnet, so pruning after adding the new one would drop it too.
  await prune(connection, spec, await observe(connection, spec));
  await runOnHost(connection, shippedScript(runs.create.script), runs.create.args, { what: `${idOf(spec)}: create` });
  const seen = observedSpec(spec, await observe(connection, spec));
  if (seen === undefined) {
    throw new Error(`dockwire: ${idOf(spec)}: the create script succeeded but the host does not show the object afterwards`);
  }
  const outs: Outputs = { ...seen, ...(connection === undefined ? {} : { connection }), applied: spec, stateVersion: STATE_VERSION };
  return { id: idOf(spec), outs };
}

/** The provider object the dynamic-provider host calls (see `../dynamic`). */
export const provider = {
  check(_olds: Record<string, unknown>, news: Record<string, unknown>) {
    return Promise.resolve({ inputs: news, failures: checkInputs(news) });
  },
  diff(_id: string, olds: Record<string, unknown>, news: Record<string, unknown>) {
    return Promise.resolve(diffState(olds, news));
  },
  create(inputs: Record<string, unknown>) {
    return apply(inputs);
  },
  async update(_id: string, _olds: Record<string, unknown>, news: Record<string, unknown>) {
    return { outs: (await apply(news)).outs };
  },
  async read(id: string, props: Record<string, unknown>) {
    // A Command taken over but not yet updated: nothing to compare with until the next up.
    if (isLegacy(props)) return { id, props };
    const applied = specOf((props.applied ?? props) as Record<string, unknown>);
    const connection = connectionOf(props);
    const seen = observedSpec(applied, await observe(connection, applied));
    if (seen === undefined) return { id: "", props: {} };
    const conn = connection === undefined ? {} : { connection };
    return { id, props: { ...seen, ...conn, applied, stateVersion: STATE_VERSION }, inputs: { ...seen, ...conn } };
  },
  async delete(_id: string, props: Record<string, unknown>) {
    if (isLegacy(props)) {
      await runOnHost(connectionOf(props), props.delete as string, [], { what: "delete (the script of a dockwire 0.1 command)" });
      return;
    }
    const applied = specOf((props.applied ?? props) as Record<string, unknown>);
    const del = runsOf(applied).delete;
    await runOnHost(connectionOf(props), shippedScript(del.script), del.args, { what: `${idOf(applied)}: delete` });
  },
};
