import * as pulumi from "@pulumi/pulumi";

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
    await new Promise<void>((resolve) => (value as pulumi.Output<unknown>).apply(() => resolve()));
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
