import * as pulumi from "@pulumi/pulumi";
import { DockerContainer, EngineSource, MountState } from "../docker/resources";
import { daemonKeyFor, engineFor } from "../docker/target";
import { AddressConfig } from "../ipam";
import { checkName, claimName, validated } from "../networks/network";
import { perProgram } from "../program-scope";
import { ContainerPortInput, ContainerPortSpec } from "../ports";
import { HostPortRegistry, NetworkMode, checkAttachment, checkNetworkMode, checkPorts } from "./container-spec";

const hostPorts = perProgram(() => new HostPortRegistry());
/** The program's AppContainers by container name, for `networkMode: "container:NAME"`. */
const containersByName = perProgram(() => new Map<string, DockerContainer>());

/** A full container id: what the daemon reports in `container:ID` network modes. */
const CONTAINER_ID = /^[0-9a-f]{64}$/;

/**
 * The `networkMode` to register. The daemon stores `container:NAME` as `container:ID`, and
 * the provider reads that back: registering the name would show a replacement in every
 * preview. A container of the same program (constructed before this one) is referred to by
 * its id, which also orders the two; any other name is kept, with a warning that names the fix.
 */
function registeredMode(mode: NetworkMode | undefined, name: string, self: pulumi.Resource): pulumi.Input<string> | undefined {
  if (mode === undefined || !mode.startsWith("container:")) return mode;
  const target = mode.slice("container:".length);
  if (CONTAINER_ID.test(target)) return mode;
  const known = containersByName.current().get(target);
  if (known) return pulumi.interpolate`container:${known.id}`;
  void pulumi.log.warn(
    `AppContainer ${JSON.stringify(name)}: networkMode ${JSON.stringify(mode)} names a container outside this program; the daemon reports it by id, ` +
      "so every preview would show a replacement: give its full id (`docker inspect -f '{{.Id}}' NAME`), or declare that container with AppContainer before this one.",
    self,
  );
  return mode;
}

/** The host-port registry of the running Pulumi program (process-wide outside one). */
export function currentHostPorts(): HostPortRegistry {
  return hostPorts.current();
}

/** Forgets the process-wide registry used outside a running program (for tests under mocks). */
export function resetDetachedHostPorts(): void {
  hostPorts.resetDetached();
}

/** A network to attach to: a dockwire network (its subnet is known and checked) or a name. */
export type NetworkRef = { networkName: pulumi.Input<string>; networkId?: pulumi.Input<string>; pools?: readonly AddressConfig[] } | string;

/** One network attachment of an {@link AppContainer}. */
export interface AppContainerNetwork {
  /** The network: a dockwire network component, or the name of an existing network. */
  network: NetworkRef;
  /** DNS aliases on that network (`docker run --network-alias`). Changed in place: the running container is reconnected. */
  aliases?: string[];
  /** Static IPv4 address, checked against the network's subnet at preview. Changed in place: the running container is reconnected. */
  ipv4Address?: string;
  /** Static IPv6 address, checked against the network's IPv6 subnet at preview. Changed in place: the running container is reconnected. */
  ipv6Address?: string;
}

