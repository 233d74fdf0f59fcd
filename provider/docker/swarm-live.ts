/**
 * One daemon's swarm membership through the Engine API (the dynamic-provider side of the
 * {@link Swarm} component): `role: "manager"` inits a swarm (`POST /swarm/init`),
 * `role: "worker"` joins one with a token (`POST /swarm/join`).
 *
 * - A daemon already in a swarm when the resource is created is left as it is, and stays
 *   in it on delete (`madeByUs: false`); a membership this resource made is left on delete
 *   (`POST /swarm/leave?force=true`), and docker_gwbridge, which joining made, is removed.
 * - read asks `GET /info`: a daemon that left the swarm behind dockwire's back reads as
 *   deleted, and the next `up` inits or joins again.
 * - The manager's outputs hold the worker join token (a secret) and the node id.
 *
 * @module
 */
import { EngineConnection, call, callOrMissing, daemonMessage, dockerFor, explain, hostOf, statusOf } from "./client";
import { CheckFailure, DOCKER_STATE_VERSION, DiffResult, connOf, isLegacyState, same } from "./common";
import { parseIp } from "../ipam/cidr";

/** What dockwire 0.2's swarm commands printed to stderr when they made the membership. */
const LEGACY_MADE_MARK = "dockwire: this resource made the daemon a swarm member";

interface SwarmInfo {
  state: string;
  nodeId: string;
  isManager: boolean;
}

async function swarmInfo(c: EngineConnection | undefined): Promise<SwarmInfo> {
  const info = (await call("reading the swarm state", c, (d) => d.info())) as {
    Swarm?: { LocalNodeState?: string; NodeID?: string; ControlAvailable?: boolean };
  };
  return {
    state: info.Swarm?.LocalNodeState ?? "inactive",
    nodeId: info.Swarm?.NodeID ?? "",
    isManager: info.Swarm?.ControlAvailable === true,
  };
}

/** Check failures of a membership's inputs. */
export function checkSwarmInputs(news: Record<string, unknown>): CheckFailure[] {
  const out: CheckFailure[] = [];
  if (news.role !== "manager" && news.role !== "worker") out.push({ property: "role", reason: 'role must be "manager" or "worker".' });
  for (const f of ["advertiseAddr", "managerAddr"]) {
    const v = news[f];
    if (v !== undefined && (typeof v !== "string" || !parseIp(v)))
      out.push({ property: f, reason: `${f} ${JSON.stringify(v)} is not an IP address, e.g. "10.99.0.1".` });
  }
  if (news.role === "worker" && news.managerAddr === undefined)
    out.push({ property: "managerAddr", reason: "managerAddr is required for a worker: the manager's advertise address." });
  return out;
}

async function managerOutputs(c: EngineConnection | undefined): Promise<Record<string, unknown>> {
  const s = (await call("reading the swarm's join tokens", c, (d) => d.swarmInspect())) as {
    JoinTokens?: { Worker?: string };
    ID?: string;
  };
  return { workerToken: s.JoinTokens?.Worker ?? "", swarmId: s.ID ?? "" };
}

async function create(news: Record<string, unknown>): Promise<{ id: string; outs: Record<string, unknown> }> {
  const c = connOf(news);
  const before = await swarmInfo(c);
  let madeByUs = false;
  if (before.state !== "active") {
    if (news.role === "manager") {
      await call(`initialising a swarm (advertise ${String(news.advertiseAddr)})`, c, (d) =>
        d.swarmInit({ AdvertiseAddr: news.advertiseAddr, ListenAddr: (news.listenAddr as string | undefined) ?? "0.0.0.0:2377" }),
      );
    } else {
      await call(`joining the swarm of ${String(news.managerAddr)}`, c, (d) =>
        d.swarmJoin({
          RemoteAddrs: [`${String(news.managerAddr)}:2377`],
          JoinToken: news.joinToken,
          ListenAddr: "0.0.0.0:2377",
          ...(news.advertiseAddr ? { AdvertiseAddr: news.advertiseAddr } : {}),
        }),
      );
    }
    madeByUs = true;
  }
  const after = await swarmInfo(c);
  if (after.state !== "active")
    throw new Error(
      `dockwire: the daemon at ${hostOf(c)} is not an active swarm node after ${news.role === "manager" ? "init" : "join"} (state ${after.state})`,
    );
  const extra = news.role === "manager" ? await managerOutputs(c) : {};
  return { id: after.nodeId, outs: { ...news, nodeId: after.nodeId, madeByUs, ...extra, stateVersion: DOCKER_STATE_VERSION } };
}

