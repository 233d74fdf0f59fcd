import test from "ava";
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { contextDigest } from "../../provider/docker/context";
import { TarEntry, folderEntries, tar } from "../../provider/docker/tar";

// ---------------------------------------------------------------- helpers

function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), "dockwire-tar-"));
}

/** One file or directory on disk, as the tests compare them. */
interface Found {
  path: string;
  mode: number;
  /** File contents; absent for a directory. */
  content?: string;
  mtimeMs: number;
}

/** Every file and directory below `dir`, sorted by path. */
function listing(dir: string): Found[] {
  const out: Found[] = [];
  const walk = (rel: string): void => {
    for (const n of fs.readdirSync(path.join(dir, rel)).sort()) {
      const r = rel ? `${rel}/${n}` : n;
      const st = fs.statSync(path.join(dir, r));
      out.push({
        path: r,
        mode: st.mode & 0o7777,
        ...(st.isFile() ? { content: fs.readFileSync(path.join(dir, r), "latin1") } : {}),
        mtimeMs: st.mtimeMs,
      });
      if (st.isDirectory()) walk(r);
    }
  };
  walk("");
  return out;
}

/** Extracts `archive` with the system tar (modes kept whatever the umask), and lists what it made. */
function extract(archive: Buffer): Found[] {
  const dir = tempDir();
  try {
    execFileSync("tar", ["-xf", "-", "-C", dir, "--no-same-owner", "--same-permissions"], { input: archive as unknown as Uint8Array });
    return listing(dir);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** The fields of one ustar header, read back independently of the writer. */
interface Header {
  name: string;
  prefix: string;
  mode: string;
  uid: string;
  gid: string;
  size: string;
  mtime: string;
  typeflag: string;
  magic: string;
  version: string;
  checksumOk: boolean;
  /** Byte offset of the header in the archive. */
  offset: number;
}

function headers(archive: Buffer): { headers: Header[]; endAt: number } {
  const field = (b: Buffer, at: number, len: number) => b.subarray(at, at + len).toString("latin1");
  const text = (b: Buffer, at: number, len: number) => field(b, at, len).replace(/\0.*$/s, "");
  const out: Header[] = [];
  let at = 0;
  while (at + 512 <= archive.length) {
    const h = archive.subarray(at, at + 512);
    if (h.every((x) => x === 0)) break;
    let sum = 0;
    for (let i = 0; i < 512; i++) sum += i >= 148 && i < 156 ? 32 : h[i];
    const size = text(h, 124, 12);
    out.push({
      name: text(h, 0, 100),
      prefix: text(h, 345, 155),
      mode: field(h, 100, 8),
      uid: field(h, 108, 8),
      gid: field(h, 116, 8),
      size,
      mtime: field(h, 136, 12),
      typeflag: field(h, 156, 1),
      magic: field(h, 257, 6),
      version: field(h, 263, 2),
      checksumOk: parseInt(text(h, 148, 8).trim(), 8) === sum && field(h, 148, 8).endsWith("\0 "),
      offset: at,
    });
    at += 512 + Math.ceil(parseInt(size, 8) / 512) * 512;
  }
  return { headers: out, endAt: at };
}

/** The header fields every entry shares: mtime 0, uid/gid 0, ustar magic, a valid checksum. */
const COMMON = { uid: "0000000\0", gid: "0000000\0", mtime: "00000000000\0", magic: "ustar\0", version: "00", checksumOk: true };

const file = (name: string, content: string | Buffer, mode?: number): TarEntry => ({
  name,
  content: typeof content === "string" ? Buffer.from(content, "latin1") : content,
  ...(mode !== undefined ? { mode } : {}),
});
const dir = (name: string, mode?: number): TarEntry => ({ name, ...(mode !== undefined ? { mode } : {}) });

// ---------------------------------------------------------------- tar: extracted by the system tar

const LONG_DIR = `${"d".repeat(60)}/${"e".repeat(60)}`; // 121 bytes: too long for the name field alone
const MAX_PREFIX = "p".repeat(155);
const MAX_NAME = "n".repeat(100);
const ALL_BYTES = Buffer.from(Array.from({ length: 256 }, (_, i) => i));

const roundTrips: [string, TarEntry[], Omit<Found, "mtimeMs">[]][] = [
  [
    "nested path with its directories, modes given",
    [dir("etc"), dir("etc/redis", 0o750), file("etc/redis/redis.conf", "port 6379\n", 0o600)],
    [
      { path: "etc", mode: 0o755 },
      { path: "etc/redis", mode: 0o750 },
      { path: "etc/redis/redis.conf", mode: 0o600, content: "port 6379\n" },
    ],
  ],
  [
    "nested file without directory entries: tar makes the parents",
    [file("usr/local/bin/entry.sh", "#!/bin/sh\nexec redis-server\n", 0o755)],
    [
      { path: "usr", mode: 0o755 },
      { path: "usr/local", mode: 0o755 },
      { path: "usr/local/bin", mode: 0o755 },
      { path: "usr/local/bin/entry.sh", mode: 0o755, content: "#!/bin/sh\nexec redis-server\n" },
    ],
  ],
  ["empty file, default mode 0644", [file("empty", "")], [{ path: "empty", mode: 0o644, content: "" }]],
  ["file of exactly 512 bytes", [file("block", "x".repeat(512))], [{ path: "block", mode: 0o644, content: "x".repeat(512) }]],
  ["file of 513 bytes", [file("block", "y".repeat(513))], [{ path: "block", mode: 0o644, content: "y".repeat(513) }]],
  ["every byte value", [file("bin.dat", ALL_BYTES)], [{ path: "bin.dat", mode: 0o644, content: ALL_BYTES.toString("latin1") }]],
  [
    "leading slash dropped",
    [file("/etc/motd", "hi\n")],
    [
      { path: "etc", mode: 0o755 },
      { path: "etc/motd", mode: 0o644, content: "hi\n" },
    ],
  ],
  ["directory with a trailing slash, default mode 0755", [dir("data/")], [{ path: "data", mode: 0o755 }]],
  ["name of exactly 100 bytes (no prefix)", [file(MAX_NAME, "a")], [{ path: MAX_NAME, mode: 0o644, content: "a" }]],
  [
    "name longer than 100 bytes: split into prefix and name",
    [file(`${LONG_DIR}/file.txt`, "long\n", 0o640)],
    [
      { path: "d".repeat(60), mode: 0o755 },
      { path: LONG_DIR, mode: 0o755 },
      { path: `${LONG_DIR}/file.txt`, mode: 0o640, content: "long\n" },
    ],
  ],
  [
    "directory longer than 100 bytes",
    [dir(LONG_DIR, 0o700)],
    [
      { path: "d".repeat(60), mode: 0o755 },
      { path: LONG_DIR, mode: 0o700 },
    ],
  ],
  [
    "the longest path: 155-byte prefix, 100-byte name",
    [file(`${MAX_PREFIX}/${MAX_NAME}`, "max")],
    [
      { path: MAX_PREFIX, mode: 0o755 },
      { path: `${MAX_PREFIX}/${MAX_NAME}`, mode: 0o644, content: "max" },
    ],
  ],
];

for (const [title, entries, expected] of roundTrips) {
  test(`tar: ${title}`, (t) => {
    const archive = tar(entries);
    t.is(archive.length % 512, 0);
    const found = extract(archive);
    t.deepEqual(
      found.map(({ mtimeMs: _m, ...rest }) => rest),
      expected,
    );
    // mtime 0 on what the archive holds (parents tar made itself get the time of extraction).
    const inArchive = new Set(entries.map((e) => e.name.replace(/^\/+/, "").replace(/\/$/, "")));
    t.deepEqual(
      found.filter((f) => inArchive.has(f.path)).map((f) => [f.path, f.mtimeMs]),
      [...inArchive].sort().map((p) => [p, 0]),
    );
  });
}

test("tar: an empty list is the end-of-archive marker alone", (t) => {
  t.deepEqual(tar([]), Buffer.alloc(1024, 0));
  t.deepEqual(extract(tar([])), []);
});

// ---------------------------------------------------------------- tar: the headers byte by byte

test("tar: headers of a directory, a file and a long name", (t) => {
  const archive = tar([dir("etc"), file("etc/redis.conf", "port 6379\n", 0o600), file(`${LONG_DIR}/file.txt`, "x".repeat(512))]);
  const { headers: hs, endAt } = headers(archive);
  t.deepEqual(hs, [
    { ...COMMON, name: "etc/", prefix: "", mode: "0000755\0", size: "00000000000", typeflag: "5", offset: 0 },
    { ...COMMON, name: "etc/redis.conf", prefix: "", mode: "0000600\0", size: "00000000012", typeflag: "0", offset: 512 },
    { ...COMMON, name: "file.txt", prefix: LONG_DIR, mode: "0000644\0", size: "00000001000", typeflag: "0", offset: 1536 },
  ]);
  // 3 headers, 1 block of "port 6379\n" padded, 1 block of exactly 512 bytes (no padding), 2 zero blocks.
  t.is(endAt, 2560);
  t.is(archive.length, 2560 + 1024);
  t.deepEqual(archive.subarray(endAt), Buffer.alloc(1024, 0));
  t.is(archive.subarray(1024, 1024 + 10).toString("latin1"), "port 6379\n");
  t.deepEqual(archive.subarray(1034, 1536), Buffer.alloc(502, 0));
});

test("tar: a file of exactly 512 bytes takes one block, no padding", (t) => {
  t.is(tar([file("block", "x".repeat(512))]).length, 512 + 512 + 1024);
  t.is(tar([file("block", "x".repeat(511))]).length, 512 + 512 + 1024);
  t.is(tar([file("block", "x".repeat(513))]).length, 512 + 1024 + 1024);
  t.is(tar([file("empty", "")]).length, 512 + 1024);
});

test("tar: deterministic: the same entries give byte-identical archives", (t) => {
  const entries = () => [dir("etc"), file("etc/redis.conf", "port 6379\n", 0o600), file(`${LONG_DIR}/file.txt`, ALL_BYTES)];
  const a = tar(entries());
  const b = tar(entries());
  t.true(a.equals(b as unknown as Uint8Array));
  // Another order is another archive (entries are written in the order given).
  t.false(a.equals(tar([...entries()].reverse()) as unknown as Uint8Array));
});

// ---------------------------------------------------------------- tar: paths too long

const tooLong = (name: string) =>
  `tar: path ${JSON.stringify(name)} is too long for an archive entry (at most 255 bytes, 100 after the last "/")`;

const tooLongCases: [string, TarEntry][] = [
  ["a name of 101 bytes without a slash", file("c".repeat(101), "x")],
  ["a last component of 101 bytes", file(`conf/${"x".repeat(101)}`, "x")],
  ["a prefix of 156 bytes", file(`${"p".repeat(156)}/${"n".repeat(99)}`, "x")],
  ["a directory of 101 bytes without a slash (the trailing slash makes it too long)", dir("d".repeat(101))],
  ["a leading slash is not a split point", file(`/${"r".repeat(101)}`, "x")],
];

for (const [title, entry] of tooLongCases) {
  test(`tar refuses ${title}`, (t) => {
    const e = t.throws(() => tar([file("ok", "fine"), entry]));
    t.is(e?.message, tooLong(entry.name));
  });
}

// ustar splits a long path at the last "/" that fits (prefix <= 155 bytes, name <= 100): here only an earlier one does.
test("tar: a path that fits ustar when split at an earlier slash", (t) => {
  const name = `${"a".repeat(100)}/${"b".repeat(60)}/c.txt`;
  const found = extract(tar([file(name, "deep\n")]));
  t.deepEqual(
    found.map(({ mtimeMs: _m, ...rest }) => rest),
    [
      { path: "a".repeat(100), mode: 0o755 },
      { path: `${"a".repeat(100)}/${"b".repeat(60)}`, mode: 0o755 },
      { path: name, mode: 0o644, content: "deep\n" },
    ],
  );
});

// ---------------------------------------------------------------- folderEntries

/** A build folder: files and directories with the modes given (whatever the umask). */
function makeFolder(spec: [string, number, string?][]): string {
  const root = tempDir();
  for (const [rel, mode, content] of spec) {
    const p = path.join(root, rel);
    if (content === undefined) fs.mkdirSync(p, { recursive: true });
    else fs.writeFileSync(p, content);
    fs.chmodSync(p, mode);
  }
  return root;
}

const FOLDER: [string, number, string?][] = [
  ["bin", 0o755],
  ["bin/run.sh", 0o755, "#!/bin/sh\nexec app\n"],
  ["conf", 0o700],
  ["conf/empty", 0o600, ""],
  ["conf/nested", 0o750],
  ["conf/nested/app.ini", 0o640, "[app]\nport=8080\n"],
  ["Dockerfile", 0o644, "FROM busybox:1.36\n"],
  ["a.txt", 0o640, "a\n"],
  ["zdir", 0o755],
];

test("folderEntries: files and directories, sorted, depth first, with modes", (t) => {
  const root = makeFolder(FOLDER);
  t.teardown(() => fs.rmSync(root, { recursive: true, force: true }));
  t.deepEqual(folderEntries(root), [
    { name: "Dockerfile", content: Buffer.from("FROM busybox:1.36\n"), mode: 0o644 },
    { name: "a.txt", content: Buffer.from("a\n"), mode: 0o640 },
    { name: "bin", mode: 0o755 },
    { name: "bin/run.sh", content: Buffer.from("#!/bin/sh\nexec app\n"), mode: 0o755 },
    { name: "conf", mode: 0o700 },
    { name: "conf/empty", content: Buffer.alloc(0), mode: 0o600 },
    { name: "conf/nested", mode: 0o750 },
    { name: "conf/nested/app.ini", content: Buffer.from("[app]\nport=8080\n"), mode: 0o640 },
    { name: "zdir", mode: 0o755 },
  ]);
});

test("folderEntries: an empty folder has no entries", (t) => {
  const root = tempDir();
  t.teardown(() => fs.rmSync(root, { recursive: true, force: true }));
  t.deepEqual(folderEntries(root), []);
});

test("tar of folderEntries extracts to the same folder", (t) => {
  const root = makeFolder(FOLDER);
  t.teardown(() => fs.rmSync(root, { recursive: true, force: true }));
  const strip = (l: Found[]) => l.map(({ mtimeMs: _m, ...rest }) => rest);
  const found = extract(tar(folderEntries(root)));
  t.deepEqual(strip(found), strip(listing(root)));
  t.deepEqual(
    found.map((f) => f.mtimeMs),
    found.map(() => 0),
  );
});

// A symbolic link in a build folder is kept as a link (not followed), as `docker build`
// sends it: a dangling one (a removed `current -> releases/x`) is no error.
test("folderEntries: a dangling symbolic link is kept as a link, not fatal", (t) => {
  const root = makeFolder([["app.txt", 0o644, "app\n"]]);
  t.teardown(() => fs.rmSync(root, { recursive: true, force: true }));
  fs.symlinkSync("releases/gone", path.join(root, "current"));
  t.deepEqual(folderEntries(root), [
    { name: "app.txt", content: Buffer.from("app\n"), mode: 0o644 },
    { name: "current", linkTarget: "releases/gone" },
  ]);
  // The system tar reads it back as the same link.
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "dwtar-link-"));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  execFileSync("tar", ["-xf", "-", "-C", dir], { input: tar(folderEntries(root)) as unknown as Uint8Array });
  t.is(fs.readlinkSync(path.join(dir, "current")), "releases/gone");
});

