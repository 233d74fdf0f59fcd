/**
 * dockwire's Docker volume resource against the Engine API (the dynamic-provider side of
 * {@link DockerVolume}): name, driver, driver options and labels; every change replaces
 * the volume. Read inspects by name (gone reads as deleted); delete removes it and fails,
 * naming the container, while a container still uses it.
 *
 * @module
 */
import type Docker from "dockerode";
import { EngineConnection, call, callOrMissing, hostOf } from "./client";
import {
  CheckFailure,
  DOCKER_STATE_VERSION,
  DiffResult,
  changedFields,
  connOf,
  describe,
  isLegacyState,
  labelList,
  labelMap,
  legacyChanges,
  same,
  targetOfConn,
} from "./common";

/** The fields that define a volume. */
export const VOLUME_FIELDS = ["name", "driver", "driverOpts", "labels"] as const;

/** Check failures of a volume's inputs. */
export function checkVolumeInputs(news: Record<string, unknown>): CheckFailure[] {
  if (typeof news.name !== "string" || !/^[A-Za-z0-9][A-Za-z0-9_.-]+$/.test(news.name)) {
    return [
      {
        property: "name",
        reason: `name ${JSON.stringify(news.name)} is not a valid volume name: use at least two of letters, digits, "_", "." and "-".`,
      },
    ];
  }
  return [];
}

async function inspect(c: EngineConnection | undefined, name: string): Promise<Docker.VolumeInspectInfo | undefined> {
  return callOrMissing(`inspecting volume ${JSON.stringify(name)}`, c, (d) => d.getVolume(name).inspect());
}

function flatten(v: Docker.VolumeInspectInfo, state: Record<string, unknown>): Record<string, unknown> {
  const labels = labelList(v.Labels ?? {});
  const { adopt: _a, ...rest } = state;
  return {
    ...rest,
    name: v.Name,
    driver: v.Driver,
    ...(state.driverOpts !== undefined ? { driverOpts: v.Options ?? {} } : {}),
    ...(state.labels !== undefined || labels.length ? { labels } : {}),
    mountpoint: v.Mountpoint,
    stateVersion: DOCKER_STATE_VERSION,
  };
}

/** Pulumi's diff of a volume: any change replaces it. */
export function diffVolume(olds: Record<string, unknown>, news: Record<string, unknown>): DiffResult {
  if (isLegacyState(olds)) {
    // A volume of @pulumi/docker (dockwire 0.2): taken over in place when it matches.
    return { changes: true, replaces: legacyChanges(olds, news, ["name", "driver", "driverOpts"]), deleteBeforeReplace: true };
  }
  const withDefaults = (x: Record<string, unknown>) => ({
    ...x,
    driver: x.driver ?? "local",
    labels: x.labels ?? [],
    driverOpts: x.driverOpts ?? {},
  });
  const replaces = changedFields(withDefaults(olds), withDefaults(news), VOLUME_FIELDS);
  if (targetOfConn(connOf(olds)) !== targetOfConn(connOf(news))) replaces.push("connection");
  return { changes: replaces.length > 0 || !same(connOf(olds), connOf(news)), replaces, deleteBeforeReplace: true };
}

/** The provider object the dynamic-provider host calls (see `../dynamic`). */
export const provider = {
  check(_olds: Record<string, unknown>, news: Record<string, unknown>) {
    return Promise.resolve({ inputs: news, failures: checkVolumeInputs(news) });
  },
  diff(_id: string, olds: Record<string, unknown>, news: Record<string, unknown>) {
    return Promise.resolve(diffVolume(olds, news));
  },
  async create(news: Record<string, unknown>) {
    const c = connOf(news);
    const name = news.name as string;
    // Adopt takes over the volume when the daemon has it; otherwise it is created as usual.
    const found = typeof news.adopt === "string" && news.adopt !== "" ? await inspect(c, news.adopt) : undefined;
    if (found) return { id: found.Name, outs: flatten(found, news) };
    const existing = await inspect(c, name);
    if (existing) {
      throw new Error(
        `dockwire: ${describe("volume", name)} exists already on ${hostOf(c)}, made outside this program: remove it (docker volume rm ${name}), give this one another name, or adopt it.`,
      );
    }
    await call(`creating ${describe("volume", name)}`, c, (d) =>
      d.createVolume({
        Name: name,
        Driver: (news.driver as string | undefined) ?? "local",
        DriverOpts: (news.driverOpts as Record<string, string> | undefined) ?? {},
        Labels: labelMap(news.labels, news.owner),
      }),
    );
    const v = await inspect(c, name);
    if (!v) throw new Error(`dockwire: ${describe("volume", name)} was created on ${hostOf(c)} but is not there afterwards`);
    return { id: v.Name, outs: flatten(v, news) };
  },
  async update(id: string, olds: Record<string, unknown>, news: Record<string, unknown>) {
    if (isLegacyState(olds)) {
      const v = await inspect(connOf(news), id);
      if (!v) throw new Error(`dockwire: ${describe("volume", id)} is gone: run pulumi refresh, then up creates it.`);
      return { outs: flatten(v, news) };
    }
    return { outs: { ...olds, connection: news.connection } };
  },
  async read(id: string, props: Record<string, unknown>) {
    const v = await inspect(connOf(props), id);
    if (!v) return { id: "", props: {} };
    const outs = flatten(v, props);
    const inputs = Object.fromEntries(Object.entries(outs).filter(([k]) => !["mountpoint", "stateVersion"].includes(k)));
    return { id, props: outs, inputs };
  },
  async delete(id: string, props: Record<string, unknown>) {
    const c = connOf(props);
    try {
      await callOrMissing(`removing ${describe("volume", id)}`, c, (d) => d.getVolume(id).remove());
    } catch (e) {
      throw new Error(`${(e as Error).message}. Remove the container that uses it first, or keep the volume (retainOnDelete).`, {
        cause: e,
      });
    }
  },
};
