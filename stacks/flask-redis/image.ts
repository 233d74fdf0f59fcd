/**
 * The app image of the flask-redis stack, built on the daemon with Docker's classic builder.
 *
 * Why not `docker.Image` (@pulumi/docker 4.x): its classic-builder path keeps every
 * intermediate container (they stay on the daemon in state Created), it builds during
 * preview, and its delete leaves the image on the daemon. This command runs
 * `docker build --rm --force-rm` (intermediates removed, also after a failed step) and its
 * delete removes the image it made, so `pulumi destroy` leaves nothing the stack built.
 *
 * Every value reaches the scripts as an environment variable, never as text in the script.
 */
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import * as command from "@pulumi/command";
import * as pulumi from "@pulumi/pulumi";

/** Builds the image and prints its id (`sha256:...`) as the command's stdout. */
export const BUILD_SCRIPT = [
  "set -eu",
  'DOCKER_BUILDKIT=0 docker build --rm --force-rm -q --build-arg "BASE_IMAGE=$DOCKWIRE_BASE_IMAGE" -t "$DOCKWIRE_IMAGE_NAME" -f "$DOCKWIRE_DOCKERFILE" "$DOCKWIRE_CONTEXT" >/dev/null',
  'docker image inspect -f "{{.Id}}" "$DOCKWIRE_IMAGE_NAME"',
].join("\n");

/**
 * Removes what the build made, by the id it printed (PULUMI_COMMAND_STDOUT): the tag when it
 * still points at that id (Docker deletes the image with its last tag), else the old image
 * itself when a rebuild has moved the tag away and nothing else names it. An image already
 * gone (removed by hand) is not an error; an image a container still uses is.
 */
export const REMOVE_SCRIPT = [
  "set -eu",
  "id=${PULUMI_COMMAND_STDOUT:-}",
  'cur=$(docker image inspect -f "{{.Id}}" "$DOCKWIRE_IMAGE_NAME" 2>/dev/null || true)',
  'if [ -n "$id" ] && [ "$cur" = "$id" ]; then',
  '  docker image rm "$DOCKWIRE_IMAGE_NAME" >/dev/null',
  'elif [ -n "$id" ] && tags=$(docker image inspect -f "{{len .RepoTags}}" "$id" 2>/dev/null) && [ "$tags" = 0 ]; then',
  '  docker image rm "$id" >/dev/null',
  "fi",
].join("\n");

/**
 * A digest of every file in `dir` (relative paths and contents, sorted): a change to the
 * Dockerfile or app.py rebuilds the image, anything else does not.
 */
export function contextDigest(dir: string): string {
  const files: string[] = [];
  const walk = (d: string): void => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile()) files.push(p);
    }
  };
  walk(dir);
  const h = createHash("sha256");
  for (const f of files.map((f) => path.relative(dir, f)).sort()) {
    h.update(`${f}\0`);
    h.update(fs.readFileSync(path.join(dir, f)).toString("base64"));
    h.update("\0");
  }
  return `sha256:${h.digest("hex")}`;
}

/** Arguments of {@link buildAppImage}. */
export interface AppImageArgs {
  /** The build context (app.py and the Dockerfile). */
  dir: string;
  /** Name and tag of the image; kept local, never pushed. */
  imageName: string;
  /** `BASE_IMAGE` build argument. */
  baseImage: string;
  /** The daemon (DOCKER_HOST for the docker CLI). */
  dockerHost: string;
}

/** Registers the build; its `stdout` is the image id, for the container to run. */
export function buildAppImage(name: string, args: AppImageArgs, opts?: pulumi.CustomResourceOptions): command.local.Command {
  const environment = {
    DOCKER_HOST: args.dockerHost,
    DOCKWIRE_BASE_IMAGE: args.baseImage,
    DOCKWIRE_IMAGE_NAME: args.imageName,
    DOCKWIRE_DOCKERFILE: path.join(args.dir, "Dockerfile"),
    DOCKWIRE_CONTEXT: args.dir,
  };
  return new command.local.Command(
    name,
    {
      create: BUILD_SCRIPT,
      delete: REMOVE_SCRIPT,
      interpreter: ["/bin/sh", "-c"],
      environment,
      // A changed build context, base image, name or daemon builds again.
      triggers: [contextDigest(args.dir), args.baseImage, args.imageName, args.dockerHost],
    },
    // Create before delete (the default): the new build moves the tag, the old command's
    // delete then removes only the old, untagged image, after the old container is gone.
    opts,
  );
}