/** Pulumi's diff of a membership: a new role, address or daemon makes it anew (left first). */
export function diffSwarm(olds: Record<string, unknown>, news: Record<string, unknown>): DiffResult {
  // dockwire 0.2's swarm command: taken over in place (update reads the daemon's membership).
  if (isLegacyState(olds)) return { changes: true, replaces: [], deleteBeforeReplace: true };
  const replaces = ["role", "advertiseAddr", "listenAddr", "managerAddr"].filter((f) => !same(olds[f], news[f]));
  if ((olds.connection as { host?: string } | undefined)?.host !== (news.connection as { host?: string } | undefined)?.host)
    replaces.push("connection");
  // A rotated key or certificate for the same daemon, or a new token: kept by an update.
  const secrets = !same(connOf(olds), connOf(news)) || !same(olds.joinToken, news.joinToken);
  return { changes: replaces.length > 0 || secrets, replaces, deleteBeforeReplace: true };
}

/** The provider object the dynamic-provider host calls (see `../dynamic`). */
export const provider = {
  check(_olds: Record<string, unknown>, news: Record<string, unknown>) {
    return Promise.resolve({ inputs: news, failures: checkSwarmInputs(news) });
  },
  diff(_id: string, olds: Record<string, unknown>, news: Record<string, unknown>) {
    return Promise.resolve(diffSwarm(olds, news));
  },
  create,
  async update(_id: string, olds: Record<string, unknown>, news: Record<string, unknown>) {
    if (isLegacyState(olds)) {
      // The 0.2 command marked its stderr when it made the membership (and so must end it).
      const made = typeof olds.stderr === "string" && olds.stderr.includes(LEGACY_MADE_MARK);
      const c = connOf(news);
      const s = await swarmInfo(c);
      if (s.state !== "active") return { outs: (await create(news)).outs };
      const extra = news.role === "manager" ? await managerOutputs(c) : {};
      return { outs: { ...news, nodeId: s.nodeId, madeByUs: made, ...extra, stateVersion: DOCKER_STATE_VERSION } };
    }
    return { outs: { ...olds, joinToken: news.joinToken, connection: news.connection } };
  },
  async read(id: string, props: Record<string, unknown>) {
    if (isLegacyState(props)) return { id, props };
    const c = connOf(props);
    const s = await swarmInfo(c);
    // A membership taken over from dockwire 0.2 keeps that resource's id: compare node ids.
    if (s.state !== "active" || s.nodeId !== (props.nodeId ?? id)) return { id: "", props: {} };
    const extra = props.role === "manager" && s.isManager ? await managerOutputs(c) : {};
    const outs = { ...props, ...extra };
    const inputs = Object.fromEntries(
      Object.entries(outs).filter(([k]) => !["nodeId", "madeByUs", "workerToken", "swarmId", "stateVersion"].includes(k)),
    );
    return { id, props: outs, inputs };
  },
  async delete(_id: string, props: Record<string, unknown>) {
    if (props.madeByUs !== true) return;
    const c = connOf(props);
    try {
      await dockerFor(c).swarmLeave({ force: true });
    } catch (e) {
      // 503 "not part of a swarm": it left already (by hand, or a failed create) — the goal holds.
      if (statusOf(e) !== 503 && !/not part of a swarm/i.test(daemonMessage(e))) throw explain(e, "leaving the swarm", hostOf(c));
    }
    await callOrMissing("removing docker_gwbridge", c, (d) => d.getNetwork("docker_gwbridge").remove()).catch(() => undefined);
  },
};
