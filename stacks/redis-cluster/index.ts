// `pulumi up` entry point of the redis-cluster stack.
import * as pulumi from "@pulumi/pulumi";
import { readConfig, redisCluster } from "./program";

const out = redisCluster(readConfig(), new pulumi.Config().get("prefix") ?? "");
export const network = out.network;
export const nodes = out.nodes;
export const clusterState = out.clusterState;
