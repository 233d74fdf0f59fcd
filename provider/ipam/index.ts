/**
 * Pure IPAM core of dockwire: addresses and CIDR blocks ({@link ./cidr}),
 * canonical Docker IPAM pools ({@link ./address-config}) and the program-wide
 * address plan ({@link ./plan}). No Pulumi imports, no dependencies beyond Node.
 *
 * @module
 */

export * from "./cidr";
export * from "./address-config";
export * from "./plan";
