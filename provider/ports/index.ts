/**
 * Port publishing helpers: parse `docker run -p` specs into normalized
 * `docker.types.input.ContainerPort` entries. See {@link ./parse} for the
 * accepted syntax and the normalization rules.
 *
 * @module
 */
export {
  DEFAULT_HOST_IP,
  DEFAULT_PROTOCOL,
  PORT_PROTOCOLS,
  PortSpecError,
  hostBindings,
  hostBindingsCollide,
  normalizePort,
  parsePortSpec,
  parsePortSpecs,
  parsePublishArgs,
} from "./parse";
export type { ContainerPortInput, ContainerPortSpec, ParsePortSpecsOptions, PortProtocol, PublishArgs } from "./parse";
