import * as pulumi from "@pulumi/pulumi";
import { BridgeOptions, bridgeOptions } from "./driver-options";
import { DockwireNetwork } from "./network";
import { NetworkCommonArgs } from "./spec";

/** Arguments for {@link BridgeNetwork}. */
export interface BridgeNetworkArgs extends NetworkCommonArgs, BridgeOptions {
  /**
   * Whether swarm services and `docker run` containers can both attach. Only meaningful
   * for swarm-scoped use; defaults to Docker's default (`false`). Changing it replaces the network.
   */
  attachable?: boolean;
  /**
   * Enables IPv6. Requires an IPv6 pool in `pools`; set automatically when one is given.
   * Changing it replaces the network.
   */
  ipv6?: boolean;
}

/**
 * A user-defined bridge network (`docker network create --driver bridge`), as seeds 001
 * to 003 build by hand: subnet, gateway, ip-range and aux addresses checked at preview,
 * typed bridge options mapped to their `com.docker.network.*` keys. Containers on it
 * resolve each other by name through Docker's embedded DNS.
 *
 * Every argument forces a replacement when changed: Docker cannot modify a network in place.
 */
export class BridgeNetwork extends DockwireNetwork {
  constructor(name: string, args: BridgeNetworkArgs = {}, opts?: pulumi.ComponentResourceOptions) {
    super(
      "dockwire:networks:BridgeNetwork",
      name,
      args,
      (field) => ({ driver: "bridge", options: bridgeOptions(args, field), attachable: args.attachable, ipv6: args.ipv6 }),
      opts,
    );
  }
}
