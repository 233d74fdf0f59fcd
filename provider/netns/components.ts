/**
 * Pulumi components for Linux network namespaces, veth pairs, Linux bridges and
 * routes, each with exactly one child: a Pulumi dynamic resource whose provider
 * (`./live`, loaded through `../dynamic`) reads the host back.
 *
 * Every component:
 * - validates its plain-string names and addresses at construction, before
 *   anything (not even the component itself) is registered; an error names
 *   the component, the argument and the fix, e.g.
 *   `dockwire:netns:NetworkNamespace "lab": name "a;rm -rf /" contains ";": ...`, and is
 *   the builder's `NameError` or `CommandArgError`;
 * - registers one child named `${name}-netns`, `${name}-veth`, `${name}-bridge` or
 *   `${name}-route` (types {@link HOST_RESOURCE_TYPES}), run on the machine running
 *   Pulumi or, when `connection` is set, over SSH on that host;
 * - needs root (CAP_NET_ADMIN) and iproute2 (`ip`, with JSON output) where it runs.
 *
 * ## Drift
 *
 * `pulumi refresh` reads the host (`provider/sh/netns-observe.sh`): a namespace, pair,
 * bridge or route that is gone leaves the state (the next `up` creates it again); an
 * address added or removed, an end moved to another namespace or renamed, a link set
 * down, a bridge port detached or attached, a route's gateway or device changed are
 * recorded field by field, and the next preview shows each as an update of that field.
 * `up` then runs the idempotent create script again and removes what the host has
 * beyond the inputs. A changed name, namespace or destination in the program replaces
 * the object (the old one deleted first); drift never does.
 *
 * @module
 */
import * as pulumi from "@pulumi/pulumi";
import { shimProvider } from "../dynamic";
import { SshConnection } from "../hostexec";
import { CommandArgError, linuxBridgeCommands, netnsCommands, routeCommands, vethCommands } from "./commands";
import type { EndSpec, Spec } from "./live";
import { NameError } from "./names";

/** Type token of {@link NetworkNamespace}. */
export const NETWORK_NAMESPACE_TYPE = "dockwire:netns:NetworkNamespace";
/** Type token of {@link VethPair}. */
export const VETH_PAIR_TYPE = "dockwire:netns:VethPair";
/** Type token of {@link LinuxBridge}. */
export const LINUX_BRIDGE_TYPE = "dockwire:netns:LinuxBridge";
/** Type token of {@link Route}. */
export const ROUTE_TYPE = "dockwire:netns:Route";

/** Type tokens of the child resources (Pulumi dynamic resources), by component kind. */
export const HOST_RESOURCE_TYPES = {
  netns: "pulumi-nodejs:dynamic/dockwire:NetworkNamespace",
  veth: "pulumi-nodejs:dynamic/dockwire:VethPair",
  bridge: "pulumi-nodejs:dynamic/dockwire:LinuxBridge",
  route: "pulumi-nodejs:dynamic/dockwire:Route",
} as const;

/** The child of a component: the dynamic resource that reads and changes the host. */
export class HostResource extends pulumi.dynamic.Resource {
  /**
   * @param provider the shim provider (see `../dynamic`)
   * @param name the resource name
   * @param inputs the spec, and the connection as a secret
   * @param opts resource options
   * @param typeName `NetworkNamespace`, `VethPair`, `LinuxBridge` or `Route`
   */
  constructor(
    provider: pulumi.dynamic.ResourceProvider,
    name: string,
    inputs: pulumi.Inputs,
    opts: pulumi.CustomResourceOptions,
    typeName: string,
  ) {
    super(provider, name, inputs, opts, "dockwire", typeName);
  }
}

/**
 * An SSH connection, with the fields of `@pulumi/command`'s `remote.ConnectionArgs`
 * that dockwire's resources honour (see {@link SshConnection}; `password`,
 * `privateKeyPassword` and `proxy` fail at preview, naming the field).
 */
