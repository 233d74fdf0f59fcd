/**
 * Parser for `docker run -p` / `--publish` port specs, producing the entries
 * of `@pulumi/docker`'s `Container` `ports` argument
 * (`docker.types.input.ContainerPort`).
 *
 * Pure module: no runtime Pulumi imports, no I/O.
 *
 * ## Accepted syntax (what `docker run -p` accepts)
 *
 * Docker's CLI turns each `-p` value into port bindings with
 * `nat.ParsePortSpec` (docker/go-connections), after rewriting the long form
 * `published=8080,target=80,protocol=udp` to `8080:80/udp`. This module accepts
 * the same forms:
 *
 * | spec                         | meaning                                              |
 * | ---------------------------- | ---------------------------------------------------- |
 * | `80`                         | container port 80, docker picks a free host port      |
 * | `8080:80`                    | host port 8080 to container port 80                   |
 * | `10.250.1.11::80`            | host IP 10.250.1.11, docker picks the host port        |
 * | `10.250.1.11:6000:80`        | host IP and port                                      |
 * | `[::1]:8080:80`, `[::]::80`  | IPv6 host addresses, always in brackets               |
 * | `…/tcp`, `…/udp`, `…/sctp`   | protocol (case-insensitive, default tcp)              |
 * | `80-90`                      | container range, 11 entries, host ports chosen by docker |
 * | `8000-8010:80-90`            | ranges of equal length map 1:1 (8000→80 … 8010→90)  |
 * | `target=80,published=8080,protocol=udp` | docker's long form (`mode=` is accepted and ignored, as `docker run` does) |
 *
 * ## Where dockwire is stricter than docker (each rejected with a message naming the fix)
 *
 * - **Port 0** and ports above 65535: docker's parser lets `0` through (the
 *   daemon then treats a host port 0 as "pick one"); dockwire rejects it and
 *   points at the portable spelling (omit the host port).
 * - **Unbracketed IPv6 hosts** such as `::1:80:80`: docker guesses that the last
 *   two `:`-separated fields are the ports; dockwire requires `[::1]:80:80`.
 * - **Whitespace** anywhere in the spec (docker fails on it too, less clearly).
 * - **A host range with a single container port** (`8000-8010:80`). Docker's
 *   rule (`nat.ParsePortSpec`): a host range whose length differs from the
 *   container range is allowed only when the container side is a single port,
 *   and then means "bind any one free host port from 8000-8010". The
 *   `ports` block of the kreuzwerker `docker_container` resource behind
 *   `@pulumi/docker` has a single integer `external`, so this cannot be
 *   expressed; silently picking 8000 would change docker's semantics (docker
 *   would fall back to 8001 when 8000 is busy), so it is rejected, suggesting
 *   either one fixed host port or no host port.
 *   A degenerate host range such as `8000-8000:80` is a single port and is accepted.
 * - **Container range vs host range of different lengths** (`8000-8005:80-90`,
 *   `8080:80-90`): rejected, as docker does.
 * - **`-P` / `--publish-all`** is not a port spec: {@link parsePortSpec} rejects
 *   it; {@link parsePublishArgs} reads it from an argument list and reports it
 *   as `publishAllPorts`, which is the separate `publishAllPorts` argument of
 *   `docker.Container`.
 *
 * ## Normalization, so that a second `pulumi preview` shows no diff
 *
 * `@pulumi/docker` 4.x bridges kreuzwerker/terraform-provider-docker, whose
 * `docker_container.ports` is an ordered list (`TypeList`, `ForceNew`) of
 * blocks `{internal, external (Optional+Computed), ip (Default "0.0.0.0"),
 * protocol (Default "tcp")}`. At the end of create (its Create returns its
 * Read) and on every refresh, the provider reads the container back with
 * `flattenContainerPorts(NetworkSettings.Ports)`, emitting the bindings
 * sorted by container port number, and that read-back is what the next
 * preview diffs against. Therefore every entry produced here:
 *
 * - has `ip` filled (`"0.0.0.0"` when none was given; IPv6 in canonical
 *   RFC 5952 form without brackets, e.g. `"::"`, `"2001:db8::1"`), and
 *   `protocol` filled and lower-case (`"tcp"` by default);
 * - leaves `external` out when no host port was given (the provider stores
 *   the port docker picked as a computed value);
 * - is sorted by internal port, then protocol, then ip, then external, which
 *   matches the provider's read-back order (by container port) and is
 *   deterministic; exact duplicates are removed.
 *
 * ## Dual stack (0.0.0.0 and ::) — why dockwire publishes IPv4 only by default
 *
 * `docker run -p 8080:80` sends an empty host IP, and the daemon then binds
 * both `0.0.0.0:8080` and `[::]:8080`. The provider never sends an empty IP
 * (its `ip` defaults to `"0.0.0.0"` and a StateFunc maps `""` to `"0.0.0.0"`),
 * so through `@pulumi/docker` a spec without a host IP publishes IPv4 only and
 * reads back as exactly one binding `{ip: "0.0.0.0"}`, which matches the
 * normalized entry: no diff.
 *
 * Publishing one container port twice (for example `0.0.0.0:8080:80` and
 * `[::]:8080:80` for dual stack, or two host IPs) does not survive a read:
 * `flattenContainerPorts` allocates one map per container port and appends
 * that same map once per binding, so every entry of that port reads back as a
 * copy of the last binding, and the ports diff-suppression matches only the
 * first entry with the same internal port. The list then differs from the
 * configuration on every refresh and, `ports` being `ForceNew`, the container
 * is replaced every time (kreuzwerker/terraform-provider-docker issue #909,
 * open, with the fix in PR #910 unmerged at the time of writing; the code is
 * unchanged from the 3.x line bundled by `@pulumi/docker` 4.x). {@link parsePortSpecs}
 * therefore rejects a second binding of the same container port and protocol
 * unless `allowMultipleBindings: true` is passed, which accepts that churn.
 *
 * @module
 */
