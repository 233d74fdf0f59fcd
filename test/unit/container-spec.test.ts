import test from "ava";
import {
  AttachmentSpec,
  ContainerSpecError,
  HostPortRegistry,
  NetworkMode,
  checkAttachment,
  checkNetworkMode,
  checkPorts,
} from "../../provider/containers/container-spec";
import { AddressConfig, IpamError, canonicalizeAddressConfig, canonicalizeAddressConfigs } from "../../provider/ipam";
import { ContainerPortInput, ContainerPortSpec, PortSpecError, parsePortSpecs } from "../../provider/ports";

type FieldError = ContainerSpecError | IpamError;
type ErrorClass = { new (...args: any[]): FieldError; readonly prototype: FieldError };

// Pools built by the IPAM module, exactly as a dockwire network hands them to containers.
const v4: AddressConfig[] = [
  canonicalizeAddressConfig({ subnet: "10.10.0.0/16", gateway: "10.10.0.1", auxAddresses: { nas: "10.10.0.2" } }),
];
const dual: AddressConfig[] = canonicalizeAddressConfigs([{ subnet: "10.10.0.0/16" }, { subnet: "fd00:10::/64" }]);

// ---------------------------------------------------------------- checkNetworkMode

const modesValid: [string, NetworkMode][] = [
  ["bridge", "bridge"],
  ["host", "host"],
  ["none", "none"],
  ["container:web", "container:web"],
  ["container:redis-node-1", "container:redis-node-1"],
  ["container:3f4e8a9b2c1d", "container:3f4e8a9b2c1d"],
];

for (const [mode, expected] of modesValid) {
  test(`checkNetworkMode: ${mode}`, (t) => {
    t.is(checkNetworkMode(mode), expected);
  });
}

const NOT_A_MODE = (m: string) =>
  `networkMode ${JSON.stringify(m)} is not a network mode: use "bridge", "host", "none" or "container:NAME"; for a user-defined network use networks.`;
const NO_CONTAINER = (m: string) =>
  `networkMode ${JSON.stringify(m)} names no valid container: write "container:NAME" with the name or id of a running container.`;

const modesInvalid: [string, string][] = [
  ["overlay", NOT_A_MODE("overlay")],
  ["eagleslab-net", NOT_A_MODE("eagleslab-net")],
  ["Host", NOT_A_MODE("Host")],
  ["", NOT_A_MODE("")],
  ["container:", NO_CONTAINER("container:")],
  ["container:-web", NO_CONTAINER("container:-web")],
  ["container:web;id", NO_CONTAINER("container:web;id")],
  ["container:$(id)", NO_CONTAINER("container:$(id)")],
  ["container:web app", NO_CONTAINER("container:web app")],
];

for (const [mode, message] of modesInvalid) {
  test(`checkNetworkMode rejects ${JSON.stringify(mode)}`, (t) => {
    const err = t.throws(() => checkNetworkMode(mode), { instanceOf: ContainerSpecError, message });
    t.is(err.field, "networkMode");
  });
}

test("checkNetworkMode: custom field", (t) => {
  const err = t.throws(() => checkNetworkMode("overlay", "services.web.networkMode"), {
    instanceOf: ContainerSpecError,
    message:
      'services.web.networkMode "overlay" is not a network mode: use "bridge", "host", "none" or "container:NAME"; for a user-defined network use networks.',
  });
  t.is(err.field, "services.web.networkMode");
});

// ---------------------------------------------------------------- checkAttachment: accepted

const attach = (extra: Partial<AttachmentSpec>, pools: readonly AddressConfig[] = v4, poolsKnown = true): AttachmentSpec => ({
  field: "networks[0]",
  pools,
  poolsKnown,
  ...extra,
});

