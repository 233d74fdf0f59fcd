import test from "ava";
import type * as docker from "@pulumi/docker";
import {
  ContainerPortInput,
  ContainerPortSpec,
  PortSpecError,
  hostBindings,
  hostBindingsCollide,
  normalizePort,
  parsePortSpec,
  parsePortSpecs,
  parsePublishArgs,
} from "../../provider/ports";

// The output must be usable as @pulumi/docker's Container ports (type-level check only).
const typed: docker.types.input.ContainerPort[] = parsePortSpec("8080:80");
void typed;

const tcp = (internal: number, external?: number, ip = "0.0.0.0"): ContainerPortSpec =>
  external === undefined ? { internal, ip, protocol: "tcp" } : { internal, external, ip, protocol: "tcp" };

// ---------------------------------------------------------------- parsePortSpec: valid specs

const valid: [string, ContainerPortSpec[]][] = [
  ["80", [tcp(80)]],
  ["8080:80", [tcp(80, 8080)]],
  ["10.250.1.11::80", [tcp(80, undefined, "10.250.1.11")]],
  ["10.250.1.11:6000:80", [tcp(80, 6000, "10.250.1.11")]],
  ["0.0.0.0:8080:80", [tcp(80, 8080)]],
  ["80/tcp", [tcp(80)]],
  ["53/udp", [{ internal: 53, ip: "0.0.0.0", protocol: "udp" }]],
  ["5060:5060/sctp", [{ internal: 5060, external: 5060, ip: "0.0.0.0", protocol: "sctp" }]],
  ["53:53/UDP", [{ internal: 53, external: 53, ip: "0.0.0.0", protocol: "udp" }]],
  ["80/", [tcp(80)]],
  ["10.250.1.11:53:53/udp", [{ internal: 53, external: 53, ip: "10.250.1.11", protocol: "udp" }]],
  ["1", [tcp(1)]],
  ["65535:65535", [tcp(65535, 65535)]],
  ["0080:080", [tcp(80, 80)]],
  ["80-82", [tcp(80), tcp(81), tcp(82)]],
  ["8000-8002:80-82", [tcp(80, 8000), tcp(81, 8001), tcp(82, 8002)]],
  [
    "127.0.0.1:7000-7001:7000-7001/udp",
    [
      { internal: 7000, external: 7000, ip: "127.0.0.1", protocol: "udp" },
      { internal: 7001, external: 7001, ip: "127.0.0.1", protocol: "udp" },
    ],
  ],
  ["8000-8000:80", [tcp(80, 8000)]],
  ["80-80", [tcp(80)]],
  ["[::1]:8080:80", [tcp(80, 8080, "::1")]],
  ["[::]::80", [tcp(80, undefined, "::")]],
  ["[::]:8080:80/udp", [{ internal: 80, external: 8080, ip: "::", protocol: "udp" }]],
  ["[2001:DB8:0:0:0:0:0:1]:443:443", [tcp(443, 443, "2001:db8::1")]],
  ["[fd00:0:0:1::0a]:80:80", [tcp(80, 80, "fd00:0:0:1::a")]],
  ["[64:ff9b::192.0.2.1]:80:80", [tcp(80, 80, "64:ff9b::c000:201")]],
  ["[10.0.0.1]:8080:80", [tcp(80, 8080, "10.0.0.1")]],
  ["::80", [tcp(80)]],
  [":8080:80", [tcp(80, 8080)]],
  ["published=8080,target=80", [tcp(80, 8080)]],
  ["target=53,published=5353,protocol=udp", [{ internal: 53, external: 5353, ip: "0.0.0.0", protocol: "udp" }]],
  ["target=80,mode=host", [tcp(80)]],
];

for (const [spec, expected] of valid) {
  test(`parsePortSpec ${JSON.stringify(spec)}`, (t) => {
    t.deepEqual(parsePortSpec(spec), expected);
  });
}

// ---------------------------------------------------------------- parsePortSpec: invalid specs

const OUT = "is out of range 1-65535";
const BAD_IP =
  'is not a valid IPv4 or IPv6 address; write a dotted IPv4 address such as "10.0.0.1:8080:80", ' +
  'or an IPv6 address in brackets such as "[::1]:8080:80".';

