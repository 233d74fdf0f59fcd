/**
 * Docker network driver option keys and pure builders of the option maps each dockwire
 * network passes to `docker network create -o`. No Pulumi imports.
 *
 * @module
 */

import { validateInterfaceName } from "../netns/names";

/** Option keys of the bridge driver (libnetwork `drivers/bridge`). */
export const BridgeOption = {
  /** Name of the Linux bridge device. */
  Name: "com.docker.network.bridge.name",
  /** Inter-container connectivity on the bridge. */
  EnableIcc: "com.docker.network.bridge.enable_icc",
  /** Masquerade (SNAT) traffic leaving the bridge. */
  EnableIpMasquerade: "com.docker.network.bridge.enable_ip_masquerade",
  /** Default host address for published ports. */
  HostBindingIpv4: "com.docker.network.bridge.host_binding_ipv4",
  /** MTU of the bridge and its container interfaces. */
  Mtu: "com.docker.network.driver.mtu",
} as const;

/** Option keys of the macvlan driver. */
export const MacvlanOption = { Parent: "parent", Mode: "macvlan_mode" } as const;
/** Option keys of the ipvlan driver. */
export const IpvlanOption = { Parent: "parent", Mode: "ipvlan_mode", Flag: "ipvlan_flag" } as const;
/** Option keys of the overlay driver. */
export const OverlayOption = { Encrypted: "encrypted", Mtu: "com.docker.network.driver.mtu" } as const;

/** macvlan modes Docker accepts. */
export const MACVLAN_MODES = ["bridge", "private", "vepa", "passthru"] as const;
/** A macvlan mode. */
export type MacvlanMode = (typeof MACVLAN_MODES)[number];
/** ipvlan modes Docker accepts. */
export const IPVLAN_MODES = ["l2", "l3", "l3s"] as const;
/** An ipvlan mode. */
export type IpvlanMode = (typeof IPVLAN_MODES)[number];
/** ipvlan flags Docker accepts. */
export const IPVLAN_FLAGS = ["bridge", "private", "vepa"] as const;
/** An ipvlan flag. */
export type IpvlanFlag = (typeof IPVLAN_FLAGS)[number];

/** A driver option that dockwire rejects, with the field it came from. */
export class DriverOptionError extends Error {
  constructor(
    public readonly field: string,
    message: string,
  ) {
    super(message);
    this.name = "DriverOptionError";
  }
}

/** Typed options of a bridge network. Each is left to Docker's default when absent. */
export interface BridgeOptions {
  /** Linux bridge device name (at most 15 characters). Defaults to `br-<network id>`. */
  bridgeName?: string;
  /** Whether containers on the network may talk to each other. Defaults to `true`. */
  enableIcc?: boolean;
  /** Whether outgoing traffic is masqueraded. Defaults to `true`. */
  enableIpMasquerade?: boolean;
  /** Host address that published ports bind to by default. Defaults to `0.0.0.0`. */
  hostBindingIpv4?: string;
  /** MTU of the bridge, 68 to 65535. Defaults to the daemon's `mtu` (1500). */
  mtu?: number;
}

/** `field.key` for nested fields, `key` for top-level ones (field ""). */
function at(field: string, key: string): string {
  return field === "" ? key : `${field}.${key}`;
}