/** Arguments for {@link AppContainer}. */
export interface AppContainerArgs {
  /** Image name or id. Changing it replaces the container. */
  image: pulumi.Input<string>;
  /** Container name. Defaults to the component's name. Changing it replaces the container. */
  containerName?: string;
  /** Command and arguments. Defaults to the image's CMD. Changing it replaces the container. */
  command?: pulumi.Input<string>[];
  /** Environment variables. Changing them replaces the container. */
  env?: Record<string, pulumi.Input<string>>;
  /**
   * Published ports, in any form `docker run -p` accepts (`"8080:80"`,
   * `"127.0.0.1:6000:80/udp"`, `"8000-8002:80-82"`, `"[::1]:8080:80"`) or typed
   * (`{ internal: 80, external: 8080 }`). Checked at preview, also for host-port collisions
   * with other containers of the program. Changing them replaces the container.
   */
  ports?: (string | ContainerPortInput)[];
  /** Publish every exposed port on a random host port (`-P`). Defaults to `false`. */
  publishAllPorts?: boolean;
  /**
   * User-defined networks to attach to, with aliases and static addresses. Adding or
   * removing one, changing its aliases or address, or a replacement of the network itself
   * (e.g. a new subnet) is done in place: `docker network disconnect` and `connect` on the
   * running container, which keeps its id and is not restarted.
   */
  networks?: AppContainerNetwork[];
  /**
   * `bridge` (Docker's default bridge), `host`, `none` or `container:NAME`. Exclusive with
   * `networks` for host, none and container modes. Defaults to Docker's choice.
   * For `container:NAME`, NAME is an AppContainer of the same program constructed before
   * this one (registered by its id, as the daemon reports it), or a full container id.
   */
  networkMode?: NetworkMode;
  /** Mounts (`{ type: "volume" | "bind" | "tmpfs", source, target, readOnly }`). Changing them replaces the container. */
  mounts?: pulumi.Input<{ [K in keyof MountState]: pulumi.Input<MountState[K]> }>[];
  /** Labels on the container. */
  labels?: Record<string, string>;
  /** Host name inside the container. Defaults to the container id's prefix. */
  hostname?: string;
  /** Files written into the container before it starts (e.g. a config file). Changing them replaces the container. */
  uploads?: { file: string; content: pulumi.Input<string> }[];
  /** Restart policy: `no`, `on-failure`, `always`, `unless-stopped`. Defaults to `no`. Changed in place (`docker update`). */
  restart?: "no" | "on-failure" | "always" | "unless-stopped";
  /**
   * Seconds the container gets to exit after SIGTERM when it is deleted or replaced, before
   * it is killed (`docker stop -t`; the docker provider's `destroyGraceSeconds`). Default 0,
   * as @pulumi/docker: killed at once, the fastest delete. Set it for a service whose data
   * outlives the container (a volume kept across a replacement) so it can flush on SIGTERM;
   * a process that exits on SIGTERM costs no more than that, one that ignores it (a shell
   * as PID 1) costs the whole grace on every delete. 0 to 3600.
   */
  stopGraceSeconds?: number;
  /** The daemon: a DockerHost. Defaults to DOCKER_HOST where Pulumi runs. Changing the daemon replaces the container. */
  host?: EngineSource;
  /**
   * Take over a container made by hand (`docker run`, the seeds' way) instead of creating it:
   * `true` for the one named `containerName`, or its name or id. Its name and image must
   * match; its networks are then brought to the program's in place.
   */
  adopt?: boolean | string;
  /** Registry credentials for pulling the image when the daemon lacks it (`{ username, password, serveraddress }`); kept as a secret. */
  registryAuth?: pulumi.Input<Record<string, string>>;
}

/**
 * A container wired the way the seeds wire them by hand: `-p` in every form, user-defined
 * networks with aliases and static addresses, or a network mode. Everything is checked at
 * construction, before anything is registered.
 */
export class AppContainer extends pulumi.ComponentResource {
  /** The Docker container (dockwire's own resource; no docker provider plugin needed). */
  public readonly container: DockerContainer;
  /** The normalized published ports (plain values). */
  public readonly ports: readonly ContainerPortSpec[];
  /** The container name. */
  public readonly containerName: pulumi.Output<string>;