import { bindingKey, hostBindingsCollide } from "./collisions";
import { INVALID_IP_FIX, normalizeHostIp, parseIPv6 } from "./host-ip";
import { checkDigits, checkProtocol, comparePorts, normalizePort } from "./normalize";
import {
  ContainerPortInput,
  ContainerPortSpec,
  DEFAULT_HOST_IP,
  DEFAULT_PROTOCOL,
  Fail,
  ParsePortSpecsOptions,
  PortProtocol,
  PortSpecError,
  PublishArgs,
  showSpec,
} from "./spec";

export { DEFAULT_HOST_IP, DEFAULT_PROTOCOL, PORT_PROTOCOLS, PortSpecError } from "./spec";
export type { ContainerPortInput, ContainerPortSpec, ParsePortSpecsOptions, PortProtocol, PublishArgs } from "./spec";
export { normalizePort } from "./normalize";
export { hostBindings, hostBindingsCollide } from "./collisions";

/**
 * Parses one `docker run -p` spec into normalized bindings, one per container
 * port (a container range yields several).
 *
 * @param spec e.g. `"8080:80"`, `"[::1]:53:53/udp"`, `"8000-8010:80-90"`
 * @param field name used in error messages, e.g. `ports[0]`
 * @throws PortSpecError naming the spec, the problem and the fix
 *
 * @example parsePortSpec("8080:80") // [{ internal: 80, external: 8080, ip: "0.0.0.0", protocol: "tcp" }]
 */
export function parsePortSpec(spec: string, field = "ports"): ContainerPortSpec[] {
  return parseSpecString(spec, field);
}

/** Whether a value is an array, without narrowing a typed array to `any[]` (as Array.isArray does). */
function isList(value: unknown): boolean {
  return Array.isArray(value);
}

/**
 * Parses, validates and normalizes a list of `-p` specs and/or
 * `ContainerPort`-shaped objects into the value for `docker.Container`'s
 * `ports`: defaults filled, sorted (internal, protocol, ip, external),
 * exact duplicates removed.
 *
 * Besides each item's own validity it rejects:
 * - two bindings that would take the same host port: same port and protocol
 *   on the same IP, or on `0.0.0.0` and any IPv4 address, or on `::` and any
 *   IPv6 address (docker would fail with "port is already allocated");
 * - a container port and protocol published twice, unless
 *   `options.allowMultipleBindings` (see the module documentation).
 *
 * @param specs strings in `docker run -p` syntax or objects `{internal, external?, ip?, protocol?}`
 * @param field name used in error messages; item `i` is reported as `field[i]`
 * @param options see {@link ParsePortSpecsOptions}
 * @throws PortSpecError naming the item, the problem and the fix
 */
