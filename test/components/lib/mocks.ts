import * as pulumi from "@pulumi/pulumi";
import { MockMonitor } from "@pulumi/pulumi/runtime/mocks";

/** One resource registered with the mock engine. */
export interface Registered {
  type: string;
  name: string;
  inputs: Record<string, any>;
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
        return { id: `${args.name}-id`, state: args.inputs };
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

/** The options of one RegisterResource request (the mocks' `newResource` sees only inputs). */
export interface RegisterRequest {
  type: string;
  name: string;
  parent: string;
  provider: string;
  dependencies: string[];
  replaceOnChanges: string[];
  deleteBeforeReplace: boolean;
}

/**
 * {@link captureResources}, also recording the options of every RegisterResource request
 * the mock monitor receives (parent, provider, dependencies, replaceOnChanges, ...).
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
