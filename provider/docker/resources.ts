/**
 * dockwire's own Docker resources: networks, containers, volumes, images, commands run in
 * containers and swarm memberships, each a Pulumi dynamic resource whose provider talks to
 * the Docker Engine API (`./*-live.ts`, loaded through the shim of `../dynamic`). They need
 * nothing but the Pulumi CLI and Node: no docker or command provider plugin.
 *
 * Each takes `connection` (the daemon; see {@link EngineConnection}, kept as a secret when it
 * holds key material; without it, the daemon of DOCKER_HOST where Pulumi runs) and most
 * take `adopt` (the name or id of an object made by hand to take over instead of creating
 * one; Pulumi's `import` option does not work with dynamic resources).
 *
 * @module
 */
import * as pulumi from "@pulumi/pulumi";
import { shimProviderText } from "../dynamic";
import type { EngineConnection } from "./client";
import type { AttachmentState, MountState, PortState } from "./container-live";
import type { IpamConfigState } from "./network-live";

export type { EngineConnection } from "./client";
export type { AttachmentState, MountState, PortState } from "./container-live";
export type { IpamConfigState } from "./network-live";

/** Type tokens of the Docker resources (`pulumi-nodejs:dynamic/dockwire:NAME`). */
export const DOCKER_RESOURCE_TYPES = {
  network: "pulumi-nodejs:dynamic/dockwire:DockerNetwork",
  container: "pulumi-nodejs:dynamic/dockwire:DockerContainer",
  volume: "pulumi-nodejs:dynamic/dockwire:DockerVolume",
  image: "pulumi-nodejs:dynamic/dockwire:DockerImage",
  exec: "pulumi-nodejs:dynamic/dockwire:ContainerExec",
  swarm: "pulumi-nodejs:dynamic/dockwire:SwarmNode",
} as const;

/** Anything that says which daemon: a DockerHost, or `{ engine }` of your own. */
export interface EngineSource {
  /** The connection to the daemon (a secret when it holds TLS or SSH key material). */
  engine: pulumi.Input<EngineConnection>;
}

/** Arguments every Docker resource takes. */
export interface DockerResourceArgs {
  /** The daemon. Defaults to DOCKER_HOST where Pulumi runs (unix:///var/run/docker.sock). Changing the host replaces the object. */
  connection?: pulumi.Input<EngineConnection>;
  /**
   * Name or id of an existing object to take over on create instead of making one, when the
   * daemon has it (it must match the inputs); when it has none, the object is created as usual.
   */
  adopt?: pulumi.Input<string>;
}

/**
 * What `pulumi.dynamic.Resource` registers, without its closure serialization: type
 * `pulumi-nodejs:dynamic/dockwire:TYPE` (served by the dynamic-provider launcher, as any
 * dynamic resource), with `__provider` the text of dockwire's shim for the implementation
 * module (see `shimProviderText` in ../dynamic: the same kind of module text, written
 * directly; the dynamic-provider host loads it the same way, and a state written by either
 * reads the same: the host takes no action when that text changes).
 */
abstract class DockerDynamicResource extends pulumi.CustomResource {
  protected constructor(module: string, type: string, name: string, props: pulumi.Inputs, opts: pulumi.CustomResourceOptions) {
    super(`pulumi-nodejs:dynamic/dockwire:${type}`, name, { ...props, __provider: shimProviderText(`docker/${module}`) }, opts);
  }
}

/** The owner label value of the running program (`PROJECT/STACK`). */
export function programOwner(): string {
  return `${pulumi.getProject()}/${pulumi.getStack()}`;
}

function withConnection(
  args: DockerResourceArgs,
  opts: pulumi.CustomResourceOptions | undefined,
  secretOutputs: string[] = [],
): pulumi.CustomResourceOptions {
  const secret = args.connection !== undefined ? ["connection"] : [];
  return { ...opts, additionalSecretOutputs: [...(opts?.additionalSecretOutputs ?? []), ...secret, ...secretOutputs] };
}

