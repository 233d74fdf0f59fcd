// `pulumi up` entry point of the multi-host-overlay stack.
import * as pulumi from "@pulumi/pulumi";
import { multiHostOverlay, readConfig } from "./program";

const out = multiHostOverlay(readConfig(), new pulumi.Config().get("prefix") ?? "");
export const network = out.network;
export const managerNodeId = out.managerNodeId;
export const workerNodeId = out.workerNodeId;
export const containers = out.containers;
export const check = out.check;
