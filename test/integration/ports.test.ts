// What dockwire's -p parser produces, published on the real daemon: each binding answers on
// the declared host address and port (loopback only), and nowhere it was not declared.
import test from "ava";
import { request } from "node:http";
import { parsePortSpec } from "../../provider/ports";
import { docker, images, uniqueName } from "./lib/exec";
import { diffSnapshots, snapshot } from "./lib/residue";
import { publishFlag } from "./lib/spec-cli";
import { portBlock } from "./lib/wait";

function get(port: number, host = "127.0.0.1"): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request({ host, port, path: "/", timeout: 3000 }, (res) => {
      let body = "";
      res.on("data", (c) => (body += c));
      res.on("end", () => resolve(body.trim()));
    });
    req.on("timeout", () => req.destroy(new Error(`timeout on ${host}:${port}`)));
    req.on("error", reject);
    req.end();
  });
}

/** GET with a bounded retry while the server starts (at most 40 tries, 0.25 s apart). */
async function getWhenUp(port: number): Promise<string> {
  let last: unknown;
  for (let i = 0; i < 40; i++) {
    try {
      return await get(port);
    } catch (e) {
      last = e;
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  throw last;
}

const base = portBlock(10);

test.serial("-p 127.0.0.1:PORT:80 answers on loopback at that port", async (t) => {
  const before = await snapshot();
  const name = uniqueName("dw-port");
  t.teardown(() => docker(["rm", "-f", name]).catch(() => undefined));
  const ports = parsePortSpec(`127.0.0.1:${base}:80`);
  t.deepEqual(ports, [{ internal: 80, external: base, ip: "127.0.0.1", protocol: "tcp" }]);
  await docker([
    "run",
    "-d",
    "--name",
    name,
    ...ports.flatMap((p) => ["-p", publishFlag(p)]),
    images.busybox,
    "sh",
    "-c",
    "mkdir -p /www && echo port-80 >/www/index.html && exec httpd -f -p 80 -h /www",
  ]);
  t.is(await getWhenUp(base), "port-80");
  const published = await docker(["port", name]);
  t.is(published, `80/tcp -> 127.0.0.1:${base}`);
  await docker(["rm", "-f", name]);
  t.deepEqual(diffSnapshots(before, await snapshot()), []);
});

test.serial("a range -p HOST-RANGE:CONTAINER-RANGE answers on each port of it", async (t) => {
  const before = await snapshot();
  const name = uniqueName("dw-range");
  t.teardown(() => docker(["rm", "-f", name]).catch(() => undefined));
  const ports = parsePortSpec(`127.0.0.1:${base + 1}-${base + 3}:80-82`);
  t.deepEqual(ports, [
    { internal: 80, external: base + 1, ip: "127.0.0.1", protocol: "tcp" },
    { internal: 81, external: base + 2, ip: "127.0.0.1", protocol: "tcp" },
    { internal: 82, external: base + 3, ip: "127.0.0.1", protocol: "tcp" },
  ]);
  await docker([
    "run",
    "-d",
    "--name",
    name,
    ...ports.flatMap((p) => ["-p", publishFlag(p)]),
    images.busybox,
    "sh",
    "-c",
    "for p in 80 81 82; do mkdir -p /w$p; echo port-$p >/w$p/index.html; httpd -p $p -h /w$p; done; exec sleep 300",
  ]);
  for (const [i, p] of ports.entries()) {
    t.is(await getWhenUp(p.external!), `port-${80 + i}`);
  }
  // Nothing was published beyond the declared range.
  await t.throwsAsync(get(base + 4));
  await docker(["rm", "-f", name]);
  t.deepEqual(diffSnapshots(before, await snapshot()), []);
});