// ---------------------------------------------------------------- contextDigest

/** The build folder of the digest tests: a Dockerfile and a script. */
function contextFolder(): string {
  return makeFolder([
    ["Dockerfile", 0o644, "FROM busybox:1.36\nCOPY . /app\n"],
    ["app", 0o755],
    ["app/main.sh", 0o644, "echo hi\n"],
  ]);
}

// sha256 of "Dockerfile\0" base64(content) "\0" "app/main.sh\0" base64(content) "\0", computed
// independently (python hashlib). The digest is kept in stack states (and dockwire 0.2's build
// triggers): its value must not change between versions.
const CONTEXT_DIGEST = "sha256:e0b0287a8594755fe5cbca672368b69974cebe67df553fe9a86ea09965748ab6";

test("contextDigest: exact value, stable across calls", (t) => {
  const root = contextFolder();
  t.teardown(() => fs.rmSync(root, { recursive: true, force: true }));
  t.is(contextDigest(root), CONTEXT_DIGEST);
  t.is(contextDigest(root), CONTEXT_DIGEST);
});

test("contextDigest: the same files in another folder give the same digest", (t) => {
  const a = contextFolder();
  const b = contextFolder();
  t.teardown(() => [a, b].forEach((d) => fs.rmSync(d, { recursive: true, force: true })));
  t.is(contextDigest(b), contextDigest(a));
});

