/**
 * dockwire's Docker network resource against the Engine API (the dynamic-provider side of
 * {@link DockerNetwork}). The state keeps the same fields as `docker.Network`'s inputs
 * (name, driver, ipamConfigs, ipv6, internal, attachable, options, labels), so previews
 * and the address-plan report read both alike.
 *
 * - check: the fields' shape; then, where the daemon answers, refuses a subnet that
 *   overlaps a network of someone else (not labelled with this program's owner), naming
 *   it, and a name that is taken by a network this resource does not own.
 * - create: `POST /networks/create`, then reads the network back. With `adopt`, takes over
 *   the network of that name or id instead when the daemon has one (it must match the
 *   inputs), and creates it when not.
 * - read: inspects by id; gone reads as deleted. Fields are what the daemon has.
 * - diff: Docker cannot change a network: every change replaces it (old one deleted first,
 *   as the name is the same).
 * - delete: disconnects every container still attached (`docker network disconnect -f`),
 *   then removes the network. Attached containers of the program reconnect to the new
 *   network in place (see the container resource).
 *
 * @module
 */
import type Docker from "dockerode";
import { cidrsOverlap, firstHost, formatIp, parseCidr } from "../ipam/cidr";
import { EngineConnection, call, callOrMissing, hostOf } from "./client";
import {
  CheckFailure,
  DOCKER_STATE_VERSION,
  DiffResult,
  OWNER_LABEL,
  changedFields,
  connOf,
  describe,
  hasUnknown,
  isLegacyState,
  labelList,
  legacyChanges,
  labelMap,
  opt,
  same,
  targetOfConn,
} from "./common";

/** One IPAM pool as the state keeps it. */
export interface IpamConfigState {
  subnet: string;
  gateway?: string;
  ipRange?: string;
  auxAddress?: Record<string, string>;
}

/** The fields that define a network; a change of any replaces it. */
export const NETWORK_FIELDS = ["name", "driver", "ipamConfigs", "ipv6", "internal", "attachable", "options", "labels"] as const;

const NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;

/** Check failures of a network's inputs (shape only; the component checked the values). */
export function checkNetworkInputs(news: Record<string, unknown>): CheckFailure[] {
  const out: CheckFailure[] = [];
  if (typeof news.name !== "string" || !NAME.test(news.name)) {
    out.push({
      property: "name",
      reason: `name ${JSON.stringify(news.name)} is not a valid Docker network name: use letters, digits, "_", "." and "-".`,
    });
  }
  if (typeof news.driver !== "string" || news.driver === "") out.push({ property: "driver", reason: 'driver is required, e.g. "bridge".' });
  return out;
}

/**
 * The gateway Docker's default IPAM gives a pool that names none (a network made with
 * `docker network create --subnet` alone): its first host address. The daemon does not
 * record it in the pool, so without this a network made by hand would never match.
 */
export function implicitGateway(subnet: string | undefined): string | undefined {
  if (!subnet) return undefined;
  try {
    const c = parseCidr(subnet, "subnet");
    return formatIp(c.family, firstHost(c));
  } catch {
    return undefined;
  }
}

/** The daemon's network as the state keeps it (only the fields the inputs manage, plus the id). */
export function flattenNetwork(n: Docker.NetworkInspectInfo, want: Record<string, unknown>): Record<string, unknown> {
  const pools: IpamConfigState[] = (n.IPAM?.Config ?? []).map((c) => ({
    subnet: c.Subnet ?? "",
    ...opt("gateway", c.Gateway || implicitGateway(c.Subnet)),
    ...opt("ipRange", c.IPRange || undefined),
    ...opt("auxAddress", c.AuxiliaryAddresses && Object.keys(c.AuxiliaryAddresses).length > 0 ? c.AuxiliaryAddresses : undefined),
  }));
  const wantedOptions = (want.options ?? {}) as Record<string, string>;
  const options: Record<string, string> = {};
  for (const [k, v] of Object.entries(n.Options ?? {})) if (k in wantedOptions) options[k] = v;
  const labels = labelList(n.Labels);
  return {
    name: n.Name,
    driver: n.Driver,
    ...(want.ipamConfigs !== undefined ? { ipamConfigs: pools } : {}),
    assignedSubnets: pools.map((p) => p.subnet),
    ...(want.ipv6 !== undefined ? { ipv6: n.EnableIPv6 } : {}),
    ...(want.internal !== undefined ? { internal: n.Internal } : {}),
    ...(want.attachable !== undefined ? { attachable: n.Attachable } : {}),
    ...(want.options !== undefined ? { options } : {}),
    ...(want.labels !== undefined || labels.length > 0 ? { labels } : {}),
    networkId: n.Id,
  };
}

