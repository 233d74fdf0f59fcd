/**
 * The components the dockwire provider plugin constructs, by their Pulumi type token. This
 * table is the one list: the plugin constructs from it, and the schema (provider/plugin/schema.json)
 * is generated from the argument and property types of these classes (`npm run schema`).
 *
 * @module
 */
import { AppContainer } from "../containers";
import { DaemonConfig, DockerHost } from "../host";
import { LinuxBridge, NetworkNamespace, Route, VethPair } from "../netns";
import { BridgeNetwork, IpvlanNetwork, MacvlanNetwork, OverlayNetwork, Swarm } from "../networks";

export const COMPONENTS = {
  "dockwire:networks:BridgeNetwork": BridgeNetwork,
  "dockwire:networks:OverlayNetwork": OverlayNetwork,
  "dockwire:networks:MacvlanNetwork": MacvlanNetwork,
  "dockwire:networks:IpvlanNetwork": IpvlanNetwork,
  "dockwire:networks:Swarm": Swarm,
  "dockwire:containers:AppContainer": AppContainer,
  "dockwire:host:DockerHost": DockerHost,
  "dockwire:host:DaemonConfig": DaemonConfig,
  "dockwire:netns:NetworkNamespace": NetworkNamespace,
  "dockwire:netns:VethPair": VethPair,
  "dockwire:netns:LinuxBridge": LinuxBridge,
  "dockwire:netns:Route": Route,
};

/** A type token of {@link COMPONENTS}. */
export type ComponentToken = keyof typeof COMPONENTS;