/** Returns `entries` as an object whose keys are sorted, so its JSON is stable. */
export function sortedRecord(entries: Iterable<[string, string]>): Record<string, string> {
  // fromEntries defines own keys, so even "__proto__" is kept as a plain key.
  return Object.fromEntries([...entries].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** Checks an MTU and returns it as docker stores it (a decimal string). */
export function mtuOption(mtu: number, field: string): string {
  if (!Number.isInteger(mtu) || mtu < 68 || mtu > 65535) {
    throw new DriverOptionError(
      field,
      `${field} ${typeof mtu === "number" ? String(mtu) : JSON.stringify(mtu)} is not a valid MTU: use a whole number from 68 to 65535 (1500 for Ethernet).`,
    );
  }
  return String(mtu);
}

const IPV4_DOTTED = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

/** Builds the option map of a bridge network, keys sorted. */
export function bridgeOptions(o: BridgeOptions, field = "options"): Record<string, string> {
  const out: [string, string][] = [];
  if (o.bridgeName !== undefined) out.push([BridgeOption.Name, validateInterfaceName(o.bridgeName, at(field, "bridgeName"))]);
  if (o.enableIcc !== undefined) out.push([BridgeOption.EnableIcc, String(o.enableIcc)]);
  if (o.enableIpMasquerade !== undefined) out.push([BridgeOption.EnableIpMasquerade, String(o.enableIpMasquerade)]);
  if (o.hostBindingIpv4 !== undefined) {
    if (!IPV4_DOTTED.test(o.hostBindingIpv4)) {
      throw new DriverOptionError(
        at(field, "hostBindingIpv4"),
        `${at(field, "hostBindingIpv4")} ${JSON.stringify(o.hostBindingIpv4)} is not an IPv4 address: use a host address such as "127.0.0.1", or omit it to bind to 0.0.0.0.`,
      );
    }
    out.push([BridgeOption.HostBindingIpv4, o.hostBindingIpv4]);
  }
  if (o.mtu !== undefined) out.push([BridgeOption.Mtu, mtuOption(o.mtu, at(field, "mtu"))]);
  return sortedRecord(out);
}

/** A parent interface, optionally an 802.1q sub-interface `NAME.VLAN`. */
export interface ParentInterface {
  /** The full name Docker is given, e.g. `eth0.10`. */
  name: string;
  /** The base interface, e.g. `eth0`. */
  base: string;
  /** The VLAN id, when the parent is `NAME.VLAN`. */
  vlan?: number;
}

/**
 * Checks a macvlan/ipvlan parent. `eth0` uses the interface itself; `eth0.10` makes Docker
 * create (and on delete remove) the 802.1q sub-interface for VLAN 10 on `eth0`. The whole
 * name must still fit Linux's 15 characters. A `vlan` given separately is appended.
 */
export function parseParent(parent: string, vlan: number | undefined, field: string): ParentInterface {
  if (typeof parent !== "string" || parent === "") {
    throw new DriverOptionError(
      field,
      `${field} is required: name the host interface the network rides on, e.g. "eth0" or "eth0.10" for VLAN 10.`,
    );
  }
  let base = parent;
  let id: number | undefined;
  const m = /^(.+)\.(\d+)$/.exec(parent);
  if (m) {
    base = m[1];
    id = Number(m[2]);
  }
  if (vlan !== undefined) {
    if (id !== undefined) {
      throw new DriverOptionError(
        `${field}`,
        `${field} ${JSON.stringify(parent)} already names VLAN ${id}, and vlan ${vlan} was given too: use either parent "${base}" with vlan ${vlan}, or parent "${parent}" alone.`,
      );
    }
    id = vlan;
  }
  validateInterfaceName(base, field);
  if (id !== undefined && (!Number.isInteger(id) || id < 1 || id > 4094)) {
    throw new DriverOptionError(field, `${field} VLAN id ${id} is out of range: 802.1q VLAN ids are 1 to 4094.`);
  }
  const name = id === undefined ? base : `${base}.${id}`;
  if (name.length > 15) {
    throw new DriverOptionError(
      field,
      `${field} ${JSON.stringify(name)} is ${name.length} characters: Linux interface names (VLAN suffix included) are at most 15; use a shorter parent name.`,
    );
  }
  return id === undefined ? { name, base } : { name, base, vlan: id };
}

function checkEnum<T extends string>(value: string, allowed: readonly T[], field: string, what: string): T {
  if (!(allowed as readonly string[]).includes(value)) {
    throw new DriverOptionError(
      field,
      `${field} ${JSON.stringify(value)} is not ${/^[aeiou]/.test(what) ? "an" : "a"} ${what}: use one of ${allowed.map((a) => `"${a}"`).join(", ")}.`,
    );
  }
  return value as T;
}

/** Builds the option map of a macvlan network. `mode` defaults to `bridge`. */
export function macvlanOptions(parent: ParentInterface, mode: string | undefined, field = "mode"): Record<string, string> {
  const m = checkEnum(mode ?? "bridge", MACVLAN_MODES, field, "macvlan mode");
  return sortedRecord([
    [MacvlanOption.Mode, m],
    [MacvlanOption.Parent, parent.name],
  ]);
}

/** Builds the option map of an ipvlan network. `mode` defaults to `l2`, `flag` to `bridge`. */
export function ipvlanOptions(
  parent: ParentInterface,
  mode: string | undefined,
  flag: string | undefined,
  field = "mode",
  flagField = "flag",
): Record<string, string> {
  const m = checkEnum(mode ?? "l2", IPVLAN_MODES, field, "ipvlan mode");
  const entries: [string, string][] = [
    [IpvlanOption.Mode, m],
    [IpvlanOption.Parent, parent.name],
  ];
  if (flag !== undefined) entries.push([IpvlanOption.Flag, checkEnum(flag, IPVLAN_FLAGS, flagField, "ipvlan flag")]);
  return sortedRecord(entries);
}

/** Builds the option map of an overlay network. */
export function overlayOptions(o: { encrypted?: boolean; mtu?: number }, field = "options"): Record<string, string> {
  const out: [string, string][] = [];
  if (o.encrypted) out.push([OverlayOption.Encrypted, ""]);
  if (o.mtu !== undefined) out.push([OverlayOption.Mtu, mtuOption(o.mtu, at(field, "mtu"))]);
  return sortedRecord(out);
}

/** Checks user labels (keys non-empty, no whitespace) and returns them as docker.Network's sorted label list. */
export function labelList(labels: Record<string, string> | undefined, field = "labels"): { label: string; value: string }[] {
  if (!labels) return [];
  return Object.entries(sortedRecord(Object.entries(labels))).map(([label, value]) => {
    if (label === "" || /\s/.test(label)) {
      throw new DriverOptionError(
        `${field}`,
        `${field} key ${JSON.stringify(label)} is not a valid label key: use a non-empty key without spaces, e.g. "com.example.team".`,
      );
    }
    if (typeof value !== "string") {
      throw new DriverOptionError(
        `${field}.${label}`,
        `${field}.${label} must be a string, got ${typeof value}: quote it, e.g. "${String(value)}".`,
      );
    }
    return { label, value };
  });
}