/** The `POST /networks/create` body of the inputs. */
export function networkCreateBody(x: Record<string, unknown>): Docker.NetworkCreateOptions {
  const pools = (x.ipamConfigs ?? []) as IpamConfigState[];
  return {
    Name: x.name as string,
    Driver: x.driver as string,
    CheckDuplicate: true,
    ...(pools.length
      ? {
          IPAM: {
            Driver: "default",
            Config: pools.map((p) => ({
              Subnet: p.subnet,
              ...opt("Gateway", p.gateway),
              ...opt("IPRange", p.ipRange),
              ...opt("AuxiliaryAddresses", p.auxAddress),
            })),
          },
        }
      : {}),
    ...opt("EnableIPv6", x.ipv6 as boolean | undefined),
    ...opt("Internal", x.internal as boolean | undefined),
    ...opt("Attachable", x.attachable as boolean | undefined),
    ...opt("Options", x.options as Record<string, string> | undefined),
    Labels: labelMap(x.labels, x.owner),
  };
}

/**
 * Preview's look at the daemon: a network of that name that this resource does not own,
 * and subnets that overlap networks of someone else. Empty when the daemon cannot be reached.
 */
export async function daemonConflicts(olds: Record<string, unknown>, news: Record<string, unknown>): Promise<CheckFailure[]> {
  const c = connOf(news);
  let list: Docker.NetworkInspectInfo[];
  try {
    list = await call("listing networks", c, (d) => d.listNetworks());
  } catch {
    return []; // no daemon at preview (e.g. a pull-request runner): the checks run again at up
  }
  const out: CheckFailure[] = [];
  const ownId = typeof olds.networkId === "string" ? olds.networkId : typeof olds.id === "string" ? olds.id : undefined;
  const adopt = typeof news.adopt === "string" ? news.adopt : undefined;
  const owner = news.owner;
  // The network this resource already manages: by id, or by the name it had (check sees the
  // last inputs, which for a stack of dockwire 0.2 are @pulumi/docker's, without our id).
  const ownName = typeof olds.name === "string" ? olds.name : undefined;
  const mine = (n: Docker.NetworkInspectInfo) =>
    n.Name === ownName ||
    n.Id === ownId ||
    (adopt !== undefined && (n.Name === adopt || n.Id.startsWith(adopt))) ||
    (owner && n.Labels?.[OWNER_LABEL] === owner);
  const sameName = list.find((n) => n.Name === news.name);
  if (sameName && !mine(sameName) && adopt === undefined) {
    out.push({
      property: "name",
      reason:
        `a network named ${JSON.stringify(news.name)} exists already on ${hostOf(c)} (id ${sameName.Id.slice(0, 12)}), made outside this program: ` +
        `remove it (docker network rm ${String(news.name)}), give this network another networkName, or adopt it (adopt: true).`,
    });
  }
  const pools = (news.ipamConfigs ?? []) as IpamConfigState[];
  pools.forEach((p, i) => {
    if (hasUnknown(p.subnet)) return;
    let mineCidr;
    try {
      mineCidr = parseCidr(p.subnet, "subnet");
    } catch {
      return;
    }
    for (const n of list) {
      if (mine(n) || n.Name === news.name) continue;
      for (const cfg of n.IPAM?.Config ?? []) {
        if (!cfg.Subnet) continue;
        let theirs;
        try {
          theirs = parseCidr(cfg.Subnet, "subnet");
        } catch {
          continue;
        }
        if (theirs.family === mineCidr.family && cidrsOverlap(theirs, mineCidr)) {
          out.push({
            property: `ipamConfigs[${i}].subnet`,
            reason:
              `subnet ${p.subnet} overlaps ${cfg.Subnet} of network ${JSON.stringify(n.Name)} on ${hostOf(c)}, which this program does not own: ` +
              `choose a subnet outside ${cfg.Subnet}, or remove that network.`,
          });
        }
      }
    }
  });
  return out;
}

async function inspect(c: EngineConnection | undefined, ref: string): Promise<Docker.NetworkInspectInfo | undefined> {
  return callOrMissing(`inspecting network ${JSON.stringify(ref)}`, c, (d) => d.getNetwork(ref).inspect());
}

/**
 * The network right after its create: a swarm-scoped (overlay) network is allocated by the
 * swarm after `create` returns, and reads with no driver and no pools until then. Asks
 * again every 0.1 s, at most 100 times (10 s), until the driver is set.
 */
async function settled(c: EngineConnection | undefined, id: string): Promise<Docker.NetworkInspectInfo | undefined> {
  let n = await inspect(c, id);
  for (let i = 0; i < 100 && n && n.Driver === ""; i++) {
    await new Promise((r) => setTimeout(r, 100));
    n = await inspect(c, id);
  }
  return n;
}

/** The differences between an existing network and the inputs, for adoption. */
function adoptionMismatch(n: Docker.NetworkInspectInfo, news: Record<string, unknown>): string[] {
  const have = flattenNetwork(n, news);
  return changedFields(
    have,
    { ...news, labels: news.labels ?? [] },
    NETWORK_FIELDS.filter((f) => f !== "labels"),
  );
}

