/**
 * The dockwire provider plugin: a Pulumi component provider whose `construct` builds the same
 * TypeScript components a TypeScript program uses, so a Python, Go, .NET or YAML program gets
 * the same checks and the same refusals at preview. Its schema (schema.json beside this
 * file's source) is generated from those components' types (test/lib/schema-gen.ts).
 *
 * The engine starts one provider process per deployment, so the process-wide state the
 * components keep per program (the address plan, claimed names, host ports) spans every
 * component of the program, as it does in a TypeScript program. A component passed to
 * another (a network to a container, a DockerHost as `host`) arrives as a resource
 * reference and is resolved to the live component constructed earlier in this process.
 *
 * @module
 */
import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import type * as provider from "@pulumi/pulumi/provider";
import { BY_NAME, COMPONENTS, ComponentToken } from "./components";

/** The package schema's parts the provider reads. */
interface PackageSchema {
  version: string;
  resources: Record<string, { inputProperties?: Record<string, { plain?: boolean }>; properties?: Record<string, unknown> }>;
}

/** The schema: provider/plugin/schema.json, beside this module's source (it runs from dist/provider/plugin). */
export const SCHEMA_PATH = path.join(__dirname, "../../../provider/plugin/schema.json");

/** The parts of pulumi's Output the provider needs to turn a known input back into a plain value. */
interface SettlableOutput {
  isKnown: Promise<boolean>;
  promise(): Promise<unknown>;
}

export class DockwireProvider implements provider.Provider {
  public readonly version: string;
  public readonly schema: string;
  private readonly spec: PackageSchema;
  /** Components constructed by this process, by URN: what resource references resolve to. */
  private readonly live = new Map<string, pulumi.Resource>();

  constructor(schemaText: string) {
    this.schema = schemaText;
    this.spec = JSON.parse(schemaText) as PackageSchema;
    this.version = this.spec.version;
    const modules = new Set(Object.keys(COMPONENTS).map((t) => t.split(":")[1]));
    for (const mod of modules) {
      pulumi.runtime.registerResourceModule("dockwire", mod, {
        version: this.version,
        construct: (name: string, type: string, urn: string): pulumi.Resource => {
          const found = this.live.get(urn);
          if (!found) {
            throw new Error(
              `${type} "${name}" is not a component of this deployment: dockwire components can be passed to each other only within one program (give a name or value instead).`,
            );
          }
          return found;
        },
      });
    }
  }

  async construct(
    name: string,
    type: string,
    inputs: pulumi.Inputs,
    options: pulumi.ComponentResourceOptions,
  ): Promise<provider.ConstructResult> {
    const ctor = (COMPONENTS as Record<string, unknown>)[type] as
      (new (name: string, args: unknown, opts?: pulumi.ComponentResourceOptions) => pulumi.ComponentResource) | undefined;
    const resource = this.spec.resources[type];
    if (!ctor || !resource)
      throw new Error(
        `unknown resource type ${type}: the dockwire provider ${this.version} constructs ${Object.keys(COMPONENTS).join(", ")}`,
      );
    const args = await this.plainArgs(type as ComponentToken, name, inputs, resource.inputProperties ?? {});
    await this.resolveNames(type as ComponentToken, name, args);
    const component = new ctor(name, args, options);
    const urn = await new Promise<string>((resolve) => component.urn.apply(resolve));
    this.live.set(urn, component);
    const state: Record<string, unknown> = {};
    for (const key of Object.keys(resource.properties ?? {})) {
      const value = (component as unknown as Record<string, unknown>)[key];
      if (value !== undefined) state[key] = value;
    }
    return { urn, state };
  }

  /**
   * The component's `args`: inputs the schema marks `plain` are checked when the component
   * is constructed, so they must be known values; the engine may still hand them over wrapped
   * (an input that depends on another resource, such as a network reference): unwrap them, or
   * fail naming the field when the value is not known yet.
   */
  private async plainArgs(
    type: ComponentToken,
    name: string,
    inputs: pulumi.Inputs,
    props: Record<string, { plain?: boolean }>,
  ): Promise<Record<string, unknown>> {
    const args: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(inputs)) {
      if (value === undefined) continue;
      args[key] = props[key]?.plain ? await this.known(value, key, type, name) : value;
    }
    return args;
  }

  /**
   * Inside object types other languages give components by name ({@link BY_NAME}): the name
   * becomes the program's component of that name, so the component gets what a TypeScript
   * program passes.
   */
  private async resolveNames(type: ComponentToken, name: string, args: Record<string, unknown>): Promise<void> {
    const by = BY_NAME[type];
    const list = by && args[by.list];
    if (!by || !Array.isArray(list)) return;
    const live = [...this.live.values()];
    args[by.list] = await Promise.all(
      list.map(async (item: unknown, i) => {
        if (item === null || typeof item !== "object" || !(by.field in item)) return item;
        const at = `${by.list}[${i}].${by.field}`;
        const value = await this.known((item as Record<string, unknown>)[by.field], at, type, name);
        const found = typeof value === "string" ? by.find(live, value) : undefined;
        if (!found && by.missing)
          throw new pulumi.RunError(`${type} ${JSON.stringify(name)}: ${at} ${JSON.stringify(value)} ${by.missing(String(value))}`);
        return { ...item, [by.field]: found ?? value };
      }),
    );
  }

  /** A value the component needs at construction: an output is waited for, and must be known. */
  private async known(value: unknown, field: string, type: string, name: string): Promise<unknown> {
    if (!pulumi.Output.isInstance(value)) return value;
    const out = value as unknown as SettlableOutput;
    if (!(await out.isKnown)) {
      throw new pulumi.RunError(
        `${type} ${JSON.stringify(name)}: ${field} must be known when the component is constructed (dockwire checks it at preview), but it is the output of a resource not created yet: give the value itself.`,
      );
    }
    return out.promise();
  }
}

/** The provider with the schema beside it. */
export function dockwireProvider(): DockwireProvider {
  return new DockwireProvider(fs.readFileSync(SCHEMA_PATH, "utf8"));
}
