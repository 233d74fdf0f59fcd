/**
 * The digest of a build context folder: relative paths and contents of every file, sorted.
 * A change to any file builds the image again; nothing else does. No Pulumi imports.
 *
 * @module
 */
import { createHash } from "node:crypto";
import { folderEntries } from "./tar";

/** `sha256:HEX` of every file below `dir` (paths and contents) and every link (path and target). */
export function contextDigest(dir: string): string {
  const h = createHash("sha256");
  for (const e of folderEntries(dir)) {
    if (e.linkTarget !== undefined) {
      // A link counts by where it points (it is not followed).
      h.update(`${e.name}\0->${e.linkTarget}\0`);
      continue;
    }
    if (e.content === undefined) continue;
    h.update(`${e.name}\0`);
    h.update(e.content.toString("base64"));
    h.update("\0");
  }
  return `sha256:${h.digest("hex")}`;
}
