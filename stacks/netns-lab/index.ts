// `pulumi up` entry point of the netns-lab stack (run as root: it creates namespaces and links).
import { netnsLab, readConfig } from "./program";

const out = netnsLab(readConfig());
export const namespaces = out.namespaces;
export const veth = out.veth;
export const addresses = out.addresses;
export const check = out.check;