/**
 * Adds an alias to the @pulumi/docker type the resource takes the place of: a stack deployed
 * with dockwire 0.2 (or a program that used that type under the same name and parent) has
 * its object taken over in place instead of deleted by a plugin that may not be there.
 */
function withAliases(opts: pulumi.CustomResourceOptions, legacyType: string): pulumi.CustomResourceOptions {
  return { ...opts, aliases: [...(opts.aliases ?? []), { type: legacyType }] };
}

function inputsOf(args: DockerResourceArgs & Record<string, unknown>, extra: Record<string, unknown> = {}): pulumi.Inputs {
  const out: Record<string, unknown> = { ...extra };
  for (const [k, v] of Object.entries(args)) if (v !== undefined && k !== "connection") out[k] = v;
  if (args.connection !== undefined) out.connection = pulumi.secret(args.connection);
  return out;
}

// ---------------------------------------------------------------- network

/** Arguments for {@link DockerNetwork}: `docker network create`. Every change replaces the network. */
export interface DockerNetworkArgs extends DockerResourceArgs {
  /** Network name. */
  name: pulumi.Input<string>;
  /** Driver: bridge, overlay, macvlan, ipvlan, ... */
  driver: pulumi.Input<string>;
  /** IPAM pools. Without them Docker picks a subnet from its default address pools. */
  ipamConfigs?: pulumi.Input<IpamConfigState[]>;
  ipv6?: pulumi.Input<boolean>;
  internal?: pulumi.Input<boolean>;
  attachable?: pulumi.Input<boolean>;
  /** Driver options (`-o KEY=VALUE`). */
  options?: pulumi.Input<Record<string, string>>;
  labels?: pulumi.Input<{ label: string; value: string }[]>;
}

/** A Docker network on the Engine API (dockwire's own resource). */
export class DockerNetwork extends DockerDynamicResource {
  /** The network name. */
  declare public readonly name: pulumi.Output<string>;
  /** The network id on the daemon. */
  declare public readonly networkId: pulumi.Output<string>;
  /** The subnets the daemon has for it (also the ones it picked itself). */
  declare public readonly assignedSubnets: pulumi.Output<string[]>;

  constructor(name: string, args: DockerNetworkArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      "network-live",
      "DockerNetwork",
      name,
      inputsOf(args as DockerNetworkArgs & Record<string, unknown>, {
        owner: programOwner(),
        networkId: undefined,
        assignedSubnets: undefined,
      }),
      withAliases(withConnection(args, opts), "docker:index/network:Network"),
    );
  }
}

// ---------------------------------------------------------------- container

/** One network attachment of a {@link DockerContainer}, as inputs. */
export type AttachmentInput = { [K in keyof AttachmentState]: pulumi.Input<AttachmentState[K]> };

/** Arguments for {@link DockerContainer}: `docker run -d`. */
export interface DockerContainerArgs extends DockerResourceArgs {
  /** Container name. Changing it replaces the container. */
  name: pulumi.Input<string>;
  /** Image name or id; pulled when the daemon lacks it. Changing it replaces the container. */
  image: pulumi.Input<string>;
  /** Command and arguments. Changing them replaces the container. */
  command?: pulumi.Input<pulumi.Input<string>[]>;
  /** `KEY=VALUE` entries. Changing them replaces the container. */
  envs?: pulumi.Input<pulumi.Input<string>[]>;
  /** Published ports. Changing them replaces the container. */
  ports?: pulumi.Input<pulumi.Input<PortState>[]>;
  publishAllPorts?: pulumi.Input<boolean>;
  /** `bridge`, `host`, `none` or `container:ID`. Changing it replaces the container. */
  networkMode?: pulumi.Input<string>;
  /** User-defined networks, the first one at create. Changes are made in place on the running container. */
  networksAdvanced?: pulumi.Input<pulumi.Input<AttachmentInput>[]>;
  /** Mounts. Changing them replaces the container. */
  mounts?: pulumi.Input<pulumi.Input<{ [K in keyof MountState]: pulumi.Input<MountState[K]> }>[]>;
  labels?: pulumi.Input<{ label: string; value: string }[]>;
  hostname?: pulumi.Input<string>;
  /** Files written into the container before it starts. Changing them replaces the container. */
  uploads?: pulumi.Input<{ file: pulumi.Input<string>; content: pulumi.Input<string> }[]>;
  /** Restart policy; changed in place. */
  restart?: pulumi.Input<string>;
  /** Seconds between SIGTERM and SIGKILL on delete. Default 0. */
  destroyGraceSeconds?: pulumi.Input<number>;
  /** Registry credentials for the pull (`{ username, password, serveraddress }`), kept as a secret. */
  registryAuth?: pulumi.Input<Record<string, string>>;
}