async function create(news: Record<string, unknown>): Promise<{ id: string; outs: Record<string, unknown> }> {
  const c = connOf(news);
  const what = describe("network", news.name);
  // Adopt takes over the network when the daemon has it; otherwise (e.g. a replacement, after
  // the old one was deleted) the network is created as usual.
  const found = typeof news.adopt === "string" && news.adopt !== "" ? await inspect(c, news.adopt) : undefined;
  if (found) {
    const n = found;
    const diffs = adoptionMismatch(n, news);
    if (diffs.length > 0) {
      throw new Error(
        `dockwire: ${what}: the network ${JSON.stringify(news.adopt)} on ${hostOf(c)} differs from the program in ${diffs.join(", ")}: ` +
          "make the program match it (docker network inspect shows its settings), or drop adopt to have it replaced.",
      );
    }
    return { id: n.Id, outs: outputs(news, n) };
  }
  const created = await call(`creating ${what}`, c, (d) => d.createNetwork(networkCreateBody(news)));
  const n = await settled(c, created.id);
  if (!n) throw new Error(`dockwire: ${what}: created as ${created.id} on ${hostOf(c)}, but the daemon does not show it afterwards`);
  return { id: n.Id, outs: outputs(news, n) };
}

function outputs(news: Record<string, unknown>, n: Docker.NetworkInspectInfo): Record<string, unknown> {
  const { adopt: _adopt, ...rest } = news;
  return { ...rest, ...flattenNetwork(n, news), stateVersion: DOCKER_STATE_VERSION };
}

/** Pulumi's diff of a network: any change of a defining field, or of the daemon, replaces it. */
export function diffNetwork(olds: Record<string, unknown>, news: Record<string, unknown>): DiffResult {
  if (isLegacyState(olds)) {
    // A network of @pulumi/docker (dockwire 0.2): taken over in place when it matches.
    const replaces = legacyChanges(
      olds,
      news,
      NETWORK_FIELDS.filter((f) => f !== "labels"),
    );
    return { changes: true, replaces, deleteBeforeReplace: true };
  }
  // Docker's defaults on both sides: a setting the program stops giving goes back to the
  // default. Pools the program stops giving are Docker's to pick: the network stays.
  const withDefaults = (x: Record<string, unknown>) => ({
    ...x,
    ipv6: x.ipv6 ?? false,
    internal: x.internal ?? false,
    attachable: x.attachable ?? false,
    options: x.options ?? {},
    labels: x.labels ?? [],
  });
  const replaces = changedFields(withDefaults(olds), withDefaults(news), NETWORK_FIELDS);
  if (targetOfConn(connOf(olds)) !== targetOfConn(connOf(news))) replaces.push("connection");
  if ((olds.owner ?? "") !== (news.owner ?? "")) replaces.push("owner");
  const changes = replaces.length > 0 || !same(connOf(olds), connOf(news));
  return { changes, replaces, deleteBeforeReplace: true };
}

/** The provider object the dynamic-provider host calls (see `../dynamic`). */
export const provider = {
  async check(olds: Record<string, unknown>, news: Record<string, unknown>) {
    const failures = checkNetworkInputs(news);
    if (failures.length === 0 && !hasUnknown(news.name)) failures.push(...(await daemonConflicts(olds, news)));
    return { inputs: news, failures };
  },
  diff(_id: string, olds: Record<string, unknown>, news: Record<string, unknown>) {
    return Promise.resolve(diffNetwork(olds, news));
  },
  create,
  async update(id: string, olds: Record<string, unknown>, news: Record<string, unknown>) {
    if (isLegacyState(olds)) {
      // Taking over a network of @pulumi/docker: read it, keep it.
      const n = await inspect(connOf(news), id);
      if (!n)
        throw new Error(
          `dockwire: ${describe("network", news.name)} (${id.slice(0, 12)}) is gone: run pulumi refresh, then up creates it.`,
        );
      return { outs: outputs(news, n) };
    }
    // Only the connection's secrets changed (same daemon): nothing to do on the daemon.
    return { outs: { ...olds, connection: news.connection } };
  },
  async read(id: string, props: Record<string, unknown>) {
    const c = connOf(props);
    const n = await inspect(c, id);
    if (!n) return { id: "", props: {} };
    const outs = { ...props, ...flattenNetwork(n, props), stateVersion: DOCKER_STATE_VERSION };
    const inputs = Object.fromEntries(Object.entries(outs).filter(([k]) => !["networkId", "assignedSubnets", "stateVersion"].includes(k)));
    return { id, props: outs, inputs };
  },
  async delete(id: string, props: Record<string, unknown>) {
    const c = connOf(props);
    const what = describe("network", props.name);
    const n = await inspect(c, id);
    if (!n) return;
    for (const cid of Object.keys(n.Containers ?? {})) {
      await callOrMissing(`disconnecting container ${cid.slice(0, 12)} from ${what}`, c, (d) =>
        d.getNetwork(id).disconnect({ Container: cid, Force: true }),
      );
    }
    await callOrMissing(`removing ${what}`, c, (d) => d.getNetwork(id).remove());
  },
};
