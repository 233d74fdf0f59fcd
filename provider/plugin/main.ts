/**
 * Entry point of the dockwire provider plugin (the launcher `pulumi-resource-dockwire` beside
 * schema.json runs it with Node): serves the component provider to the Pulumi engine.
 *
 * @module
 */
import * as provider from "@pulumi/pulumi/provider";
import { dockwireProvider } from "./provider";

void provider.main(dockwireProvider(), process.argv.slice(2));
