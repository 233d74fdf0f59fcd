// Each network component under Pulumi mocks: the exact docker.Network inputs it registers,
// and bad input failing before anything is registered.
import test from "ava";
import { AddressPlan } from "../../provider/ipam";
import { BridgeNetwork, IpvlanNetwork, MacvlanNetwork, OverlayNetwork, resetDetachedAddressPlan } from "../../provider/networks";
import { captureResources, ofType } from "./lib/mocks";

test.beforeEach(() => resetDetachedAddressPlan());

test.serial("BridgeNetwork registers a component and one docker.Network with the seed's exact inputs", async (t) => {
  const rs = await captureResources(
    () =>
      new BridgeNetwork("eagleslab-net", {
        subnet: "10.10.0.0/16",
        gateway: "10.10.0.1",
        ipRange: "10.10.5.0/24",
        auxAddresses: { router: "10.10.0.254", dns: "10.10.0.253" },
        labels: { team: "net", app: "seed001" },
        bridgeName: "br-eagles",
        enableIcc: true,
        mtu: 1450,
      }).networkName,
  );
  t.deepEqual(
    rs.map((r) => [r.type, r.name]),
    [
      ["dockwire:networks:BridgeNetwork", "eagleslab-net"],
      ["docker:index/network:Network", "eagleslab-net"],
    ],
  );
  t.deepEqual(ofType(rs, "docker:index/network:Network")[0].inputs, {
    name: "eagleslab-net",
    driver: "bridge",
    ipamConfigs: [
      { subnet: "10.10.0.0/16", gateway: "10.10.0.1", ipRange: "10.10.5.0/24", auxAddress: { dns: "10.10.0.253", router: "10.10.0.254" } },
    ],
    options: {
      "com.docker.network.bridge.enable_icc": "true",
      "com.docker.network.bridge.name": "br-eagles",
      "com.docker.network.driver.mtu": "1450",
    },
    labels: [
      { label: "app", value: "seed001" },
      { label: "team", value: "net" },
    ],
  });
});

test.serial("BridgeNetwork defaults the gateway to the first host and networkName to the component name", async (t) => {
  const rs = await captureResources(() => new BridgeNetwork("redis", { subnet: "172.38.0.0/16" }).networkName);
  t.deepEqual(ofType(rs, "docker:index/network:Network")[0].inputs, {
    name: "redis",
    driver: "bridge",
    ipamConfigs: [{ subnet: "172.38.0.0/16", gateway: "172.38.0.1" }],
  });
});

test.serial("BridgeNetwork dual stack sets ipv6 and one pool per family", async (t) => {
  const rs = await captureResources(
    () =>
      new BridgeNetwork("ds", { networkName: "dual", pools: [{ subnet: "10.30.0.0/24" }, { subnet: "fd00:30::/64" }], internal: true })
        .networkName,
  );
  t.deepEqual(ofType(rs, "docker:index/network:Network")[0].inputs, {
    name: "dual",
    driver: "bridge",
    ipamConfigs: [
      { subnet: "10.30.0.0/24", gateway: "10.30.0.1" },
      { subnet: "fd00:30::/64", gateway: "fd00:30::1" },
    ],
    ipv6: true,
    internal: true,
  });
});

test.serial("MacvlanNetwork on an 802.1q parent", async (t) => {
  const rs = await captureResources(
    () =>
      new MacvlanNetwork("mv", { parent: "mvparent0", vlan: 10, mode: "bridge", subnet: "192.168.50.0/24", gateway: "192.168.50.1" })
        .networkName,
  );
  t.deepEqual(ofType(rs, "docker:index/network:Network")[0].inputs, {
    name: "mv",
    driver: "macvlan",
    ipamConfigs: [{ subnet: "192.168.50.0/24", gateway: "192.168.50.1" }],
    options: { macvlan_mode: "bridge", parent: "mvparent0.10" },
  });
});

test.serial("IpvlanNetwork l3 with a flag", async (t) => {
  const rs = await captureResources(
    () => new IpvlanNetwork("iv", { parent: "ivparent0", mode: "l3", flag: "private", subnet: "192.168.60.0/24" }).networkName,
  );
  t.deepEqual(ofType(rs, "docker:index/network:Network")[0].inputs, {
    name: "iv",
    driver: "ipvlan",
    ipamConfigs: [{ subnet: "192.168.60.0/24", gateway: "192.168.60.1" }],
    options: { ipvlan_flag: "private", ipvlan_mode: "l3", parent: "ivparent0" },
  });
});

test.serial("OverlayNetwork is attachable by default and encrypted on request", async (t) => {
  const rs = await captureResources(() => new OverlayNetwork("ov", { subnet: "10.0.9.0/24", encrypted: true }).networkName);
  t.deepEqual(ofType(rs, "docker:index/network:Network")[0].inputs, {
    name: "ov",
    driver: "overlay",
    ipamConfigs: [{ subnet: "10.0.9.0/24", gateway: "10.0.9.1" }],
    attachable: true,
    options: { encrypted: "" },
  });
});

const bad: [string, () => unknown, string][] = [
  [
    "host bits",
    () => new BridgeNetwork("n1", { subnet: "10.10.0.1/16" }),
    'dockwire:networks:BridgeNetwork "n1": subnet "10.10.0.1/16" has host bits set. For a prefix of length 16 the network address is 10.10.0.0: use "10.10.0.0/16".',
  ],
  [
    "gateway outside",
    () => new BridgeNetwork("n2", { subnet: "10.10.0.0/16", gateway: "10.20.0.1" }),
    'dockwire:networks:BridgeNetwork "n2": gateway "10.20.0.1" is outside subnet 10.10.0.0/16: pick an address inside it, or omit gateway to use 10.10.0.1.',
  ],
  [
    "unknown macvlan mode",
    () => new MacvlanNetwork("n3", { parent: "mvparent0", mode: "bridged" as any, subnet: "10.40.0.0/24" }),
    'dockwire:networks:MacvlanNetwork "n3": mode "bridged" is not a macvlan mode: use one of "bridge", "private", "vepa", "passthru".',
  ],
  [
    "unsafe parent",
    () => new IpvlanNetwork("n4", { parent: "eth0;reboot", subnet: "10.41.0.0/24" }),
    'dockwire:networks:IpvlanNetwork "n4": parent "eth0;reboot" contains ";": dockwire names use only letters, digits, "_", "." and "-" so they never need shell quoting; rename it.',
  ],
];
for (const [title, build, message] of bad) {
  test.serial(`bad input fails before anything is registered: ${title}`, async (t) => {
    let err: unknown;
    const rs = await captureResources(() => {
      try {
        build();
      } catch (e) {
        err = e;
      }
    });
    t.is((err as Error | undefined)?.message, message);
    t.deepEqual(rs, []);
  });
}

test.serial("two networks of one program with overlapping subnets: the second fails naming both", async (t) => {
  const plan = new AddressPlan();
  let err: unknown;
  const rs = await captureResources(() => {
    new BridgeNetwork("mynet", { subnet: "192.168.0.0/16", addressPlan: plan });
    try {
      new BridgeNetwork("lab", { subnet: "192.168.1.0/24", addressPlan: plan });
    } catch (e) {
      err = e;
    }
  });
  t.is(
    (err as Error).message,
    'dockwire:networks:BridgeNetwork "lab": subnet 192.168.1.0/24 of network "lab" overlaps 192.168.0.0/16 of network "mynet": choose a range that does not overlap.',
  );
  t.deepEqual(
    rs.map((r) => r.name),
    ["mynet", "mynet"],
  );
});