export type SshConnectionArgs = { [K in keyof SshConnection]?: pulumi.Input<SshConnection[K]> } & { host: pulumi.Input<string> };

/** Where a component's scripts run. */
export interface CommandHostArgs {
  /**
   * SSH connection to the Linux host to run on, through the system OpenSSH client
   * (`ssh` must be installed where Pulumi runs). The user must be root (or otherwise hold
   * CAP_NET_ADMIN and write access to /var/run/netns) and have a POSIX login shell. The
   * connection is kept in the state as a secret; the host key is not checked.
   *
   * Defaults to running locally (`/bin/sh`).
   *
   * Changing the target (user, host or port, or setting or clearing it) replaces the
   * object: it is deleted where it was, then created on the new target. Other fields
   * (the key) update in place without touching the host.
   */
  connection?: pulumi.Input<SshConnectionArgs>;
}

/**
 * A network namespace: its name as a string, or the {@link NetworkNamespace}
 * that manages it (then the command also gets `dependsOn` on it, so it is
 * created after and deleted before the namespace).
 */
export type NamespaceRef = string | NetworkNamespace;

// ---------------------------------------------------------------- NetworkNamespace

/** Arguments for {@link NetworkNamespace}. */
export interface NetworkNamespaceArgs extends CommandHostArgs {
  /**
   * Namespace name, as for `ip netns add` (a file under /var/run/netns):
   * 1-64 of letters, digits, `_`, `.`, `-`, starting with a letter or digit.
   * Required. Changing it replaces the namespace (the old one is deleted
   * first, destroying every interface inside it).
   */
  name: string;
}

/**
 * A named Linux network namespace (`ip netns add NAME`, loopback up),
 * deleted with `ip netns del NAME`.
 *
 * Drift: `create` keeps a namespace of that name that already exists (it does
 * not fail and does not check who made it) and raises its loopback again.
 * Nothing notices a namespace deleted or reconfigured after `create` until
 * the script runs again, and a re-run does not restore interfaces that other
 * components had put inside it (replace those too). `delete` removes the
 * namespace even if something else now uses it, together with every
 * interface inside it.
 *
 * @example
 * const r1 = new NetworkNamespace("r1", { name: "r1" });
 */
export class NetworkNamespace extends pulumi.ComponentResource {
  /** The namespace name, known at construction. */
  public readonly namespaceName: string;
  /** Whether the scripts run over SSH (`connection` was set). */
  public readonly remote: boolean;
  /** The dynamic resource that manages it on the host (`${name}-netns`). */
  public readonly resource: HostResource;
  /** The namespace name, resolving once the namespace is created (carries the dependency). */
  public readonly namespace: pulumi.Output<string>;

  /**
   * @param name the component name; the child is `${name}-netns`
   * @param args the namespace
   * @param opts component options (providers, protect, ...) flow to the child
   * @throws NameError | CommandArgError for invalid arguments, before anything is registered
   */
  constructor(name: string, args: NetworkNamespaceArgs, opts?: pulumi.ComponentResourceOptions) {
    validated("dockwire:netns:NetworkNamespace", name, () => {
      requireArgs(args);
      return netnsCommands({ name: args.name }, "");
    });
    super(NETWORK_NAMESPACE_TYPE, name, {}, opts);
    this.namespaceName = args.name;
    this.remote = isRemote(args.connection);
    this.resource = newHostResource(`${name}-netns`, { kind: "netns", name: args.name, loopbackUp: true }, args.connection, {
      parent: this,
    });
    this.namespace = this.resource.urn.apply(() => args.name);
    this.registerOutputs({ namespace: this.namespace });
  }
}

// ---------------------------------------------------------------- VethPair

