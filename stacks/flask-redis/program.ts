/**
 * Seeds 000 (4-8) and 004 as code: the flask + redis app. A Redis container and the app
 * container on one user-defined bridge network, the app finding Redis by the alias `redis`
 * (REDIS_HOST=redis; the seeds use `--link redis`, which only works on the default bridge),
 * the app image built from ./app on the daemon without pushing (./image.ts), and the app
 * published on host port 5000.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { AppContainer, BridgeNetwork, ports } from "dockwire";
import { buildAppImage } from "./image";

/** Stack configuration (every key optional; the defaults build and run the seed's app offline). */
export interface FlaskRedisConfig {
  /** `BASE_IMAGE` build argument of app/Dockerfile: an image with python3, flask and redis (the Python client). */
  baseImage: string;
  /** Name (and tag) of the built app image; kept local, never pushed. */
  appImageName: string;
  /** Image with redis-server. */
  redisImage: string;
  /** Docker network name. */
  networkName: string;
  /** Subnet of the network; omit to let Docker pick one (then it cannot be checked for overlaps). */
  subnet?: string;
  /** Host port the app is published on (container port 5000). */
  hostPort: number;
  /** Host address the port is bound to; omit for every address (as the seed's `-p 5000:5000`). */
  hostIp?: string;
}

/** The seeds' app, offline: base and Redis images from scripts/images.sh, port 5000. */
export const SEED_FLASK_REDIS: FlaskRedisConfig = {
  baseImage: "dockwire/app:local",
  appImageName: "dockwire/flask-redis:local",
  redisImage: "dockwire/app:local",
  networkName: "flask-redis",
  hostPort: 5000,
};

/** The command Redis runs with: without a config file Debian's redis-server refuses clients from other containers (protected mode). */
export const REDIS_COMMAND = ["redis-server", "--protected-mode", "no"];

/**
 * The folder holding app.py and the Dockerfile: next to this file when run from the stack
 * folder (`pulumi up`), or the source folder when run compiled from dist/ (stacks/run.ts).
 */
export function appDir(): string {
  const candidates = [path.join(__dirname, "app"), path.resolve(__dirname, "../../../stacks/flask-redis/app")];
  return candidates.find((d) => fs.existsSync(path.join(d, "Dockerfile"))) ?? candidates[0];
}

/** Reads the stack config; defaults are {@link SEED_FLASK_REDIS}. Everything runs on DOCKER_HOST's daemon. */
export function readConfig(): FlaskRedisConfig {
  const c = new pulumi.Config();
  // Pulumi.yaml declares these two with default "" (a declared key without a default is
  // required): the empty string means unset.
  const subnet = c.get("subnet") || undefined;
  const hostIp = c.get("hostIp") || undefined;
  return {
    baseImage: c.get("baseImage") ?? SEED_FLASK_REDIS.baseImage,
    appImageName: c.get("appImageName") ?? SEED_FLASK_REDIS.appImageName,
    redisImage: c.get("redisImage") ?? SEED_FLASK_REDIS.redisImage,
    networkName: c.get("networkName") ?? SEED_FLASK_REDIS.networkName,
    hostPort: c.getNumber("hostPort") ?? SEED_FLASK_REDIS.hostPort,
    ...(subnet ? { subnet } : {}),
    ...(hostIp ? { hostIp } : {}),
  };
}

/** The `-p` spec of the app: `HOSTPORT:5000`, or `IP:HOSTPORT:5000` (IPv6 in brackets). */
export function appPortSpec(cfg: Pick<FlaskRedisConfig, "hostPort" | "hostIp">): string {
  if (cfg.hostIp === undefined) return `${cfg.hostPort}:5000`;
  const ip = cfg.hostIp.includes(":") && !cfg.hostIp.startsWith("[") ? `[${cfg.hostIp}]` : cfg.hostIp;
  return `${ip}:${cfg.hostPort}:5000`;
}

/**
 * Builds the app; returns the stack outputs. `prefix` goes in front of every Docker object
 * name (network, containers), for running beside other copies; the alias stays `redis`.
 */
export function flaskRedis(cfg: FlaskRedisConfig, prefix = "") {
  // Checked before anything is registered: the port here, the subnet by BridgeNetwork,
  // which is constructed first.
  try {
    ports.parsePortSpec(appPortSpec(cfg), "hostPort");
  } catch (e) {
    throw new pulumi.RunError(`flask-redis stack: ${(e as Error).message}`);
  }
  const net = new BridgeNetwork("flask-redis", {
    networkName: `${prefix}${cfg.networkName}`,
    ...(cfg.subnet !== undefined ? { subnet: cfg.subnet } : {}),
  });
  const image = buildAppImage("app-image", {
    dir: appDir(),
    imageName: cfg.appImageName,
    baseImage: cfg.baseImage,
  });
  const redis = new AppContainer("redis", {
    image: cfg.redisImage,
    containerName: `${prefix}redis`,
    command: REDIS_COMMAND,
    networks: [{ network: net, aliases: ["redis"] }],
  });
  const app = new AppContainer(
    "flask-redis",
    {
      // The built image's id: a rebuilt image replaces the container.
      image: image.imageId,
      containerName: `${prefix}flask-redis`,
      env: { REDIS_HOST: "redis" },
      ports: [appPortSpec(cfg)],
      networks: [{ network: net }],
    },
    { dependsOn: [redis] },
  );
  const p = app.ports[0];
  const host = p.ip === "0.0.0.0" ? "127.0.0.1" : p.ip === "::" ? "[::1]" : p.ip.includes(":") ? `[${p.ip}]` : p.ip;
  return {
    network: net.networkName,
    image: cfg.appImageName,
    redisContainer: redis.containerName,
    appContainer: app.containerName,
    url: `http://${host}:${p.external}/`,
  };
}
