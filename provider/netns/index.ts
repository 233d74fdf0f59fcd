export * from "./names";
export * from "./commands";
export * from "./components";
