/**
 * Normalization of port bindings to what @pulumi/docker reads back (see {@link ./parse}):
 * typed `{internal, external?, ip?, protocol?}` objects checked and filled, port numbers and
 * protocols checked, and the read-back order.
 *
 * Pure module: no runtime Pulumi imports, no I/O.
 *
 * @module
 */
import { normalizeHostIp } from "./host-ip";
import {
  ContainerPortInput,
  ContainerPortSpec,
  DEFAULT_HOST_IP,
  DEFAULT_PROTOCOL,
  Fail,
  PortProtocol,
  PortSpecError,
  showValue,
  typeOf,
} from "./spec";

/**
 * Validates and normalizes one `ContainerPort`-shaped object.
 *
 * @param port `{internal, external?, ip?, protocol?}`
 * @param field name used in error messages
 * @throws PortSpecError
 */
export function normalizePort(port: ContainerPortInput, field = "ports"): ContainerPortSpec {
  const fail = (problem: string) => new PortSpecError(field, port, problem);
  if (typeof port !== "object" || port === null || Array.isArray(port)) {
    throw fail('expected a port spec string such as "8080:80" or an object {internal, external?, ip?, protocol?}');
  }
  for (const key of Object.keys(port)) {
    if (!["internal", "external", "ip", "protocol"].includes(key)) {
      throw fail(`unknown key ${JSON.stringify(key)}; use internal, external, ip and protocol`);
    }
  }
  const raw = port as unknown as Record<string, unknown>;
  if (raw.internal === undefined) {
    throw fail("internal is missing; set it to the container port (1-65535)");
  }
  const internal = checkPortNumber(raw.internal, "container port", fail);
  const external = raw.external === undefined ? undefined : checkPortNumber(raw.external, "host port", fail);
  const out: ContainerPortSpec =
    external === undefined
      ? { internal, ip: DEFAULT_HOST_IP, protocol: DEFAULT_PROTOCOL }
      : { internal, external, ip: DEFAULT_HOST_IP, protocol: DEFAULT_PROTOCOL };
  if (raw.ip !== undefined && raw.ip !== "") {
    if (typeof raw.ip !== "string") {
      throw fail(`ip must be a string such as "0.0.0.0" or "::", not ${typeOf(raw.ip)}`);
    }
    const bracketed = raw.ip.startsWith("[") && raw.ip.endsWith("]");
    out.ip = normalizeHostIp(bracketed ? raw.ip.slice(1, -1) : raw.ip, fail);
  }
  if (raw.protocol !== undefined && raw.protocol !== "") {
    if (typeof raw.protocol !== "string") {
      throw fail(`protocol must be a string (tcp, udp or sctp), not ${typeOf(raw.protocol)}`);
    }
    out.protocol = checkProtocol(raw.protocol, fail);
  }
  return out;
}

export function checkDigits(digits: string, what: string, fail: Fail): number {
  const n = Number(digits);
  if (n < 1 || n > 65535) {
    const shown = digits.replace(/^0+(?=\d)/, "");
    throw fail(
      `${what} ${shown} is out of range 1-65535` +
        (n === 0 && what === "host port" ? "; omit the host port to let docker pick a free one" : ""),
    );
  }
  return n;
}

export function checkPortNumber(value: unknown, what: string, fail: Fail): number {
  const key = what === "host port" ? "external" : "internal";
  if (typeof value !== "number" || !Number.isInteger(value)) {
    throw fail(`${key} ${showValue(value)} is not an integer port; use a whole number 1-65535`);
  }
  if (value < 1 || value > 65535) {
    throw fail(`${what} ${value} is out of range 1-65535`);
  }
  return value;
}

export function checkProtocol(text: string, fail: Fail): PortProtocol {
  const lower = text.toLowerCase();
  if (lower === "tcp" || lower === "udp" || lower === "sctp") return lower;
  throw fail(`protocol ${JSON.stringify(text)} is not supported; use tcp, udp or sctp`);
}

export function comparePorts(a: ContainerPortSpec, b: ContainerPortSpec): number {
  return (
    a.internal - b.internal || compareStrings(a.protocol, b.protocol) || compareStrings(a.ip, b.ip) || (a.external ?? 0) - (b.external ?? 0)
  );
}

export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