  constructor(name: string, args: AppContainerArgs, opts?: pulumi.ComponentResourceOptions) {
    const type = "dockwire:containers:AppContainer";
    const checked = validated(type, name, () => {
      const containerName = args.containerName ?? name;
      if (!/^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(containerName)) {
        throw new Error(
          `containerName ${JSON.stringify(containerName)} is not a valid container name: use letters, digits, "_", "." and "-", starting with a letter or digit.`,
        );
      }
      const mode = args.networkMode === undefined ? undefined : checkNetworkMode(args.networkMode);
      if (mode !== undefined && mode !== "bridge" && (args.networks?.length ?? 0) > 0) {
        throw new Error(
          `networks cannot be combined with networkMode ${JSON.stringify(mode)}: the container shares ${mode === "host" ? "the host's" : mode === "none" ? "no" : "another container's"} network stack; drop networks or networkMode.`,
        );
      }
      const ports = checkPorts(args.ports, mode);
      const networks = (args.networks ?? []).map((n, i) => {
        const ref = n.network;
        const known = typeof ref !== "string" && ref.pools !== undefined && ref.pools.length > 0;
        const attach = checkAttachment({
          field: `networks[${i}]`,
          pools: typeof ref === "string" ? [] : (ref.pools ?? []),
          poolsKnown: known,
          aliases: n.aliases,
          ipv4Address: n.ipv4Address,
          ipv6Address: n.ipv6Address,
        });
        return {
          name: typeof ref === "string" ? ref : ref.networkName,
          ...(typeof ref !== "string" && ref.networkId !== undefined ? { networkId: ref.networkId } : {}),
          ...attach,
        };
      });
      const grace = args.stopGraceSeconds;
      if (grace !== undefined && (!Number.isInteger(grace) || grace < 0 || grace > 3600)) {
        throw new Error(`stopGraceSeconds ${JSON.stringify(grace)} must be a whole number of seconds from 0 to 3600, e.g. 10.`);
      }
      const daemon = daemonKeyFor(args.host, opts);
      const connection = engineFor(args.host, opts);
      checkName("container", containerName, "containerName", daemon);
      currentHostPorts().register(`container "${containerName}"`, ports);
      claimName("container", containerName, "containerName", daemon);
      return { containerName, mode, ports, networks, connection };
    });
    super(type, name, {}, opts);
    this.ports = checked.ports;
    const envs = args.env
      ? pulumi.all(Object.entries(args.env).map(([k, v]) => pulumi.output(v).apply((x) => `${k}=${x}`))).apply((l) => [...l].sort())
      : undefined;
    this.container = new DockerContainer(
      name,
      {
        ...(checked.connection ? { connection: checked.connection } : {}),
        ...(args.adopt ? { adopt: args.adopt === true ? checked.containerName : args.adopt } : {}),
        ...(args.registryAuth ? { registryAuth: args.registryAuth } : {}),
        name: checked.containerName,
        image: args.image,
        ...(args.command ? { command: args.command } : {}),
        ...(envs ? { envs } : {}),
        ...(checked.ports.length ? { ports: checked.ports.map((p) => ({ ...p })) } : {}),
        ...(args.publishAllPorts ? { publishAllPorts: true } : {}),
        ...(checked.mode ? { networkMode: registeredMode(checked.mode, name, this) } : {}),
        ...(checked.networks.length ? { networksAdvanced: checked.networks } : {}),
        ...(args.mounts ? { mounts: args.mounts } : {}),
        ...(args.labels
          ? {
              labels: Object.keys(args.labels)
                .sort()
                .map((label) => ({ label, value: args.labels![label] })),
            }
          : {}),
        ...(args.hostname ? { hostname: args.hostname } : {}),
        ...(args.uploads
          ? { uploads: [...args.uploads].sort((a, b) => (a.file < b.file ? -1 : 1)).map((u) => ({ file: u.file, content: u.content })) }
          : {}),
        ...(args.restart ? { restart: args.restart } : {}),
        ...(args.stopGraceSeconds ? { destroyGraceSeconds: args.stopGraceSeconds } : {}),
      },
      { parent: this },
    );
    this.containerName = this.container.name;
    containersByName.current().set(checked.containerName, this.container);
    this.registerOutputs({ containerName: this.containerName });
  }
}