export function parsePortSpecs(
  specs: readonly (string | ContainerPortInput)[],
  field = "ports",
  options: ParsePortSpecsOptions = {},
): ContainerPortSpec[] {
  if (!isList(specs)) {
    throw new PortSpecError(field, specs, 'expected an array of port specs such as ["8080:80"]');
  }
  return collect(
    specs.map((spec, i) => ({ spec, label: `${field}[${i}]` })),
    options,
  );
}

/**
 * Reads the publish flags of a `docker run` argument list: `-p SPEC`,
 * `-pSPEC`, `--publish SPEC`, `--publish=SPEC`, `-P`, `--publish-all` and
 * `--publish-all=true|false`. Any other argument is an error, so pass only
 * the publishing part of a command line.
 *
 * @param args e.g. `["-p", "8080:80", "-P"]`
 * @param field name used in error messages; argument `i` is reported as `field[i]`
 * @param options as for {@link parsePortSpecs}
 * @returns the normalized bindings (as {@link parsePortSpecs}) and whether to publish all exposed ports
 * @throws PortSpecError
 */
export function parsePublishArgs(args: readonly string[], field = "args", options: ParsePortSpecsOptions = {}): PublishArgs {
  if (!isList(args)) {
    throw new PortSpecError(field, args, 'expected an array of arguments such as ["-p", "8080:80", "-P"]');
  }
  const items: Item[] = [];
  let publishAllPorts = false;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    const label = `${field}[${i}]`;
    if (typeof arg !== "string") {
      throw new PortSpecError(label, arg, "expected a string argument");
    }
    if (arg === "-P" || arg === "--publish-all" || arg === "--publish-all=true") {
      publishAllPorts = true;
    } else if (arg === "--publish-all=false") {
      publishAllPorts = false;
    } else if (arg === "-p" || arg === "--publish") {
      const next = args[i + 1];
      if (typeof next !== "string") {
        throw new PortSpecError(label, arg, `missing the port spec after ${arg}; write e.g. ["${arg}", "8080:80"]`);
      }
      i++;
      items.push({ spec: next, label: `${field}[${i}]` });
    } else if (arg.startsWith("--publish=")) {
      items.push({ spec: arg.slice("--publish=".length), label });
    } else if (arg.startsWith("-p") && !arg.startsWith("--")) {
      items.push({ spec: arg.slice(2), label });
    } else {
      throw new PortSpecError(label, arg, "not a publish flag; only -p/--publish SPEC and -P/--publish-all are read here");
    }
  }
  return { ports: collect(items, options), publishAllPorts };
}

interface Item {
  spec: unknown;
  label: string;
}

interface Sourced {
  port: ContainerPortSpec;
  item: Item;
}

function collect(items: readonly Item[], options: ParsePortSpecsOptions): ContainerPortSpec[] {
  const all: Sourced[] = [];
  for (const item of items) {
    const ports =
      typeof item.spec === "string" ? parseSpecString(item.spec, item.label) : [normalizePort(item.spec as ContainerPortInput, item.label)];
    for (const port of ports) all.push({ port, item });
  }

  // Exact duplicates: keep the first.
  const unique: Sourced[] = [];
  const seen = new Set<string>();
  for (const s of all) {
    const key = `${s.port.internal}/${s.port.protocol} ${s.port.ip} ${s.port.external ?? ""}`;
    if (!seen.has(key)) {
      seen.add(key);
      unique.push(s);
    }
  }

  if (!options.allowMultipleBindings) {
    const byContainerPort = new Map<string, Sourced>();
    for (const s of unique) {
      const key = `${s.port.internal}/${s.port.protocol}`;
      const first = byContainerPort.get(key);
      if (first) {
        throw new PortSpecError(
          s.item.label,
          s.item.spec,
          `container port ${key} is already published by ${first.item.label} ${showSpec(first.item.spec)}; ` +
            "@pulumi/docker reads several bindings of one container port back as copies of the last one " +
            "(kreuzwerker/terraform-provider-docker#909), so every update would replace the container. " +
            `Publish ${key} once, or pass { allowMultipleBindings: true } to accept that`,
        );
      }
      byContainerPort.set(key, s);
    }
  }

  // Host socket collisions, grouped by port/protocol.
  const byHostPort = new Map<string, Sourced[]>();
  for (const s of unique) {
    if (s.port.external === undefined) continue;
    const key = `${s.port.external}/${s.port.protocol}`;
    const group = byHostPort.get(key) ?? [];
    for (const other of group) {
      const a = bindingKey(other.port.ip, other.port.external!, other.port.protocol);
      const b = bindingKey(s.port.ip, s.port.external, s.port.protocol);
      if (hostBindingsCollide(a, b)) {
        throw new PortSpecError(
          s.item.label,
          s.item.spec,
          `host port ${b} collides with ${a} from ${other.item.label} ${showSpec(other.item.spec)}; ` +
            "use another host port or a different host IP",
        );
      }
    }
    group.push(s);
    byHostPort.set(key, group);
  }

  return unique.map((s) => s.port).sort(comparePorts);
}

