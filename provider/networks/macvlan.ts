import * as pulumi from "@pulumi/pulumi";
import { IpvlanFlag, IpvlanMode, MacvlanMode, ipvlanOptions, macvlanOptions, parseParent } from "./driver-options";
import { DockwireNetwork } from "./network";
import { NetworkCommonArgs } from "./spec";

/** Arguments shared by {@link MacvlanNetwork} and {@link IpvlanNetwork}. */
export interface L2NetworkArgs extends NetworkCommonArgs {
  /**
   * Host interface the network rides on, e.g. `eth1`, or `eth1.10` for an 802.1q
   * sub-interface that Docker creates (and removes with the network). Changing it replaces the network.
   */
  parent: string;
  /** VLAN id 1-4094; the same as writing `parent: "eth1.10"`. Changing it replaces the network. */
  vlan?: number;
}

/** Arguments for {@link MacvlanNetwork}. */
export interface MacvlanNetworkArgs extends L2NetworkArgs {
  /** macvlan mode: `bridge`, `private`, `vepa` or `passthru`. Defaults to `bridge`. Changing it replaces the network. */
  mode?: MacvlanMode;
}

/**
 * A macvlan network: containers get their own MAC address on the parent interface's
 * segment. Note the kernel rule that a container cannot reach the host through its own
 * parent interface.
 */
export class MacvlanNetwork extends DockwireNetwork {
  constructor(name: string, args: MacvlanNetworkArgs, opts?: pulumi.ComponentResourceOptions) {
    super(
      "dockwire:networks:MacvlanNetwork",
      name,
      args,
      () => ({ driver: "macvlan", options: macvlanOptions(parseParent(args.parent, args.vlan, "parent"), args.mode) }),
      opts,
    );
  }
}

/** Arguments for {@link IpvlanNetwork}. */
export interface IpvlanNetworkArgs extends L2NetworkArgs {
  /** ipvlan mode: `l2`, `l3` or `l3s`. Defaults to `l2`. Changing it replaces the network. */
  mode?: IpvlanMode;
  /** ipvlan flag: `bridge`, `private` or `vepa`. Defaults to Docker's (`bridge`). Changing it replaces the network. */
  flag?: IpvlanFlag;
}

/** An ipvlan network: containers share the parent's MAC address; L2 or routed (L3/L3S) mode. */
export class IpvlanNetwork extends DockwireNetwork {
  constructor(name: string, args: IpvlanNetworkArgs, opts?: pulumi.ComponentResourceOptions) {
    super(
      "dockwire:networks:IpvlanNetwork",
      name,
      args,
      () => ({ driver: "ipvlan", options: ipvlanOptions(parseParent(args.parent, args.vlan, "parent"), args.mode, args.flag) }),
      opts,
    );
  }
}
