/**
 * A small POSIX ustar writer: what the Engine API takes for files put into a container
 * (`PUT /containers/{id}/archive`) and for a build context (`POST /build`). Regular files
 * and directories only, deterministic (mtime 0, uid/gid 0), names up to 255 bytes.
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
  /** Contents; a directory when undefined. */
  content?: Buffer;
  /** Permission bits. Defaults to 0644 (files) and 0755 (directories). */
  mode?: number;
}

function octal(n: number, width: number): string {
  return n.toString(8).padStart(width - 1, "0") + "\0";
}

function header(e: TarEntry): Buffer {
  const h = Buffer.alloc(512, 0);
  const isDir = e.content === undefined;
  let name = e.name.replace(/^\/+/, "") + (isDir && !e.name.endsWith("/") ? "/" : "");
  let prefix = "";
  if (Buffer.byteLength(name) > 100) {
    const cut = name.lastIndexOf("/", name.length - 2);
    prefix = name.slice(0, cut);
    name = name.slice(cut + 1);
    if (cut <= 0 || Buffer.byteLength(name) > 100 || Buffer.byteLength(prefix) > 155) {
      throw new Error(`tar: path ${JSON.stringify(e.name)} is too long for an archive entry (at most 255 bytes, 100 after the last "/")`);
    }
  }
  h.write(name, 0, 100, "utf8");
  h.write(octal(e.mode ?? (isDir ? 0o755 : 0o644), 8), 100, 8, "ascii");
  h.write(octal(0, 8), 108, 8, "ascii");
  h.write(octal(0, 8), 116, 8, "ascii");
  h.write(octal(isDir ? 0 : e.content!.length, 12), 124, 12, "ascii");
  h.write(octal(0, 12), 136, 12, "ascii");
  h.write("        ", 148, 8, "ascii");
  h.write(isDir ? "5" : "0", 156, 1, "ascii");
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

/** Every regular file and directory below `dir`, sorted, as archive entries (modes kept). */
export function folderEntries(dir: string): TarEntry[] {
  const out: TarEntry[] = [];
  const walk = (rel: string): void => {
    const names = fs.readdirSync(path.join(dir, rel)).sort();
    for (const n of names) {
      const r = rel ? `${rel}/${n}` : n;
      const st = fs.statSync(path.join(dir, r));
      if (st.isDirectory()) {
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
