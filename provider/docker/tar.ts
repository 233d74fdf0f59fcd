/**
 * A small POSIX ustar writer: what the Engine API takes for files put into a container
 * (`PUT /containers/{id}/archive`) and for a build context (`POST /build`). Regular files
 * directories and symbolic links, deterministic (mtime 0, uid/gid 0), names up to 255 bytes.
 * No Pulumi imports.
 *
 * @module
 */
import * as fs from "node:fs";
import * as path from "node:path";

/** One entry of an archive. */
export interface TarEntry {
  /** Path inside the archive, `/`-separated, relative. */
  name: string;
  /** Contents; a directory when undefined (and no `linkTarget`). */
  content?: Buffer;
  /** A symbolic link to this target (as `ln -s` wrote it), kept as a link, as `docker build` does. */
  linkTarget?: string;
  /** Permission bits. Defaults to 0644 (files) and 0755 (directories). */
  mode?: number;
}

function octal(n: number, width: number): string {
  return n.toString(8).padStart(width - 1, "0") + "\0";
}

function header(e: TarEntry): Buffer {
  const h = Buffer.alloc(512, 0);
  const isLink = e.linkTarget !== undefined;
  const isDir = e.content === undefined && !isLink;
  let name = e.name.replace(/^\/+/, "") + (isDir && !e.name.endsWith("/") ? "/" : "");
  let prefix = "";
  if (Buffer.byteLength(name) > 100) {
    // ustar keeps a long path as PREFIX "/" NAME: the last "/" that leaves at most 100
    // bytes after it and 155 before it.
    const full = name;
    const cut = [...full.matchAll(/\//g)]
      .map((m) => m.index)
      .filter((i) => i > 0 && i < full.length - 1)
      .reverse()
      .find((i) => Buffer.byteLength(full.slice(i + 1)) <= 100 && Buffer.byteLength(full.slice(0, i)) <= 155);
    if (cut === undefined) {
      throw new Error(`tar: path ${JSON.stringify(e.name)} is too long for an archive entry (at most 255 bytes, 100 after the last "/")`);
    }
    prefix = full.slice(0, cut);
    name = full.slice(cut + 1);
  }
  h.write(name, 0, 100, "utf8");
  h.write(octal(e.mode ?? (isDir || isLink ? 0o755 : 0o644), 8), 100, 8, "ascii");
  h.write(octal(0, 8), 108, 8, "ascii");
  h.write(octal(0, 8), 116, 8, "ascii");
  h.write(octal(isDir || isLink ? 0 : e.content!.length, 12), 124, 12, "ascii");
  h.write(octal(0, 12), 136, 12, "ascii");
  h.write("        ", 148, 8, "ascii");
  h.write(isLink ? "2" : isDir ? "5" : "0", 156, 1, "ascii");
  if (isLink) {
    if (Buffer.byteLength(e.linkTarget!) > 100)
      throw new Error(`tar: link target ${JSON.stringify(e.linkTarget)} of ${JSON.stringify(e.name)} is over 100 bytes`);
    h.write(e.linkTarget!, 157, 100, "utf8");
  }
  h.write("ustar\0", 257, 6, "ascii");
  h.write("00", 263, 2, "ascii");
  h.write(prefix, 345, 155, "utf8");
  let sum = 0;
  for (const b of h) sum += b;
  h.write(octal(sum, 7) + " ", 148, 8, "ascii");
  return h;
}

/** The archive of `entries`, in order. */
export function tar(entries: readonly TarEntry[]): Buffer {
  const parts: Buffer[] = [];
  for (const e of entries) {
    parts.push(header(e));
    if (e.content !== undefined) {
      parts.push(e.content);
      const pad = (512 - (e.content.length % 512)) % 512;
      if (pad) parts.push(Buffer.alloc(pad, 0));
    }
  }
  parts.push(Buffer.alloc(1024, 0));
  return Buffer.concat(parts as unknown as Uint8Array[]);
}

/**
 * Every regular file, directory and symbolic link below `dir`, sorted, as archive entries
 * (modes kept; a link is kept as a link, its target not followed, also when it dangles).
 */
export function folderEntries(dir: string): TarEntry[] {
  const out: TarEntry[] = [];
  const walk = (rel: string): void => {
    const names = fs.readdirSync(path.join(dir, rel)).sort();
    for (const n of names) {
      const r = rel ? `${rel}/${n}` : n;
      const st = fs.lstatSync(path.join(dir, r));
      if (st.isSymbolicLink()) {
        out.push({ name: r, linkTarget: fs.readlinkSync(path.join(dir, r)) });
      } else if (st.isDirectory()) {
        out.push({ name: r, mode: st.mode & 0o7777 });
        walk(r);
      } else if (st.isFile()) {
        out.push({ name: r, content: fs.readFileSync(path.join(dir, r)), mode: st.mode & 0o7777 });
      }
    }
  };
  walk("");
  return out;
}
