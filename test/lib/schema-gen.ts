/**
 * Generates the dockwire provider plugin's Pulumi package schema from the TypeScript types
 * themselves: the components are those of provider/plugin/components.ts, their inputs the
 * properties of each constructor's `args` type, their outputs the public properties of the
 * class, and every description the TypeScript doc comment of that property or type. So the
 * schema cannot say anything the TypeScript API does not, and `npm run schema` rewrites
 * provider/plugin/schema.json; test/unit/plugin-schema.test.ts fails when the committed file
 * differs from what this generates.
 *
 * Mapping: `pulumi.Input<T>` and `pulumi.Output<T>` are T (a property whose TypeScript type
 * takes no Input is `plain`: it must be known when the component is constructed, because the
 * component checks it then); string, number, boolean; string-literal unions are enums;
 * arrays and tuples are arrays; `Record<string, T>` is a map; interfaces and object types
 * are object types; a component class, or an object type that only components satisfy (a
 * network reference, `{ engine }`), is a reference to those components' resources; unions
 * are `oneOf`. A property that cannot cross a language boundary (a live object such as an
 * AddressPlan) must be listed in {@link TYPESCRIPT_ONLY} with the reason, or generation fails;
 * child resources (Docker objects, host resources) and methods are not outputs.
 *
 * @module
 */
import * as fs from "fs";
import * as path from "path";
import ts from "typescript";
import { BY_NAME } from "../../provider/plugin/components";

/** Properties that exist only for TypeScript programs, with why they cannot be in the schema. */
const PLAN =
  "a live AddressPlan object shared between TypeScript objects; across languages the components of one program share the plan of the provider process";
export const TYPESCRIPT_ONLY: Record<string, string> = {
  "dockwire:networks:BridgeNetwork.addressPlan": PLAN,
  "dockwire:networks:OverlayNetwork.addressPlan": PLAN,
  "dockwire:networks:MacvlanNetwork.addressPlan": PLAN,
  "dockwire:networks:IpvlanNetwork.addressPlan": PLAN,
  "dockwire:host:DaemonConfig.plan": PLAN,
  "dockwire:host:DockerHost.connection": "the @pulumi/command SSH connection, for @pulumi/command resources of a TypeScript program",
};

/**
 * Schema names of TypeScript types whose own names end in Args or Input, which the SDK
 * generators append to input types themselves (a Go SDK of `VethPairEndArgs` does not compile).
 */
export const TYPE_NAMES: Record<string, string> = {
  AddressConfigInput: "AddressPool",
  ContainerPortInput: "PortBinding",
  DockerTlsArgs: "DockerTls",
  SshConnectionArgs: "SshConnection",
  SwarmWorkerArgs: "SwarmWorker",
  VethPairEndArgs: "VethPairEndPlacement",
};

/**
 * Properties whose TypeScript type is wider than any schema type, with the schema type they
 * have across languages.
 */
export const NARROWED: Record<string, { spec: Record<string, unknown>; why: string; acceptsOutput?: boolean }> = {
  // Components inside object types go by name (see BY_NAME in provider/plugin/components.ts).
  ...Object.fromEntries(
    Object.values(BY_NAME).map((b) => [`${b.schemaType}.${b.field}`, { spec: { type: "string" }, acceptsOutput: true, why: b.why }]),
  ),
  "dockwire:networks:OverlayNetwork.swarm": {
    spec: { $ref: "#/resources/dockwire:networks:Swarm" },
    why: "any resource in TypeScript; across languages the Swarm (other resources order the network with dependsOn)",
  },
};

/** The TYPESCRIPT_ONLY entries the last generation met (each must name a real property). */
export const typescriptOnlyMet = new Set<string>();

/** Where a property sits, for names of anonymous types and for messages. */
interface Site {
  owner: string;
  prop: string;
  input: boolean;
}

type Spec = Record<string, unknown>;

class Unexpressible extends Error {}

