// The bad-input catalogue: each entry builds one dockwire component from bad input.
// Shared by the engine suite (test/integration/bad-input.test.ts), which runs every entry
// through a real `pulumi preview`.
import {
  AppContainer,
  BridgeNetwork,
  DaemonConfig,
  DockerHost,
  IpvlanNetwork,
  MacvlanNetwork,
  OverlayNetwork,
  Swarm,
  netns,
} from "../../../provider";

export type BadInput = [title: string, build: () => unknown];

const INJECT = ["a;rm -rf /", "$(id)", "x'y", 'x"y', "a\nb", "`id`"];

export const badInputs: BadInput[] = [
  // Addresses
  ["malformed subnet", () => new BridgeNetwork("n", { subnet: "10.10.0/16" })],
  ["subnet without prefix", () => new BridgeNetwork("n", { subnet: "10.10.0.0" })],
  ["prefix out of range", () => new BridgeNetwork("n", { subnet: "10.10.0.0/33" })],
  ["host bits set", () => new BridgeNetwork("n", { subnet: "10.10.0.1/16" })],
  ["IPv6 host bits set", () => new BridgeNetwork("n", { pools: [{ subnet: "fd00::1/64" }] })],
  ["subnet too small", () => new BridgeNetwork("n", { subnet: "10.10.0.0/31" })],
  ["gateway outside the subnet", () => new BridgeNetwork("n", { subnet: "10.10.0.0/16", gateway: "10.11.0.1" })],
  ["gateway is the network address", () => new BridgeNetwork("n", { subnet: "10.10.0.0/16", gateway: "10.10.0.0" })],
  ["gateway is the broadcast address", () => new BridgeNetwork("n", { subnet: "10.10.0.0/16", gateway: "10.10.255.255" })],
  ["gateway not an address", () => new BridgeNetwork("n", { subnet: "10.10.0.0/16", gateway: "gw" })],
  ["IPv6 gateway in an IPv4 subnet", () => new BridgeNetwork("n", { subnet: "10.10.0.0/16", gateway: "fd00::1" })],
  ["ip-range outside the subnet", () => new BridgeNetwork("n", { subnet: "172.18.0.0/16", ipRange: "172.19.5.0/24" })],
  ["ip-range with host bits", () => new BridgeNetwork("n", { subnet: "172.18.0.0/16", ipRange: "172.18.5.1/24" })],
  ["aux address outside the subnet", () => new BridgeNetwork("n", { subnet: "10.10.0.0/16", auxAddresses: { r: "10.20.0.1" } })],
  ["duplicate aux addresses", () => new BridgeNetwork("n", { subnet: "10.10.0.0/16", auxAddresses: { a: "10.10.0.9", b: "10.10.0.9" } })],
  ["aux address on the gateway", () => new BridgeNetwork("n", { subnet: "10.10.0.0/16", auxAddresses: { a: "10.10.0.1" } })],
  ["gateway without subnet", () => new BridgeNetwork("n", { gateway: "10.10.0.1" })],
  ["pools and shorthand together", () => new BridgeNetwork("n", { subnet: "10.10.0.0/16", pools: [{ subnet: "10.20.0.0/16" }] })],
  ["overlapping pools", () => new BridgeNetwork("n", { pools: [{ subnet: "10.10.0.0/16" }, { subnet: "10.10.128.0/17" }] })],
  ["two IPv4 pools", () => new BridgeNetwork("n", { pools: [{ subnet: "10.10.0.0/16" }, { subnet: "10.20.0.0/16" }] })],
  ["ipv6 without an IPv6 pool", () => new BridgeNetwork("n", { subnet: "10.10.0.0/16", ipv6: true })],
  [
    "two networks overlapping in one program",
    () => {
      new BridgeNetwork("mynet", { subnet: "192.168.0.0/16" });
      new BridgeNetwork("lab", { subnet: "192.168.1.0/24" });
    },
  ],
  [
    "two networks with one Docker name",
    () => {
      new BridgeNetwork("a", { networkName: "mynet", subnet: "10.61.0.0/24" });
      new BridgeNetwork("b", { networkName: "mynet", subnet: "10.62.0.0/24" });
    },
  ],
  [
    "two containers with one Docker name",
    () => {
      new AppContainer("a", { image: "x", containerName: "web" });
      new AppContainer("b", { image: "x", containerName: "web" });
    },
  ],
  // Driver options
  ["bridge name over 15 characters", () => new BridgeNetwork("n", { subnet: "10.10.0.0/16", bridgeName: "br-this-is-too-long" })],
  ["bridge MTU out of range", () => new BridgeNetwork("n", { subnet: "10.10.0.0/16", mtu: 70000 })],
  ["host binding not IPv4", () => new BridgeNetwork("n", { subnet: "10.10.0.0/16", hostBindingIpv4: "localhost" })],
  ["network name with a space", () => new BridgeNetwork("n", { networkName: "my net", subnet: "10.10.0.0/16" })],
  ["label key with a space", () => new BridgeNetwork("n", { subnet: "10.10.0.0/16", labels: { "bad key": "x" } })],
  ["unknown macvlan mode", () => new MacvlanNetwork("n", { parent: "mvparent0", mode: "bridged" as never })],
  ["unknown ipvlan mode", () => new IpvlanNetwork("n", { parent: "ivparent0", mode: "l4" as never })],
  ["unknown ipvlan flag", () => new IpvlanNetwork("n", { parent: "ivparent0", flag: "passthru" as never })],
  ["VLAN id out of range", () => new MacvlanNetwork("n", { parent: "mvparent0.4095" })],
  ["VLAN twice", () => new MacvlanNetwork("n", { parent: "mvparent0.10", vlan: 20 })],
  ["parent too long with its VLAN", () => new MacvlanNetwork("n", { parent: "enp0s31f6abc", vlan: 100 })],
  ["overlay MTU not a number", () => new OverlayNetwork("n", { subnet: "10.0.9.0/24", mtu: Number.NaN })],
  ...INJECT.map((bad): BadInput => [`unsafe parent ${JSON.stringify(bad)}`, () => new MacvlanNetwork("n", { parent: bad })]),
  // Containers and ports
  ["port out of range", () => new AppContainer("c", { image: "x", ports: ["70000:80"] })],
  ["port zero", () => new AppContainer("c", { image: "x", ports: ["0:80"] })],
  ["ranges of different lengths", () => new AppContainer("c", { image: "x", ports: ["8000-8005:80-90"] })],
  ["malformed host address", () => new AppContainer("c", { image: "x", ports: ["300.1.1.1:80:80"] })],
  ["unbracketed IPv6 host", () => new AppContainer("c", { image: "x", ports: ["::1:80:80"] })],
  ["unknown protocol", () => new AppContainer("c", { image: "x", ports: ["80/icmp"] })],
  [
    "colliding host ports",
    () => {
      new AppContainer("a", { image: "x", ports: ["8080:80"] });
      new AppContainer("b", { image: "x", ports: ["127.0.0.1:8080:80"] });
    },
  ],
  ["ports with host networking", () => new AppContainer("c", { image: "x", networkMode: "host", ports: ["80:80"] })],
  ["unknown network mode", () => new AppContainer("c", { image: "x", networkMode: "overlay" as never })],
  [
    "static address outside the network",
    () => {
      const net = new BridgeNetwork("mynet", { subnet: "192.168.0.0/16" });
      new AppContainer("c", { image: "x", networks: [{ network: net, ipv4Address: "10.0.0.5" }] });
    },
  ],
  [
    "static address on the gateway",
    () => {
      const net = new BridgeNetwork("mynet", { subnet: "192.168.0.0/16" });
      new AppContainer("c", { image: "x", networks: [{ network: net, ipv4Address: "192.168.0.1" }] });
    },
  ],
  ["bad alias", () => new AppContainer("c", { image: "x", networks: [{ network: "mynet", aliases: ["bad alias"] }] })],
  ["container name injection", () => new AppContainer("c", { image: "x", containerName: "web;reboot" })],
  // Hosts
  ["plain TCP without allowInsecure", () => new DockerHost("h", { host: "tcp://10.99.0.2:2375" })],
  ["port 2376 without TLS material", () => new DockerHost("h", { host: "tcp://10.99.0.2:2376" })],
  ["missing TLS key", () => new DockerHost("h", { host: "tcp://10.99.0.2:2376", tls: { caPem: "CA", certPem: "CERT", keyPem: "" } })],
  ["ssh without a user", () => new DockerHost("h", { host: "ssh://10.99.0.2" })],
  ["unknown scheme", () => new DockerHost("h", { host: "http://10.99.0.2:2375" })],
  [
    "swarm advertise address injection",
    () => new Swarm("s", { manager: { engine: { host: "unix:///run/docker.sock" } }, advertiseAddr: "10.99.0.1;id" }),
  ],
  // The daemon
  ["bip without a prefix", () => new DaemonConfig("d", { settings: { bip: "192.168.42.1" } })],
  ["bip on the network address", () => new DaemonConfig("d", { settings: { bip: "192.168.42.0/24" } })],
  [
    "address pools overlapping bip",
    () => new DaemonConfig("d", { settings: { bip: "10.200.0.1/16", defaultAddressPools: [{ base: "10.200.0.0/16", size: 24 }] } }),
  ],
  ["daemon mtu out of range", () => new DaemonConfig("d", { settings: { mtu: 10 } })],
  ["dns entry not an address", () => new DaemonConfig("d", { settings: { dns: ["dns.example"] } })],
  [
    "daemon hosts with plain TCP",
    () => new DaemonConfig("d", { settings: { hosts: ["unix:///var/run/docker.sock", "tcp://0.0.0.0:2375"] } }),
  ],
  // Namespaces and veths
  ...INJECT.map((bad): BadInput => [`unsafe namespace name ${JSON.stringify(bad)}`, () => new netns.NetworkNamespace("ns", { name: bad })]),
  ["veth name over 15 characters", () => new netns.VethPair("v", { name: "veth-very-long-name0", peerName: "p" })],
  [
    "veth address without prefix",
    () => new netns.VethPair("v", { name: "veth-a", peerName: "veth-b", ends: [{ addresses: ["192.168.1.1"] }, {}] }),
  ],
];
