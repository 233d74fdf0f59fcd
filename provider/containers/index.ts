export * from "./container-spec";
export * from "./app-container";