const attachValid: [string, AttachmentSpec, ReturnType<typeof checkAttachment>][] = [
  ["nothing to check", attach({}), {}],
  ["nothing to check on a network given by name", attach({}, [], false), {}],
  ["aliases sorted and deduplicated", attach({ aliases: ["web", "api", "web", "Cache"] }), { aliases: ["Cache", "api", "web"] }],
  ["aliases on a network given by name", attach({ aliases: ["redis"] }, [], false), { aliases: ["redis"] }],
  ["dotted alias", attach({ aliases: ["db.internal", "db_1"] }), { aliases: ["db.internal", "db_1"] }],
  ["alias label of 63 characters", attach({ aliases: [`a${"b".repeat(62)}`] }), { aliases: [`a${"b".repeat(62)}`] }],
  ["empty alias list", attach({ aliases: [] }), { aliases: [] }],
  ["static IPv4 inside the subnet", attach({ ipv4Address: "10.10.0.5" }), { ipv4Address: "10.10.0.5" }],
  ["static IPv4 at the last host", attach({ ipv4Address: "10.10.255.254" }), { ipv4Address: "10.10.255.254" }],
  [
    "static IPv4 and IPv6 on a dual-stack network, IPv6 canonical",
    attach({ ipv4Address: "10.10.3.4", ipv6Address: "FD00:10:0:0::5" }, dual),
    { ipv4Address: "10.10.3.4", ipv6Address: "fd00:10::5" },
  ],
  [
    "aliases and address together",
    attach({ aliases: ["redis-1", "cache"], ipv4Address: "10.10.1.1" }),
    { aliases: ["cache", "redis-1"], ipv4Address: "10.10.1.1" },
  ],
];

for (const [title, spec, expected] of attachValid) {
  test(`checkAttachment: ${title}`, (t) => {
    const out = checkAttachment(spec);
    t.deepEqual(out, expected);
    t.deepEqual(Object.keys(out), Object.keys(expected));
  });
}

test("checkAttachment does not modify the given aliases", (t) => {
  const aliases = ["web", "api", "web"];
  checkAttachment(attach({ aliases }));
  t.deepEqual(aliases, ["web", "api", "web"]);
});

// ---------------------------------------------------------------- checkAttachment: refused