/** Placement and configuration of one end of a {@link VethPair}. */
export interface VethPairEndArgs {
  /**
   * Namespace to move this end into, by name or as a {@link NetworkNamespace}
   * (which also orders the pair after it). Defaults to staying in the host
   * namespace (the namespace the scripts run in). Changing it replaces the pair.
   */
  namespace?: NamespaceRef;
  /**
   * Name to give this end after moving it (e.g. `eth0`), at most 15
   * characters. Defaults to keeping the name it was created with. Changing
   * it replaces the pair.
   */
  rename?: string;
  /**
   * Addresses to add, as CIDR (`10.250.1.6/24`, `fd00::1/64`). Defaults to
   * none. Changing them replaces the pair (the scripts only ever add
   * addresses, so replacing is what removes a dropped one).
   */
  addresses?: readonly string[];
  /** Bring the end up (`true`) or set it down. Defaults to `true`. Changing it replaces the pair. */
  up?: boolean;
}

/** Arguments for {@link VethPair}. */
export interface VethPairArgs extends CommandHostArgs {
  /**
   * Name of the first end when it is created in the host namespace, at most
   * 15 characters of letters, digits, `_`, `.`, `-`. Required. Changing it
   * replaces the pair.
   */
  name: string;
  /** Name of the second end when it is created, same rules as `name`. Required. Changing it replaces the pair. */
  peerName: string;
  /**
   * Placement of `[name, peerName]`, in that order. Defaults to
   * `[{}, {}]`: both ends stay in the host namespace under their names,
   * up, without addresses. Changing it replaces the pair.
   */
  ends?: readonly [VethPairEndArgs, VethPairEndArgs];
}

/** `ends` with namespaces resolved to names, as the builder takes them. */
type VethEnds = readonly [VethPairEndArgs & { namespace?: string }, VethPairEndArgs & { namespace?: string }];

/** Where an end of a {@link VethPair} ends up. */
export interface VethPairEnd {
  /** Its final interface name (after any rename). */
  name: string;
  /** Its namespace; `undefined` for the host namespace. */
  namespace?: string;
}

/**
 * A veth pair (`ip link add NAME type veth peer name PEER`) whose ends are
 * optionally moved into namespaces, renamed, addressed and brought up.
 * Deleting one end deletes both.
 *
 * Drift: `create` notices an end that is missing, not yet moved or not yet
 * renamed, and finishes the job; it refuses a same-named interface that is
 * not a veth. It cannot tell whether a veth of the expected name is really
 * the peer of the other end, never removes addresses (added by hand or
 * dropped from `addresses`: replacing does), and notices nothing that
 * changes after it ran (an end deleted, or destroyed with its namespace)
 * until it runs again.
 *
 * @example
 * // seed lab 003: veth1.1 becomes eth0 in r1; veth1.2 stays on the host
 * new VethPair("r1-uplink", {
 *   name: "veth1.1", peerName: "veth1.2",
 *   ends: [{ namespace: r1, rename: "eth0", addresses: ["10.250.1.6/24"] },
 *          { addresses: ["10.250.1.5/24"] }],
 * });
 */
export class VethPair extends pulumi.ComponentResource {
  /** Final placement of `[name, peerName]`, known at construction. */
  public readonly ends: readonly [VethPairEnd, VethPairEnd];
  /** The dynamic resource that manages it on the host (`${name}-veth`). */
  public readonly resource: HostResource;
  /** The final names of the two ends, resolving once the pair is created. */
  public readonly endNames: pulumi.Output<[string, string]>;

