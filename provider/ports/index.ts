/**
 * Port publishing helpers: parse `docker run -p` specs into normalized
 * `docker.types.input.ContainerPort` entries. `./parse` has the accepted syntax and the
 * normalization rules; `./normalize` checks and fills typed bindings; `./collisions` says
 * which host sockets collide; `./spec` has the shared types and the error.
 *
 * @module
 */
export { hostBindings, hostBindingsCollide } from "./collisions";
export { normalizePort } from "./normalize";
export { parsePortSpec, parsePortSpecs, parsePublishArgs } from "./parse";
export { DEFAULT_HOST_IP, DEFAULT_PROTOCOL, PORT_PROTOCOLS, PortSpecError } from "./spec";
export type { ContainerPortInput, ContainerPortSpec, ParsePortSpecsOptions, PortProtocol, PublishArgs } from "./spec";
