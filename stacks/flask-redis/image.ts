/**
 * The app image of the flask-redis stack, built on the daemon with Docker's classic builder
 * through dockwire's DockerImage (the Engine API's `POST /build`, `rm` and `forcerm`: no
 * intermediate container is left, also after a failed step). `pulumi destroy` removes the
 * image and its intermediate layers; a change to any file of the context builds again.
 */
import * as pulumi from "@pulumi/pulumi";
import { DockerImage, contextDigest } from "dockwire";

export { contextDigest };

/** Arguments of {@link buildAppImage}. */
export interface AppImageArgs {
  /** The build context (app.py and the Dockerfile). */
  dir: string;
  /** Name and tag of the image; kept local, never pushed. */
  imageName: string;
  /** `BASE_IMAGE` build argument. */
  baseImage: string;
}

/** Registers the build; its `imageId` is the image id, for the container to run. */
export function buildAppImage(name: string, args: AppImageArgs, opts?: pulumi.CustomResourceOptions): DockerImage {
  return new DockerImage(
    name,
    {
      name: args.imageName,
      context: args.dir,
      contextDigest: contextDigest(args.dir),
      buildArgs: { BASE_IMAGE: args.baseImage },
    },
    // Create before delete (the default): the new build moves the tag, the old image's
    // delete then removes only the old, untagged image, after the old container is gone.
    { ...opts, aliases: [{ type: "command:local:Command" }] },
  );
}