  /**
   * @param name the component name; the child is `${name}-veth`
   * @param args the pair and the placement of its ends
   * @param opts component options (providers, protect, ...) flow to the child
   * @throws NameError | CommandArgError for invalid arguments, before anything is registered
   */
  constructor(name: string, args: VethPairArgs, opts?: pulumi.ComponentResourceOptions) {
    const plan = validated("dockwire:netns:VethPair", name, () => {
      requireArgs(args);
      const given: unknown = args.ends ?? [{}, {}];
      const deps: NetworkNamespace[] = [];
      const ends = Array.isArray(given)
        ? given.map((end: unknown, i) =>
            typeof end === "object" && end !== null
              ? {
                  ...(end as VethPairEndArgs),
                  namespace: resolveNamespace((end as VethPairEndArgs).namespace, `ends[${i}].namespace`, args.connection, deps),
                }
              : end,
          )
        : given;
      // The builder checks everything, including the shape of `ends`.
      vethCommands({ name: args.name, peerName: args.peerName, ends: ends as VethEnds }, "");
      const valid = ends as VethEnds;
      const placed = [args.name, args.peerName].map((original, i) => ({
        name: valid[i].rename ?? original,
        ...(valid[i].namespace === undefined ? {} : { namespace: valid[i].namespace }),
      })) as [VethPairEnd, VethPairEnd];
      const specEnds = valid.map((e): EndSpec => ({
        ...(e.namespace === undefined ? {} : { namespace: e.namespace }),
        ...(e.rename === undefined ? {} : { rename: e.rename }),
        addresses: [...(e.addresses ?? [])],
        up: e.up ?? true,
      })) as [EndSpec, EndSpec];
      const spec: Spec = { kind: "veth", name: args.name, peerName: args.peerName, ends: specEnds };
      return { spec, deps, placed };
    });
    super(VETH_PAIR_TYPE, name, {}, opts);
    this.ends = plan.placed;
    this.resource = newHostResource(`${name}-veth`, plan.spec, args.connection, dependsOn(this, plan.deps));
    const names: [string, string] = [this.ends[0].name, this.ends[1].name];
    this.endNames = this.resource.urn.apply(() => names);
    this.registerOutputs({ endNames: this.endNames });
  }
}

// ---------------------------------------------------------------- LinuxBridge

/** Arguments for {@link LinuxBridge}. */
export interface LinuxBridgeComponentArgs extends CommandHostArgs {
  /**
   * Bridge interface name, at most 15 characters of letters, digits, `_`,
   * `.`, `-`. Required. Changing it replaces the bridge.
   */
  name: string;
  /**
   * Namespace to create the bridge in, by name or as a
   * {@link NetworkNamespace} (which also orders the bridge after it).
   * Defaults to the host namespace. Changing it replaces the bridge.
   */
  namespace?: NamespaceRef;
  /** Addresses to add to the bridge, as CIDR. Defaults to none. Changing them replaces the bridge. */
  addresses?: readonly string[];
  /** Bring the bridge up (`true`) or set it down. Defaults to `true`. Changing it replaces the bridge. */
  up?: boolean;
  /**
   * Existing interfaces in the same namespace to attach (`master`). They
   * must exist when the bridge is created: put the components that make
   * them in `dependsOn`. Defaults to none. Changing them replaces the
   * bridge (deleting a bridge releases its ports; it does not delete them).
   */
  ports?: readonly string[];
}

/**
 * A Linux bridge (`ip link add name NAME type bridge`, not a Docker
 * network) with optional ports and addresses, deleted with `ip link del`.
 *
 * Drift: `create` notices a missing bridge, a missing port (it fails) and a
 * port attached elsewhere (it moves it back), and refuses an interface of that
 * name that is not a bridge. It does not release ports attached by hand,
 * remove addresses, or touch the ports' own up/down state, and notices
 * nothing that changes after it ran until it runs again.
 */
export class LinuxBridge extends pulumi.ComponentResource {
  /** The bridge interface name, known at construction. */
  public readonly bridgeName: string;
  /** The bridge's namespace; `undefined` for the host namespace. */
  public readonly namespaceName: string | undefined;
  /** The dynamic resource that manages it on the host (`${name}-bridge`). */
  public readonly resource: HostResource;
  /** The bridge interface name, resolving once the bridge is created. */
  public readonly bridge: pulumi.Output<string>;

