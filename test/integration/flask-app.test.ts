// The flask-redis stack's app for real, without the engine (the docker provider plugin
// cannot be obtained here): its Dockerfile built with the classic builder on the test
// daemon, Redis and the app on a fresh user-defined network as the stack wires them (alias
// redis, REDIS_HOST=redis), the app published on 127.0.0.1 only; two GETs count 1 then 2.
// Everything is removed afterwards, and the daemon and host are as they were.
import * as path from "node:path";
import test from "ava";
import { REDIS_COMMAND } from "../../stacks/flask-redis/program";
import { docker, images, uniqueName } from "./lib/exec";
import { get, logs, pickPort, waitFor } from "./lib/wait";
import { diffSnapshots, snapshot } from "./lib/residue";

const APP_DIR = path.resolve(__dirname, "../../../stacks/flask-redis/app");

test.serial("flask-redis app: built from the stack's Dockerfile, two requests are seen b'1' then b'2' times", async (t) => {
  const before = await snapshot();
  const tag = `${uniqueName("dw-it-flask")}:test`;
  const netName = uniqueName("dw-it-flask-net");
  const redis = uniqueName("dw-it-redis");
  const app = uniqueName("dw-it-flask");
  const port = await pickPort();
  t.teardown(async () => {
    await docker(["rm", "-f", app, redis]).catch(() => undefined);
    await docker(["network", "rm", netName]).catch(() => undefined);
    await docker(["rmi", "-f", tag]).catch(() => undefined);
  });

  // The classic builder, as the stack's docker.Image asks for (builderVersion BuilderV1).
  await docker(["build", "--build-arg", `BASE_IMAGE=${images.app}`, "-t", tag, APP_DIR], {
    env: { DOCKER_BUILDKIT: "0" },
    timeoutMs: 180_000,
  });
  t.is(await docker(["image", "inspect", "-f", "{{json .Config.Cmd}}", tag]), '["python3","app.py"]');

  await docker(["network", "create", "--driver", "bridge", netName]);
  await docker(["run", "-d", "--name", redis, "--network", netName, "--network-alias", "redis", images.app, ...REDIS_COMMAND]);
  await docker(["run", "-d", "--name", app, "--network", netName, "-e", "REDIS_HOST=redis", "-p", `127.0.0.1:${port}:5000`, tag]);

  // Wait without counting a hit: PING Redis in its container, and ask the app for a path it
  // does not serve (Flask answers 404 without touching Redis).
  const redisUp = await waitFor(async () => (await docker(["exec", redis, "redis-cli", "ping"], { timeoutMs: 5_000 })) === "PONG");
  if (!redisUp) {
    t.fail(`redis did not answer PING within 30 s; its log:\n${await logs(redis)}`);
    return;
  }
  const appUp = await waitFor(async () => (await get(port, "/dockwire-probe")).status === 404);
  if (!appUp) {
    t.fail(`the app did not answer on 127.0.0.1:${port} within 30 s; its log:\n${await logs(app)}`);
    return;
  }

  const hostname = await docker(["inspect", "-f", "{{.Config.Hostname}}", app]);
  const first = await get(port, "/");
  const second = await get(port, "/");
  t.is(first.status, 200);
  t.true(first.body.includes("seen b'1' times"), first.body);
  t.true(second.body.includes("seen b'2' times"), second.body);
  // The seed's exact reply, with the container's hostname.
  t.is(first.body, `Hello Container World! I have been seen b'1' times and my hostname is ${hostname}.\n`);
  t.is(second.body, `Hello Container World! I have been seen b'2' times and my hostname is ${hostname}.\n`);
  // The count lives in Redis.
  t.is(await docker(["exec", redis, "redis-cli", "get", "hits"]), "2");

  await docker(["rm", "-f", app, redis]);
  await docker(["network", "rm", netName]);
  await docker(["rmi", "-f", tag]);
  t.is(await docker(["images", "-q", tag]), "");
  t.deepEqual(diffSnapshots(before, await snapshot()), []);
});