/** A Docker container on the Engine API (dockwire's own resource). */
export class DockerContainer extends DockerDynamicResource {
  declare public readonly name: pulumi.Output<string>;
  /** Whether it runs (after refresh: whether it ran then). */
  declare public readonly running: pulumi.Output<boolean>;
  /** The id of the image it runs. */
  declare public readonly imageId: pulumi.Output<string>;
  /** When it last started (RFC 3339). */
  declare public readonly startedAt: pulumi.Output<string>;
  /** Its networks as the daemon has them. */
  declare public readonly networksAdvanced: pulumi.Output<AttachmentState[]>;

  constructor(name: string, args: DockerContainerArgs, opts?: pulumi.CustomResourceOptions) {
    const secret = args.registryAuth !== undefined ? { registryAuth: pulumi.secret(args.registryAuth) } : {};
    super(
      "container-live",
      "DockerContainer",
      name,
      {
        ...inputsOf(args as DockerContainerArgs & Record<string, unknown>, {
          owner: programOwner(),
          running: true,
          imageId: undefined,
          startedAt: undefined,
        }),
        ...secret,
      },
      withAliases(withConnection(args, opts, args.registryAuth !== undefined ? ["registryAuth"] : []), "docker:index/container:Container"),
    );
  }
}

// ---------------------------------------------------------------- volume

/** Arguments for {@link DockerVolume}: `docker volume create`. Every change replaces the volume. */
export interface DockerVolumeArgs extends DockerResourceArgs {
  name: pulumi.Input<string>;
  /** Defaults to `local`. */
  driver?: pulumi.Input<string>;
  driverOpts?: pulumi.Input<Record<string, string>>;
  labels?: pulumi.Input<{ label: string; value: string }[]>;
}

/** A Docker volume on the Engine API (dockwire's own resource). */
export class DockerVolume extends DockerDynamicResource {
  declare public readonly name: pulumi.Output<string>;
  declare public readonly mountpoint: pulumi.Output<string>;

  constructor(name: string, args: DockerVolumeArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      "volume-live",
      "DockerVolume",
      name,
      inputsOf(args as DockerVolumeArgs & Record<string, unknown>, { owner: programOwner(), mountpoint: undefined }),
      withAliases(withConnection(args, opts), "docker:index/volume:Volume"),
    );
  }
}

// ---------------------------------------------------------------- image

/** Arguments for {@link DockerImage}: `DOCKER_BUILDKIT=0 docker build --rm --force-rm -t NAME CONTEXT`. */
export interface DockerImageArgs {
  connection?: pulumi.Input<EngineConnection>;
  /** Name and tag, e.g. `local/app:dev`; kept on the daemon, never pushed. Changing it builds again. */
  name: pulumi.Input<string>;
  /** Absolute path of the build folder. Not compared: its digest is. */
  context: pulumi.Input<string>;
  /** Digest of the folder's files (see `contextDigest`): a change builds again. */
  contextDigest: pulumi.Input<string>;
  /** Dockerfile path inside the context. Defaults to `Dockerfile`. */
  dockerfile?: pulumi.Input<string>;
  /** `--build-arg` values. Changing them builds again. */
  buildArgs?: pulumi.Input<Record<string, pulumi.Input<string>>>;
}