/** The package schema, as an object in the order it is written. */
export function generateSchema(root: string): Spec {
  typescriptOnlyMet.clear();
  const configPath = path.join(root, "tsconfig.json");
  const raw = ts.readConfigFile(configPath, (p) => ts.sys.readFile(p));
  const parsed = ts.parseJsonConfigFileContent(raw.config, ts.sys, root);
  const entry = path.join(root, "provider/plugin/components.ts");
  const program = ts.createProgram([entry], { ...parsed.options, noEmit: true });
  const checker = program.getTypeChecker();
  const source = program.getSourceFile(entry);
  if (!source) throw new Error(`cannot read ${entry}`);
  const pkg = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8")) as { version: string; description: string };

  // The table: token -> class.
  let table: ts.ObjectLiteralExpression | undefined;
  source.forEachChild((n) => {
    if (ts.isVariableStatement(n)) {
      for (const d of n.declarationList.declarations) {
        if (d.name.getText(source) === "COMPONENTS" && d.initializer && ts.isObjectLiteralExpression(d.initializer)) table = d.initializer;
      }
    }
  });
  if (!table) throw new Error("provider/plugin/components.ts has no COMPONENTS object literal");

  interface Component {
    token: string;
    cls: ts.Symbol;
    ctor: ts.Type;
    instance: ts.Type;
  }
  const components: Component[] = [];
  for (const p of table.properties) {
    if (!ts.isPropertyAssignment(p) || !ts.isStringLiteral(p.name))
      throw new Error(`COMPONENTS entries are "TOKEN": Class (${p.getText(source)})`);
    let sym = checker.getSymbolAtLocation(p.initializer);
    if (!sym) throw new Error(`no symbol for ${p.initializer.getText(source)}`);
    if (sym.flags & ts.SymbolFlags.Alias) sym = checker.getAliasedSymbol(sym);
    const ctor = checker.getTypeOfSymbolAtLocation(sym, p.initializer);
    const sig = ctor.getConstructSignatures()[0];
    components.push({ token: p.name.text, cls: sym, ctor, instance: sig.getReturnType() });
  }
  const byClass = new Map(components.map((c) => [c.cls, c]));

  const types: Record<string, Spec> = {};
  const typeNames = new Map<ts.Type, string>();
  // The doc comment as written; a TSDoc link `{@link X}` reads as `X` in every language.
  const doc = (s: ts.Symbol): string =>
    ts
      .displayPartsToString(s.getDocumentationComment(checker))
      .trim()
      .replace(/\{@link\s+([^}|\s]+)\s*(?:\|\s*([^}]+))?\}/g, (_m, target: string, text?: string) => `\`${(text ?? target).trim()}\``);
  const pascal = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);

  const symbolName = (t: ts.Type): string | undefined => (t.aliasSymbol ?? t.getSymbol())?.getName();
  const isWrapper = (t: ts.Type): boolean => {
    const n = t.getSymbol()?.getName();
    if (n === "Promise" || n === "OutputInstance") return true;
    return t.isIntersection() && t.types.some((m) => isWrapper(m));
  };
  /** T of an Output<T> (OutputInstance<T> & Lifted<T>), else undefined. */
  const outputOf = (t: ts.Type): ts.Type | undefined => {
    const inst = t.isIntersection()
      ? t.types.find((m) => m.getSymbol()?.getName() === "OutputInstance")
      : t.getSymbol()?.getName() === "OutputInstance"
        ? t
        : undefined;
    if (!inst) return undefined;
    const args = checker.getTypeArguments(inst as ts.TypeReference);
    return args[0];
  };
  /** The members of a type that are values: no undefined/null, no Promise/Output wrappers (whose T is also a member of an Input). */
  const members = (t: ts.Type): { values: ts.Type[]; wrapped: boolean; optional: boolean } => {
    const list = t.isUnion() ? t.types : [t];
    let wrapped = false;
    let optional = false;
    const values: ts.Type[] = [];
    for (const m of list) {
      if (m.flags & (ts.TypeFlags.Undefined | ts.TypeFlags.Null | ts.TypeFlags.Void)) {
        optional = true;
        continue;
      }
      const inner = outputOf(m);
      if (inner) {
        wrapped = true;
        // An Output that is the only member (an output property): its T is the value.
        if (list.length === 1 || list.every((x) => outputOf(x) || x.flags & (ts.TypeFlags.Undefined | ts.TypeFlags.Null))) {
          const sub = members(inner);
          values.push(...sub.values);
          optional ||= sub.optional;
        }
        continue;
      }
      if (isWrapper(m)) {
        wrapped = true;
        continue;
      }
      values.push(m);
    }
    return { values, wrapped, optional };
  };

  const componentRefs = (t: ts.Type): Component[] => {
    const direct = t.getSymbol() && byClass.get(t.getSymbol()!);
    if (direct) return [direct];
    if ((t.getSymbol()?.flags ?? 0) & ts.SymbolFlags.Class) return [];
    const props = checker.getPropertiesOfType(t);
    if (!props.some((p) => !(p.flags & ts.SymbolFlags.Optional))) return [];
    return components.filter((c) => checker.isTypeAssignableTo(c.instance, t));
  };

  const convertUnion = (t: ts.Type, site: Site): Spec => {
    const { values } = members(t);
    if (values.length === 0) throw new Unexpressible("no value type");
    if (values.every((v) => v.flags & ts.TypeFlags.BooleanLiteral)) return { type: "boolean" };
    if (values.length > 1 && values.every((v) => v.isStringLiteral())) return enumType(t, values, site);
    const rest = values.filter((v) => !(v.flags & ts.TypeFlags.BooleanLiteral));
    const specs: Spec[] = [];
    if (rest.length < values.length) specs.push({ type: "boolean" });
    for (const v of rest) {
      for (const s of convertSingle(v, site)) {
        if (!specs.some((x) => JSON.stringify(x) === JSON.stringify(s))) specs.push(s);
      }
    }
    return specs.length === 1 ? specs[0] : { oneOf: specs };
  };

  const enumType = (t: ts.Type, values: readonly ts.Type[], site: Site): Spec => {
    // A union named by the project (not pulumi.Input's alias) keeps its name.
    const alias = t.aliasSymbol;
    const own =
      alias && !alias.declarations?.some((d) => d.getSourceFile().fileName.includes("node_modules")) ? alias.getName() : undefined;
    const name = own ?? `${site.owner}${pascal(site.prop)}`;
    const token = `dockwire:index:${name}`;
    const spec = {
      type: "string",
      enum: values.map((v) => ({ value: (v as ts.StringLiteralType).value })).sort((a, b) => (a.value < b.value ? -1 : 1)),
    };
    const had = types[token];
    if (had && JSON.stringify(had) !== JSON.stringify(spec)) throw new Error(`two different enums named ${name}`);
    types[token] = spec;
    return { $ref: `#/types/${token}` };
  };

  const convertSingle = (t: ts.Type, site: Site): Spec[] => {
    // `string & {...}` (what an intersection of mapped types leaves): the primitive part decides.
    if (t.isIntersection()) {
      const prim = t.types.find((m) => m.flags & (ts.TypeFlags.StringLike | ts.TypeFlags.NumberLike | ts.TypeFlags.BooleanLike));
      if (prim) return convertSingle(prim, site);
    }
    if (t.flags & (ts.TypeFlags.String | ts.TypeFlags.StringLiteral | ts.TypeFlags.TemplateLiteral)) return [{ type: "string" }];
    if (t.flags & (ts.TypeFlags.Number | ts.TypeFlags.NumberLiteral)) return [{ type: "number" }];
    if (t.flags & (ts.TypeFlags.Boolean | ts.TypeFlags.BooleanLiteral)) return [{ type: "boolean" }];
    if (t.flags & (ts.TypeFlags.Any | ts.TypeFlags.Unknown)) return [{ $ref: "pulumi.json#/Any" }];
    if (checker.isArrayType(t) || checker.isTupleType(t)) {
      const elems = checker.getTypeArguments(t as ts.TypeReference);
      const elem = elems.length === 1 ? elems[0] : unionOf(elems);
      return [{ type: "array", items: element(elem, site) }];
    }
    if (t.getCallSignatures().length > 0) throw new Unexpressible("a function");
    const refs = componentRefs(t);
    if (refs.length > 0) return refs.map((c) => ({ $ref: `#/resources/${c.token}` }));
    const sym = t.getSymbol();
    if (sym && sym.flags & ts.SymbolFlags.Class) throw new Unexpressible(`a live ${sym.getName()} object`);
    const props = checker.getPropertiesOfType(t);
    const index = checker.getIndexInfoOfType(t, ts.IndexKind.String);
    if (index && props.length === 0) return [{ type: "object", additionalProperties: element(index.type, site) }];
    if (index) throw new Unexpressible("an object with both properties and an index signature");
    return [{ $ref: `#/types/${objectType(t, site)}` }];
  };

  /** An array item or map value: `plain` in an input when its TypeScript type takes no Input. */
  const element = (t: ts.Type, site: Site): Spec => {
    const spec = convertUnion(t, site);
    return site.input && !members(t).wrapped ? { ...spec, plain: true } : spec;
  };

  const unionOf = (ts_: readonly ts.Type[]): ts.Type => {
    // A tuple's element types as one union (the checker has no public union constructor).
    const seen = new Map<string, ts.Type>();
    for (const e of ts_) seen.set(checker.typeToString(e), e);
    const list = [...seen.values()];
    if (list.length === 1) return list[0];
    throw new Unexpressible("a tuple of different element types");
  };

  const objectType = (t: ts.Type, site: Site): string => {
    const known = typeNames.get(t);
    if (known) return known;
    const own = symbolName(t);
    // An anonymous member of a discriminated union is named by its tag: DaemonConfigRestartSystemd.
    const tag = checker
      .getPropertiesOfType(t)
      .map((p) => checker.getTypeOfSymbolAtLocation(p, p.valueDeclaration ?? p.declarations![0]))
      .find((pt): pt is ts.StringLiteralType => pt.isStringLiteral());
    const tsName = own && !own.startsWith("__") ? own : undefined;
    const name =
      (tsName && TYPE_NAMES[tsName]) ??
      tsName ??
      `${site.owner}${pascal(site.prop)}${tag ? pascal(tag.value.replace(/[^A-Za-z0-9]+(.)?/g, (_m, c: string) => (c ?? "").toUpperCase())) : ""}`;
    if (/(Args|Input)$/.test(name)) {
      throw new Error(
        `the schema type for ${tsName ?? checker.typeToString(t)} would be named ${name}: the SDK generators add "Args" and "Input" to input types themselves (Go then mangles it), so give it a name in TYPE_NAMES (test/lib/schema-gen.ts).`,
      );
    }
    const token = `dockwire:index:${name}`;
    if (types[token]) throw new Error(`two different object types named ${name} (${checker.typeToString(t)})`);
    typeNames.set(t, token);
    const spec: Spec = { type: "object" };
    types[token] = spec;
    const described = t.aliasSymbol ?? t.getSymbol();
    const description = described ? doc(described) : "";
    if (description) spec.description = description;
    const { properties, required } = propertiesOf(checker.getPropertiesOfType(t), { ...site, owner: name }, undefined);
    spec.properties = properties;
    if (required.length) spec.required = required;
    return token;
  };

  const propertiesOf = (
    props: ts.Symbol[],
    site: Site,
    token: string | undefined,
  ): { properties: Record<string, Spec>; required: string[] } => {
    const properties: Record<string, Spec> = {};
    const required: string[] = [];
    for (const p of props) {
      const name = p.getName();
      const decl = p.valueDeclaration ?? p.declarations?.[0];
      if (!decl) continue;
      const where = `${token ?? site.owner}.${name}`;
      if (TYPESCRIPT_ONLY[where] !== undefined) {
        typescriptOnlyMet.add(where);
        continue;
      }
      const t = checker.getTypeOfSymbolAtLocation(p, decl);
      let spec: Spec;
      try {
        spec = NARROWED[where]?.spec ?? convertUnion(t, { ...site, prop: name });
      } catch (e) {
        if (e instanceof Unexpressible) {
          throw new Error(
            `${where} (${checker.typeToString(t)}) cannot be expressed in the schema: ${e.message}. Give it a cross-language type, or list it in TYPESCRIPT_ONLY (test/lib/schema-gen.ts) with the reason.`,
            { cause: e },
          );
        }
        throw e;
      }
      const m = members(t);
      const out: Spec = { ...spec };
      const description = [doc(p), NARROWED[where] ? `Outside TypeScript: ${NARROWED[where].why}.` : ""].filter(Boolean).join("\n\n");
      if (description) out.description = description;
      if (site.input && !m.wrapped && !NARROWED[where]?.acceptsOutput) out.plain = true;
      properties[name] = out;
      if (!(p.flags & ts.SymbolFlags.Optional) && !m.optional) required.push(name);
    }
    return { properties, required };
  };

  /** Public data properties of a component instance: no methods, no child resources, nothing of pulumi's Resource. */
  const outputProps = (c: Component): ts.Symbol[] =>
    checker.getPropertiesOfType(c.instance).filter((p) => {
      const decl = p.valueDeclaration;
      if (!decl || !(ts.isPropertyDeclaration(decl) || ts.isParameter(decl))) return false;
      if (decl.getSourceFile().fileName.includes("node_modules")) return false;
      const flags = ts.getCombinedModifierFlags(decl);
      if (flags & (ts.ModifierFlags.Private | ts.ModifierFlags.Protected)) return false;
      if (p.getName().startsWith("_")) return false;
      const t = checker.getTypeOfSymbolAtLocation(p, decl);
      const isResource = (x: ts.Type): boolean => checker.getPropertyOfType(x, "urn") !== undefined && !byClass.has(x.getSymbol()!);
      const { values } = members(t);
      return !values.some(
        (v) => isResource(v) || (checker.isArrayType(v) && isResource(checker.getTypeArguments(v as ts.TypeReference)[0])),
      );
    });

  const resources: Record<string, Spec> = {};
  for (const c of [...components].sort((a, b) => (a.token < b.token ? -1 : 1))) {
    const cls = c.token.split(":")[2];
    const sig = c.ctor.getConstructSignatures()[0];
    const argsParam = sig.getParameters()[1];
    const argsType = checker.getTypeOfSymbolAtLocation(argsParam, argsParam.valueDeclaration!);
    const argsValues = members(argsType).values;
    if (argsValues.length !== 1) throw new Error(`${c.token}: args must be one object type`);
    const inputs = propertiesOf(checker.getPropertiesOfType(argsValues[0]), { owner: cls, prop: "", input: true }, c.token);
    const outputs = propertiesOf(outputProps(c), { owner: cls, prop: "", input: false }, c.token);
    const spec: Spec = { isComponent: true, description: doc(c.cls) };
    spec.inputProperties = inputs.properties;
    if (inputs.required.length) spec.requiredInputs = inputs.required;
    spec.properties = outputs.properties;
    if (outputs.required.length) spec.required = outputs.required;
    resources[c.token] = spec;
  }

  const sortedTypes: Record<string, Spec> = {};
  for (const k of Object.keys(types).sort()) sortedTypes[k] = types[k];
  return {
    name: "dockwire",
    displayName: "dockwire",
    version: pkg.version,
    description: pkg.description,
    license: "Apache-2.0",
    keywords: ["docker", "networking", "category/infrastructure", "kind/component"],
    // Every component in one module per language (pulumi_dockwire.BridgeNetwork, dockwire.NewBridgeNetwork),
    // as the TypeScript package exports them: the tokens keep their TypeScript modules, which this
    // format does not match. (Separate Go packages would import each other: a cycle.)
    meta: { moduleFormat: "(index)", supportPack: true },
    language: {
      nodejs: { packageName: "@dockwire/sdk", respectSchemaVersion: true },
      python: { packageName: "pulumi_dockwire", respectSchemaVersion: true },
      go: {
        importBasePath: "dockwire/sdk/go/dockwire",
        respectSchemaVersion: true,
        generateResourceContainerTypes: true,
        generateExtraInputTypes: true,
      },
      csharp: { respectSchemaVersion: true },
    },
    resources,
    types: sortedTypes,
  };
}

/** The schema as the file provider/plugin/schema.json holds it. */
export function schemaText(root: string): string {
  return JSON.stringify(generateSchema(root), null, 2) + "\n";
}

if (require.main === module) {
  const root = path.resolve(__dirname, "../../..");
  const file = path.join(root, "provider/plugin/schema.json");
  fs.writeFileSync(file, schemaText(root));
  console.error(`wrote ${path.relative(root, file)}`);
}
