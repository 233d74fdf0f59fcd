/**
 * Seeds 000 (4-9, 4-10) and 004's multi-host section as code, with a swarm in place of the
 * seeds' etcd cluster store: two Docker daemons, the first initialises a swarm and the
 * second joins it as a worker; an attachable overlay network (`demo`, 10.0.9.0/24) is
 * created on the manager; a busybox container on each daemon joins it, so they reach each
 * other by name across the hosts (`docker exec test1 ping test2`).
 *
 * Everything goes through the Engine API of each host (unix, tcp with TLS, or ssh), with
 * dockwire's own resources. The image must already be on both daemons, or pullable there. The hosts must reach each other on TCP 2377 and 7946, UDP 7946 and 4789.
 */
import * as pulumi from "@pulumi/pulumi";
import { AppContainer, DockerHost, DockerTlsArgs, OverlayNetwork, Swarm, ipam, networkSpec, parseDockerEndpoint } from "dockwire";

/** One daemon of the stack. */
export interface OverlayHostConfig {
  /** `unix:///PATH`, `tcp://HOST:2376` (with `tls`) or `ssh://USER@HOST[:PORT]`. */
  host: string;
  /** TLS client material for a `tcp://` daemon. */
  tls?: DockerTlsArgs;
  /** Allows plain TCP without TLS (a lab you control only). */
  allowInsecure?: boolean;
  /** Address the node advertises to the swarm; required for the manager, Docker's choice for the worker when unset. */
  advertiseAddr?: string;
}

/** Stack configuration. */
export interface MultiHostOverlayConfig {
  /** The manager: the local daemon by default. */
  manager: OverlayHostConfig & { advertiseAddr: string };
  /** The worker: a second daemon. */
  worker: OverlayHostConfig;
  /** Overlay network name and subnet. */
  networkName: string;
  subnet: string;
  /** Image of the two containers; it needs `sh`, `sleep` and `ping` and must be present on both daemons. */
  image: string;
}

/** Defaults of the keys that have one (the seeds' network `demo`, on 10.0.9.0/24). */
export const OVERLAY_DEFAULTS = {
  networkName: "demo",
  subnet: "10.0.9.0/24",
  image: "dockwire/busybox:local",
};

/** The containers' command, as the seeds run busybox: a shell that sleeps forever. */
export const SLEEP_COMMAND = ["/bin/sh", "-c", "while true; do sleep 3600; done"];

function hostConfig(c: pulumi.Config, role: "manager" | "worker", fallbackHost?: string): OverlayHostConfig {
  // Pulumi.yaml declares the optional keys with default "" / false (a declared key without
  // a default is required): the empty string means unset.
  const host = fallbackHost === undefined ? c.require(`${role}Host`) : c.get(`${role}Host`) || fallbackHost;
  // getSecret is undefined for an unset key (known at once), else a secret Output.
  const [ca, cert, key] = ["TlsCa", "TlsCert", "TlsKey"].map((k) => c.getSecret(`${role}${k}`));
  const allowInsecure = c.getBoolean(`${role}AllowInsecure`);
  const advertiseAddr = c.get(`${role}Addr`) || undefined;
  return {
    host,
    // Any one of the three turns TLS on; DockerHost names a missing one ("").
    ...(ca || cert || key ? { tls: { caPem: ca ?? "", certPem: cert ?? "", keyPem: key ?? "" } } : {}),
    ...(allowInsecure ? { allowInsecure } : {}),
    ...(advertiseAddr !== undefined ? { advertiseAddr } : {}),
  };
}

/** Reads the stack config: `managerAddr` and `workerHost` are required; the manager defaults to DOCKER_HOST. */
export function readConfig(localHost = process.env.DOCKER_HOST ?? "unix:///var/run/docker.sock"): MultiHostOverlayConfig {
  const c = new pulumi.Config();
  const manager = hostConfig(c, "manager", localHost);
  return {
    manager: { ...manager, advertiseAddr: c.require("managerAddr") },
    worker: hostConfig(c, "worker"),
    networkName: c.get("networkName") ?? OVERLAY_DEFAULTS.networkName,
    subnet: c.get("subnet") ?? OVERLAY_DEFAULTS.subnet,
    image: c.get("image") ?? OVERLAY_DEFAULTS.image,
  };
}

/**
 * Checks the config before anything is registered (the components check again when they
 * are constructed, but by then the ones before them are registered): endpoints, advertise
 * addresses, network name and subnet. Messages name the config key.
 */
export function checkConfig(cfg: MultiHostOverlayConfig, prefix = ""): void {
  try {
    for (const role of ["manager", "worker"] as const) {
      const h = cfg[role];
      parseDockerEndpoint(h.host, { tls: h.tls !== undefined, allowInsecure: h.allowInsecure }, `${role}Host`);
      if (h.advertiseAddr !== undefined && !ipam.parseIp(h.advertiseAddr)) {
        throw new Error(
          `${role}Addr ${JSON.stringify(h.advertiseAddr)} is not an IP address: give the address the other host reaches this one at, e.g. "192.168.205.10".`,
        );
      }
    }
    if (cfg.manager.host === cfg.worker.host) {
      throw new Error(
        `managerHost and workerHost are both ${JSON.stringify(cfg.worker.host)}: a daemon cannot join its own swarm as a worker; give workerHost the second host's daemon.`,
      );
    }
    networkSpec("overlay", { networkName: `${prefix}${cfg.networkName}`, subnet: cfg.subnet }, { driver: "overlay" }, undefined);
  } catch (e) {
    throw new pulumi.RunError(`multi-host-overlay stack: ${(e as Error).message}`);
  }
}

function dockerHost(name: string, h: OverlayHostConfig): DockerHost {
  return new DockerHost(name, {
    host: h.host,
    ...(h.tls ? { tls: h.tls } : {}),
    ...(h.allowInsecure !== undefined ? { allowInsecure: h.allowInsecure } : {}),
  });
}

/** Builds the two-host overlay; returns the stack outputs. `prefix` goes in front of the network and container names. */
export function multiHostOverlay(cfg: MultiHostOverlayConfig, prefix = "") {
  checkConfig(cfg, prefix);
  const manager = dockerHost("manager", cfg.manager);
  const worker = dockerHost("worker", cfg.worker);
  const swarm = new Swarm("swarm", {
    manager,
    advertiseAddr: cfg.manager.advertiseAddr,
    workers: [
      {
        name: "worker",
        host: worker,
        ...(cfg.worker.advertiseAddr !== undefined ? { advertiseAddr: cfg.worker.advertiseAddr } : {}),
      },
    ],
  });
  const net = new OverlayNetwork("overlay", {
    networkName: `${prefix}${cfg.networkName}`,
    subnet: cfg.subnet,
    attachable: true,
    swarm,
    host: manager,
  });
  // The worker's container may only be created once the worker is in the swarm: the network
  // name carries the dependency on the network, which waits for the whole Swarm (joins included).
  const boxes = (
    [
      ["test1", manager],
      ["test2", worker],
    ] as const
  ).map(
    ([name, host]) =>
      new AppContainer(
        name,
        { image: cfg.image, containerName: `${prefix}${name}`, command: SLEEP_COMMAND, networks: [{ network: net }], host },
        { dependsOn: [swarm] },
      ),
  );
  return {
    network: net.networkName,
    managerNodeId: swarm.managerNodeId,
    workerNodeId: swarm.workerNodeIds["worker"],
    containers: pulumi.all(boxes.map((b) => b.containerName)),
    check: pulumi.interpolate`docker exec ${boxes[0].containerName} ping -c 1 ${boxes[1].containerName}`,
  };
}