const attachInvalid: [string, AttachmentSpec, ErrorClass, string, string][] = [
  [
    "alias starting with a dash",
    attach({ aliases: ["web", "-web"] }),
    ContainerSpecError,
    "networks[0].aliases[1]",
    'networks[0].aliases[1] "-web" is not a valid DNS name: use letters, digits, "-" and "_" in dot-separated labels of at most 63 characters.',
  ],
  [
    "alias with a space",
    attach({ aliases: ["my web"] }),
    ContainerSpecError,
    "networks[0].aliases[0]",
    'networks[0].aliases[0] "my web" is not a valid DNS name: use letters, digits, "-" and "_" in dot-separated labels of at most 63 characters.',
  ],
  [
    "empty alias",
    attach({ aliases: [""] }),
    ContainerSpecError,
    "networks[0].aliases[0]",
    'networks[0].aliases[0] "" is not a valid DNS name: use letters, digits, "-" and "_" in dot-separated labels of at most 63 characters.',
  ],
  [
    "alias with an empty label",
    attach({ aliases: ["db..internal"] }),
    ContainerSpecError,
    "networks[0].aliases[0]",
    'networks[0].aliases[0] "db..internal" is not a valid DNS name: use letters, digits, "-" and "_" in dot-separated labels of at most 63 characters.',
  ],
  [
    "alias label of 64 characters",
    attach({ aliases: [`a${"b".repeat(63)}`] }),
    ContainerSpecError,
    "networks[0].aliases[0]",
    `networks[0].aliases[0] "a${"b".repeat(63)}" is not a valid DNS name: use letters, digits, "-" and "_" in dot-separated labels of at most 63 characters.`,
  ],
  [
    "static address outside the subnet",
    attach({ ipv4Address: "10.11.0.5" }),
    IpamError,
    "networks[0].ipv4Address",
    'networks[0].ipv4Address "10.11.0.5" is outside subnet 10.10.0.0/16: pick an address inside it.',
  ],
  [
    "static address on the gateway",
    attach({ ipv4Address: "10.10.0.1" }),
    IpamError,
    "networks[0].ipv4Address",
    'networks[0].ipv4Address "10.10.0.1" is the gateway of subnet 10.10.0.0/16: pick another address inside it.',
  ],
  [
    "static address on the network address",
    attach({ ipv4Address: "10.10.0.0" }),
    IpamError,
    "networks[0].ipv4Address",
    'networks[0].ipv4Address "10.10.0.0" is the network address of subnet 10.10.0.0/16: pick a host address inside it.',
  ],
  [
    "static address on the broadcast address",
    attach({ ipv4Address: "10.10.255.255" }),
    IpamError,
    "networks[0].ipv4Address",
    'networks[0].ipv4Address "10.10.255.255" is the broadcast address of subnet 10.10.0.0/16: pick a host address inside it.',
  ],
  [
    "static address on an aux address",
    attach({ ipv4Address: "10.10.0.2" }),
    IpamError,
    "networks[0].ipv4Address",
    'networks[0].ipv4Address "10.10.0.2" is reserved as auxiliary address "nas" of subnet 10.10.0.0/16: pick another address inside it.',
  ],
  [
    "static address that is not an address",
    attach({ ipv4Address: "10.10.0.256" }),
    IpamError,
    "networks[0].ipv4Address",
    'networks[0].ipv4Address "10.10.0.256" is not a valid IP address: use an address inside subnet 10.10.0.0/16.',
  ],
  [
    "static address on a network with unknown pools",
    attach({ ipv4Address: "10.10.0.5" }, [], false),
    ContainerSpecError,
    "networks[0].ipv4Address",
    'networks[0].ipv4Address "10.10.0.5" needs the network\'s subnet to be known: attach a dockwire network (BridgeNetwork, ...) with a subnet, not a network name.',
  ],
  [
    "static IPv6 address on a network with unknown pools",
    attach({ ipv6Address: "fd00:10::5" }, [], false),
    ContainerSpecError,
    "networks[0].ipv6Address",
    'networks[0].ipv6Address "fd00:10::5" needs the network\'s subnet to be known: attach a dockwire network (BridgeNetwork, ...) with a subnet, not a network name.',
  ],
  [
    "static address on a known network without pools",
    attach({ ipv4Address: "10.10.0.5" }, [], true),
    IpamError,
    "networks[0].ipv4Address",
    'networks[0].ipv4Address "10.10.0.5" needs a network with a configured subnet: Docker accepts a static address only on networks whose ipam config sets a subnet.',
  ],
  [
    "IPv6 address in ipv4Address on a dual-stack network",
    attach({ ipv4Address: "fd00:10::5" }, dual),
    ContainerSpecError,
    "networks[0].ipv4Address",
    'networks[0].ipv4Address "fd00:10::5" is an IPv6 address: put it in ipv6Address.',
  ],
  [
    "IPv4 address in ipv6Address on a dual-stack network",
    attach({ ipv6Address: "10.10.0.5" }, dual),
    ContainerSpecError,
    "networks[0].ipv6Address",
    'networks[0].ipv6Address "10.10.0.5" is an IPv4 address: put it in ipv4Address.',
  ],
  [
    "IPv6 address in ipv4Address on an IPv4-only network",
    attach({ ipv4Address: "fd00:10::5" }),
    IpamError,
    "networks[0].ipv4Address",
    'networks[0].ipv4Address "fd00:10::5" is an IPv6 address but the network has no IPv6 subnet: use an address inside subnet 10.10.0.0/16, or add an IPv6 pool.',
  ],
  [
    "IPv6 address outside the IPv6 pool",
    attach({ ipv6Address: "fd00:11::5" }, dual),
    IpamError,
    "networks[0].ipv6Address",
    'networks[0].ipv6Address "fd00:11::5" is outside subnet fd00:10::/64: pick an address inside it.',
  ],
  [
    "aliases are checked before addresses",
    attach({ aliases: ["ok", "not ok"], ipv4Address: "10.11.0.5" }),
    ContainerSpecError,
    "networks[0].aliases[1]",
    'networks[0].aliases[1] "not ok" is not a valid DNS name: use letters, digits, "-" and "_" in dot-separated labels of at most 63 characters.',
  ],
];

for (const [title, spec, cls, field, message] of attachInvalid) {
  test(`checkAttachment rejects ${title}`, (t) => {
    const err = t.throws(() => checkAttachment(spec), { instanceOf: cls, message });
    t.is(err.field, field);
  });
}