const invalid: [string, string][] = [
  ["0", `ports "0": container port 0 ${OUT}.`],
  ["65536", `ports "65536": container port 65536 ${OUT}.`],
  ["70000:80", `ports "70000:80": host port 70000 ${OUT}.`],
  ["0:80", `ports "0:80": host port 0 ${OUT}; omit the host port to let docker pick a free one.`],
  ["8080:0", `ports "8080:0": container port 0 ${OUT}.`],
  ["99999999999999999999", `ports "99999999999999999999": container port 99999999999999999999 ${OUT}.`],
  ["65535-65536:80", `ports "65535-65536:80": host port 65536 ${OUT}.`],
  ["abc", 'ports "abc": container port "abc" is not a number; use a decimal port 1-65535 or a range such as 80-90.'],
  ["http:80", 'ports "http:80": host port "http" is not a number; use a decimal port 1-65535 or a range such as 8000-8010.'],
  ["+80", 'ports "+80": container port "+80" is not a number; use a decimal port 1-65535 or a range such as 80-90.'],
  ["-80", 'ports "-80": container port "-80" is not a number; use a decimal port 1-65535 or a range such as 80-90.'],
  ["1-2-3", 'ports "1-2-3": container port "1-2-3" is not a number; use a decimal port 1-65535 or a range such as 80-90.'],
  ["80.5", 'ports "80.5": container port "80.5" is not a number; use a decimal port 1-65535 or a range such as 80-90.'],
  ["", 'ports "": empty port spec; write a container port such as "80" or a mapping such as "8080:80".'],
  ["8080:", 'ports "8080:": no container port; put it after the last ":", e.g. "8080:80".'],
  ["/udp", 'ports "/udp": no container port; put it after the last ":", e.g. "8080:80".'],
  ["90-80", 'ports "90-80": container port range 90-80 ends before it starts; write 80-90.'],
  ["9000-8000:80-1080", 'ports "9000-8000:80-1080": host port range 9000-8000 ends before it starts; write 8000-9000.'],
  [
    "8000-8005:80-90",
    'ports "8000-8005:80-90": host port range 8000-8005 has 6 ports but container port range 80-90 has 11; ' +
      'make them the same length: write "8000-8010:80-90".',
  ],
  [
    "65530-65535:80-90",
    'ports "65530-65535:80-90": host port range 65530-65535 has 6 ports but container port range 80-90 has 11; ' +
      "make them the same length: shorten one of them.",
  ],
  [
    "8080:80-90",
    'ports "8080:80-90": container port range 80-90 (11 ports) needs a host port range of the same length, ' +
      'not the single host port 8080; write "8080-8090:80-90", or omit the host port ("80-90").',
  ],
  [
    "8000-8010:80",
    'ports "8000-8010:80": host port range 8000-8010 with the single container port 80 means ' +
      '"any free host port in 8000-8010", which @pulumi/docker\'s ports (one external port per entry) cannot ' +
      'express; pick one host port, e.g. "8000:80", or omit it ("80") to let docker choose.',
  ],
  [
    "10.0.0.1:8000-8010:53/udp",
    'ports "10.0.0.1:8000-8010:53/udp": host port range 8000-8010 with the single container port 53 means ' +
      '"any free host port in 8000-8010", which @pulumi/docker\'s ports (one external port per entry) cannot ' +
      'express; pick one host port, e.g. "10.0.0.1:8000:53/udp", or omit it ("10.0.0.1::53/udp") to let docker choose.',
  ],
  ["300.1.1.1:80:80", `ports "300.1.1.1:80:80": host IP "300.1.1.1" ${BAD_IP}`],
  ["010.0.0.1:80:80", `ports "010.0.0.1:80:80": host IP "010.0.0.1" ${BAD_IP}`],
  ["10.0.0:80:80", `ports "10.0.0:80:80": host IP "10.0.0" ${BAD_IP}`],
  ["localhost:80:80", `ports "localhost:80:80": host IP "localhost" ${BAD_IP}`],
  ["a:b:80:80", `ports "a:b:80:80": host IP "a:b" ${BAD_IP}`],
  ["[fe80::1%eth0]:80:80", `ports "[fe80::1%eth0]:80:80": host IP "fe80::1%eth0" ${BAD_IP}`],
  ["[1:2:3:4:5:6:7:8:9]:80:80", `ports "[1:2:3:4:5:6:7:8:9]:80:80": host IP "1:2:3:4:5:6:7:8:9" ${BAD_IP}`],
  ["[1::2::3]:80:80", `ports "[1::2::3]:80:80": host IP "1::2::3" ${BAD_IP}`],
  ["[::1:80:80", 'ports "[::1:80:80": host IP "[::1" has no closing "]"; write IPv6 host addresses in brackets, e.g. "[::1]:8080:80".'],
  ["::1:80:80", 'ports "::1:80:80": IPv6 host IP ::1 must be written in brackets; write "[::1]:80:80".'],
  ["fd00::1:8080:80/udp", 'ports "fd00::1:8080:80/udp": IPv6 host IP fd00::1 must be written in brackets; write "[fd00::1]:8080:80/udp".'],
  [
    "[::1]:80",
    'ports "[::1]:80": expected ":HOSTPORT:CONTAINERPORT" after "[::1]"; write e.g. "[::1]:8080:80", ' +
      'or "[::1]::80" to let docker pick the host port.',
  ],
  [
    "[::1]8080:80",
    'ports "[::1]8080:80": expected ":HOSTPORT:CONTAINERPORT" after "[::1]"; write e.g. "[::1]:8080:80", ' +
      'or "[::1]::80" to let docker pick the host port.',
  ],
  ["[]:80:80", 'ports "[]:80:80": empty brackets; put the host IP inside them, e.g. "[::]:8080:80", or drop them.'],
  [
    "[::ffff:10.0.0.1]:80:80",
    'ports "[::ffff:10.0.0.1]:80:80": host IP "::ffff:10.0.0.1" is an IPv4-mapped IPv6 address; ' +
      "write the IPv4 address 10.0.0.1 instead.",
  ],
  ["80/icmp", 'ports "80/icmp": protocol "icmp" is not supported; use tcp, udp or sctp.'],
  ["80/tcp/udp", 'ports "80/tcp/udp": protocol "tcp/udp" is not supported; use tcp, udp or sctp.'],
  [" 80", 'ports " 80": contains whitespace; remove it.'],
  ["80 ", 'ports "80 ": contains whitespace; remove it.'],
  ["8080: 80", 'ports "8080: 80": contains whitespace; remove it.'],
  ["80\n", 'ports "80\\n": contains whitespace; remove it.'],
  [
    "-P",
    'ports "-P": -P (publish all exposed ports) is a flag, not a port spec; set publishAllPorts: true on the ' +
      "container, or read a whole argument list with parsePublishArgs.",
  ],
  [
    "--publish-all",
    'ports "--publish-all": -P (publish all exposed ports) is a flag, not a port spec; set publishAllPorts: true on the ' +
      "container, or read a whole argument list with parsePublishArgs.",
  ],
  ["published=8080", 'ports "published=8080": target (the container port) is missing; write e.g. "published=8080,target=80".'],
  ["target=80,host_ip=10.0.0.1", 'ports "target=80,host_ip=10.0.0.1": unknown key "host_ip"; use published, target, protocol and mode.'],
  [
    "target=80,published",
    'ports "target=80,published": "published" is not name=value; write e.g. "published=8080,target=80,protocol=tcp".',
  ],
  ["target=80,mode=swarm", 'ports "target=80,mode=swarm": mode "swarm" is not ingress or host; remove it (docker run ignores it).'],
  ["target=53/udp", 'ports "target=53/udp": put the protocol in protocol=, e.g. "published=53,target=53,protocol=udp".'],
  ["target=80,protocol=icmp", 'ports "target=80,protocol=icmp": protocol "icmp" is not supported; use tcp, udp or sctp.'],
];

