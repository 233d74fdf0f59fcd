import * as pulumi from "@pulumi/pulumi";

/**
 * A value kept once per running Pulumi program (per stack run), e.g. the address plan or
 * the host-port registry: two inline programs in one process (the Automation API) never
 * share it. Outside a running program (plain unit tests) one process-wide value is used,
 * which `resetDetached` replaces.
 */
export function perProgram<T>(make: () => T): { current(): T; resetDetached(): void } {
  const byStack = new WeakMap<object, T>();
  let detached = make();
  return {
    current(): T {
      const stack = pulumi.runtime.getStackResource();
      if (!stack) return detached;
      let value = byStack.get(stack);
      if (value === undefined) byStack.set(stack, (value = make()));
      return value;
    },
    resetDetached(): void {
      detached = make();
    },
  };
}