// ---------------------------------------------------------------- checkPorts

const tcp = (internal: number, external: number, ip = "0.0.0.0"): ContainerPortSpec => ({ internal, external, ip, protocol: "tcp" });

const portsValid: [string, (string | ContainerPortInput)[] | undefined, NetworkMode | undefined, ContainerPortSpec[]][] = [
  ["undefined ports", undefined, undefined, []],
  ["empty ports with host mode", [], "host", []],
  ["undefined ports with none mode", undefined, "none", []],
  ["one mapping, default mode", ["8080:80"], undefined, [tcp(80, 8080)]],
  ["one mapping, bridge mode", ["8080:80"], "bridge", [tcp(80, 8080)]],
  [
    "several mappings sorted by container port",
    ["127.0.0.1:6379:6379", "53:53/udp", "8080:80"],
    "bridge",
    [{ internal: 53, external: 53, ip: "0.0.0.0", protocol: "udp" }, tcp(80, 8080), tcp(6379, 6379, "127.0.0.1")],
  ],
  [
    "object form and container-only port",
    [{ internal: 443, external: 8443, ip: "[::1]" }, "9000"],
    undefined,
    [tcp(443, 8443, "::1"), { internal: 9000, ip: "0.0.0.0", protocol: "tcp" }],
  ],
];

for (const [title, ports, mode, expected] of portsValid) {
  test(`checkPorts: ${title}`, (t) => {
    t.deepEqual(checkPorts(ports, mode), expected);
  });
}

const HOST_MSG = 'ports cannot be published with networkMode "host": the container already uses the host\'s ports; remove ports.';
const portsInvalid: [string, NetworkMode, string][] = [
  ["host mode", "host", HOST_MSG],
  [
    "none mode",
    "none",
    'ports cannot be published with networkMode "none": the container has no network of its own to publish from; remove ports or use a bridge network.',
  ],
  [
    "container mode",
    "container:web",
    'ports cannot be published with networkMode "container:web": the container has no network of its own to publish from; remove ports or use a bridge network.',
  ],
];

for (const [title, mode, message] of portsInvalid) {
  test(`checkPorts rejects ports with ${title}`, (t) => {
    const err = t.throws(() => checkPorts(["8080:80"], mode), { instanceOf: ContainerSpecError, message });
    t.is(err.field, "ports");
  });
}

test("checkPorts: custom field in the network-mode message", (t) => {
  t.throws(() => checkPorts(["80"], "host", "services.web.ports"), {
    instanceOf: ContainerSpecError,
    message: 'services.web.ports cannot be published with networkMode "host": the container already uses the host\'s ports; remove ports.',
  });
});

test("checkPorts: a bad spec fails with the parser's message", (t) => {
  t.throws(() => checkPorts(["8080:80", "70000:80"], "bridge"), {
    instanceOf: PortSpecError,
    message: 'ports[1] "70000:80": host port 70000 is out of range 1-65535.',
  });
});

// ---------------------------------------------------------------- HostPortRegistry

const ports = (...specs: string[]): ContainerPortSpec[] => parsePortSpecs(specs);
const A = 'container "web"';
const B = 'container "api"';

const collide = (bNew: string, owner: string, aOld: string, oldOwner: string, field = "ports") =>
  `${field}: host port ${bNew} of ${owner} collides with ${aOld} of ${oldOwner}: give one of them another host port or host address.`;

const registryCollisions: [string, string[], string[], string][] = [
  ["same port, two owners", ["8080:80"], ["8080:81"], collide("0.0.0.0:8080/tcp", B, "0.0.0.0:8080/tcp", A)],
  ["0.0.0.0 after 127.0.0.1", ["127.0.0.1:8080:80"], ["8080:80"], collide("0.0.0.0:8080/tcp", B, "127.0.0.1:8080/tcp", A)],
  ["127.0.0.1 after 0.0.0.0", ["8080:80"], ["127.0.0.1:8080:80"], collide("127.0.0.1:8080/tcp", B, "0.0.0.0:8080/tcp", A)],
  ["same specific address", ["10.10.0.5:6379:6379"], ["10.10.0.5:6379:6380"], collide("10.10.0.5:6379/tcp", B, "10.10.0.5:6379/tcp", A)],
  ["udp on udp", ["53:53/udp"], ["53:5353/udp"], collide("0.0.0.0:53/udp", B, "0.0.0.0:53/udp", A)],
  ["IPv6 wildcard and ::1", ["[::]:8080:80"], ["[::1]:8080:80"], collide("[::1]:8080/tcp", B, "[::]:8080/tcp", A)],
  ["first colliding binding of a range", ["8002:80"], ["8000-8003:80-83"], collide("0.0.0.0:8002/tcp", B, "0.0.0.0:8002/tcp", A)],
];