const digestChanges: [string, (root: string) => void, boolean][] = [
  ["touch (mtime only)", (r) => fs.utimesSync(path.join(r, "app/main.sh"), new Date(2031, 0, 1), new Date(2031, 0, 1)), false],
  ["touch of a directory", (r) => fs.utimesSync(path.join(r, "app"), new Date(2031, 0, 1), new Date(2031, 0, 1)), false],
  ["rewrite with the same content", (r) => fs.writeFileSync(path.join(r, "Dockerfile"), "FROM busybox:1.36\nCOPY . /app\n"), false],
  ["an empty directory added (files only)", (r) => fs.mkdirSync(path.join(r, "cache")), false],
  ["a file's content changed", (r) => fs.writeFileSync(path.join(r, "app/main.sh"), "echo bye\n"), true],
  ["a byte appended", (r) => fs.appendFileSync(path.join(r, "Dockerfile"), "\n"), true],
  ["a file emptied", (r) => fs.writeFileSync(path.join(r, "app/main.sh"), ""), true],
  ["a file added", (r) => fs.writeFileSync(path.join(r, "app/extra.sh"), "echo extra\n"), true],
  ["an empty file added", (r) => fs.writeFileSync(path.join(r, ".dockerignore"), ""), true],
  ["a file removed", (r) => fs.rmSync(path.join(r, "app/main.sh")), true],
  ["a file renamed", (r) => fs.renameSync(path.join(r, "app/main.sh"), path.join(r, "app/start.sh")), true],
  ["a directory renamed", (r) => fs.renameSync(path.join(r, "app"), path.join(r, "src")), true],
  ["a file moved up", (r) => fs.renameSync(path.join(r, "app/main.sh"), path.join(r, "main.sh")), true],
];

for (const [title, change, differs] of digestChanges) {
  test(`contextDigest: ${title} ${differs ? "changes" : "keeps"} the digest`, (t) => {
    const root = contextFolder();
    t.teardown(() => fs.rmSync(root, { recursive: true, force: true }));
    t.is(contextDigest(root), CONTEXT_DIGEST);
    change(root);
    if (differs) t.not(contextDigest(root), CONTEXT_DIGEST);
    else t.is(contextDigest(root), CONTEXT_DIGEST);
  });
}

test("contextDigest: contents are bound to their paths (swapped contents differ)", (t) => {
  const a = makeFolder([
    ["a.txt", 0o644, "1"],
    ["b.txt", 0o644, "2"],
  ]);
  const b = makeFolder([
    ["a.txt", 0o644, "2"],
    ["b.txt", 0o644, "1"],
  ]);
  t.teardown(() => [a, b].forEach((d) => fs.rmSync(d, { recursive: true, force: true })));
  t.not(contextDigest(a), contextDigest(b));
});
