// Waiting, free ports and HTTP on loopback for the integration tests: every loop bounded in
// count and time, every request to 127.0.0.1 only.
import * as http from "node:http";
import * as net from "node:net";
import { dockerHost, run } from "./exec";

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Whether nothing listens on 127.0.0.1:port (the daemon's proxy binds it like this). */
export function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = net.createServer();
    srv.once("error", () => resolve(false));
    srv.listen(port, "127.0.0.1", () => srv.close(() => resolve(true)));
  });
}

/** A free port in 20000-29999: high, below Linux's ephemeral range, and never 5000. */
export async function pickPort(): Promise<number> {
  for (let i = 0; i < 50; i++) {
    const port = 20000 + Math.floor(Math.random() * 10000);
    if (await portFree(port)) return port;
  }
  throw new Error("no free port found in 20000-29999 after 50 tries");
}

/**
 * The first of `width` consecutive host ports for this test process: one block of
 * 20000-31999 chosen by the process id, below Linux's ephemeral range (32768-60999), where
 * an outgoing connection can hold any port.
 */
export function portBlock(width: number): number {
  return 20000 + (process.pid % Math.floor(12000 / width)) * width;
}

/**
 * GET http://127.0.0.1:port/path with a 5 s limit: status and body. node:http with a
 * referenced timer: a global fetch() waiting on the daemon's port proxy (which accepts
 * before the app listens) does not keep the event loop alive, and ava then ends the test.
 */
export function get(port: number, urlPath: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: "127.0.0.1", port, path: urlPath, agent: false }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => (body += chunk));
      res.on("end", () => {
        clearTimeout(timer);
        resolve({ status: res.statusCode ?? 0, body });
      });
      res.on("error", reject);
    });
    const timer = setTimeout(() => req.destroy(new Error(`GET 127.0.0.1:${port}${urlPath}: no answer within 5 s`)), 5_000);
    req.on("error", (e) => {
      clearTimeout(timer);
      reject(e);
    });
  });
}

/** A container's log, stdout and stderr (Flask and Redis log to both), for failure messages. */
export async function logs(name: string): Promise<string> {
  return run("docker", ["logs", name], { env: { DOCKER_HOST: dockerHost() } }).then(
    (r) => r.stdout + r.stderr,
    (e) => String(e),
  );
}

/** Polls `probe` up to `tries` times, `everyMs` apart, until it returns true; false if it never does. */
export async function waitFor(probe: () => Promise<boolean>, tries = 60, everyMs = 500): Promise<boolean> {
  for (let i = 0; i < tries; i++) {
    if (await probe().catch(() => false)) return true;
    await sleep(everyMs);
  }
  return false;
}
