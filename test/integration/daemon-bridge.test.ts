// The foundation's end-to-end slice against the real private daemon (seed 001):
// a user-defined bridge network 10.10.0.0/16 with gateway 10.10.0.1, two busybox
// containers on it, one pings the other by name, addresses inside the subnet.
import test from "ava";
import { cidrContains, parseCidr, parseIp } from "../../provider/ipam";
import { docker, dockerJson, images, uniqueName } from "./lib/exec";
import { diffSnapshots, snapshot } from "./lib/residue";

test("a bridge network on the real daemon: containers resolve each other by name", async (t) => {
  const before = await snapshot();
  const net = uniqueName("dw-it-net");
  const a = uniqueName("dw-it-a");
  const b = uniqueName("dw-it-b");
  t.teardown(async () => {
    await docker(["rm", "-f", a, b]).catch(() => undefined);
    await docker(["network", "rm", net]).catch(() => undefined);
  });

  await docker(["network", "create", "--driver", "bridge", "--subnet", "10.10.0.0/16", "--gateway", "10.10.0.1", net]);
  const [inspect] = await dockerJson<any[]>(["network", "inspect", net]);
  t.deepEqual(inspect.IPAM.Config, [{ Subnet: "10.10.0.0/16", Gateway: "10.10.0.1" }]);

  for (const c of [a, b]) {
    await docker(["run", "-d", "--name", c, "--network", net, images.busybox, "sleep", "300"]);
  }
  const subnet = parseCidr("10.10.0.0/16", "subnet");
  for (const c of [a, b]) {
    const ip = await docker(["inspect", "-f", `{{(index .NetworkSettings.Networks "${net}").IPAddress}}`, c]);
    const parsed = parseIp(ip);
    t.truthy(parsed, `container ${c} has no address on ${net}`);
    t.true(cidrContains(subnet, parsed!.family, parsed!.value), `${ip} is outside 10.10.0.0/16`);
    t.not(ip, "10.10.0.1");
  }
  const ping = await docker(["exec", a, "ping", "-c", "1", "-W", "2", b], { timeoutMs: 15_000 });
  t.regex(ping, /1 packets received/);

  await docker(["rm", "-f", a, b]);
  await docker(["network", "rm", net]);
  t.deepEqual(diffSnapshots(before, await snapshot()), []);
});
