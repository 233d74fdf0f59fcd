/**
 * One measured run of component overhead under Pulumi mocks, in its own process:
 *
 *   node dist/bench/mocks.child.js dockwire|bare N
 *
 * Installs mocks as test/components/lib/mocks.ts does (pulumi.runtime.setMocks), then
 * constructs N networks with the same inputs, either as dockwire BridgeNetworks or as
 * dockwire's bare DockerNetwork resources (the exact inputs a BridgeNetwork registers for
 * `{ subnet }`), and waits
 * until every resource is registered with the mock monitor (every URN and every network id
 * resolved). Modules are loaded before the clock starts.
 *
 * Prints one BENCH_RESULT line: constructMs (the synchronous constructors), registerMs
 * (construction through the last registration), the resources the mock saw, one network's
 * registered inputs (the parent checks both sides registered the same), RSS before
 * construction, and the process's peak RSS.
 */
import * as pulumi from "@pulumi/pulumi";
import { BridgeNetwork, DockerNetwork } from "../provider";
import { nowMs, reportResult } from "./lib/common";

/** The i-th /24 of 10.0.0.0/8 and its first host. */
function pool(i: number): { subnet: string; gateway: string } {
  const p = `10.${(i >> 8) & 255}.${i & 255}`;
  return { subnet: `${p}.0/24`, gateway: `${p}.1` };
}

function settled<T>(o: pulumi.Output<T>): Promise<T> {
  return new Promise((resolve) => o.apply((v) => resolve(v)));
}

async function main(): Promise<void> {
  const side = process.argv[2];
  const n = Number(process.argv[3]);
  if (!["dockwire", "bare"].includes(side) || !Number.isInteger(n) || n < 1) throw new Error("usage: mocks.child.js dockwire|bare N");

  const seen: { type: string; name: string; inputs: Record<string, unknown> }[] = [];
  await pulumi.runtime.setMocks(
    {
      newResource(args: pulumi.runtime.MockResourceArgs) {
        seen.push({ type: args.type, name: args.name, inputs: args.inputs });
        return { id: `${args.name}-id`, state: args.inputs };
      },
      call(args: pulumi.runtime.MockCallArgs) {
        return args.inputs;
      },
    },
    "dockwire-bench",
    "bench",
    false,
  );
  global.gc?.();
  const rssBeforeKb = Math.round(process.memoryUsage().rss / 1024);

  const t0 = nowMs();
  const waits: Promise<unknown>[] = [];
  if (side === "dockwire") {
    for (let i = 0; i < n; i++) {
      const net = new BridgeNetwork(`net-${i}`, { subnet: pool(i).subnet });
      waits.push(settled(net.urn), settled(net.network.urn), settled(net.network.id));
    }
  } else {
    for (let i = 0; i < n; i++) {
      const { subnet, gateway } = pool(i);
      const net = new DockerNetwork(`net-${i}`, { name: `net-${i}`, driver: "bridge", ipamConfigs: [{ subnet, gateway }] });
      waits.push(settled(net.urn), settled(net.id));
    }
  }
  const constructMs = nowMs() - t0;
  await Promise.all(waits);
  const registerMs = nowMs() - t0;

  const networks = seen.filter((r) => r.type === "pulumi-nodejs:dynamic/dockwire:DockerNetwork");
  if (networks.length !== n) throw new Error(`the mock saw ${networks.length} DockerNetworks, expected ${n}`);
  // The provider's serialized code is the same on both sides and long: compared by its length only.
  const { __provider: code, ...sample } = networks.find((r) => r.name === "net-0")!.inputs;
  reportResult({
    side,
    n,
    constructMs,
    registerMs,
    resources: seen.length,
    components: seen.filter((r) => r.type === "dockwire:networks:BridgeNetwork").length,
    sampleInputs: { ...sample, __providerLength: typeof code === "string" ? code.length : undefined },
    rssBeforeKb,
  });
}

main().catch((e) => {
  process.stderr.write(`mocks.child: ${(e as Error).stack ?? e}\n`);
  process.exit(1);
});
