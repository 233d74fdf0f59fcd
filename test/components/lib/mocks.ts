import * as pulumi from "@pulumi/pulumi";
import { MockMonitor } from "@pulumi/pulumi/runtime/mocks";
import { DOCKER_RESOURCE_TYPES } from "../../../provider/docker/resources";

/** One resource registered with the mock engine. */
export interface Registered {
  type: string;
  name: string;
  inputs: Record<string, any>;
}

/**
 * The outputs the providers of dockwire's Docker resources compute, as the mocks answer
 * them (each resource's id is `NAME-id`): a network's `networkId`, an image's `imageId` and
 * a swarm node's `nodeId` are its id, as the real providers return them; a manager's
 * `workerToken` is `NAME-worker-token` and a command's `stdout` in a container is
 * `NAME-stdout`. Every other resource's state is its inputs.
 */
export function mockOutputs(type: string, name: string, inputs: Record<string, any>): Record<string, any> {
  const id = `${name}-id`;
  switch (type) {
    case DOCKER_RESOURCE_TYPES.network:
      return { networkId: id };
    case DOCKER_RESOURCE_TYPES.image:
      return { imageId: id };
    case DOCKER_RESOURCE_TYPES.swarm:
      return { nodeId: id, ...(inputs.role === "manager" ? { workerToken: `${name}-worker-token` } : {}) };
    case DOCKER_RESOURCE_TYPES.exec:
      return { stdout: `${name}-stdout` };
    default:
      return {};
  }
}

/**
 * Installs Pulumi mocks that record every registered resource, then runs `build` and waits
 * for the resulting outputs to settle. Returns what was registered, in registration order.
 * Tests using it must be serial (`test.serial`): the mocks are process-wide.
 */
export async function captureResources(build: () => unknown): Promise<Registered[]> {
  const registered: Registered[] = [];
  await pulumi.runtime.setMocks(
    {
      newResource(args: pulumi.runtime.MockResourceArgs) {
        registered.push({ type: args.type, name: args.name, inputs: args.inputs });
        return { id: `${args.name}-id`, state: { ...args.inputs, ...mockOutputs(args.type, args.name, args.inputs) } };
      },
      call(args: pulumi.runtime.MockCallArgs) {
        return args.inputs;
      },
    },
    "dockwire",
    "test",
    false,
  );
  const result = build();
  await settle(result);
  // Registration RPCs are asynchronous: give the mock monitor a few turns to drain.
  for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
  return registered;
}

async function settle(value: unknown): Promise<void> {
  if (pulumi.Output.isInstance(value)) {
    await new Promise<void>((resolve) => value.apply(() => resolve()));
  } else if (value instanceof Promise) {
    await value;
  }
}

/** Resolves an Output (or plain value) to its value, for assertions. */
export function resolve<T>(value: pulumi.Input<T> | undefined): Promise<T | undefined> {
  return new Promise((res) => pulumi.output(value as any).apply((v: any) => res(v)));
}

/** The registered resources of one type. */
export function ofType(rs: readonly Registered[], type: string): Registered[] {
  return rs.filter((r) => r.type === type);
}

/** One alias of a RegisterResource request: a URN, or a spec with only the fields that are set. */
export interface RequestAlias {
  urn?: string;
  name?: string;
  type?: string;
  stack?: string;
  project?: string;
  parentUrn?: string;
  noParent?: boolean;
}

/** The options of one RegisterResource request (the mocks' `newResource` sees only inputs). */
export interface RegisterRequest {
  type: string;
  name: string;
  parent: string;
  provider: string;
  dependencies: string[];
  replaceOnChanges: string[];
  deleteBeforeReplace: boolean;
  additionalSecretOutputs: string[];
  aliases: RequestAlias[];
}

function aliasOf(a: any): RequestAlias {
  if (!a.hasSpec()) return { urn: a.getUrn() };
  const s = a.getSpec();
  const out: RequestAlias = {};
  for (const [k, v] of [
    ["name", s.getName()],
    ["type", s.getType()],
    ["stack", s.getStack()],
    ["project", s.getProject()],
    ["parentUrn", s.getParenturn()],
  ] as const) {
    if (v) out[k] = v;
  }
  if (s.getNoparent()) out.noParent = true;
  return out;
}

/**
 * {@link captureResources}, also recording the options of every RegisterResource request
 * the mock monitor receives (parent, provider, dependencies, replaceOnChanges, secret
 * outputs, aliases, ...).
 */
export async function captureWithRequests(build: () => unknown): Promise<{ resources: Registered[]; requests: RegisterRequest[] }> {
  const requests: RegisterRequest[] = [];
  const proto = MockMonitor.prototype as any;
  const original = proto.registerResource;
  proto.registerResource = function (req: any, callback: any) {
    requests.push({
      type: req.getType(),
      name: req.getName(),
      parent: req.getParent(),
      provider: req.getProvider(),
      dependencies: req.getDependenciesList(),
      replaceOnChanges: req.getReplaceonchangesList(),
      deleteBeforeReplace: req.getDeletebeforereplace(),
      additionalSecretOutputs: req.getAdditionalsecretoutputsList(),
      aliases: [...req.getAliasesList().map(aliasOf), ...req.getAliasurnsList().map((urn: string) => ({ urn }))],
    });
    return original.call(this, req, callback);
  };
  try {
    return { resources: await captureResources(build), requests };
  } finally {
    proto.registerResource = original;
  }
}

/** Runs a program expected to throw; returns the message and how many resources were registered. */
export async function captureFailure(build: () => unknown): Promise<{ message?: string; registered: number }> {
  let err: Error | undefined;
  const rs = await captureResources(() => {
    try {
      build();
    } catch (e) {
      err = e as Error;
    }
  });
  return { message: err?.message, registered: rs.length };
}

/** Pulumi's wire form of a secret, as the mock engine sees a secret input. */
export const secret = (value: unknown) => ({ "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", value });

/** A dynamic resource's inputs without its serialized provider (`__provider`). */
export function dynamicInputs(r: Registered): Record<string, any> {
  const { __provider, ...rest } = r.inputs;
  void __provider;
  return rest;
}
