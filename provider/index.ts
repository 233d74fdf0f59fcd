/**
 * dockwire: Docker networking as typed, previewable Pulumi components.
 *
 * - networks: BridgeNetwork, OverlayNetwork (+ Swarm), MacvlanNetwork, IpvlanNetwork
 * - containers: AppContainer (ports in every `docker run -p` form, networks, modes)
 * - host: DockerHost (unix, tcp+TLS, ssh), DaemonConfig (daemon.json with rollback)
 * - docker: dockwire's own Docker resources on the Engine API (DockerNetwork,
 *   DockerContainer, DockerVolume, DockerImage, ContainerExec, SwarmNode)
 * - netns: NetworkNamespace, VethPair, LinuxBridge, Route
 * - ipam, ports: the pure address and port logic the components check with
 *
 * @module
 */
export * from "./networks";
export * from "./containers";
export * from "./host";
export * from "./docker";
export * as ipam from "./ipam";
export * as ports from "./ports";
export * as netns from "./netns";
export * as plan from "./plan";
export { shellQuote } from "./shell";
