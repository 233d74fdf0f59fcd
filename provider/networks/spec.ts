/**
 * The pure part shared by every dockwire network: addressing arguments, their
 * canonical form, and the exact `docker.Network` inputs a component registers.
 * No Pulumi imports, so it is tested by tables and reused by benchmarks.
 *
 * @module
 */

import { AddressConfig, AddressConfigInput, AddressPlan, IpamError, canonicalizeAddressConfig, canonicalizeAddressConfigs } from "../ipam";
import { labelList } from "./driver-options";

/**
 * How a network is addressed: either the one-pool shorthand (`subnet`, `gateway`,
 * `ipRange`, `auxAddresses`, as `docker network create` takes them) or `pools` for several
 * (one IPv4 and one IPv6 pool for dual stack). With neither, Docker picks a subnet from its
 * default address pools, and dockwire cannot check it for overlaps.
 */
export interface AddressingArgs {
  /** IPv4 or IPv6 subnet, e.g. `10.10.0.0/16`. Host bits must be clear. Changing it replaces the network. */
  subnet?: string;
  /** Gateway address inside `subnet`. Defaults to its first host address. Changing it replaces the network. */
  gateway?: string;
  /** Sub-range of `subnet` that Docker allocates container addresses from. Defaults to the whole subnet. Changing it replaces the network. */
  ipRange?: string;
  /** Addresses inside `subnet` that Docker must never hand out, by name. Changing them replaces the network. */
  auxAddresses?: Record<string, string>;
  /** Several pools (at most one IPv4 and one IPv6); exclusive with the shorthand fields. Changing them replaces the network. */
  pools?: AddressConfigInput[];
}

/** Common arguments of every dockwire network. */
export interface NetworkCommonArgs extends AddressingArgs {
  /** The Docker network name. Defaults to the component's name. Changing it replaces the network. */
  networkName?: string;
  /** Labels on the network. Changing them replaces the network (Docker cannot relabel a network). */
  labels?: Record<string, string>;
  /** Whether the network is cut off from outside (no gateway routing). Defaults to `false`. Changing it replaces the network. */
  internal?: boolean;
  /**
   * The address plan the network's subnets are registered in, so overlaps with other
   * networks and the daemon's ranges fail at preview. Defaults to the plan of the running
   * Pulumi program.
   */
  addressPlan?: AddressPlan;
  /**
   * The daemon: a DockerHost (or anything with an `engine` connection). Defaults to
   * DOCKER_HOST where Pulumi runs. Changing the daemon replaces the network.
   */
  host?: { engine: unknown };
  /**
   * Take over a network made by hand (`docker network create`, the seeds' way) instead of
   * creating it: `true` for the one named `networkName`, or its name or id. It must have the
   * same driver and addressing; the stack then owns it (destroy removes it).
   */
  adopt?: boolean | string;
}

/** One IPAM pool as docker.Network takes it. */
export interface IpamConfigSpec {
  subnet: string;
  gateway: string;
  ipRange?: string;
  auxAddress?: Record<string, string>;
}

/** The exact, plain `docker.Network` inputs of a dockwire network. Optional keys are omitted when unset. */
export interface NetworkSpec {
  name: string;
  driver: string;
  ipamConfigs?: IpamConfigSpec[];
  ipv6?: boolean;
  internal?: boolean;
  attachable?: boolean;
  options?: Record<string, string>;
  labels?: { label: string; value: string }[];
}

/** Canonical pools from the shorthand or `pools` form. Throws naming the field and the fix. */
export function resolvePools(args: AddressingArgs, _field = "args"): AddressConfig[] {
  const shorthand =
    args.subnet !== undefined || args.gateway !== undefined || args.ipRange !== undefined || args.auxAddresses !== undefined;
  if (args.pools !== undefined && shorthand) {
    throw new IpamError(
      "pools",
      "Only one of [pools] and [subnet, gateway, ipRange, auxAddresses] can be specified: move the shorthand fields into a pool, or drop pools.",
    );
  }
  if (args.pools !== undefined) {
    return canonicalizeAddressConfigs(args.pools, "pools");
  }
  if (!shorthand) return [];
  if (args.subnet === undefined) {
    throw new IpamError(
      "subnet",
      'subnet is required when gateway, ipRange or auxAddresses is given: add the subnet they belong to, e.g. "10.10.0.0/16".',
    );
  }
  const input: AddressConfigInput = { subnet: args.subnet };
  if (args.gateway !== undefined) input.gateway = args.gateway;
  if (args.ipRange !== undefined) input.ipRange = args.ipRange;
  if (args.auxAddresses !== undefined) input.auxAddresses = args.auxAddresses;
  // The shorthand's fields are top-level arguments: messages name `subnet`, not `ipam.subnet`.
  return [canonicalizeAddressConfig(input, "")];
}

/** The docker.Network ipamConfigs of canonical pools. */
export function ipamConfigs(pools: readonly AddressConfig[]): IpamConfigSpec[] {
  return pools.map((p) => {
    const c: IpamConfigSpec = { subnet: p.subnet, gateway: p.gateway };
    if (p.ipRange !== undefined) c.ipRange = p.ipRange;
    if (p.auxAddresses !== undefined) c.auxAddress = p.auxAddresses;
    return c;
  });
}

/** Extra, driver-specific parts of a network spec. */
export interface DriverSpec {
  driver: string;
  options?: Record<string, string>;
  attachable?: boolean;
  ipv6?: boolean;
}

/**
 * Validates and canonicalizes a network's common arguments and builds its exact spec.
 * Registers the pools in `plan` under `network "NAME"` (after every check passed).
 */
export function networkSpec(
  name: string,
  args: NetworkCommonArgs,
  driver: DriverSpec,
  plan: AddressPlan | undefined,
): { spec: NetworkSpec; pools: AddressConfig[] } {
  const networkName = args.networkName ?? name;
  if (!/^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(networkName) || networkName.length > 128) {
    throw new IpamError(
      "networkName",
      `networkName ${JSON.stringify(networkName)} is not a valid Docker network name: use letters, digits, "_", "." and "-", starting with a letter or digit.`,
    );
  }
  const pools = resolvePools(args);
  const hasV6 = pools.some((p) => p.family === 6);
  if (driver.ipv6 === true && !hasV6) {
    throw new IpamError(
      "ipv6",
      'ipv6 is true but no IPv6 pool is given: add one to pools, e.g. { subnet: "fd00:10::/64" }, so its range is known and checked.',
    );
  }
  const spec: NetworkSpec = { name: networkName, driver: driver.driver };
  if (pools.length > 0) spec.ipamConfigs = ipamConfigs(pools);
  if (hasV6) spec.ipv6 = true;
  if (args.internal !== undefined) spec.internal = args.internal;
  if (driver.attachable !== undefined) spec.attachable = driver.attachable;
  if (driver.options !== undefined && Object.keys(driver.options).length > 0) spec.options = driver.options;
  const labels = labelList(args.labels);
  if (labels.length > 0) spec.labels = labels;
  if (plan) {
    // Check every pool before registering any, so a failure leaves the plan as it was.
    const field = (i: number) => (args.pools !== undefined ? `pools[${i}].subnet` : "subnet");
    pools.forEach((p, i) => plan.check(`network "${networkName}"`, p.subnet, field(i)));
    pools.forEach((p, i) => plan.register(`network "${networkName}"`, p.subnet, field(i)));
  }
  return { spec, pools };
}