  /**
   * @param name the component name; the child is `${name}-bridge`
   * @param args the bridge
   * @param opts component options (providers, protect, dependsOn on the ports' components, ...)
   * @throws NameError | CommandArgError for invalid arguments, before anything is registered
   */
  constructor(name: string, args: LinuxBridgeComponentArgs, opts?: pulumi.ComponentResourceOptions) {
    const plan = validated("dockwire:netns:LinuxBridge", name, () => {
      requireArgs(args);
      const deps: NetworkNamespace[] = [];
      const namespace = resolveNamespace(args.namespace, "namespace", args.connection, deps);
      linuxBridgeCommands({ name: args.name, namespace, addresses: args.addresses, up: args.up, ports: args.ports }, "");
      const spec: Spec = {
        kind: "bridge",
        name: args.name,
        ...(namespace === undefined ? {} : { namespace }),
        addresses: [...(args.addresses ?? [])],
        up: args.up ?? true,
        ports: [...(args.ports ?? [])],
      };
      return { spec, deps, namespace };
    });
    super(LINUX_BRIDGE_TYPE, name, {}, opts);
    this.bridgeName = args.name;
    this.namespaceName = plan.namespace;
    this.resource = newHostResource(`${name}-bridge`, plan.spec, args.connection, dependsOn(this, plan.deps));
    this.bridge = this.resource.urn.apply(() => args.name);
    this.registerOutputs({ bridge: this.bridge });
  }
}

// ---------------------------------------------------------------- Route

/** Arguments for {@link Route}. */
export interface RouteComponentArgs extends CommandHostArgs {
  /**
   * Destination network as CIDR with zero host bits (`10.0.0.0/24`,
   * `fd00::/64`), or `"default"`. Required. Changing it replaces the route.
   */
  destination: string;
  /**
   * Gateway address (no prefix), of the destination's family. At least one
   * of `via` and `dev` is required. Changing it replaces the route.
   */
  via?: string;
  /**
   * Outgoing interface. It must exist when the route is created: put the
   * component that makes it in `dependsOn`. Changing it replaces the route.
   */
  dev?: string;
  /**
   * Namespace whose main routing table to change, by name or as a
   * {@link NetworkNamespace} (which also orders the route after it).
   * Defaults to the host namespace. Changing it replaces the route.
   */
  namespace?: NamespaceRef;
}

/**
 * One route in the main table (`ip -4|-6 route replace DEST [via GW] [dev DEV]`),
 * deleted with `ip route del DEST`.
 *
 * Drift: `create` overwrites a route to the same destination changed by
 * hand (`route replace`); nothing notices a route that disappears later
 * (for example with its interface) until it runs again; `delete` removes
 * whatever route to the destination it finds, even one changed by hand.
 */
export class Route extends pulumi.ComponentResource {
  /** The destination as given (`10.0.0.0/24` or `default`). */
  public readonly destination: string;
  /** The route's namespace; `undefined` for the host namespace. */
  public readonly namespaceName: string | undefined;
  /** The dynamic resource that manages it on the host (`${name}-route`). */
  public readonly resource: HostResource;

  /**
   * @param name the component name; the child is `${name}-route`
   * @param args the route
   * @param opts component options (providers, protect, dependsOn on the interface's component, ...)
   * @throws NameError | CommandArgError for invalid arguments, before anything is registered
   */
  constructor(name: string, args: RouteComponentArgs, opts?: pulumi.ComponentResourceOptions) {
    const plan = validated("dockwire:netns:Route", name, () => {
      requireArgs(args);
      const deps: NetworkNamespace[] = [];
      const namespace = resolveNamespace(args.namespace, "namespace", args.connection, deps);
      routeCommands({ destination: args.destination, via: args.via, dev: args.dev, namespace }, "");
      const spec: Spec = {
        kind: "route",
        destination: args.destination,
        ...(args.via === undefined ? {} : { via: args.via }),
        ...(args.dev === undefined ? {} : { dev: args.dev }),
        ...(namespace === undefined ? {} : { namespace }),
      };
      return { spec, deps, namespace };
    });
    super(ROUTE_TYPE, name, {}, opts);
    this.destination = args.destination;
    this.namespaceName = plan.namespace;
    this.resource = newHostResource(`${name}-route`, plan.spec, args.connection, dependsOn(this, plan.deps));
    this.registerOutputs({ destination: this.destination });
  }
}

