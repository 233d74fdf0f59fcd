/**
 * dockwire's image build against the Engine API (the dynamic-provider side of
 * {@link DockerImage}): `POST /build` with the context folder as a tar, Docker's classic
 * builder (`version=1`, what `DOCKER_BUILDKIT=0 docker build` uses; it needs no buildx and
 * no registry when the base image is on the daemon), intermediate containers removed also
 * after a failed step (`rm`, `forcerm`).
 *
 * - The resource's id is the built image id. A change of the context's digest, the build
 *   arguments, the Dockerfile or the tag builds again (a new resource: create before delete,
 *   so the tag moves to the new image before the old one is removed).
 * - read inspects the image by id: an image removed by hand reads as deleted.
 * - delete removes the tag when it still points at this image (Docker then deletes the
 *   image with its untagged parent layers: the intermediates), or the image itself when a
 *   rebuild has moved the tag away; an image already gone is not an error.
 *
 * @module
 */
import * as path from "node:path";
import { EngineConnection, call, callOrMissing, followProgress, hostOf, statusOf } from "./client";
import {
  CheckFailure,
  DOCKER_STATE_VERSION,
  DiffResult,
  changedFields,
  connOf,
  describe,
  isLegacyState,
  same,
  targetOfConn,
} from "./common";
import { folderEntries, tar } from "./tar";

/** The fields whose change builds the image again. */
export const IMAGE_FIELDS = ["name", "dockerfile", "buildArgs", "contextDigest"] as const;

/** Check failures of an image's inputs. */
export function checkImageInputs(news: Record<string, unknown>): CheckFailure[] {
  const out: CheckFailure[] = [];
  if (typeof news.name !== "string" || !/^[a-z0-9][a-z0-9._/-]*(:[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?$/.test(news.name)) {
    out.push({
      property: "name",
      reason: `name ${JSON.stringify(news.name)} is not an image name: use lowercase "repo/name:tag", e.g. "local/app:dev".`,
    });
  }
  if (typeof news.context !== "string" || !path.isAbsolute(news.context)) {
    out.push({ property: "context", reason: `context ${JSON.stringify(news.context)} must be the absolute path of the build folder.` });
  }
  return out;
}

async function inspectId(c: EngineConnection | undefined, ref: string): Promise<string | undefined> {
  const info = await callOrMissing(`inspecting image ${JSON.stringify(ref)}`, c, (d) => d.getImage(ref).inspect());
  return info?.Id;
}

/** Pulumi's diff of an image: any change of what it is built from builds it again. */
export function diffImage(olds: Record<string, unknown>, news: Record<string, unknown>): DiffResult {
  if (isLegacyState(olds)) {
    // The build command of dockwire 0.2 (its stdout is the image id, its first trigger the
    // context digest): the image it built is taken over when the context is the same.
    const triggers = Array.isArray(olds.triggers) ? olds.triggers : [];
    const same = typeof olds.stdout === "string" && olds.stdout.startsWith("sha256:") && triggers.includes(news.contextDigest);
    return { changes: true, replaces: same ? [] : ["contextDigest"], deleteBeforeReplace: false };
  }
  const withDefaults = (x: Record<string, unknown>) => ({ ...x, dockerfile: x.dockerfile ?? "Dockerfile", buildArgs: x.buildArgs ?? {} });
  const replaces = changedFields(withDefaults(olds), withDefaults(news), IMAGE_FIELDS);
  if (targetOfConn(connOf(olds)) !== targetOfConn(connOf(news))) replaces.push("connection");
  return { changes: replaces.length > 0 || !same(connOf(olds), connOf(news)), replaces, deleteBeforeReplace: false };
}

async function build(news: Record<string, unknown>): Promise<string> {
  const c = connOf(news);
  const name = news.name as string;
  const archive = tar(folderEntries(news.context as string));
  await call(`building ${describe("image", name)} from ${String(news.context)}`, c, async (d) => {
    const stream = await d.buildImage(
      archive as unknown as NodeJS.ReadableStream,
      {
        t: name,
        dockerfile: (news.dockerfile as string | undefined) ?? "Dockerfile",
        buildargs: (news.buildArgs as Record<string, string> | undefined) ?? {},
        rm: true,
        forcerm: true,
        version: "1",
      } as Parameters<typeof d.buildImage>[1],
    );
    await followProgress(d, stream);
  });
  const id = await inspectId(c, name);
  if (!id) throw new Error(`dockwire: the build of ${describe("image", name)} on ${hostOf(c)} ended, but the image is not there`);
  return id;
}

/** The image id of a state: `imageId`, or the stdout of dockwire 0.2's build command, else the resource id. */
function imageIdOf(id: string, props: Record<string, unknown>): string {
  for (const v of [props.imageId, props.stdout]) if (typeof v === "string" && v.startsWith("sha256:")) return v;
  return id;
}

/** The provider object the dynamic-provider host calls (see `../dynamic`). */
export const provider = {
  check(_olds: Record<string, unknown>, news: Record<string, unknown>) {
    return Promise.resolve({ inputs: news, failures: checkImageInputs(news) });
  },
  diff(_id: string, olds: Record<string, unknown>, news: Record<string, unknown>) {
    return Promise.resolve(diffImage(olds, news));
  },
  async create(news: Record<string, unknown>) {
    const id = await build(news);
    return { id, outs: { ...news, imageId: id, stateVersion: DOCKER_STATE_VERSION } };
  },
  async update(_id: string, olds: Record<string, unknown>, news: Record<string, unknown>) {
    if (isLegacyState(olds)) return { outs: { ...news, imageId: olds.stdout, stateVersion: DOCKER_STATE_VERSION } };
    return { outs: { ...olds, context: news.context, connection: news.connection } };
  },
  async read(id: string, props: Record<string, unknown>) {
    const have = await inspectId(connOf(props), imageIdOf(id, props));
    if (!have) return { id: "", props: {} };
    const inputs = Object.fromEntries(Object.entries(props).filter(([k]) => !["imageId", "stateVersion"].includes(k)));
    return { id, props: { ...props, imageId: have }, inputs };
  },
  async delete(resourceId: string, props: Record<string, unknown>) {
    const c = connOf(props);
    const id = imageIdOf(resourceId, props);
    // dockwire 0.2's build command kept the name in its environment.
    const name = (props.name ?? (props.environment as Record<string, string> | undefined)?.DOCKWIRE_IMAGE_NAME) as string;
    const current = await inspectId(c, name);
    const ref = current === id ? name : id;
    if (current !== id) {
      const info = await callOrMissing(`inspecting image ${id}`, c, (d) => d.getImage(id).inspect());
      if (!info || (info.RepoTags ?? []).length > 0) return; // gone, or tagged by someone else now
    }
    try {
      await callOrMissing(`removing ${describe("image", ref)}`, c, (d) => d.getImage(ref).remove({ noprune: false }));
    } catch (e) {
      if (statusOf(e) === 409 || /conflict|being used/i.test((e as Error).message)) {
        throw new Error(`${(e as Error).message}. A container still uses the image: remove it first.`, { cause: e });
      }
      throw e;
    }
  },
};
