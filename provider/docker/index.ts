export * from "./resources";
export { contextDigest } from "./context";
