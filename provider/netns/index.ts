export * from "./names";
export * from "./commands";
