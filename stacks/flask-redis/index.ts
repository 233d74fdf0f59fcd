// `pulumi up` entry point of the flask-redis stack.
import * as pulumi from "@pulumi/pulumi";
import { flaskRedis, readConfig } from "./program";

const out = flaskRedis(readConfig(), new pulumi.Config().get("prefix") ?? "");
export const network = out.network;
export const image = out.image;
export const redisContainer = out.redisContainer;
export const appContainer = out.appContainer;
export const url = out.url;
