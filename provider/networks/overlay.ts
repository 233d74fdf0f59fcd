import * as pulumi from "@pulumi/pulumi";
import { overlayOptions } from "./driver-options";
import { DockwireNetwork } from "./network";
import { NetworkCommonArgs } from "./spec";

/** Arguments for {@link OverlayNetwork}. */
export interface OverlayNetworkArgs extends NetworkCommonArgs {
  /**
   * Whether standalone containers (`docker run --network`) may attach, as the multi-host
   * seeds need. Defaults to `true` (Docker's own default is `false`). Changing it replaces the network.
   */
  attachable?: boolean;
  /** Encrypts VXLAN traffic between hosts with IPsec. Defaults to `false`. Changing it replaces the network. */
  encrypted?: boolean;
  /** MTU of the overlay, 68-65535. Defaults to Docker's (1450 on a 1500 link). Changing it replaces the network. */
  mtu?: number;
  /**
   * The swarm (or anything) the network must wait for: an overlay network can only be
   * created on a swarm manager. Pass the {@link Swarm} component here.
   */
  swarm?: pulumi.Resource;
}

/**
 * A multi-host overlay network on a swarm manager (seeds 000 and 004, with swarm instead
 * of an external key-value store). Place it on the manager's provider (`opts.provider`).
 */
export class OverlayNetwork extends DockwireNetwork {
  constructor(name: string, args: OverlayNetworkArgs = {}, opts?: pulumi.ComponentResourceOptions) {
    super(
      "dockwire:networks:OverlayNetwork",
      name,
      args,
      (field) => ({ driver: "overlay", attachable: args.attachable ?? true, options: overlayOptions(args, field) }),
      opts,
      args.swarm ? [args.swarm] : [],
    );
  }
}