interface Range {
  start: number;
  end: number;
  text: string;
}

function parseSpecString(spec: string, field: string): ContainerPortSpec[] {
  const fail: Fail = (problem) => new PortSpecError(field, spec, problem);
  if (typeof spec !== "string") {
    throw fail('expected a port spec string such as "8080:80"');
  }
  if (spec === "") {
    throw fail('empty port spec; write a container port such as "80" or a mapping such as "8080:80"');
  }
  if (spec === "-P" || spec === "--publish-all") {
    throw fail(
      "-P (publish all exposed ports) is a flag, not a port spec; set publishAllPorts: true on the container, " +
        "or read a whole argument list with parsePublishArgs",
    );
  }
  if (/\s/.test(spec)) {
    throw fail("contains whitespace; remove it");
  }

  let ipText = "";
  let bracketed = false;
  let hostText = "";
  let containerWithProto: string;

  if (spec.includes("=")) {
    ({ hostText, containerWithProto } = parseLongForm(spec, fail));
  } else if (spec.startsWith("[")) {
    const close = spec.indexOf("]");
    if (close < 0) {
      throw fail(
        `host IP ${JSON.stringify(spec.split(":").slice(0, -2).join(":") || spec)} has no closing "]"; ` +
          'write IPv6 host addresses in brackets, e.g. "[::1]:8080:80"',
      );
    }
    bracketed = true;
    ipText = spec.slice(1, close);
    const rest = spec.slice(close + 1);
    const parts = rest.startsWith(":") ? rest.slice(1).split(":") : [];
    if (parts.length !== 2) {
      const container = rest.split(":").pop() || "80";
      throw fail(
        `expected ":HOSTPORT:CONTAINERPORT" after "[${ipText}]"; write e.g. "[${ipText}]:8080:${container}", ` +
          `or "[${ipText}]::${container}" to let docker pick the host port`,
      );
    }
    [hostText, containerWithProto] = parts;
  } else {
    const parts = spec.split(":");
    if (parts.length === 1) {
      containerWithProto = parts[0];
    } else if (parts.length === 2) {
      [hostText, containerWithProto] = parts;
    } else {
      const n = parts.length;
      ipText = parts.slice(0, n - 2).join(":");
      hostText = parts[n - 2];
      containerWithProto = parts[n - 1];
      if (ipText.includes(":")) {
        if (parseIPv6(ipText)) {
          throw fail(
            `IPv6 host IP ${ipText} must be written in brackets; write ` + JSON.stringify(`[${ipText}]:${hostText}:${containerWithProto}`),
          );
        }
        throw fail(`host IP ${JSON.stringify(ipText)} ${INVALID_IP_FIX}`);
      }
    }
  }

  // Container port and protocol.
  const slash = containerWithProto.indexOf("/");
  const containerText = slash < 0 ? containerWithProto : containerWithProto.slice(0, slash);
  const protoText = slash < 0 ? "" : containerWithProto.slice(slash + 1);
  if (containerText === "") {
    throw fail('no container port; put it after the last ":", e.g. "8080:80"');
  }
  const protocol: PortProtocol = protoText === "" ? DEFAULT_PROTOCOL : checkProtocol(protoText, fail);
  const container = parseRange(containerText, "container port", fail);

  // Host IP.
  let ip = DEFAULT_HOST_IP;
  if (bracketed && ipText === "") {
    throw fail('empty brackets; put the host IP inside them, e.g. "[::]:8080:80", or drop them');
  }
  if (ipText !== "") {
    ip = normalizeHostIp(ipText, fail);
  }

  // Host port(s).
  const spelled = (host: string, cont: string) => respell(ipText, bracketed, host, cont, protoText);
  if (hostText === "") {
    return expand(container, undefined, ip, protocol);
  }
  const host = parseRange(hostText, "host port", fail);
  const containerLen = container.end - container.start;
  const hostLen = host.end - host.start;
  if (containerLen === 0 && hostLen > 0) {
    throw fail(
      `host port range ${host.text} with the single container port ${container.text} means ` +
        `"any free host port in ${host.text}", which @pulumi/docker's ports (one external port per entry) ` +
        `cannot express; pick one host port, e.g. ${JSON.stringify(spelled(String(host.start), container.text))}, ` +
        `or omit it (${JSON.stringify(spelled("", container.text))}) to let docker choose`,
    );
  }
  if (containerLen !== hostLen) {
    const suggestedEnd = host.start + containerLen;
    const suggestion =
      suggestedEnd <= 65535 ? `write ${JSON.stringify(spelled(`${host.start}-${suggestedEnd}`, container.text))}` : "shorten one of them";
    if (hostLen === 0) {
      throw fail(
        `container port range ${container.text} (${containerLen + 1} ports) needs a host port range of the ` +
          `same length, not the single host port ${host.text}; ${suggestion}, ` +
          `or omit the host port (${JSON.stringify(spelled("", container.text))})`,
      );
    }
    throw fail(
      `host port range ${host.text} has ${hostLen + 1} ports but container port range ${container.text} ` +
        `has ${containerLen + 1}; make them the same length: ${suggestion}`,
    );
  }
  return expand(container, host.start, ip, protocol);
}