for (const [spec, message] of invalid) {
  test(`parsePortSpec rejects ${JSON.stringify(spec)}`, (t) => {
    const error = t.throws(() => parsePortSpec(spec), { instanceOf: PortSpecError, message });
    t.is(error?.spec, spec);
    t.is(error?.field, "ports");
  });
}

test("parsePortSpec names the given field", (t) => {
  t.throws(() => parsePortSpec("70000:80", "ports[2]"), {
    instanceOf: PortSpecError,
    message: 'ports[2] "70000:80": host port 70000 is out of range 1-65535.',
  });
});

test("PortSpecError exposes field, spec and problem", (t) => {
  const error = t.throws(() => parsePortSpec("80/icmp", "web.ports[0]"), { instanceOf: PortSpecError });
  t.is(error?.name, "PortSpecError");
  t.is(error?.field, "web.ports[0]");
  t.is(error?.spec, "80/icmp");
  t.is(error?.problem, 'protocol "icmp" is not supported; use tcp, udp or sctp');
});

// ---------------------------------------------------------------- parsePortSpecs: normalization

test("parsePortSpecs fills defaults, sorts by internal/protocol/ip/external and dedupes", (t) => {
  t.deepEqual(
    parsePortSpecs([
      "[::1]:8080:80",
      "443:443",
      "53:53/udp",
      "53:53",
      { internal: 22, external: 2222 },
      "10.0.0.1:9000:9000",
      "443:443",
      "0.0.0.0:443:443/tcp",
    ]),
    [
      { internal: 22, external: 2222, ip: "0.0.0.0", protocol: "tcp" },
      { internal: 53, external: 53, ip: "0.0.0.0", protocol: "tcp" },
      { internal: 53, external: 53, ip: "0.0.0.0", protocol: "udp" },
      { internal: 80, external: 8080, ip: "::1", protocol: "tcp" },
      { internal: 443, external: 443, ip: "0.0.0.0", protocol: "tcp" },
      { internal: 9000, external: 9000, ip: "10.0.0.1", protocol: "tcp" },
    ],
  );
});

