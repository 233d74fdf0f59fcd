import test from "ava";
import * as fs from "node:fs";
import * as path from "node:path";
import { COMPONENTS } from "../../provider/plugin/components";
import { NARROWED, TYPESCRIPT_ONLY, schemaText, typescriptOnlyMet } from "../lib/schema-gen";

// The provider plugin's schema is generated from the TypeScript types of the components it
// constructs; these tests fail when the committed schema.json says anything else.

const root = path.resolve(__dirname, "..", "..", "..");
const committed = fs.readFileSync(path.join(root, "provider/plugin/schema.json"), "utf8");
const generated = schemaText(root);
const schema = JSON.parse(generated) as {
  version: string;
  resources: Record<
    string,
    {
      isComponent: boolean;
      description: string;
      inputProperties: Record<string, Record<string, unknown>>;
      properties: Record<string, unknown>;
    }
  >;
  types: Record<string, { properties?: Record<string, unknown> }>;
};

test("schema.json is what the TypeScript types generate (run `npm run schema` after changing a component's args or outputs)", (t) => {
  if (committed === generated) {
    t.pass();
    return;
  }
  const a = committed.split("\n");
  const b = generated.split("\n");
  const i = a.findIndex((line, k) => line !== b[k]);
  t.fail(`provider/plugin/schema.json is stale from line ${i + 1}:\n  committed: ${a[i]}\n  generated: ${b[i]}\nrun \`npm run schema\`.`);
});

test("every component of the plugin's table is a component resource of the schema, and nothing else is", (t) => {
  t.deepEqual(Object.keys(schema.resources).sort(), Object.keys(COMPONENTS).sort());
  for (const [token, r] of Object.entries(schema.resources)) {
    t.true(r.isComponent, token);
    t.true(r.description.length > 20, `${token} has the class's doc comment`);
  }
});

test("the schema's version is the package's", (t) => {
  const pkg = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8")) as { version: string };
  t.is(schema.version, pkg.version);
});

test("a property's description is its TypeScript doc comment, and plain exactly where the TypeScript type takes no Input", (t) => {
  const subnet = schema.resources["dockwire:networks:BridgeNetwork"].inputProperties.subnet;
  t.is(subnet.description, "IPv4 or IPv6 subnet, e.g. `10.10.0.0/16`. Host bits must be clear. Changing it replaces the network.");
  t.deepEqual({ type: subnet.type, plain: subnet.plain }, { type: "string", plain: true });
  const image = schema.resources["dockwire:containers:AppContainer"].inputProperties.image;
  t.deepEqual({ type: image.type, plain: image.plain }, { type: "string", plain: undefined });
  // A network of an attachment goes by name (an Input: a network component's networkName output will do).
  const attachment = schema.types["dockwire:index:AppContainerNetwork"].properties!.network as Record<string, unknown>;
  t.deepEqual({ type: attachment.type, plain: attachment.plain }, { type: "string", plain: undefined });
  t.regex(
    attachment.description as string,
    /^The network: a dockwire network component, or the name of an existing network\.\n\nOutside TypeScript: /,
  );
  t.deepEqual(schema.resources["dockwire:networks:BridgeNetwork"].inputProperties.host.$ref, "#/resources/dockwire:host:DockerHost");
});

test("every TypeScript-only and narrowed property named by the generator exists, so neither list outlives its property", (t) => {
  for (const where of Object.keys(TYPESCRIPT_ONLY)) t.true(typescriptOnlyMet.has(where), `${where}: no such TypeScript property any more`);
  for (const where of Object.keys(NARROWED)) {
    const [owner, prop] = [where.slice(0, where.lastIndexOf(".")), where.slice(where.lastIndexOf(".") + 1)];
    const r = schema.resources[owner];
    const props = r ? { ...r.inputProperties, ...r.properties } : schema.types[`dockwire:index:${owner}`]?.properties;
    t.truthy(props?.[prop], `${where}: missing from the schema`);
  }
});

test("no object type refers to a resource (the Python SDK would import in a cycle): components inside types go by name", (t) => {
  for (const [token, type] of Object.entries(schema.types)) {
    t.false(JSON.stringify(type).includes('"#/resources/'), token);
  }
});