for (const [title, first, second, message] of registryCollisions) {
  test(`HostPortRegistry: ${title} collide`, (t) => {
    const r = new HostPortRegistry();
    r.register(A, ports(...first));
    const err = t.throws(() => r.register(B, ports(...second)), { instanceOf: ContainerSpecError, message });
    t.is(err.field, "ports");
  });
}

// [title, first owner's specs, second owner's specs, what a third owner re-using the first
// owner's specs gets: the exact collision message, proving both registrations were kept]
const C = 'container "third"';
const registryNoCollision: [string, string[], string[], string | undefined][] = [
  ["different protocols", ["53:53/tcp"], ["53:53/udp"], collide("0.0.0.0:53/tcp", C, "0.0.0.0:53/tcp", A)],
  ["127.0.0.1 and 127.0.0.2", ["127.0.0.1:8080:80"], ["127.0.0.2:8080:80"], collide("127.0.0.1:8080/tcp", C, "127.0.0.1:8080/tcp", A)],
  ["different host ports", ["8080:80"], ["8081:80"], collide("0.0.0.0:8080/tcp", C, "0.0.0.0:8080/tcp", A)],
  ["IPv4 wildcard and IPv6 wildcard", ["8080:80"], ["[::]:8080:80"], collide("0.0.0.0:8080/tcp", C, "0.0.0.0:8080/tcp", A)],
  ["no host port (docker picks one)", ["80"], ["80"], undefined],
];

for (const [title, first, second, third] of registryNoCollision) {
  test(`HostPortRegistry: ${title} do not collide`, (t) => {
    const r = new HostPortRegistry();
    t.is(r.register(A, ports(...first)), undefined);
    t.is(r.register(B, ports(...second)), undefined);
    if (third === undefined) {
      t.is(r.register(C, ports(...first)), undefined);
    } else {
      t.throws(() => r.register(C, ports(...first)), { instanceOf: ContainerSpecError, message: third });
    }
  });
}

test("HostPortRegistry: the same owner may register its ports again", (t) => {
  const r = new HostPortRegistry();
  r.register(A, ports("8080:80", "127.0.0.1:6379:6379"));
  t.notThrows(() => r.register(A, ports("8080:80", "127.0.0.1:6379:6379")));
  t.throws(() => r.register(B, ports("6379:6379")), {
    instanceOf: ContainerSpecError,
    message: collide("0.0.0.0:6379/tcp", B, "127.0.0.1:6379/tcp", A),
  });
});

test("HostPortRegistry: a refused registration claims nothing", (t) => {
  const r = new HostPortRegistry();
  r.register(A, ports("8080:80"));
  t.throws(() => r.register(B, ports("9090:90", "8080:81")), {
    instanceOf: ContainerSpecError,
    message: collide("0.0.0.0:8080/tcp", B, "0.0.0.0:8080/tcp", A),
  });
  // B's 9090 was not registered, so a third owner may take it
  t.notThrows(() => r.register('container "third"', ports("9090:90")));
});

test("HostPortRegistry: custom field in the message", (t) => {
  const r = new HostPortRegistry();
  r.register(A, ports("8080:80"));
  const err = t.throws(() => r.register(B, ports("8080:80"), "services.api.ports"), {
    instanceOf: ContainerSpecError,
    message: collide("0.0.0.0:8080/tcp", B, "0.0.0.0:8080/tcp", A, "services.api.ports"),
  });
  t.is(err.field, "services.api.ports");
});
