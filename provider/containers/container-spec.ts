/**
 * Pure checks of a container's networking: network modes, attachments with aliases and
 * static addresses, published ports, and host-port collisions across a program.
 * No Pulumi imports.
 *
 * @module
 */

import { AddressConfig, checkStaticAddress } from "../ipam";
import { ContainerPortInput, ContainerPortSpec, hostBindings, hostBindingsCollide, parsePortSpecs } from "../ports";

/** A container's network mode, as `docker run --network` takes it. */
export type NetworkMode = "bridge" | "host" | "none" | `container:${string}`;

/** An error in a container's arguments, naming the field and the fix. */
export class ContainerSpecError extends Error {
  constructor(
    public readonly field: string,
    message: string,
  ) {
    super(message);
    this.name = "ContainerSpecError";
  }
}

const CONTAINER_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;
const ALIAS = /^[A-Za-z0-9]([A-Za-z0-9_-]{0,62})(\.[A-Za-z0-9]([A-Za-z0-9_-]{0,62}))*$/;

/** Checks a network mode and returns it. */
export function checkNetworkMode(mode: string, field = "networkMode"): NetworkMode {
  if (mode === "bridge" || mode === "host" || mode === "none") return mode;
  if (mode.startsWith("container:")) {
    const target = mode.slice("container:".length);
    if (CONTAINER_NAME.test(target)) return mode as NetworkMode;
    throw new ContainerSpecError(
      field,
      `${field} ${JSON.stringify(mode)} names no valid container: write "container:NAME" with the name or id of a running container.`,
    );
  }
  throw new ContainerSpecError(
    field,
    `${field} ${JSON.stringify(mode)} is not a network mode: use "bridge", "host", "none" or "container:NAME"; for a user-defined network use networks.`,
  );
}

/** A container's attachment to one network, as plain values. */
export interface AttachmentSpec {
  /** Field path for messages, e.g. `networks[0]`. */
  field: string;
  /** Known pools of the network (empty when the network's addressing is unknown). */
  pools: readonly AddressConfig[];
  /** Whether the pools are known (a dockwire network) or not (a network given by name). */
  poolsKnown: boolean;
  aliases?: string[];
  ipv4Address?: string;
  ipv6Address?: string;
}

/** Checks aliases and static addresses of an attachment; returns them canonical. */
export function checkAttachment(a: AttachmentSpec): { aliases?: string[]; ipv4Address?: string; ipv6Address?: string } {
  const out: { aliases?: string[]; ipv4Address?: string; ipv6Address?: string } = {};
  if (a.aliases !== undefined) {
    a.aliases.forEach((alias, i) => {
      if (!ALIAS.test(alias)) {
        throw new ContainerSpecError(
          `${a.field}.aliases[${i}]`,
          `${a.field}.aliases[${i}] ${JSON.stringify(alias)} is not a valid DNS name: use letters, digits, "-" and "_" in dot-separated labels of at most 63 characters.`,
        );
      }
    });
    out.aliases = [...new Set(a.aliases)].sort();
  }
  for (const key of ["ipv4Address", "ipv6Address"] as const) {
    const value = a[key];
    if (value === undefined) continue;
    const field = `${a.field}.${key}`;
    if (!a.poolsKnown) {
      throw new ContainerSpecError(
        field,
        `${field} ${JSON.stringify(value)} needs the network's subnet to be known: attach a dockwire network (BridgeNetwork, ...) with a subnet, not a network name.`,
      );
    }
    const canonical = checkStaticAddress(value, a.pools, field);
    const family = canonical.includes(":") ? "ipv6Address" : "ipv4Address";
    if (family !== key) {
      throw new ContainerSpecError(
        field,
        `${field} ${JSON.stringify(value)} is an ${key === "ipv4Address" ? "IPv6" : "IPv4"} address: put it in ${family}.`,
      );
    }
    out[key] = canonical;
  }
  return out;
}

/** Parses the port specs of a container and checks them against its network mode. */
export function checkPorts(
  ports: readonly (string | ContainerPortInput)[] | undefined,
  mode: NetworkMode | undefined,
  field = "ports",
): ContainerPortSpec[] {
  if (!ports || ports.length === 0) return [];
  if (mode !== undefined && mode !== "bridge") {
    throw new ContainerSpecError(
      field,
      `${field} cannot be published with networkMode ${JSON.stringify(mode)}: ${mode === "host" ? "the container already uses the host's ports; remove ports" : "the container has no network of its own to publish from; remove ports or use a bridge network"}.`,
    );
  }
  return parsePortSpecs(ports, field);
}

/**
 * The host ports a program has claimed, so two containers asking for the same host
 * address, port and protocol fail at preview, naming both. 0.0.0.0 collides with every
 * IPv4 address on the same port and protocol, `::` with every IPv6 one.
 */
export class HostPortRegistry {
  private readonly byPort = new Map<string, { binding: string; owner: string }[]>();

  /** Registers the bindings of `owner`; throws on the first collision with another owner. */
  register(owner: string, ports: readonly ContainerPortSpec[], field = "ports"): void {
    const mine = hostBindings(ports);
    for (const binding of mine) {
      const key = binding.slice(binding.lastIndexOf(":") + 1); // "PORT/PROTO"
      const list = this.byPort.get(key) ?? [];
      for (const other of list) {
        if (other.owner !== owner && hostBindingsCollide(binding, other.binding)) {
          throw new ContainerSpecError(
            field,
            `${field}: host port ${binding} of ${owner} collides with ${other.binding} of ${other.owner}: give one of them another host port or host address.`,
          );
        }
      }
    }
    for (const binding of mine) {
      const key = binding.slice(binding.lastIndexOf(":") + 1);
      const list = this.byPort.get(key) ?? [];
      list.push({ binding, owner });
      this.byPort.set(key, list);
    }
  }
}
