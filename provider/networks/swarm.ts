import * as pulumi from "@pulumi/pulumi";
import type { EngineConnection } from "../docker/client";
import { SwarmNode } from "../docker/resources";
import { parseIp } from "../ipam";
import { validated } from "./network";

/** A daemon of the swarm: a DockerHost (or anything with an `engine` connection). */
export interface SwarmNodeHost {
  /** The connection to the daemon. */
  engine: pulumi.Input<EngineConnection>;
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
 * A Docker swarm: init on a manager and join of workers through the Engine API
 * ({@link SwarmNode}, dockwire's own resource). The join token is read from the manager and
 * kept as a secret; nodes leave the swarm on delete (workers first). A node already in a
 * swarm is left as it is on create, and stays in it on delete.
 *
 * Drift: refresh reads each daemon's swarm state; a node that left the swarm behind
 * dockwire's back reads as deleted, and the next up inits or joins it again.
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
      if (!args.manager || typeof args.manager !== "object" || !("engine" in args.manager)) {
        throw new Error("manager must be a DockerHost (or an object with an engine connection).");
      }
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
        if (!w.host || typeof w.host !== "object" || !("engine" in w.host)) {
          throw new Error(`workers[${i}].host must be a DockerHost (or an object with an engine connection).`);
        }
        if (w.advertiseAddr !== undefined) checkAddr(w.advertiseAddr, `workers[${i}].advertiseAddr`);
      });
    });
    super("dockwire:networks:Swarm", name, {}, opts);
    const manager = new SwarmNode(
      `${name}-init`,
      {
        connection: args.manager.engine,
        role: "manager",
        advertiseAddr: args.advertiseAddr,
        ...(args.listenAddr ? { listenAddr: args.listenAddr } : {}),
      },
      // dockwire 0.2 made the membership with a @pulumi/command Command of the same name.
      { parent: this, aliases: [{ type: "command:local:Command" }] },
    );
    this.managerNodeId = manager.nodeId;
    this.workerToken = pulumi.secret(manager.workerToken);
    for (const w of workers) {
      const joined = new SwarmNode(
        `${name}-join-${w.name}`,
        {
          connection: w.host.engine,
          role: "worker",
          managerAddr: args.advertiseAddr,
          joinToken: manager.workerToken,
          ...(w.advertiseAddr ? { advertiseAddr: w.advertiseAddr } : {}),
        },
        { parent: this, dependsOn: [manager], aliases: [{ type: "command:local:Command" }] },
      );
      this.workerNodeIds[w.name] = joined.nodeId;
    }
    this.registerOutputs({ managerNodeId: this.managerNodeId });
  }
}
