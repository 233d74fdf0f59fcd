import * as command from "@pulumi/command";
import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import { DockerEndpoint, parseDockerEndpoint } from "./endpoint";

/** TLS client material for a `tcp://` daemon. All three are stored as secrets. */
export interface DockerTlsArgs {
  /** PEM of the CA that signed the daemon's certificate. */
  caPem: pulumi.Input<string>;
  /** PEM of the client certificate. */
  certPem: pulumi.Input<string>;
  /** PEM of the client key. */
  keyPem: pulumi.Input<string>;
}

/** Arguments for {@link DockerHost}. */
export interface DockerHostArgs {
  /**
   * The daemon: `unix:///var/run/docker.sock`, `tcp://HOST:2376` (with `tls`), or
   * `ssh://USER@HOST[:PORT]`. Changing it points every resource on this host elsewhere
   * (they are replaced).
   */
  host: string;
  /** TLS client material; required for `tcp://` unless `allowInsecure`. */
  tls?: DockerTlsArgs;
  /**
   * Allows plain TCP without TLS (unauthenticated root access to that host). Defaults to
   * `false`; when set, preview warns.
   */
  allowInsecure?: boolean;
  /** SSH private key (PEM) for `ssh://` hosts, used by command resources; stored as a secret. Defaults to the SSH agent. */
  sshPrivateKey?: pulumi.Input<string>;
  /** Extra options for the provider's ssh client, e.g. `["-o", "StrictHostKeyChecking=no"]`. */
  sshOpts?: string[];
}

/**
 * One Docker daemon that other dockwire components target: it gives the `docker.Provider`
 * to pass as `provider`/`providers`, and, for ssh:// hosts, the matching @pulumi/command
 * connection. Bad endpoints and plain TCP without TLS are refused at construction.
 */
export class DockerHost extends pulumi.ComponentResource {
  /** The provider for docker resources on this host. */
  public readonly provider: docker.Provider;
  /** The parsed endpoint (plain value). */
  public readonly endpoint: DockerEndpoint;
  /** The @pulumi/command SSH connection to this host (ssh:// hosts only). */
  public readonly connection?: pulumi.Output<command.types.input.remote.ConnectionArgs>;
  /** Environment for running the docker CLI against this host from the machine running Pulumi. */
  public readonly cliEnv: pulumi.Output<Record<string, string>>;

  constructor(name: string, args: DockerHostArgs, opts?: pulumi.ComponentResourceOptions) {
    let endpoint: DockerEndpoint;
    try {
      endpoint = parseDockerEndpoint(args.host, { tls: args.tls !== undefined, allowInsecure: args.allowInsecure });
      if (args.tls) {
        for (const k of ["caPem", "certPem", "keyPem"] as const) {
          if (args.tls[k] === undefined || args.tls[k] === "") {
            throw new Error(`tls.${k} is missing: give all three of caPem, certPem and keyPem (PEM text), or drop tls.`);
          }
        }
      }
    } catch (e) {
      throw new pulumi.RunError(`dockwire:host:DockerHost ${JSON.stringify(name)}: ${(e as Error).message}`);
    }
    super("dockwire:host:DockerHost", name, {}, opts);
    this.endpoint = endpoint;
    if (endpoint.kind === "tcp" && !endpoint.tls) {
      void pulumi.log.warn(
        `DockerHost ${JSON.stringify(name)}: ${args.host} is plain TCP without TLS (allowInsecure): anyone who reaches it has root on that host.`,
        this,
      );
    }
    const tls = args.tls;
    const envHost = process.env.DOCKER_HOST;
    if (tls && envHost && envHost !== args.host) {
      // @pulumi/docker 4.11.2 applies DOCKER_HOST from its environment after the host it
      // is given when TLS material is set, so the provider would talk to envHost.
      void pulumi.log.warn(
        `DockerHost ${JSON.stringify(name)}: DOCKER_HOST=${envHost} is set where Pulumi runs; with TLS material the docker provider (@pulumi/docker 4.11.2) ` +
          `takes it over ${args.host}: unset DOCKER_HOST (or set it to ${args.host}) before pulumi up.`,
        this,
      );
    }
    this.provider = new docker.Provider(
      name,
      {
        host: args.host,
        ...(tls
          ? { caMaterial: pulumi.secret(tls.caPem), certMaterial: pulumi.secret(tls.certPem), keyMaterial: pulumi.secret(tls.keyPem) }
          : {}),
        ...(args.sshOpts ? { sshOpts: args.sshOpts } : {}),
      },
      { parent: this },
    );
    if (endpoint.kind === "ssh") {
      this.connection = pulumi.output({
        host: endpoint.host,
        port: endpoint.port,
        user: endpoint.user,
        ...(args.sshPrivateKey ? { privateKey: pulumi.secret(args.sshPrivateKey) } : {}),
      });
    }
    this.cliEnv = tls
      ? pulumi.secret(
          pulumi.all([tls.caPem, tls.certPem, tls.keyPem]).apply(([ca, cert, key]): Record<string, string> => ({
            DOCKER_HOST: args.host,
            DOCKWIRE_TLS_CA: ca,
            DOCKWIRE_TLS_CERT: cert,
            DOCKWIRE_TLS_KEY: key,
          })),
        )
      : pulumi.output<Record<string, string>>({ DOCKER_HOST: args.host });
    this.registerOutputs({ provider: this.provider });
  }
}
