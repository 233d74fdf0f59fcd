export * from "./driver-options";
export * from "./spec";
export * from "./network";
export * from "./bridge";
export * from "./macvlan";
export * from "./overlay";
export * from "./swarm";