test("parsePortSpecs output is stable: re-parsing its own output gives the same list", (t) => {
  const first = parsePortSpecs(["8000-8002:80-82", "[::]::53/udp", "9090"]);
  t.deepEqual(parsePortSpecs(first), first);
  t.deepEqual(parsePortSpecs([...first].reverse()), first);
});

test("parsePortSpecs accepts typed objects and normalizes them", (t) => {
  const input: ContainerPortInput[] = [
    { internal: 80, external: 8080, ip: "[::1]", protocol: "TCP" },
    { internal: 53, ip: "", protocol: "udp" },
    { internal: 5000, ip: "2001:DB8::0:1" },
  ];
  t.deepEqual(parsePortSpecs(input), [
    { internal: 53, ip: "0.0.0.0", protocol: "udp" },
    { internal: 80, external: 8080, ip: "::1", protocol: "tcp" },
    { internal: 5000, ip: "2001:db8::1", protocol: "tcp" },
  ]);
});

test("parsePortSpecs of an empty list is empty", (t) => {
  t.deepEqual(parsePortSpecs([]), []);
});

const invalidObjects: [unknown, string][] = [
  [{ internal: 70000 }, 'ports[0] {"internal":70000}: container port 70000 is out of range 1-65535.'],
  [{ internal: 80, external: 0 }, 'ports[0] {"internal":80,"external":0}: host port 0 is out of range 1-65535.'],
  [{ internal: "80" }, 'ports[0] {"internal":"80"}: internal "80" is not an integer port; use a whole number 1-65535.'],
  [{ internal: 80.5 }, 'ports[0] {"internal":80.5}: internal 80.5 is not an integer port; use a whole number 1-65535.'],
  [{ external: 80 }, 'ports[0] {"external":80}: internal is missing; set it to the container port (1-65535).'],
  [
    { internal: 22, extrnal: 2222 },
    'ports[0] {"internal":22,"extrnal":2222}: unknown key "extrnal"; use internal, external, ip and protocol.',
  ],
  [
    { internal: 80, protocol: "icmp" },
    'ports[0] {"internal":80,"protocol":"icmp"}: protocol "icmp" is not supported; use tcp, udp or sctp.',
  ],
  [{ internal: 80, ip: "300.1.1.1" }, `ports[0] {"internal":80,"ip":"300.1.1.1"}: host IP "300.1.1.1" ${BAD_IP}`],
  [{ internal: 80, ip: 1 }, 'ports[0] {"internal":80,"ip":1}: ip must be a string such as "0.0.0.0" or "::", not a number.'],
  [null, 'ports[0] null: expected a port spec string such as "8080:80" or an object {internal, external?, ip?, protocol?}.'],
  [42, 'ports[0] 42: expected a port spec string such as "8080:80" or an object {internal, external?, ip?, protocol?}.'],
];

for (const [input, message] of invalidObjects) {
  test(`parsePortSpecs rejects object ${JSON.stringify(input)}`, (t) => {
    t.throws(() => parsePortSpecs([input as ContainerPortInput]), { instanceOf: PortSpecError, message });
  });
}

