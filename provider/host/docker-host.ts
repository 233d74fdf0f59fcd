import type * as command from "@pulumi/command";
import type * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import type { EngineConnection } from "../docker/client";
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
  /** SSH private key (PEM or OpenSSH) for `ssh://` hosts; stored as a secret. Defaults to the SSH agent (SSH_AUTH_SOCK). */
  sshPrivateKey?: pulumi.Input<string>;
  /**
   * The `ssh://` host's public key line (`ssh-ed25519 AAAA...`, its .pub file). When given,
   * dockwire's resources refuse any other key; otherwise the host key is not checked.
   */
  sshHostKey?: pulumi.Input<string>;
  /** Extra options for the @pulumi/docker provider's ssh client (only for {@link DockerHost.dockerProvider}). */
  sshOpts?: string[];
}

/**
 * Shell preamble for your own docker CLI scripts run with {@link DockerHost.cliEnv}: when TLS
 * material is passed in DOCKWIRE_TLS_CA/CERT/KEY, it is written to a private temporary
 * directory for the CLI and removed on exit. Nothing secret is ever part of the command text.
 */
export const DOCKER_CLI_PREAMBLE = [
  "set -e",
  'if [ -n "${DOCKWIRE_TLS_CA:-}" ]; then',
  '  dw_tls=$(mktemp -d); trap \'rm -rf "$dw_tls"\' EXIT; chmod 700 "$dw_tls"',
  '  printf %s "$DOCKWIRE_TLS_CA" >"$dw_tls/ca.pem"; printf %s "$DOCKWIRE_TLS_CERT" >"$dw_tls/cert.pem"; printf %s "$DOCKWIRE_TLS_KEY" >"$dw_tls/key.pem"',
  '  export DOCKER_CERT_PATH="$dw_tls" DOCKER_TLS_VERIFY=1',
  "fi",
].join("\n");

/** The DockerHost a docker.Provider was made by, so components given `opts.provider` find the host. */
const hostsByProvider = new WeakMap<object, DockerHost>();

/** The DockerHost whose {@link DockerHost.dockerProvider} is `p`, if any. */
export function dockerHostOfProvider(p: unknown): DockerHost | undefined {
  return p && typeof p === "object" ? hostsByProvider.get(p) : undefined;
}

/**
 * One Docker daemon that other dockwire components target: pass it as their `host`
 * argument. Its `engine` is the connection dockwire's own resources use (the Engine API
 * over unix, tcp+TLS or ssh); for programs that mix in their own @pulumi/docker resources,
 * {@link DockerHost.dockerProvider} gives a `docker.Provider` for the same daemon (that one
 * needs the docker provider plugin). Bad endpoints and plain TCP without TLS are refused at
 * construction.
 */
export class DockerHost extends pulumi.ComponentResource {
  /** The connection dockwire's resources use (a secret when it holds TLS or SSH key material). */
  public readonly engine: pulumi.Output<EngineConnection>;
  /** The parsed endpoint (plain value). */
  public readonly endpoint: DockerEndpoint;
  /** The @pulumi/command SSH connection to this host (ssh:// hosts only). */
  public readonly connection?: pulumi.Output<command.types.input.remote.ConnectionArgs>;
  /**
   * Environment for your own docker CLI scripts against this host (DOCKER_HOST, and the TLS
   * material in DOCKWIRE_TLS_CA/CERT/KEY for {@link DOCKER_CLI_PREAMBLE}); a secret with TLS.
   */
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
    this.hostName = name;
    this.args = args;
    const material = tls !== undefined || args.sshPrivateKey !== undefined;
    const engine = pulumi
      .all([tls?.caPem, tls?.certPem, tls?.keyPem, args.sshPrivateKey, args.sshHostKey])
      .apply(([caPem, certPem, keyPem, key, hostKey]): EngineConnection => ({
        host: args.host,
        ...(tls ? { tls: { caPem: caPem!, certPem: certPem!, keyPem: keyPem! } } : {}),
        ...(args.allowInsecure ? { allowInsecure: true } : {}),
        ...(key ? { sshPrivateKey: key } : {}),
        ...(hostKey ? { sshHostKey: hostKey } : {}),
      }));
    this.engine = material ? pulumi.secret(engine) : engine;
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
    this.registerOutputs({});
  }

  private readonly hostName: string;
  private readonly args: DockerHostArgs;
  private made?: docker.Provider;

  /**
   * A @pulumi/docker provider for this daemon, made on first call (a child of this host),
   * for the program's own @pulumi/docker resources; such a docker.Container can join a
   * dockwire network by its name. Needs the docker provider plugin where Pulumi runs.
   */
  public dockerProvider(): docker.Provider {
    if (this.made) return this.made;
    // Loaded only here: programs that never ask for it never load @pulumi/docker.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const d = require("@pulumi/docker") as typeof docker;
    const tls = this.args.tls;
    const args = this.args;
    const name = this.hostName;
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
    this.made = new d.Provider(
      this.hostName,
      {
        host: this.args.host,
        ...(tls
          ? { caMaterial: pulumi.secret(tls.caPem), certMaterial: pulumi.secret(tls.certPem), keyMaterial: pulumi.secret(tls.keyPem) }
          : {}),
        ...(this.args.sshOpts ? { sshOpts: this.args.sshOpts } : {}),
      },
      { parent: this },
    );
    hostsByProvider.set(this.made, this);
    return this.made;
  }

  /** The same as {@link DockerHost.dockerProvider}: kept for programs written for dockwire 0.2. */
  public get provider(): docker.Provider {
    return this.dockerProvider();
  }
}
