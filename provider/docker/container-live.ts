/**
 * dockwire's Docker container resource against the Engine API (the dynamic-provider side
 * of {@link DockerContainer}). The state keeps `docker.Container`'s field names (name,
 * image, command, envs, ports, networksAdvanced, mounts, labels, uploads, restart, ...)
 * plus `running`.
 *
 * - create: pulls the image when the daemon lacks it (as `docker run` does), creates the
 *   container on its first network, connects the others, writes the uploads, starts it and
 *   reads it back. A failure at any step removes what the step made, so nothing is left
 *   on the daemon that the state does not know, and says what failed and why.
 * - update, in place: networks added or removed, aliases, static addresses and the
 *   network's identity (a network replaced under the container) by `network disconnect`
 *   and `connect` on the running container; a stopped container is started; the restart
 *   policy is changed with `docker update`. Same id, not restarted.
 * - diff: image, command, env, ports, mounts, labels, hostname, uploads, network mode and
 *   the name replace the container (Docker cannot change them); the preview names them.
 * - read: inspects by id (gone reads as deleted): the name, image, whether it runs, its
 *   networks, its restart policy. The fields Docker cannot change on a container come from
 *   the state: a container changed in them by hand has another id, and reads as deleted.
 * - delete: stops with the grace given (`docker stop -t`), then removes it; its volumes stay.
 *
 * @module
 */
import type Docker from "dockerode";
import { EngineConnection, call, callOrMissing, dockerFor, explain, followProgress, hostOf, statusOf } from "./client";
import {
  CheckFailure,
  DOCKER_STATE_VERSION,
  DiffResult,
  changedFields,
  connOf,
  describe,
  hasUnknown,
  isLegacyState,
  labelMap,
  legacyChanges,
  opt,
  same,
  stable,
  targetOfConn,
} from "./common";
import { tar } from "./tar";

/** One network attachment as the state keeps it. */
export interface AttachmentState {
  /** Network name. */
  name: string;
  /** The network's id when the program knows it: a new id (network replaced) reconnects in place. */
  networkId?: string;
  aliases?: string[];
  ipv4Address?: string;
  ipv6Address?: string;
}

/** One published port as the state keeps it. */
export interface PortState {
  internal: number;
  external?: number;
  ip?: string;
  protocol?: string;
}

/** One mount as the state keeps it. */
export interface MountState {
  type: "volume" | "bind" | "tmpfs";
  source?: string;
  target: string;
  readOnly?: boolean;
}

/** Fields whose change replaces the container. */
export const REPLACE_FIELDS = [
  "name",
  "image",
  "command",
  "envs",
  "ports",
  "publishAllPorts",
  "networkMode",
  "mounts",
  "labels",
  "hostname",
  "uploads",
] as const;
/** Fields changed in place. */
export const IN_PLACE_FIELDS = ["networksAdvanced", "running", "restart"] as const;

const NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;

/** Check failures of a container's inputs (shape; the component checked the values). */
export function checkContainerInputs(news: Record<string, unknown>): CheckFailure[] {
  const out: CheckFailure[] = [];
  if (typeof news.name !== "string" || !NAME.test(news.name)) {
    out.push({
      property: "name",
      reason: `name ${JSON.stringify(news.name)} is not a valid container name: use letters, digits, "_", "." and "-".`,
    });
  }
  if (typeof news.image !== "string" || news.image === "")
    out.push({ property: "image", reason: "image is required: an image name or id." });
  const restart = news.restart;
  if (restart !== undefined && !["no", "on-failure", "always", "unless-stopped"].includes(restart as string)) {
    out.push({
      property: "restart",
      reason: `restart ${JSON.stringify(restart)} must be "no", "on-failure", "always" or "unless-stopped".`,
    });
  }
  return out;
}