test("normalizePort validates one object", (t) => {
  t.deepEqual(normalizePort({ internal: 80, protocol: "Udp" }), { internal: 80, ip: "0.0.0.0", protocol: "udp" });
  t.throws(() => normalizePort({ internal: 0 }, "svc.ports[1]"), {
    instanceOf: PortSpecError,
    message: 'svc.ports[1] {"internal":0}: container port 0 is out of range 1-65535.',
  });
});

test("parsePortSpecs reports the failing item's index", (t) => {
  t.throws(() => parsePortSpecs(["80", "8080:81", "70000:80"]), {
    instanceOf: PortSpecError,
    message: 'ports[2] "70000:80": host port 70000 is out of range 1-65535.',
  });
  t.throws(() => parsePortSpecs(["80/icmp"], "web.ports"), {
    instanceOf: PortSpecError,
    message: 'web.ports[0] "80/icmp": protocol "icmp" is not supported; use tcp, udp or sctp.',
  });
});

test("parsePortSpecs rejects a non-array", (t) => {
  t.throws(() => parsePortSpecs("8080:80" as unknown as string[]), {
    instanceOf: PortSpecError,
    message: 'ports "8080:80": expected an array of port specs such as ["8080:80"].',
  });
});

// ---------------------------------------------------------------- multiple bindings / dual stack

const MULTI =
  "@pulumi/docker reads several bindings of one container port back as copies of the last one " +
  "(kreuzwerker/terraform-provider-docker#909), so every update would replace the container.";

test("a dual-stack pair for one container port is rejected by default", (t) => {
  t.throws(() => parsePortSpecs(["0.0.0.0:8080:80", "[::]:8080:80"]), {
    instanceOf: PortSpecError,
    message:
      'ports[1] "[::]:8080:80": container port 80/tcp is already published by ports[0] "0.0.0.0:8080:80"; ' +
      `${MULTI} Publish 80/tcp once, or pass { allowMultipleBindings: true } to accept that.`,
  });
});

test("two host ports for one container port are rejected by default", (t) => {
  t.throws(() => parsePortSpecs(["80", "8080:80"]), {
    instanceOf: PortSpecError,
    message:
      'ports[1] "8080:80": container port 80/tcp is already published by ports[0] "80"; ' +
      `${MULTI} Publish 80/tcp once, or pass { allowMultipleBindings: true } to accept that.`,
  });
});

test("the same port on tcp and udp is not a multiple binding", (t) => {
  t.deepEqual(parsePortSpecs(["53:53/udp", "53:53/tcp"]), [
    { internal: 53, external: 53, ip: "0.0.0.0", protocol: "tcp" },
    { internal: 53, external: 53, ip: "0.0.0.0", protocol: "udp" },
  ]);
});

test("allowMultipleBindings accepts dual stack, sorted by ip", (t) => {
  t.deepEqual(parsePortSpecs(["[::]:8080:80", "8080:80"], "ports", { allowMultipleBindings: true }), [
    { internal: 80, external: 8080, ip: "0.0.0.0", protocol: "tcp" },
    { internal: 80, external: 8080, ip: "::", protocol: "tcp" },
  ]);
});

// ---------------------------------------------------------------- host binding collisions

test("0.0.0.0 collides with a specific IPv4 address on the same port/protocol", (t) => {
  t.throws(() => parsePortSpecs(["10.0.0.1:8080:80", "8080:81"]), {
    instanceOf: PortSpecError,
    message:
      'ports[1] "8080:81": host port 0.0.0.0:8080/tcp collides with 10.0.0.1:8080/tcp from ports[0] "10.0.0.1:8080:80"; ' +
      "use another host port or a different host IP.",
  });
});

test(":: collides with a specific IPv6 address", (t) => {
  t.throws(() => parsePortSpecs(["[::1]:8080:80", "[::]:8080:81"]), {
    instanceOf: PortSpecError,
    message:
      'ports[1] "[::]:8080:81": host port [::]:8080/tcp collides with [::1]:8080/tcp from ports[0] "[::1]:8080:80"; ' +
      "use another host port or a different host IP.",
  });
});

test("the same host port on one IP for two container ports collides", (t) => {
  t.throws(() => parsePortSpecs(["8000-8002:80-82", "8001:9000"]), {
    instanceOf: PortSpecError,
    message:
      'ports[1] "8001:9000": host port 0.0.0.0:8001/tcp collides with 0.0.0.0:8001/tcp from ports[0] "8000-8002:80-82"; ' +
      "use another host port or a different host IP.",
  });
});