function expand(container: Range, hostStart: number | undefined, ip: string, protocol: PortProtocol): ContainerPortSpec[] {
  const out: ContainerPortSpec[] = [];
  for (let i = 0; i <= container.end - container.start; i++) {
    out.push(
      hostStart === undefined
        ? { internal: container.start + i, ip, protocol }
        : { internal: container.start + i, external: hostStart + i, ip, protocol },
    );
  }
  return out;
}

/** Rebuilds a spec in short syntax for suggestions in error messages. */
function respell(ipText: string, bracketed: boolean, host: string, container: string, proto: string): string {
  const ip = bracketed ? `[${ipText}]` : ipText;
  const base = ip !== "" ? `${ip}:${host}:${container}` : host !== "" ? `${host}:${container}` : container;
  return proto !== "" ? `${base}/${proto}` : base;
}

function parseLongForm(spec: string, fail: Fail): { hostText: string; containerWithProto: string } {
  const params: Record<string, string> = {};
  for (const param of spec.split(",")) {
    const eq = param.indexOf("=");
    const key = eq < 0 ? "" : param.slice(0, eq);
    if (key === "") {
      throw fail(`${JSON.stringify(param)} is not name=value; write e.g. "published=8080,target=80,protocol=tcp"`);
    }
    if (!["published", "target", "protocol", "mode"].includes(key)) {
      throw fail(`unknown key ${JSON.stringify(key)}; use published, target, protocol and mode`);
    }
    params[key] = param.slice(eq + 1);
  }
  if (params.mode !== undefined && params.mode !== "ingress" && params.mode !== "host") {
    throw fail(`mode ${JSON.stringify(params.mode)} is not ingress or host; remove it (docker run ignores it)`);
  }
  if (params.target === undefined || params.target === "") {
    throw fail('target (the container port) is missing; write e.g. "published=8080,target=80"');
  }
  if (params.target.includes("/") || (params.published ?? "").includes("/")) {
    throw fail('put the protocol in protocol=, e.g. "published=53,target=53,protocol=udp"');
  }
  const proto = params.protocol ?? "";
  return {
    hostText: params.published ?? "",
    containerWithProto: proto === "" ? params.target : `${params.target}/${proto}`,
  };
}

function parseRange(text: string, what: "host port" | "container port", fail: Fail): Range {
  const m = /^(\d+)(?:-(\d+))?$/.exec(text);
  if (!m) {
    throw fail(
      `${what} ${JSON.stringify(text)} is not a number; use a decimal port 1-65535 or a range such as ` +
        (what === "host port" ? "8000-8010" : "80-90"),
    );
  }
  const start = checkDigits(m[1], what, fail);
  if (m[2] === undefined) {
    return { start, end: start, text: String(start) };
  }
  const end = checkDigits(m[2], what, fail);
  if (end < start) {
    throw fail(`${what} range ${text} ends before it starts; write ${end}-${start}`);
  }
  return { start, end, text: start === end ? String(start) : `${start}-${end}` };
}