/** Attachments in a canonical order (by network name; aliases sorted), for comparing. */
export function canonicalAttachments(list: unknown): AttachmentState[] {
  if (!Array.isArray(list)) return [];
  return (list as AttachmentState[])
    .map((a) => ({
      name: a.name,
      ...opt("networkId", a.networkId),
      ...(a.aliases && a.aliases.length ? { aliases: [...a.aliases].sort() } : {}),
      ...opt("ipv4Address", a.ipv4Address),
      ...opt("ipv6Address", a.ipv6Address),
    }))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** The attachments a container has now, in the shape of `want` (networkId only where `want` has one). */
export function observedAttachments(info: Docker.ContainerInspectInfo, want: readonly AttachmentState[]): AttachmentState[] {
  const nets = info.NetworkSettings?.Networks ?? {};
  const short = info.Id.slice(0, 12);
  const wanted = new Map(want.map((w) => [w.name, w]));
  const mode = info.HostConfig?.NetworkMode ?? "";
  const out: AttachmentState[] = [];
  for (const name of Object.keys(nets).sort()) {
    const n = nets[name] as unknown as {
      Aliases?: string[] | null;
      NetworkID: string;
      IPAMConfig?: { IPv4Address?: string; IPv6Address?: string } | null;
    };
    const w = wanted.get(name);
    // The built-in network of the mode (Docker's default bridge, host, none) is not an
    // attachment the program manages. (A first user network, which is also the mode, is one.)
    if (!w && ["bridge", "host", "none"].includes(name) && name === (mode === "default" ? "bridge" : mode)) continue;
    // Docker adds the short id, and on some paths the host name and the container name, as
    // aliases of its own: they are not drift unless the program asked for them.
    const implicit = new Set(
      [short, info.Id, info.Config?.Hostname, info.Name.replace(/^\//, "")].filter((a) => !(w?.aliases ?? []).includes(a)),
    );
    const aliases = (n.Aliases ?? []).filter((a: string) => !implicit.has(a));
    out.push({
      name,
      ...(w?.networkId !== undefined ? { networkId: n.NetworkID } : {}),
      ...(aliases.length ? { aliases: aliases.sort() } : {}),
      // A static address the program did not ask for is the daemon's own (swarm fills it in).
      ...(w?.ipv4Address !== undefined ? opt("ipv4Address", n.IPAMConfig?.IPv4Address || undefined) : {}),
      ...(w?.ipv6Address !== undefined ? opt("ipv6Address", n.IPAMConfig?.IPv6Address || undefined) : {}),
    });
  }
  return out;
}

function endpointConfig(a: AttachmentState): Docker.EndpointSettings {
  const ipam = { ...opt("IPv4Address", a.ipv4Address), ...opt("IPv6Address", a.ipv6Address) };
  return {
    ...(Object.keys(ipam).length ? { IPAMConfig: ipam } : {}),
    ...(a.aliases && a.aliases.length ? { Aliases: a.aliases } : {}),
  };
}

/** The `POST /containers/create` body of the inputs (the first network at create; the others are connected after). */
export function containerCreateBody(x: Record<string, unknown>): Docker.ContainerCreateOptions {
  const ports = (x.ports ?? []) as PortState[];
  const exposed: Record<string, object> = {};
  const bindings: Record<string, { HostIp: string; HostPort: string }[]> = {};
  for (const p of ports) {
    const key = `${p.internal}/${p.protocol ?? "tcp"}`;
    exposed[key] = {};
    (bindings[key] ??= []).push({ HostIp: p.ip ?? "", HostPort: p.external === undefined ? "" : String(p.external) });
  }
  const attachments = (x.networksAdvanced ?? []) as AttachmentState[];
  const first = attachments[0];
  const mounts = ((x.mounts ?? []) as MountState[]).map((m) => ({
    Type: m.type,
    Target: m.target,
    ...opt("Source", m.source),
    ...opt("ReadOnly", m.readOnly),
  }));
  return {
    name: x.name as string,
    Image: x.image as string,
    ...opt("Cmd", x.command as string[] | undefined),
    ...opt("Env", x.envs as string[] | undefined),
    ...opt("Hostname", x.hostname as string | undefined),
    Labels: labelMap(x.labels, x.owner),
    ...(ports.length ? { ExposedPorts: exposed } : {}),
    HostConfig: {
      ...(ports.length ? { PortBindings: bindings } : {}),
      ...opt("PublishAllPorts", x.publishAllPorts as boolean | undefined),
      ...((x.networkMode ?? first?.name) !== undefined ? { NetworkMode: (x.networkMode as string | undefined) ?? first.name } : {}),
      ...(mounts.length ? { Mounts: mounts as Docker.MountConfig } : {}),
      ...(x.restart !== undefined ? { RestartPolicy: { Name: x.restart as string } } : {}),
    },
    ...(first ? { NetworkingConfig: { EndpointsConfig: { [first.name]: endpointConfig(first) } } } : {}),
  };
}

/** What the daemon has of the fields that can change on a container, over the state's. */
export function flattenContainer(info: Docker.ContainerInspectInfo, state: Record<string, unknown>): Record<string, unknown> {
  const want = canonicalAttachments(state.networksAdvanced);
  const restart = info.HostConfig?.RestartPolicy?.Name || "no";
  return {
    ...state,
    name: info.Name.replace(/^\//, ""),
    image: info.Config?.Image ?? state.image,
    running: info.State?.Running === true,
    ...(state.networksAdvanced !== undefined || want.length
      ? { networksAdvanced: orderLike(observedAttachments(info, want), state.networksAdvanced) }
      : {}),
    ...(state.restart !== undefined ? { restart } : {}),
    containerId: info.Id,
    imageId: info.Image,
    startedAt: info.State?.StartedAt ?? "",
  };
}

/** `have` in the order of `like` (the program's order), extras after. */
function orderLike(have: AttachmentState[], like: unknown): AttachmentState[] {
  const order = Array.isArray(like) ? (like as AttachmentState[]).map((a) => a.name) : [];
  const rank = (n: string) => (order.includes(n) ? order.indexOf(n) : order.length);
  return [...have].sort((a, b) => rank(a.name) - rank(b.name) || (a.name < b.name ? -1 : 1));
}

/** Pulumi's diff of a container: replacements for what Docker cannot change, updates for the rest. */
/** A legacy (@pulumi/docker) container state's replace fields in dockwire's shape. */
function legacyContainer(olds: Record<string, unknown>): Record<string, unknown> {
  const list = (v: unknown) => (Array.isArray(v) ? (v as Record<string, unknown>[]) : undefined);
  return {
    ...olds,
    uploads: list(olds.uploads)?.map((u) => ({ file: u.file, content: u.content })),
    mounts: list(olds.mounts)?.map((m) => ({
      type: m.type,
      target: m.target,
      ...opt("source", m.source),
      ...(m.readOnly === true ? { readOnly: true } : {}),
    })),
  };
}

export function diffContainer(olds: Record<string, unknown>, news: Record<string, unknown>): DiffResult {
  if (isLegacyState(olds)) {
    // A container of @pulumi/docker (dockwire 0.2): taken over in place when it matches
    // (its networks are then brought to the program's on the running container).
    const replaces = legacyChanges(legacyContainer(olds), news, REPLACE_FIELDS);
    return { changes: true, replaces, deleteBeforeReplace: true };
  }
  const replaces: string[] = changedFields(olds, news, REPLACE_FIELDS);
  // A field the program stopped setting also changes the container.
  for (const f of REPLACE_FIELDS)
    if ((news[f] === undefined || news[f] === null) && olds[f] !== undefined && olds[f] !== null && !replaces.includes(f)) replaces.push(f);
  if (targetOfConn(connOf(olds)) !== targetOfConn(connOf(news))) replaces.push("connection");
  if ((olds.owner ?? "") !== (news.owner ?? "")) replaces.push("owner");
  const updates: string[] = [];
  if (
    hasUnknown(news.networksAdvanced) ||
    !same(canonicalAttachments(olds.networksAdvanced), canonicalAttachments(news.networksAdvanced))
  ) {
    updates.push("networksAdvanced");
  }
  if (olds.running !== (news.running ?? true)) updates.push("running");
  if ((olds.restart ?? "no") !== (news.restart ?? "no")) updates.push("restart");
  if ((olds.destroyGraceSeconds ?? 0) !== (news.destroyGraceSeconds ?? 0)) updates.push("destroyGraceSeconds");
  if (!same(connOf(olds), connOf(news))) updates.push("connection");
  return { changes: replaces.length + updates.length > 0, replaces, deleteBeforeReplace: true };
}

async function inspect(c: EngineConnection | undefined, ref: string): Promise<Docker.ContainerInspectInfo | undefined> {
  return callOrMissing(`inspecting container ${JSON.stringify(ref)}`, c, (d) => d.getContainer(ref).inspect());
}

/** Pulls `image` unless the daemon has it; the error names the image and what to do. */
export async function ensureImage(c: EngineConnection | undefined, image: string, auth?: Record<string, string>): Promise<void> {
  const have = await callOrMissing(`inspecting image ${JSON.stringify(image)}`, c, (d) => d.getImage(image).inspect());
  if (have) return;
  if (/^sha256:[0-9a-f]{64}$/.test(image)) {
    throw new Error(`dockwire: image ${image} is not on ${hostOf(c)} and an image id cannot be pulled: build or load it there first.`);
  }
  try {
    await call(`pulling image ${JSON.stringify(image)}`, c, async (d) => {
      const stream = await d.pull(image, auth ? { authconfig: auth } : {});
      await followProgress(d, stream);
    });
  } catch (e) {
    throw new Error(
      `dockwire: image ${JSON.stringify(image)} is not on ${hostOf(c)} and pulling it failed: ${(e as Error).message.replace(/^dockwire: /, "")}. ` +
        "Load or build it on that daemon (docker load, docker build), or give registryAuth for a private registry.",
      { cause: e },
    );
  }
}

function portHint(msg: string): string {
  return /port is already allocated|address already in use/i.test(msg)
    ? " A host port this container publishes is in use by another process or container: free it, or publish on another host port."
    : "";
}

/** Connects a running (or created) container to one network as the attachment says. */
async function connect(c: EngineConnection | undefined, id: string, a: AttachmentState, what: string): Promise<void> {
  await call(`connecting ${what} to network ${JSON.stringify(a.name)}`, c, (d) =>
    d
      .getNetwork(a.networkId && !hasUnknown(a.networkId) ? a.networkId : a.name)
      .connect({ Container: id, EndpointConfig: endpointConfig(a) }),
  );
}

async function disconnect(c: EngineConnection | undefined, id: string, network: string, what: string): Promise<void> {
  await callOrMissing(`disconnecting ${what} from network ${JSON.stringify(network)}`, c, (d) =>
    d.getNetwork(network).disconnect({ Container: id, Force: true }),
  );
}

/** Brings a container's networks to the inputs' in place: disconnect what differs or is extra, connect what is missing. */
async function reconcileNetworks(
  c: EngineConnection | undefined,
  info: Docker.ContainerInspectInfo,
  news: Record<string, unknown>,
): Promise<void> {
  if (news.networkMode !== undefined && news.networkMode !== "bridge") return;
  const what = describe("container", news.name);
  const want = canonicalAttachments(news.networksAdvanced);
  const have = new Map(observedAttachments(info, want).map((a) => [a.name, a]));
  for (const [name] of have) if (!want.some((w) => w.name === name)) await disconnect(c, info.Id, name, what);
  for (const w of want) {
    const h = have.get(w.name);
    if (h && same(h, w)) continue;
    if (h) await disconnect(c, info.Id, w.name, what);
    await connect(c, info.Id, w, what);
  }
}

async function outputsOf(c: EngineConnection | undefined, id: string, news: Record<string, unknown>): Promise<Record<string, unknown>> {
  const info = await inspect(c, id);
  if (!info) throw new Error(`dockwire: ${describe("container", news.name)} is gone from ${hostOf(c)} right after it was made or changed`);
  const { adopt: _a, registryAuth: _r, ...rest } = news;
  return { ...flattenContainer(info, rest), ...opt("registryAuth", news.registryAuth), stateVersion: DOCKER_STATE_VERSION };
}

async function create(news: Record<string, unknown>): Promise<{ id: string; outs: Record<string, unknown> }> {
  const c = connOf(news);
  const what = describe("container", news.name);
  // Adopt takes over the container when the daemon has it; otherwise it is created as usual.
  const found = typeof news.adopt === "string" && news.adopt !== "" ? await inspect(c, news.adopt) : undefined;
  if (found) {
    const info = found;
    const diffs: string[] = [];
    if (info.Name.replace(/^\//, "") !== news.name) diffs.push(`name (${info.Name.replace(/^\//, "")})`);
    if (info.Config.Image !== news.image && info.Image !== news.image) diffs.push(`image (${info.Config.Image})`);
    if (diffs.length) {
      throw new Error(
        `dockwire: ${what}: the container ${JSON.stringify(news.adopt)} differs from the program in ${diffs.join(", ")}: make the program match it, or drop adopt.`,
      );
    }
    await reconcileNetworks(c, info, news);
    if (!info.State.Running) await call(`starting ${what}`, c, (d) => d.getContainer(info.Id).start());
    return { id: info.Id, outs: await outputsOf(c, info.Id, news) };
  }
  await ensureImage(c, news.image as string, news.registryAuth as Record<string, string> | undefined);
  const created = await call(`creating ${what}`, c, (d) => d.createContainer(containerCreateBody(news)));
  try {
    const rest = ((news.networksAdvanced ?? []) as AttachmentState[]).slice(1);
    for (const a of rest) await connect(c, created.id, a, what);
    const uploads = (news.uploads ?? []) as { file: string; content: string }[];
    if (uploads.length) {
      const archive = tar(uploads.map((u) => ({ name: u.file.replace(/^\/+/, ""), content: Buffer.from(u.content, "utf8") })));
      await call(`writing ${uploads.map((u) => u.file).join(", ")} into ${what}`, c, (d) =>
        d.getContainer(created.id).putArchive(archive, { path: "/" }),
      );
    }
    if (news.running !== false) {
      try {
        await dockerStart(c, created.id);
      } catch (e) {
        const ex = explain(e, `starting ${what}`, hostOf(c));
        throw new Error(ex.message + portHint(ex.message), { cause: e });
      }
    }
  } catch (e) {
    // Nothing the state does not know stays on the daemon.
    await callOrMissing(`removing ${what} after a failed create`, c, (d) =>
      d.getContainer(created.id).remove({ force: true, v: true }),
    ).catch(() => undefined);
    throw e;
  }
  return { id: created.id, outs: await outputsOf(c, created.id, news) };
}

/** Starts a container; the raw error is kept for the caller to explain (the port hint reads it). */
async function dockerStart(c: EngineConnection | undefined, id: string): Promise<void> {
  await dockerFor(c).getContainer(id).start();
}

async function update(
  id: string,
  olds: Record<string, unknown>,
  news: Record<string, unknown>,
): Promise<{ outs: Record<string, unknown> }> {
  const c = connOf(news);
  const what = describe("container", news.name);
  const info = await inspect(c, id);
  if (!info)
    throw new Error(`dockwire: ${what} (${id.slice(0, 12)}) is gone from ${hostOf(c)}: run pulumi refresh, then up creates it again.`);
  await reconcileNetworks(c, info, news);
  if ((news.restart ?? "no") !== (info.HostConfig?.RestartPolicy?.Name || "no")) {
    await call(`changing the restart policy of ${what}`, c, (d) =>
      d.getContainer(id).update({ RestartPolicy: { Name: (news.restart as string) ?? "no" } }),
    );
  }
  if (news.running !== false && !info.State.Running) {
    try {
      await call(`starting ${what}`, c, (d) => d.getContainer(id).start());
    } catch (e) {
      throw new Error((e as Error).message + portHint((e as Error).message), { cause: e });
    }
  }
  void olds;
  return { outs: await outputsOf(c, id, news) };
}

/** The provider object the dynamic-provider host calls (see `../dynamic`). */
export const provider = {
  check(_olds: Record<string, unknown>, news: Record<string, unknown>) {
    return Promise.resolve({ inputs: news, failures: checkContainerInputs(news) });
  },
  diff(_id: string, olds: Record<string, unknown>, news: Record<string, unknown>) {
    return Promise.resolve(diffContainer(olds, news));
  },
  create,
  update,
  async read(id: string, props: Record<string, unknown>) {
    const c = connOf(props);
    const info = await inspect(c, id);
    if (!info) return { id: "", props: {} };
    const outs = { ...flattenContainer(info, props), stateVersion: DOCKER_STATE_VERSION };
    const inputs = Object.fromEntries(
      Object.entries(outs).filter(([k]) => !["containerId", "imageId", "startedAt", "stateVersion"].includes(k)),
    );
    return { id, props: outs, inputs };
  },
  async delete(id: string, props: Record<string, unknown>) {
    const c = connOf(props);
    const what = describe("container", props.name);
    const grace = typeof props.destroyGraceSeconds === "number" ? props.destroyGraceSeconds : 0;
    if (grace > 0) {
      try {
        await dockerFor(c).getContainer(id).stop({ t: grace });
      } catch (e) {
        // 304: not running; 404: gone already. Anything else is a real failure.
        if (statusOf(e) !== 304 && statusOf(e) !== 404) throw explain(e, `stopping ${what}`, hostOf(c));
      }
    }
    await callOrMissing(`removing ${what}`, c, (d) => d.getContainer(id).remove({ force: true, v: true }));
  },
};

/** Exposed for tests: the stable JSON the diff compares attachments by. */
export const attachmentsKey = (list: unknown): string => stable(canonicalAttachments(list));
