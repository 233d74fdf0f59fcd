import * as pulumi from "@pulumi/pulumi";
import { DockerNetwork, EngineSource } from "../docker/resources";
import { daemonKeyFor, engineFor } from "../docker/target";
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

const names = perProgram(() => new Map<string, string>());

/**
 * The Docker object names (`network`, `container`, `volume`) a running program has claimed,
 * per daemon: two objects of one program with the same name would collide on the daemon,
 * so the second fails at preview, naming the field and the fix. `checkName` only looks;
 * `claimName` records, after every other check of the object passed.
 */
export function checkName(kind: string, name: string, field: string, daemon: string): void {
  if (names.current().has(`${daemon}\u0000${kind}\u0000${name}`)) {
    throw new Error(
      `${field} ${JSON.stringify(name)} is taken by another ${kind} of this program: Docker ${kind} names are unique on a daemon; give this one another ${field}.`,
    );
  }
}

/** Records a name checked with {@link checkName}. */
export function claimName(kind: string, name: string, field: string, daemon: string): void {
  checkName(kind, name, field, daemon);
  names.current().set(`${daemon}\u0000${kind}\u0000${name}`, name);
}

/** Forgets the names claimed outside a running program (tests under mocks). */
export function resetDetachedNames(): void {
  names.resetDetached();
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
 * program's address plan, and owns one {@link DockerNetwork} (dockwire's own resource on
 * the Engine API) named like the component.
 */
export abstract class DockwireNetwork extends pulumi.ComponentResource {
  /** The Docker network (dockwire's own resource; no docker provider plugin needed). */
  public readonly network: DockerNetwork;
  /** The Docker network name. */
  public readonly networkName: pulumi.Output<string>;
  /** The Docker network id. */
  public readonly networkId: pulumi.Output<string>;
  /** The canonical address pools, as plain values (available at construction). */
  public readonly pools: readonly AddressConfig[];
  /** The exact network inputs (the same fields as `docker.Network`'s), as plain values. */
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
    const built = validated(type, name, () => {
      const daemon = daemonKeyFor(args.host as EngineSource | undefined, opts);
      const connection = engineFor(args.host as EngineSource | undefined, opts);
      checkName("network", args.networkName ?? name, "networkName", daemon);
      const b = networkSpec(name, args, driver(""), args.addressPlan ?? currentAddressPlan());
      claimName("network", b.spec.name, "networkName", daemon);
      return { ...b, connection };
    });
    super(type, name, {}, opts);
    this.spec = built.spec;
    this.pools = built.pools;
    this.network = new DockerNetwork(
      name,
      {
        ...built.spec,
        ...(built.connection ? { connection: built.connection } : {}),
        ...(args.adopt ? { adopt: args.adopt === true ? built.spec.name : args.adopt } : {}),
      },
      { parent: this, dependsOn },
    );
    this.networkName = this.network.name;
    this.networkId = this.network.networkId;
    this.registerOutputs({ networkName: this.networkName, networkId: this.networkId });
  }
}
