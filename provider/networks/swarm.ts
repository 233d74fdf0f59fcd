import * as command from "@pulumi/command";
import * as pulumi from "@pulumi/pulumi";
import { parseIp } from "../ipam";
import { shellQuote } from "../shell";
import { validated } from "./network";

/**
 * Shell preamble for docker CLI commands run by dockwire: when TLS material is passed in
 * DOCKWIRE_TLS_CA/CERT/KEY (as DockerHost.cliEnv does), it is written to a private temporary
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

/**
 * What the create scripts print to stderr when they made the daemon a swarm member. The
 * command provider keeps stderr and hands it to the next run and to delete
 * (PULUMI_COMMAND_STDERR): only a member this resource made leaves on delete, so a daemon
 * that was in a swarm before `pulumi up` stays in it after `pulumi destroy`.
 */
export const SWARM_MADE_MARK = "dockwire: this resource made the daemon a swarm member";

/**
 * The create and delete of one swarm membership. `join` is the command that makes the daemon
 * a member. Create: join unless already a member (then keeps the mark of an earlier run of
 * this resource); prints the node id. Delete: when this resource made the member, leave,
 * then remove docker_gwbridge, which the daemon made on joining and keeps after leaving.
 */
function membershipScripts(join: string): { create: string; delete: string } {
  const mark = shellQuote(SWARM_MADE_MARK);
  return {
    create: [
      DOCKER_CLI_PREAMBLE,
      `if [ "$(docker info --format '{{.Swarm.LocalNodeState}}')" != active ]; then`,
      `  ${join} >/dev/null`,
      `  echo ${mark} >&2`,
      `elif printf '%s' "\${PULUMI_COMMAND_STDERR:-}" | grep -qF ${mark}; then`,
      `  echo ${mark} >&2`,
      "else",
      "  echo 'dockwire: the daemon was already a swarm member: it stays one when this resource is deleted' >&2",
      "fi",
      "docker info --format '{{.Swarm.NodeID}}'",
    ].join("\n"),
    delete: [
      DOCKER_CLI_PREAMBLE,
      `if printf '%s' "\${PULUMI_COMMAND_STDERR:-}" | grep -qF ${mark}; then`,
      "  docker swarm leave --force >/dev/null 2>&1 || true",
      "  docker network rm docker_gwbridge >/dev/null 2>&1 || true",
      "else",
      "  echo 'dockwire: the daemon was a swarm member before this resource: left as it is'",
      "fi",
    ].join("\n"),
  };
}

/** Scripts of the swarm manager: init unless already in a swarm; leave on delete if it made the swarm. */
export function swarmInitScripts(advertiseAddr: string, listenAddr?: string): { create: string; delete: string } {
  const listen = listenAddr ? ` --listen-addr ${shellQuote(listenAddr)}` : "";
  return membershipScripts(`docker swarm init --advertise-addr ${shellQuote(advertiseAddr)}${listen}`);
}

/** Script that prints the worker join token (its output is kept as a secret). */
export const SWARM_TOKEN_SCRIPT = [DOCKER_CLI_PREAMBLE, "docker swarm join-token -q worker"].join("\n");

/** Scripts of a worker: join with the token from DOCKWIRE_JOIN_TOKEN unless already in a swarm; leave on delete if it joined. */
export function swarmJoinScripts(managerAddr: string, advertiseAddr?: string): { create: string; delete: string } {
  const adv = advertiseAddr ? ` --advertise-addr ${shellQuote(advertiseAddr)}` : "";
  return membershipScripts(`docker swarm join --token "$DOCKWIRE_JOIN_TOKEN"${adv} ${shellQuote(`${managerAddr}:2377`)}`);
}

/** A daemon that swarm commands run against: anything with a docker CLI environment, e.g. a DockerHost. */
export interface SwarmNodeHost {
  /** Environment for the docker CLI (`DOCKER_HOST`, and TLS material when used). */
  cliEnv: pulumi.Input<Record<string, string>>;
}

/** A worker of a {@link Swarm}. */
export interface SwarmWorkerArgs {
  /** Short name of the worker, used in child resource names. Changing it replaces the join. */
  name: string;
  /** The worker's daemon. */
  host: SwarmNodeHost;
  /** Address the worker advertises to the swarm. Defaults to Docker's choice. Changing it replaces the join. */
  advertiseAddr?: string;
}

