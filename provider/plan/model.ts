/**
 * The address plan of one side (BEFORE or AFTER) of a change, read from Pulumi resource
 * states: Docker networks with their IPAM pools, containers with their network
 * attachments and published ports, and dockwire DaemonConfigs with the daemon's ranges.
 *
 * Which resources count:
 * - `pulumi-nodejs:dynamic/dockwire:DockerNetwork` (what every dockwire network registers),
 *   and `docker:index/network:Network` (what they registered in dockwire 0.2);
 * - `pulumi-nodejs:dynamic/dockwire:DockerContainer` (what AppContainer registers), and
 *   `docker:index/container:Container` (0.2);
 * - DaemonConfig's dynamic resource, `pulumi-nodejs:dynamic/dockwire:DaemonConfig`
 *   (any `pulumi-nodejs:dynamic...` resource whose `kind` is `daemon`), with its managed
 *   daemon.json keys `bip`, `fixed-cidr`, `fixed-cidr-v6`, `default-address-pools`.
 *
 * A field is read from the inputs (what the program asked for) and, where they lack it,
 * from the outputs (what the provider read back: a subnet Docker picked, a host port it
 * chose). Empty strings and maps, which the docker provider reads back for unset fields,
 * count as absent.
 *
 * Pure module: no Pulumi imports, no I/O.
 *
 * @module
 */
import { ResourceState, urnParts } from "./pulumi-json";
import { JsonObject, UNKNOWN, UNKNOWN_SENTINEL, isObject, list, naturalCompare, present, record, reveal, text } from "./values";

/** One IPAM pool of a network, as display text. */
export interface PoolView {
  subnet: string;
  gateway?: string;
  ipRange?: string;
  /** `NAME=ADDRESS`, sorted by name. */
  auxAddresses: string[];
}

/** A Docker network. */
export interface NetworkView {
  /** The resource URN: the row's identity across BEFORE and AFTER. */
  key: string;
  /** The Docker network name. */
  name: string;
  driver: string;
  /** Its pools; empty when Docker assigns the subnet ({@link NetworkView.assigned}). */
  pools: PoolView[];
  /** `docker` when no pool is given (Docker picks one), `unknown` when the pools are only known after apply. */
  assigned?: "docker" | "unknown";
}

/** One network attachment of a container. */
export interface AttachmentView {
  /** The Docker network name (or what the container names it by). */
  network: string;
  ipv4?: string;
  ipv6?: string;
  aliases: string[];
}

/** One published port. `external` is undefined when Docker picks the host port. */
export interface PortView {
  ip: string;
  external?: string;
  internal: string;
  protocol: string;
}

/** A Docker container. */
export interface ContainerView {
  key: string;
  name: string;
  /** `networkMode` as the program gave it (host, none, bridge, container:...). */
  networkMode?: string;
  attachments: AttachmentView[];
  ports: PortView[];
}

/** One `default-address-pools` entry. */
export interface DaemonPoolView {
  base: string;
  size: string;
}

/** A DaemonConfig's address ranges. */
export interface DaemonView {
  key: string;
  /** The DaemonConfig component's name (the resource's name without `-apply`). */
  name: string;
  bip?: string;
  fixedCidr?: string;
  fixedCidrV6?: string;
  pools: DaemonPoolView[];
}

/** The address plan of one side. Every list is sorted by name, then key. */
export interface PlanView {
  networks: NetworkView[];
  containers: ContainerView[];
  daemons: DaemonView[];
}

/** The docker provider's network and container types (stacks deployed with dockwire 0.2). */
export const NETWORK_TYPE = "docker:index/network:Network";
export const CONTAINER_TYPE = "docker:index/container:Container";
/** dockwire's own network and container resources (the same field names). */
export const DW_NETWORK_TYPE = "pulumi-nodejs:dynamic/dockwire:DockerNetwork";
export const DW_CONTAINER_TYPE = "pulumi-nodejs:dynamic/dockwire:DockerContainer";
const isNetwork = (r: ResourceState) => r.type === NETWORK_TYPE || r.type === DW_NETWORK_TYPE;
const isContainer = (r: ResourceState) => r.type === CONTAINER_TYPE || r.type === DW_CONTAINER_TYPE;
/** The type of DaemonConfig's dynamic resource. */
export const DAEMON_RESOURCE_TYPE = "pulumi-nodejs:dynamic/dockwire:DaemonConfig";

/** A field from the inputs, else the outputs. */
function field(r: ResourceState, key: string): unknown {
  return present(r.inputs[key]) ? r.inputs[key] : r.outputs[key];
}

/** The resource's name, the last part of its URN. */
function urnName(urn: string): string {
  return urnParts(urn)?.name ?? urn;
}

function byName<T extends { name: string; key: string }>(a: T, b: T): number {
  return naturalCompare(a.name, b.name) || naturalCompare(a.key, b.key);
}

function pool(raw: unknown): PoolView | undefined {
  const p = record(raw);
  const subnet = text(p.subnet);
  if (subnet === undefined) return undefined;
  const out: PoolView = { subnet, auxAddresses: [] };
  const gateway = text(p.gateway);
  const ipRange = text(p.ipRange);
  if (gateway !== undefined) out.gateway = gateway;
  if (ipRange !== undefined) out.ipRange = ipRange;
  const aux = record(p.auxAddress);
  out.auxAddresses = Object.keys(aux)
    .sort(naturalCompare)
    .map((k) => `${k}=${text(aux[k]) ?? ""}`);
  return out;
}