// ---------------------------------------------------------------- helpers

function isRemote(connection: CommandHostArgs["connection"]): boolean {
  return connection !== undefined && connection !== null;
}

/** The provider of every netns child: a shim that loads `./live` (see `../dynamic`). */
let hostProvider: pulumi.dynamic.ResourceProvider | undefined;

/**
 * Registers the one child: a dynamic resource with the spec as inputs and the
 * connection, if any, as a secret.
 */
function newHostResource(
  name: string,
  spec: Spec,
  connection: CommandHostArgs["connection"],
  opts: pulumi.CustomResourceOptions,
): HostResource {
  hostProvider ??= shimProvider("netns/live");
  const inputs: Record<string, pulumi.Input<unknown>> = { ...spec };
  if (isRemote(connection)) inputs.connection = pulumi.secret(connection!);
  const typeName = HOST_RESOURCE_TYPES[spec.kind].split(":")[2];
  return new HostResource(
    hostProvider,
    name,
    inputs,
    {
      ...opts,
      ...(isRemote(connection) ? { additionalSecretOutputs: ["connection"] } : {}),
      // Before 0.2 the child was a @pulumi/command Command of the same name: the alias makes
      // an upgraded stack take that resource over instead of creating a new one and then
      // running the old delete script on the object it just adopted.
      aliases: [{ type: isRemote(connection) ? "command:remote:Command" : "command:local:Command" }],
    },
    typeName,
  );
}

function dependsOn(parent: pulumi.Resource, deps: readonly NetworkNamespace[]): pulumi.CustomResourceOptions {
  return deps.length === 0 ? { parent } : { parent, dependsOn: [...deps] };
}

/**
 * Turns a {@link NamespaceRef} into a plain name (validated later by the
 * builder), recording a {@link NetworkNamespace} in `deps` once.
 */
function resolveNamespace(
  ref: unknown,
  field: string,
  connection: CommandHostArgs["connection"],
  deps: NetworkNamespace[],
): string | undefined {
  if (ref instanceof NetworkNamespace) {
    if (ref.remote !== isRemote(connection)) {
      const which = `the NetworkNamespace of ${JSON.stringify(ref.namespaceName)}`;
      throw new CommandArgError(
        field,
        ref.remote
          ? `${field} is ${which}, which runs on a remote host, but connection is not set: ` +
              "give this component the same connection as the namespace."
          : `${field} is ${which}, which runs on the local host, but connection is set: ` +
              "drop connection or give the namespace the same connection.",
      );
    }
    if (!deps.includes(ref)) deps.push(ref);
    return ref.namespaceName;
  }
  if (pulumi.Output.isInstance(ref)) {
    throw new CommandArgError(
      field,
      `${field} is a pulumi Output: namespace names must be known at construction; pass the NetworkNamespace itself or a plain string.`,
    );
  }
  if (typeof ref === "object" && ref !== null) {
    throw new CommandArgError(field, `${field} must be a namespace name or a NetworkNamespace, not an object of another kind.`);
  }
  return ref as string | undefined;
}

function requireArgs(args: unknown): void {
  if (typeof args !== "object" || args === null || Array.isArray(args)) {
    const what = args === null ? "null" : Array.isArray(args) ? "an array" : args === undefined ? "undefined" : `a ${typeof args}`;
    throw new CommandArgError("args", `args must be an object, not ${what}.`);
  }
}

/**
 * Runs the validation of one component and re-throws its `NameError` /
 * `CommandArgError` with the component's kind and name in front, e.g.
 * `VethPair "lab": args.name "..." is 20 characters: ...`.
 */
function validated<T>(kind: string, name: string, check: () => T): T {
  try {
    return check();
  } catch (e) {
    const prefix = `${kind} ${JSON.stringify(name)}: `;
    if (e instanceof NameError) throw new NameError(e.field, e.value, prefix + e.message);
    if (e instanceof CommandArgError) throw new CommandArgError(e.field, prefix + e.message);
    throw e;
  }
}