/** Arguments for {@link Swarm}. */
export interface SwarmArgs {
  /** The manager's daemon. */
  manager: SwarmNodeHost;
  /** Address the manager advertises (`docker swarm init --advertise-addr`). Changing it re-creates the swarm. */
  advertiseAddr: string;
  /** `--listen-addr` of the manager. Defaults to Docker's (0.0.0.0:2377). Changing it re-creates the swarm. */
  listenAddr?: string;
  /** Workers that join. Adding one joins it; removing one makes it leave. */
  workers?: SwarmWorkerArgs[];
}

function checkAddr(value: string, field: string): void {
  if (!parseIp(value)) {
    throw new Error(
      `${field} ${JSON.stringify(value)} is not an IP address: give the address other nodes reach this one at, e.g. "10.99.0.1".`,
    );
  }
}

/**
 * A Docker swarm: `docker swarm init` on a manager and `docker swarm join` of workers, as
 * @pulumi/command resources run with the docker CLI on the machine running Pulumi. The join
 * token is read from the manager and kept as a secret; nodes leave the swarm on delete
 * (workers first). A node already in a swarm is left as it is on create.
 *
 * Drift: neither init nor join re-reads the daemon; a node that left the swarm behind
 * dockwire's back is not noticed until the resources are replaced.
 */
export class Swarm extends pulumi.ComponentResource {
  /** The manager's node id. */
  public readonly managerNodeId: pulumi.Output<string>;
  /** The worker join token (secret). */
  public readonly workerToken: pulumi.Output<string>;
  /** Node ids of the workers, by worker name. */
  public readonly workerNodeIds: Record<string, pulumi.Output<string>> = {};

  constructor(name: string, args: SwarmArgs, opts?: pulumi.ComponentResourceOptions) {
    const workers = args.workers ?? [];
    validated("dockwire:networks:Swarm", name, () => {
      checkAddr(args.advertiseAddr, "advertiseAddr");
      const seen = new Set<string>();
      workers.forEach((w, i) => {
        if (!/^[a-z0-9][a-z0-9-]{0,30}$/.test(w.name)) {
          throw new Error(
            `workers[${i}].name ${JSON.stringify(w.name)} is not a valid worker name: use lowercase letters, digits and "-", at most 31 characters.`,
          );
        }
        if (seen.has(w.name)) throw new Error(`workers[${i}].name ${JSON.stringify(w.name)} is used twice: give each worker its own name.`);
        seen.add(w.name);
        if (w.advertiseAddr !== undefined) checkAddr(w.advertiseAddr, `workers[${i}].advertiseAddr`);
      });
    });
    super("dockwire:networks:Swarm", name, {}, opts);
    const init = swarmInitScripts(args.advertiseAddr, args.listenAddr);
    const manager = new command.local.Command(
      `${name}-init`,
      { create: init.create, delete: init.delete, environment: args.manager.cliEnv, interpreter: ["/bin/sh", "-c"] },
      { parent: this, replaceOnChanges: ["create"], deleteBeforeReplace: true },
    );
    const token = new command.local.Command(
      `${name}-worker-token`,
      { create: SWARM_TOKEN_SCRIPT, environment: args.manager.cliEnv, interpreter: ["/bin/sh", "-c"] },
      { parent: this, dependsOn: [manager], additionalSecretOutputs: ["stdout"] },
    );
    this.managerNodeId = manager.stdout;
    this.workerToken = pulumi.secret(token.stdout);
    for (const w of workers) {
      const join = swarmJoinScripts(args.advertiseAddr, w.advertiseAddr);
      const env = pulumi.all([w.host.cliEnv, token.stdout]).apply(([e, t]) => ({ ...e, DOCKWIRE_JOIN_TOKEN: t }));
      const joined = new command.local.Command(
        `${name}-join-${w.name}`,
        { create: join.create, delete: join.delete, environment: pulumi.secret(env), interpreter: ["/bin/sh", "-c"] },
        { parent: this, dependsOn: [token], replaceOnChanges: ["create"], deleteBeforeReplace: true },
      );
      this.workerNodeIds[w.name] = joined.stdout;
    }
    this.registerOutputs({ managerNodeId: this.managerNodeId });
  }
}