/** A network's view; its pools sorted IPv4 first. */
export function networkView(r: ResourceState): NetworkView {
  const rawPools = field(r, "ipamConfigs");
  const pools = list(rawPools)
    .map(pool)
    .filter((p): p is PoolView => p !== undefined)
    .sort((a, b) => Number(a.subnet.includes(":")) - Number(b.subnet.includes(":")) || naturalCompare(a.subnet, b.subnet));
  const out: NetworkView = {
    key: r.urn,
    name: text(field(r, "name")) ?? urnName(r.urn),
    driver: text(field(r, "driver")) ?? "bridge",
    pools,
  };
  if (pools.length === 0) out.assigned = reveal(rawPools) === UNKNOWN_SENTINEL ? "unknown" : "docker";
  return out;
}

function portView(raw: unknown): PortView | undefined {
  const p = record(raw);
  const internal = text(p.internal);
  if (internal === undefined) return undefined;
  const out: PortView = { ip: text(p.ip) ?? "0.0.0.0", internal, protocol: text(p.protocol) ?? "tcp" };
  const external = text(p.external);
  if (external !== undefined && external !== "0") out.external = external;
  return out;
}

/** Host port order: by host port (numerically), host IP, protocol, container port. */
/** By container port first: a row keeps its order when a change moves a host port. */
function comparePorts(a: PortView, b: PortView): number {
  return (
    naturalCompare(a.internal, b.internal) ||
    naturalCompare(a.protocol, b.protocol) ||
    naturalCompare(a.ip, b.ip) ||
    naturalCompare(a.external ?? "", b.external ?? "")
  );
}

/** A container's view; `networkIds` maps network ids to names, for attachments that name a network by id. */
export function containerView(r: ResourceState, networkIds: ReadonlyMap<string, string> = new Map()): ContainerView {
  const attachments = list(field(r, "networksAdvanced"))
    .filter(isObject)
    .map((a: JsonObject) => {
      const network = text(a.name) ?? UNKNOWN;
      const out: AttachmentView = {
        network: networkIds.get(network) ?? network,
        aliases: list(a.aliases)
          .map(text)
          .filter((x): x is string => x !== undefined)
          .sort(naturalCompare),
      };
      const ipv4 = text(a.ipv4Address);
      const ipv6 = text(a.ipv6Address);
      if (ipv4 !== undefined) out.ipv4 = ipv4;
      if (ipv6 !== undefined) out.ipv6 = ipv6;
      return out;
    })
    .sort((a, b) => naturalCompare(a.network, b.network));
  const out: ContainerView = {
    key: r.urn,
    name: text(field(r, "name")) ?? urnName(r.urn),
    attachments,
    ports: list(field(r, "ports"))
      .map(portView)
      .filter((p): p is PortView => p !== undefined)
      .sort(comparePorts),
  };
  // Only the program's own networkMode: the provider reads back a default for every container.
  const mode = text(r.inputs.networkMode);
  if (mode !== undefined) out.networkMode = mode;
  return out;
}

/** Whether a resource is DaemonConfig's dynamic resource. */
export function isDaemonResource(r: ResourceState): boolean {
  if (r.type === DAEMON_RESOURCE_TYPE) return true;
  return r.type.startsWith("pulumi-nodejs:dynamic") && text(field(r, "kind")) === "daemon";
}

/** A DaemonConfig's view: its managed keys (inputs: what the program manages; outputs fill in). */
export function daemonView(r: ResourceState): DaemonView {
  const managed = present(r.inputs.managed) ? record(r.inputs.managed) : record(r.outputs.managed);
  const parentName = r.parent !== undefined && urnParts(r.parent)?.type === "dockwire:host:DaemonConfig" ? urnName(r.parent) : undefined;
  const out: DaemonView = { key: r.urn, name: parentName ?? urnName(r.urn).replace(/-apply$/, ""), pools: [] };
  const bip = text(managed.bip);
  const fixedCidr = text(managed["fixed-cidr"]);
  const fixedCidrV6 = text(managed["fixed-cidr-v6"]);
  if (bip !== undefined) out.bip = bip;
  if (fixedCidr !== undefined) out.fixedCidr = fixedCidr;
  if (fixedCidrV6 !== undefined) out.fixedCidrV6 = fixedCidrV6;
  out.pools = list(managed["default-address-pools"])
    .map(record)
    .map((p) => ({ base: text(p.base) ?? UNKNOWN, size: text(p.size) ?? UNKNOWN }));
  return out;
}

/** The address plan of a list of resource states (other resources are ignored). */
export function planView(resources: readonly ResourceState[]): PlanView {
  const networks = resources.filter(isNetwork).map(networkView);
  const ids = new Map<string, string>();
  for (const r of resources) {
    if (!isNetwork(r)) continue;
    const id = text(r.outputs.id) ?? text(r.outputs.networkId);
    const name = text(field(r, "name"));
    if (id !== undefined && name !== undefined && id !== UNKNOWN) ids.set(id, name);
  }
  return {
    networks: networks.sort(byName),
    containers: resources
      .filter(isContainer)
      .map((r) => containerView(r, ids))
      .sort(byName),
    daemons: resources.filter(isDaemonResource).map(daemonView).sort(byName),
  };
}