test("different IPs, families or protocols on the same host port do not collide", (t) => {
  t.deepEqual(
    parsePortSpecs(["10.0.0.1:8080:80", "10.0.0.2:8080:81", "[::]:8080:82", "8080:83/udp"]).map((p) => p.internal),
    [80, 81, 82, 83],
  );
});

// ---------------------------------------------------------------- hostBindings / hostBindingsCollide

test("hostBindings lists ip:port/proto keys for bindings with a host port", (t) => {
  t.deepEqual(hostBindings(parsePortSpecs(["[::1]:53:53/udp", "8080:80", "81", "[::]::82"])), ["[::1]:53/udp", "0.0.0.0:8080/tcp"]);
  t.deepEqual(hostBindings(parsePortSpecs(["[::]:8080:80", "8080:80"], "ports", { allowMultipleBindings: true })), [
    "0.0.0.0:8080/tcp",
    "[::]:8080/tcp",
  ]);
  t.deepEqual(hostBindings([]), []);
});

const collisions: [string, string, boolean][] = [
  ["0.0.0.0:80/tcp", "10.0.0.1:80/tcp", true],
  ["10.0.0.1:80/tcp", "0.0.0.0:80/tcp", true],
  ["10.0.0.1:80/tcp", "10.0.0.1:80/tcp", true],
  ["10.0.0.1:80/tcp", "10.0.0.2:80/tcp", false],
  ["0.0.0.0:80/tcp", "0.0.0.0:81/tcp", false],
  ["0.0.0.0:80/udp", "10.0.0.1:80/tcp", false],
  ["0.0.0.0:80/tcp", "[::]:80/tcp", false],
  ["[::]:80/tcp", "[::1]:80/tcp", true],
  ["[::1]:80/tcp", "[0:0::1]:80/tcp", true],
  ["[fd00::1]:80/tcp", "[fd00::2]:80/tcp", false],
];

for (const [a, b, expected] of collisions) {
  test(`hostBindingsCollide(${a}, ${b}) is ${expected}`, (t) => {
    t.is(hostBindingsCollide(a, b), expected);
  });
}

test("hostBindingsCollide rejects malformed keys", (t) => {
  t.throws(() => hostBindingsCollide("::1:80/tcp", "0.0.0.0:80/tcp"), {
    message: '"::1:80/tcp" is not a host binding key of the form IP:PORT/PROTO (IPv6 in brackets).',
  });
});

// ---------------------------------------------------------------- parsePublishArgs (-p / -P)

test("parsePublishArgs reads -p, --publish and -P", (t) => {
  t.deepEqual(parsePublishArgs(["-p", "8080:80", "-P", "--publish=53:53/udp", "-p443:443", "--publish", "9000"]), {
    ports: [
      { internal: 53, external: 53, ip: "0.0.0.0", protocol: "udp" },
      { internal: 80, external: 8080, ip: "0.0.0.0", protocol: "tcp" },
      { internal: 443, external: 443, ip: "0.0.0.0", protocol: "tcp" },
      { internal: 9000, ip: "0.0.0.0", protocol: "tcp" },
    ],
    publishAllPorts: true,
  });
});

test("parsePublishArgs: -P alone publishes all with no explicit ports", (t) => {
  t.deepEqual(parsePublishArgs(["-P"]), { ports: [], publishAllPorts: true });
  t.deepEqual(parsePublishArgs(["--publish-all=true", "--publish-all=false"]), { ports: [], publishAllPorts: false });
  t.deepEqual(parsePublishArgs([]), { ports: [], publishAllPorts: false });
});

test("parsePublishArgs errors name the argument index", (t) => {
  t.throws(() => parsePublishArgs(["-P", "-p"]), {
    instanceOf: PortSpecError,
    message: 'args[1] "-p": missing the port spec after -p; write e.g. ["-p", "8080:80"].',
  });
  t.throws(() => parsePublishArgs(["-p", "80", "--rm"]), {
    instanceOf: PortSpecError,
    message: 'args[2] "--rm": not a publish flag; only -p/--publish SPEC and -P/--publish-all are read here.',
  });
  t.throws(() => parsePublishArgs(["-P", "-p", "70000:80"], "cmd"), {
    instanceOf: PortSpecError,
    message: 'cmd[2] "70000:80": host port 70000 is out of range 1-65535.',
  });
});
