import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import { AddressConfig, AddressPlan } from "../ipam";
import { perProgram } from "../program-scope";
import { DriverSpec, NetworkCommonArgs, NetworkSpec, networkSpec } from "./spec";

const plans = perProgram(() => new AddressPlan());

/**
 * The address plan of the running Pulumi program: one per stack run, so two inline
 * programs in one process (the Automation API) never see each other's subnets.
 * Outside a running program (plain unit tests) a process-wide plan is used.
 */
export function currentAddressPlan(): AddressPlan {
  return plans.current();
}

/** Forgets the process-wide plan used outside a running program (for tests under mocks). */
export function resetDetachedAddressPlan(): void {
  plans.resetDetached();
}

/**
 * Runs a component's validation; a failure becomes a `pulumi.RunError` (a clean message,
 * no stack trace) that names the component: `dockwire:networks:BridgeNetwork "web": subnet ...`.
 */
export function validated<T>(type: string, name: string, check: () => T): T {
  try {
    return check();
  } catch (e) {
    throw new pulumi.RunError(`${type} ${JSON.stringify(name)}: ${(e as Error).message}`);
  }
}

/**
 * The part every dockwire network shares: it validates and canonicalizes its arguments
 * at construction (before any child is registered), registers its subnets in the
 * program's address plan, and owns one `docker.Network` named like the component.
 */
export abstract class DockwireNetwork extends pulumi.ComponentResource {
  /** The Docker network. */
  public readonly network: docker.Network;
  /** The Docker network name. */
  public readonly networkName: pulumi.Output<string>;
  /** The Docker network id. */
  public readonly networkId: pulumi.Output<string>;
  /** The canonical address pools, as plain values (available at construction). */
  public readonly pools: readonly AddressConfig[];
  /** The exact inputs given to `docker.Network`, as plain values. */
  public readonly spec: NetworkSpec;

  protected constructor(
    type: string,
    name: string,
    args: NetworkCommonArgs,
    /** Builds the driver part; `field` prefixes option field names ("" for top-level arguments). */
    driver: (field: string) => DriverSpec,
    opts: pulumi.ComponentResourceOptions | undefined,
    dependsOn: pulumi.Resource[] = [],
  ) {
    // Validate before anything is registered, so bad input leaves no trace in state.
    const built = validated(type, name, () => networkSpec(name, args, driver(""), args.addressPlan ?? currentAddressPlan()));
    super(type, name, {}, opts);
    this.spec = built.spec;
    this.pools = built.pools;
    this.network = new docker.Network(name, { ...built.spec }, { parent: this, dependsOn });
    this.networkName = this.network.name;
    this.networkId = this.network.id;
    this.registerOutputs({ networkName: this.networkName, networkId: this.networkId });
  }
}