/** An image built on the daemon from a local folder (dockwire's own resource); removed with the stack. */
export class DockerImage extends DockerDynamicResource {
  declare public readonly name: pulumi.Output<string>;
  /** The built image's id (`sha256:...`). */
  declare public readonly imageId: pulumi.Output<string>;

  constructor(name: string, args: DockerImageArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      "image-live",
      "DockerImage",
      name,
      inputsOf(args as DockerImageArgs & Record<string, unknown>, { imageId: undefined }),
      withConnection(args, opts),
    );
  }
}

// ---------------------------------------------------------------- exec

/** Arguments for {@link ContainerExec}: `docker exec CONTAINER COMMAND...`. */
export interface ContainerExecArgs {
  connection?: pulumi.Input<EngineConnection>;
  /** Name or id of the running container. */
  container: pulumi.Input<string>;
  /** The command, no shell (`["sh", "-c", SCRIPT]` for one). A change runs it again. */
  command: pulumi.Input<pulumi.Input<string>[]>;
  /** Extra environment of the command. A change runs it again. */
  environment?: pulumi.Input<Record<string, pulumi.Input<string>>>;
  /** Values whose change runs the command again (e.g. container ids). */
  triggers?: pulumi.Input<pulumi.Input<unknown>[]>;
  /** How long a run may take. Defaults to 300 s. */
  timeoutSeconds?: pulumi.Input<number>;
}

/** A command run in a container on create and when its command or triggers change (dockwire's own resource). */
export class ContainerExec extends DockerDynamicResource {
  /** The last run's standard output (trailing newline dropped). */
  declare public readonly stdout: pulumi.Output<string>;
  declare public readonly stderr: pulumi.Output<string>;

  constructor(name: string, args: ContainerExecArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      "exec-live",
      "ContainerExec",
      name,
      inputsOf(args as ContainerExecArgs & Record<string, unknown>, { stdout: undefined, stderr: undefined }),
      withConnection(args, opts),
    );
  }
}

// ---------------------------------------------------------------- swarm

/** Arguments for {@link SwarmNode}. */
export interface SwarmNodeArgs {
  connection?: pulumi.Input<EngineConnection>;
  /** `manager` inits the swarm; `worker` joins it. */
  role: "manager" | "worker";
  /** Address this node advertises. Required for the manager. */
  advertiseAddr?: pulumi.Input<string>;
  /** The manager's `--listen-addr`. Defaults to `0.0.0.0:2377`. */
  listenAddr?: pulumi.Input<string>;
  /** The manager's address (workers). */
  managerAddr?: pulumi.Input<string>;
  /** The worker join token (workers), kept as a secret. */
  joinToken?: pulumi.Input<string>;
}

/** One daemon's membership of a swarm (dockwire's own resource). */
export class SwarmNode extends DockerDynamicResource {
  declare public readonly nodeId: pulumi.Output<string>;
  /** The worker join token (manager only; secret). */
  declare public readonly workerToken: pulumi.Output<string>;
  /** Whether this resource made the membership (and so ends it on delete). */
  declare public readonly madeByUs: pulumi.Output<boolean>;

  constructor(name: string, args: SwarmNodeArgs, opts?: pulumi.CustomResourceOptions) {
    const inputs = inputsOf(args as SwarmNodeArgs & Record<string, unknown>, {
      nodeId: undefined,
      workerToken: undefined,
      madeByUs: undefined,
    });
    if (args.joinToken !== undefined) inputs.joinToken = pulumi.secret(args.joinToken);
    super("swarm-live", "SwarmNode", name, inputs, withConnection(args, opts, ["workerToken", "joinToken"]));
  }
}
