import test from "ava";
import { execFileSync } from "node:child_process";
import { rawShell, sh, shellQuote } from "../../provider/shell";

// ---------------------------------------------------------------- shellQuote: exact output

const quoted: [string, string][] = [
  ["abc", "abc"],
  ["eth0", "eth0"],
  ["veth1.1", "veth1.1"],
  ["10.250.1.6/24", "10.250.1.6/24"],
  ["fd00::1/64", "fd00::1/64"],
  ["/var/run/netns/r1", "/var/run/netns/r1"],
  ["a=b", "a=b"],
  ["user@host", "user@host"],
  ["50%+1", "50%+1"],
  ["-h", "-h"],
  ["", "''"],
  [" ", "' '"],
  ["a b", "'a b'"],
  ["a;rm -rf /", "'a;rm -rf /'"],
  ["$(id)", "'$(id)'"],
  ["`id`", "'`id`'"],
  ["${HOME}", "'${HOME}'"],
  ["x'y", `'x'"'"'y'`],
  ["'", `''"'"''`],
  ["''", `''"'"''"'"''`],
  ['say "hi"', `'say "hi"'`],
  ["a\nb", "'a\nb'"],
  ["a\\b", "'a\\b'"],
  ["*", "'*'"],
  ["~", "'~'"],
  ["a|b&c", "'a|b&c'"],
  ["#x", "'#x'"],
  ["ünïcode", "'ünïcode'"],
];

for (const [input, expected] of quoted) {
  test(`shellQuote(${JSON.stringify(input)})`, (t) => {
    t.is(shellQuote(input), expected);
  });
}

// ---------------------------------------------------------------- round trip through a real sh

const hostile = [
  "a;rm -rf /",
  "$(id)",
  "`id`",
  "x'y",
  "'; echo pwned; '",
  'a"b',
  "a\nb",
  "a\\nb",
  "",
  " lead and trail ",
  "*",
  "$HOME",
  "-h",
  "tab\there",
  "'\"'\"'",
];

test("every quoted value reads back as exactly one identical word in /bin/sh", (t) => {
  const script = `for w in ${hostile.map(shellQuote).join(" ")}; do printf '%s\\0' "$w"; done`;
  const out = execFileSync("/bin/sh", ["-c", script], { encoding: "utf8" });
  t.deepEqual(out.split("\0").slice(0, -1), hostile);
});

test("sh`` output runs the literal command with the hostile value as one argument", (t) => {
  const value = "a;echo INJECTED $(id) `id`'\n";
  const out = execFileSync("/bin/sh", ["-c", sh`printf '[%s]' ${value}`], { encoding: "utf8" });
  t.is(out, `[${value}]`);
});

// ---------------------------------------------------------------- sh tagged template

test("sh quotes each interpolated value and keeps the literal text", (t) => {
  t.is(sh`ip -n ${"r1"} addr replace ${"10.0.0.1/24"} dev ${"eth 0"}`, "ip -n r1 addr replace 10.0.0.1/24 dev 'eth 0'");
});

test("sh quotes injection attempts", (t) => {
  t.is(sh`ip link del dev ${"a;rm -rf /"}`, "ip link del dev 'a;rm -rf /'");
  t.is(sh`echo ${"$(id)"}`, "echo '$(id)'");
  t.is(sh`echo ${"`id`"}`, "echo '`id`'");
  t.is(sh`echo ${"x'y"}`, `echo 'x'"'"'y'`);
  t.is(sh`echo ${"a\nb"}`, "echo 'a\nb'");
  t.is(sh`echo ${""}`, "echo ''");
});

test("sh renders numbers as words", (t) => {
  t.is(sh`sleep ${5}`, "sleep 5");
  t.is(sh`echo ${-1.5}`, "echo -1.5");
});

test("sh expands arrays to one quoted word per element", (t) => {
  t.is(sh`ip ${["-n", "r1"]} link`, "ip -n r1 link");
  t.is(sh`rm -- ${["a b", "c"]}`, "rm -- 'a b' c");
  t.is(sh`ip ${[]} link`, "ip  link");
});

test("sh inserts rawShell text verbatim", (t) => {
  t.is(sh`${rawShell("set -e")}; echo ${"a b"}`, "set -e; echo 'a b'");
  t.is(String(rawShell("x | y")), "x | y");
});

test("sh with no interpolations returns the text", (t) => {
  t.is(sh`true`, "true");
});

test("sh rejects values that are not strings or finite numbers", (t) => {
  const bad: [unknown, string][] = [
    [undefined, "sh: interpolated value #0 is undefined; pass a string, a finite number, an array of them, or rawShell(text)."],
    [null, "sh: interpolated value #0 is null; pass a string, a finite number, an array of them, or rawShell(text)."],
    [{}, "sh: interpolated value #0 is an object; pass a string, a finite number, an array of them, or rawShell(text)."],
    [true, "sh: interpolated value #0 is boolean; pass a string, a finite number, an array of them, or rawShell(text)."],
    [NaN, "sh: interpolated value #0 is the number NaN; pass a string, a finite number, an array of them, or rawShell(text)."],
    [Infinity, "sh: interpolated value #0 is the number Infinity; pass a string, a finite number, an array of them, or rawShell(text)."],
  ];
  for (const [value, message] of bad) {
    t.throws(() => sh`echo ${value as string}`, { instanceOf: TypeError, message });
  }
  t.throws(() => sh`echo ${"ok"} ${["a", undefined as unknown as string]}`, {
    instanceOf: TypeError,
    message: "sh: interpolated value #1[1] is undefined; pass a string, a finite number, an array of them, or rawShell(text).",
  });
});

test("shellQuote rejects non-strings", (t) => {
  t.throws(() => shellQuote(undefined as unknown as string), {
    instanceOf: TypeError,
    message: "shellQuote expects a string, got undefined.",
  });
  t.throws(() => shellQuote(42 as unknown as string), {
    instanceOf: TypeError,
    message: "shellQuote expects a string, got the number 42.",
  });
});
