/**
 * The components the dockwire provider plugin constructs, by their Pulumi type token. This
 * table is the one list: the plugin constructs from it, and the schema (provider/plugin/schema.json)
 * is generated from the argument and property types of these classes (`npm run schema`).
 *
 * @module
 */
import type * as pulumi from "@pulumi/pulumi";
import { AppContainer } from "../containers";
import { DaemonConfig, DockerHost } from "../host";
import { LinuxBridge, NetworkNamespace, Route, VethPair } from "../netns";
import { BridgeNetwork, DockwireNetwork, IpvlanNetwork, MacvlanNetwork, OverlayNetwork, Swarm } from "../networks";

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

/** A field inside a list argument where other languages give a component by its name. */
export interface ByName {
  /** The list argument, e.g. `networks`. */
  list: string;
  /** The field of its items, e.g. `network`. */
  field: string;
  /** The schema type of the items (its name in schema.json). */
  schemaType: string;
  /** What the field is across languages (the schema's description says it). */
  why: string;
  /** The program's one component of that name, if there is one. */
  find(live: readonly pulumi.Resource[], name: string): pulumi.Resource | undefined;
  /** Why a name no component has is refused; without it, the name is passed on as it is. */
  missing?: (name: string) => string;
}

const one = <T>(matches: T[]): T | undefined => (matches.length === 1 ? matches[0] : undefined);

/**
 * Inside object types, components go by name across languages: the Python SDK generator imports
 * a type module and the resource modules it refers to in a cycle, and the types then fail to
 * resolve. The schema generator makes these fields strings; the plugin turns the name into the
 * program's component of that name, so the checks that need the component (a static address
 * inside the network's subnet, a veth after its namespace, a worker's daemon) are the same as in
 * TypeScript.
 */
export const BY_NAME: Partial<Record<ComponentToken, ByName>> = {
  "dockwire:containers:AppContainer": {
    list: "networks",
    field: "network",
    schemaType: "AppContainerNetwork",
    why: "a network component or a name in TypeScript; across languages the network's name (a dockwire network's networkName, or an existing network's)",
    find: (live, name) => one(live.filter((c) => c instanceof DockwireNetwork && c.spec.name === name)),
  },
  "dockwire:netns:VethPair": {
    list: "ends",
    field: "namespace",
    schemaType: "VethPairEndPlacement",
    why: "a NetworkNamespace or a name in TypeScript; across languages the namespace's name",
    find: (live, name) => one(live.filter((c) => c instanceof NetworkNamespace && c.namespaceName === name)),
  },
  "dockwire:networks:Swarm": {
    list: "workers",
    field: "host",
    schemaType: "SwarmWorker",
    why: "a DockerHost in TypeScript; across languages the endpoint (`host`) of a DockerHost of the program",
    find: (live, name) => one(live.filter((c) => c instanceof DockerHost && c.endpoint.url === name)),
    missing: (name) =>
      `is not the endpoint of one DockerHost of this program: construct a DockerHost with host: ${JSON.stringify(name)} and give its endpoint here.`,
  },
};
