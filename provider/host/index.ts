export * from "./endpoint";
export * from "./docker-host";
export * from "./daemon-json";
export * from "./daemon-apply";
export * from "./daemon-config";
