import test from "ava";
import type Docker from "dockerode";
import { DiffResult, UNKNOWN } from "../../provider/docker/common";
import {
  AttachmentState,
  IN_PLACE_FIELDS,
  REPLACE_FIELDS,
  attachmentsKey,
  canonicalAttachments,
  checkContainerInputs,
  containerCreateBody,
  diffContainer,
  flattenContainer,
  observedAttachments,
} from "../../provider/docker/container-live";

const OWNER = "dockwire-lab/dev";
const CID = "54ed2e8ddde898e5101860c38d0b242e7d43288529b4e895302644df720947aa";
const SHORT = "54ed2e8ddde8";
const NET_REDIS = "1a43b4f9c911988f8cc9e4e7c5e5cf80a5bb1c9d5e6171515f9249346c3eef37";
const NET_BACKEND = "9c2e61f0b7d84a3c5e8f1d2b6a7c9e0f1a2b3c4d5e6f708192a3b4c5d6e7f809";
const IMAGE_ID = "sha256:3b3c0f5b2a6a1c6f7e8d9a0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d";

test("the fields that replace a container and the fields changed in place", (t) => {
  t.deepEqual(
    [...REPLACE_FIELDS],
    ["name", "image", "command", "envs", "ports", "publishAllPorts", "networkMode", "mounts", "labels", "hostname", "uploads"],
  );
  t.deepEqual([...IN_PLACE_FIELDS], ["networksAdvanced", "running", "restart"]);
});

// ---------------------------------------------------------------- containerCreateBody

// Record, not Docker.ContainerCreateOptions: its MountSettings requires a Source, which tmpfs mounts have not.
const bodies: [string, Record<string, unknown>, Record<string, unknown>][] = [
  [
    "everything: ports (udp, unset host port), first network with static addresses and aliases, mounts, restart, labels, env, command",
    {
      name: "lg-redis-1",
      image: "redis:7.2",
      command: ["redis-server", "/etc/redis/redis.conf"],
      envs: ["TZ=UTC", "REDIS_ARGS=--save 60 1"],
      hostname: "cache",
      labels: [{ label: "tier", value: "cache" }],
      owner: OWNER,
      ports: [
        { internal: 6379, external: 6379, ip: "127.0.0.1", protocol: "tcp" },
        { internal: 6379, external: 16379 },
        { internal: 5353, protocol: "udp" },
      ],
      publishAllPorts: false,
      networksAdvanced: [
        { name: "redis-net", aliases: ["redis", "cache"], ipv4Address: "172.38.0.11", ipv6Address: "fd00:38::11" },
        { name: "backend", aliases: ["db"] },
      ],
      mounts: [
        { type: "volume", source: "lg-redis-1-data", target: "/data" },
        { type: "tmpfs", target: "/tmp" },
        { type: "bind", source: "/etc/localtime", target: "/etc/localtime", readOnly: true },
      ],
      uploads: [{ file: "/etc/redis/redis.conf", content: "port 6379\n" }],
      restart: "unless-stopped",
      destroyGraceSeconds: 10,
      running: true,
      imageId: undefined,
      startedAt: undefined,
    },
    {
      name: "lg-redis-1",
      Image: "redis:7.2",
      Cmd: ["redis-server", "/etc/redis/redis.conf"],
      Env: ["TZ=UTC", "REDIS_ARGS=--save 60 1"],
      Hostname: "cache",
      Labels: { tier: "cache", "dockwire.owner": OWNER },
      ExposedPorts: { "6379/tcp": {}, "5353/udp": {} },
      HostConfig: {
        PortBindings: {
          "6379/tcp": [
            { HostIp: "127.0.0.1", HostPort: "6379" },
            { HostIp: "", HostPort: "16379" },
          ],
          "5353/udp": [{ HostIp: "", HostPort: "" }],
        },
        PublishAllPorts: false,
        NetworkMode: "redis-net",
        Mounts: [
          { Type: "volume", Target: "/data", Source: "lg-redis-1-data" },
          { Type: "tmpfs", Target: "/tmp" },
          { Type: "bind", Target: "/etc/localtime", Source: "/etc/localtime", ReadOnly: true },
        ],
        RestartPolicy: { Name: "unless-stopped" },
      },
      NetworkingConfig: {
        EndpointsConfig: {
          "redis-net": { IPAMConfig: { IPv4Address: "172.38.0.11", IPv6Address: "fd00:38::11" }, Aliases: ["redis", "cache"] },
        },
      },
    },
  ],
  ["name and image only", { name: "web", image: "nginx:1.27" }, { name: "web", Image: "nginx:1.27", Labels: {}, HostConfig: {} }],
  [
    "a first network without aliases or addresses",
    { name: "web", image: "nginx:1.27", networksAdvanced: [{ name: "front", aliases: [] }], owner: OWNER },
    {
      name: "web",
      Image: "nginx:1.27",
      Labels: { "dockwire.owner": OWNER },
      HostConfig: { NetworkMode: "front" },
      NetworkingConfig: { EndpointsConfig: { front: {} } },
    },
  ],
  [
    "networkMode host",
    { name: "web", image: "nginx:1.27", networkMode: "host", restart: "always" },
    { name: "web", Image: "nginx:1.27", Labels: {}, HostConfig: { NetworkMode: "host", RestartPolicy: { Name: "always" } } },
  ],
  [
    "networkMode wins over the first network for NetworkMode",
    { name: "web", image: "nginx:1.27", networkMode: "bridge", networksAdvanced: [{ name: "front", ipv4Address: "10.1.0.5" }] },
    {
      name: "web",
      Image: "nginx:1.27",
      Labels: {},
      HostConfig: { NetworkMode: "bridge" },
      NetworkingConfig: { EndpointsConfig: { front: { IPAMConfig: { IPv4Address: "10.1.0.5" } } } },
    },
  ],
  [
    "an IPv6 address alone, an empty command and env kept",
    { name: "v6", image: "busybox:1.36", command: [], envs: [], networksAdvanced: [{ name: "dual", ipv6Address: "fd00:20::5" }] },
    {
      name: "v6",
      Image: "busybox:1.36",
      Cmd: [],
      Env: [],
      Labels: {},
      HostConfig: { NetworkMode: "dual" },
      NetworkingConfig: { EndpointsConfig: { dual: { IPAMConfig: { IPv6Address: "fd00:20::5" } } } },
    },
  ],
  [
    "an empty port list exposes nothing",
    { name: "web", image: "nginx:1.27", ports: [], mounts: [], publishAllPorts: true },
    { name: "web", Image: "nginx:1.27", Labels: {}, HostConfig: { PublishAllPorts: true } },
  ],
];

for (const [title, inputs, expected] of bodies) {
  test(`containerCreateBody: ${title}`, (t) => {
    t.deepEqual(containerCreateBody(inputs) as unknown as Record<string, unknown>, expected);
  });
}

// ---------------------------------------------------------------- canonicalAttachments

const canon: [string, unknown, AttachmentState[]][] = [
  [
    "sorted by network name, aliases sorted, empty aliases and unset fields dropped",
    [
      { name: "redis-net", aliases: ["redis", "cache"], ipv4Address: "172.38.0.11", ipv6Address: undefined },
      { name: "backend", aliases: [], networkId: NET_BACKEND },
      { name: "a-net", ipv6Address: "fd00::5", ipv4Address: null },
    ],
    [
      { name: "a-net", ipv6Address: "fd00::5" },
      { name: "backend", networkId: NET_BACKEND },
      { name: "redis-net", aliases: ["cache", "redis"], ipv4Address: "172.38.0.11" },
    ],
  ],
  [
    "fields of @pulumi/docker's attachments left out",
    [{ aliases: [], ipv4Address: "172.40.0.11", ipv6Address: "", macAddress: "", name: "lg-redis" }],
    [{ name: "lg-redis", ipv4Address: "172.40.0.11", ipv6Address: "" }],
  ],
  ["an unknown networkId kept", [{ name: "redis-net", networkId: UNKNOWN }], [{ name: "redis-net", networkId: UNKNOWN }]],
  ["no list", undefined, []],
  ["not a list", { name: "redis-net" }, []],
  ["empty", [], []],
];

for (const [title, list, expected] of canon) {
  test(`canonicalAttachments: ${title}`, (t) => {
    t.deepEqual(canonicalAttachments(list), expected);
  });
}

test("attachmentsKey: order of networks and aliases does not matter", (t) => {
  const a = [
    { name: "b", aliases: ["y", "x"] },
    { name: "a", ipv4Address: "10.0.0.5" },
  ];
  const b = [
    { ipv4Address: "10.0.0.5", name: "a" },
    { name: "b", aliases: ["x", "y"] },
  ];
  t.is(attachmentsKey(a), '[{"ipv4Address":"10.0.0.5","name":"a"},{"aliases":["x","y"],"name":"b"}]');
  t.is(attachmentsKey(b), attachmentsKey(a));
});

// ---------------------------------------------------------------- a realistic `docker inspect`

type Endpoint = {
  IPAMConfig: { IPv4Address?: string; IPv6Address?: string } | null;
  Links: null;
  Aliases: string[] | null;
  MacAddress: string;
  DriverOpts: null;
  NetworkID: string;
  EndpointID: string;
  Gateway: string;
  IPAddress: string;
  IPPrefixLen: number;
  IPv6Gateway: string;
  GlobalIPv6Address: string;
  GlobalIPv6PrefixLen: number;
  DNSNames: string[] | null;
};

function endpoint(over: Partial<Endpoint>): Endpoint {
  return {
    IPAMConfig: null,
    Links: null,
    Aliases: null,
    MacAddress: "02:42:ac:26:00:0b",
    DriverOpts: null,
    NetworkID: NET_REDIS,
    EndpointID: "f3b1d7a0c2e4f6081a3b5c7d9e1f2a4b6c8d0e2f4a6b8c0d2e4f6a8b0c2d4e6f",
    Gateway: "172.38.0.1",
    IPAddress: "172.38.0.11",
    IPPrefixLen: 16,
    IPv6Gateway: "",
    GlobalIPv6Address: "",
    GlobalIPv6PrefixLen: 0,
    DNSNames: null,
    ...over,
  };
}

/** `docker inspect lg-redis-1` of a container dockwire made on redis-net (static address, alias redis) and backend. */
function inspected(
  over: {
    name?: string;
    hostname?: string;
    networkMode?: string;
    running?: boolean;
    restart?: string;
    image?: string;
    networks?: Record<string, Endpoint>;
  } = {},
): Docker.ContainerInspectInfo {
  const info = {
    Id: CID,
    Created: "2025-05-02T09:14:05.101234567Z",
    Path: "docker-entrypoint.sh",
    Args: ["redis-server", "/etc/redis/redis.conf"],
    State: {
      Status: over.running === false ? "exited" : "running",
      Running: over.running ?? true,
      Paused: false,
      Restarting: false,
      OOMKilled: false,
      Dead: false,
      Pid: over.running === false ? 0 : 48211,
      ExitCode: 0,
      Error: "",
      StartedAt: "2025-05-02T09:14:05.734567891Z",
      FinishedAt: "0001-01-01T00:00:00Z",
    },
    Image: IMAGE_ID,
    ResolvConfPath: `/var/lib/docker/containers/${CID}/resolv.conf`,
    HostnamePath: `/var/lib/docker/containers/${CID}/hostname`,
    HostsPath: `/var/lib/docker/containers/${CID}/hosts`,
    LogPath: `/var/lib/docker/containers/${CID}/${CID}-json.log`,
    Name: `/${over.name ?? "lg-redis-1"}`,
    RestartCount: 0,
    Driver: "overlay2",
    Platform: "linux",
    MountLabel: "",
    ProcessLabel: "",
    AppArmorProfile: "docker-default",
    HostConfig: {
      NetworkMode: over.networkMode ?? "redis-net",
      RestartPolicy: { Name: over.restart ?? "unless-stopped", MaximumRetryCount: 0 },
      PortBindings: { "6379/tcp": [{ HostIp: "", HostPort: "16379" }] },
    },
    GraphDriver: { Name: "overlay2", Data: { DeviceId: "", DeviceName: "", DeviceSize: "" } },
    Mounts: [],
    Config: {
      Hostname: over.hostname ?? SHORT,
      Domainname: "",
      User: "",
      AttachStdin: false,
      AttachStdout: false,
      AttachStderr: false,
      ExposedPorts: { "6379/tcp": {} },
      Tty: false,
      OpenStdin: false,
      StdinOnce: false,
      Env: ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "GOSU_VERSION=1.17"],
      Cmd: ["redis-server", "/etc/redis/redis.conf"],
      Image: over.image ?? "redis:7.2",
      Volumes: { "/data": {} },
      WorkingDir: "/data",
      Entrypoint: ["docker-entrypoint.sh"],
      Labels: { "dockwire.owner": OWNER },
    },
    NetworkSettings: {
      SandboxID: "8d1e5a3c7b9f2d4e6a8c0b1d3f5e7a9c",
      Ports: { "6379/tcp": [{ HostIp: "0.0.0.0", HostPort: "16379" }] },
      SandboxKey: "/var/run/docker/netns/8d1e5a3c7b9f",
      Networks: over.networks ?? {
        "redis-net": endpoint({
          IPAMConfig: { IPv4Address: "172.38.0.11" },
          Aliases: ["redis", SHORT],
          DNSNames: ["lg-redis-1", "redis", SHORT],
        }),
        backend: endpoint({
          Aliases: [SHORT],
          NetworkID: NET_BACKEND,
          Gateway: "172.39.0.1",
          IPAddress: "172.39.0.2",
          MacAddress: "02:42:ac:27:00:02",
          DNSNames: ["lg-redis-1", SHORT],
        }),
      },
    },
  };
  return info;
}

// ---------------------------------------------------------------- observedAttachments

const observed: [string, Docker.ContainerInspectInfo, AttachmentState[], AttachmentState[]][] = [
  [
    "the program's attachments; Docker's short-id alias left out",
    inspected(),
    [{ name: "redis-net", aliases: ["redis"], ipv4Address: "172.38.0.11" }, { name: "backend" }],
    [{ name: "backend" }, { name: "redis-net", aliases: ["redis"], ipv4Address: "172.38.0.11" }],
  ],
  [
    "aliases Docker adds itself: short id, full id, host name, container name",
    inspected({
      hostname: "cache",
      networks: { "redis-net": endpoint({ Aliases: ["redis", SHORT, CID, "cache", "lg-redis-1"] }) },
    }),
    [{ name: "redis-net", aliases: ["redis"] }],
    [{ name: "redis-net", aliases: ["redis"] }],
  ],
  [
    "the container name and host name kept when the program asked for them",
    inspected({
      hostname: "cache",
      networks: { "redis-net": endpoint({ Aliases: ["redis", SHORT, "cache", "lg-redis-1"] }) },
    }),
    [{ name: "redis-net", aliases: ["redis", "lg-redis-1", "cache"] }],
    [{ name: "redis-net", aliases: ["cache", "lg-redis-1", "redis"] }],
  ],
  [
    "the short id kept when the program asked for it",
    inspected({ networks: { "redis-net": endpoint({ Aliases: [SHORT] }) } }),
    [{ name: "redis-net", aliases: [SHORT] }],
    [{ name: "redis-net", aliases: [SHORT] }],
  ],
  [
    "an alias the program did not ask for (added by hand) is drift",
    inspected({ networks: { "redis-net": endpoint({ Aliases: ["legacy-redis", SHORT] }) } }),
    [{ name: "redis-net" }],
    [{ name: "redis-net", aliases: ["legacy-redis"] }],
  ],
  [
    "no aliases at all (null)",
    inspected({ networks: { "redis-net": endpoint({ Aliases: null }) } }),
    [{ name: "redis-net", aliases: ["redis"] }],
    [{ name: "redis-net" }],
  ],
  [
    "a network connected by hand is reported (drift), with Docker's aliases left out",
    inspected(),
    [{ name: "redis-net", aliases: ["redis"], ipv4Address: "172.38.0.11" }],
    [{ name: "backend" }, { name: "redis-net", aliases: ["redis"], ipv4Address: "172.38.0.11" }],
  ],
  [
    "a network the program wants but the container lacks is not reported",
    inspected({ networks: { "redis-net": endpoint({ Aliases: ["redis", SHORT] }) } }),
    [{ name: "redis-net", aliases: ["redis"] }, { name: "backend" }],
    [{ name: "redis-net", aliases: ["redis"] }],
  ],
  [
    "a container with no networks: the default bridge is not an attachment",
    inspected({
      networkMode: "bridge",
      networks: { bridge: endpoint({ NetworkID: "c0ffee", Gateway: "172.17.0.1", IPAddress: "172.17.0.2" }) },
    }),
    [],
    [],
  ],
  [
    'network mode "default" (older daemons): the bridge is not an attachment',
    inspected({ networkMode: "default", networks: { bridge: endpoint({ NetworkID: "c0ffee" }) } }),
    [],
    [],
  ],
  [
    "the bridge asked for by the program is an attachment",
    inspected({ networkMode: "bridge", networks: { bridge: endpoint({ NetworkID: "c0ffee", Aliases: null }) } }),
    [{ name: "bridge" }],
    [{ name: "bridge" }],
  ],
  [
    "host networking: no attachment",
    inspected({ networkMode: "host", networks: { host: endpoint({ NetworkID: "beef", IPAddress: "", Gateway: "", IPPrefixLen: 0 }) } }),
    [],
    [],
  ],
  [
    "networkId only where the wanted attachment has one (the daemon's, not the wanted one)",
    inspected(),
    [
      { name: "redis-net", networkId: "an-old-network-id", aliases: ["redis"], ipv4Address: "172.38.0.11" },
      { name: "backend", networkId: UNKNOWN },
    ],
    [
      { name: "backend", networkId: NET_BACKEND },
      { name: "redis-net", networkId: NET_REDIS, aliases: ["redis"], ipv4Address: "172.38.0.11" },
    ],
  ],
  [
    "a static address only where the program asked for one",
    inspected(),
    [{ name: "redis-net", aliases: ["redis"] }, { name: "backend" }],
    [{ name: "backend" }, { name: "redis-net", aliases: ["redis"] }],
  ],
  [
    "a static address asked for but the endpoint has none (connected without one)",
    inspected({ networks: { "redis-net": endpoint({ IPAMConfig: null, Aliases: ["redis"] }) } }),
    [{ name: "redis-net", aliases: ["redis"], ipv4Address: "172.38.0.11" }],
    [{ name: "redis-net", aliases: ["redis"] }],
  ],
  [
    "static IPv6 and IPv4 asked for",
    inspected({
      networks: {
        dual: endpoint({
          IPAMConfig: { IPv4Address: "10.20.0.5", IPv6Address: "fd00:20::5" },
          Aliases: [SHORT],
          GlobalIPv6Address: "fd00:20::5",
          GlobalIPv6PrefixLen: 64,
        }),
      },
      networkMode: "dual",
    }),
    [{ name: "dual", ipv4Address: "10.20.0.5", ipv6Address: "fd00:20::5" }],
    [{ name: "dual", ipv4Address: "10.20.0.5", ipv6Address: "fd00:20::5" }],
  ],
  [
    "an empty IPv6 address in the endpoint reads as absent",
    inspected({ networks: { dual: endpoint({ IPAMConfig: { IPv4Address: "10.20.0.5", IPv6Address: "" } }) }, networkMode: "dual" }),
    [{ name: "dual", ipv4Address: "10.20.0.5", ipv6Address: "fd00:20::5" }],
    [{ name: "dual", ipv4Address: "10.20.0.5" }],
  ],
];

for (const [title, info, want, expected] of observed) {
  test(`observedAttachments: ${title}`, (t) => {
    t.deepEqual(observedAttachments(info, want), expected);
  });
}

// A container is created with NetworkMode set to its first network: that network is an
// attachment like the others (only Docker's default bridge is not), so dropping it disconnects it.
test("observedAttachments: the network of the mode, dropped by the program, is still an attachment", (t) => {
  t.deepEqual(observedAttachments(inspected(), [{ name: "backend" }]), [{ name: "backend" }, { name: "redis-net", aliases: ["redis"] }]);
});

// ---------------------------------------------------------------- flattenContainer

const STATE_IN: Record<string, unknown> = {
  name: "lg-redis-1",
  image: "redis:7.2",
  command: ["redis-server", "/etc/redis/redis.conf"],
  networksAdvanced: [{ name: "redis-net", aliases: ["redis"], ipv4Address: "172.38.0.11" }, { name: "backend" }],
  restart: "unless-stopped",
  owner: OWNER,
  running: true,
};

const FLAT_COMMON = {
  containerId: CID,
  imageId: IMAGE_ID,
  startedAt: "2025-05-02T09:14:05.734567891Z",
};

const flattens: [string, Docker.ContainerInspectInfo, Record<string, unknown>, Record<string, unknown>][] = [
  [
    "running, in the program's network order, restart as the daemon has it",
    inspected(),
    STATE_IN,
    {
      ...STATE_IN,
      name: "lg-redis-1",
      image: "redis:7.2",
      running: true,
      networksAdvanced: [{ name: "redis-net", aliases: ["redis"], ipv4Address: "172.38.0.11" }, { name: "backend" }],
      restart: "unless-stopped",
      ...FLAT_COMMON,
    },
  ],
  [
    "stopped by hand, restart changed by hand, image retagged",
    inspected({ running: false, restart: "always", image: "redis:7.2.4" }),
    STATE_IN,
    {
      ...STATE_IN,
      image: "redis:7.2.4",
      running: false,
      networksAdvanced: [{ name: "redis-net", aliases: ["redis"], ipv4Address: "172.38.0.11" }, { name: "backend" }],
      restart: "always",
      ...FLAT_COMMON,
    },
  ],
  [
    'no restart policy on the daemon reads as "no"',
    inspected({ restart: "" }),
    STATE_IN,
    {
      ...STATE_IN,
      networksAdvanced: [{ name: "redis-net", aliases: ["redis"], ipv4Address: "172.38.0.11" }, { name: "backend" }],
      restart: "no",
      ...FLAT_COMMON,
    },
  ],
  [
    "restart and networks not in the state are not added (default bridge)",
    inspected({ name: "web", networkMode: "bridge", networks: { bridge: endpoint({ NetworkID: "c0ffee" }) } }),
    { name: "web", image: "redis:7.2", owner: OWNER },
    { name: "web", image: "redis:7.2", owner: OWNER, running: true, ...FLAT_COMMON },
  ],
  [
    "the name without the leading slash, as the daemon has it",
    inspected({ name: "renamed-by-hand" }),
    STATE_IN,
    {
      ...STATE_IN,
      name: "renamed-by-hand",
      networksAdvanced: [{ name: "redis-net", aliases: ["redis"], ipv4Address: "172.38.0.11" }, { name: "backend" }],
      ...FLAT_COMMON,
    },
  ],
  [
    "a network connected by hand comes after the program's, a missing one is gone",
    inspected({
      networks: {
        zeta: endpoint({ Aliases: [SHORT], NetworkID: "zz" }),
        "redis-net": endpoint({ IPAMConfig: { IPv4Address: "172.38.0.11" }, Aliases: ["redis", SHORT] }),
        alpha: endpoint({ Aliases: [SHORT], NetworkID: "aa" }),
      },
    }),
    STATE_IN,
    {
      ...STATE_IN,
      networksAdvanced: [{ name: "redis-net", aliases: ["redis"], ipv4Address: "172.38.0.11" }, { name: "alpha" }, { name: "zeta" }],
      ...FLAT_COMMON,
    },
  ],
  [
    "an empty network list in the state reports networks connected by hand, the default bridge aside",
    inspected({
      networkMode: "bridge",
      networks: { bridge: endpoint({ NetworkID: "c0ffee" }), backend: endpoint({ Aliases: [SHORT], NetworkID: NET_BACKEND }) },
    }),
    { name: "lg-redis-1", image: "redis:7.2", networksAdvanced: [] },
    { name: "lg-redis-1", image: "redis:7.2", running: true, networksAdvanced: [{ name: "backend" }], ...FLAT_COMMON },
  ],
];

for (const [title, info, state, expected] of flattens) {
  test(`flattenContainer: ${title}`, (t) => {
    t.deepEqual(flattenContainer(info, state), expected);
  });
}

// ---------------------------------------------------------------- diffContainer

const TLS_HOST = { host: "tcp://10.0.0.5:2376", tls: { caPem: "CA1", certPem: "CERT1", keyPem: "KEY1" } };

/** The inputs of a container as the component gives them. */
const NEWS: Record<string, unknown> = {
  name: "lg-redis-1",
  image: "redis:7.2",
  command: ["redis-server", "/etc/redis/redis.conf"],
  envs: ["TZ=UTC"],
  ports: [{ internal: 6379, external: 16379, protocol: "tcp" }],
  networksAdvanced: [{ name: "redis-net", networkId: NET_REDIS, aliases: ["redis"], ipv4Address: "172.38.0.11" }, { name: "backend" }],
  mounts: [{ type: "volume", source: "lg-redis-1-data", target: "/data" }],
  labels: [{ label: "tier", value: "cache" }],
  uploads: [{ file: "/etc/redis/redis.conf", content: "port 6379\n" }],
  restart: "unless-stopped",
  destroyGraceSeconds: 10,
  owner: OWNER,
  running: true,
  imageId: undefined,
  startedAt: undefined,
  connection: TLS_HOST,
};

/** The state create wrote for NEWS. */
const STATE: Record<string, unknown> = {
  ...NEWS,
  networksAdvanced: [{ name: "redis-net", networkId: NET_REDIS, aliases: ["redis"], ipv4Address: "172.38.0.11" }, { name: "backend" }],
  containerId: CID,
  imageId: IMAGE_ID,
  startedAt: "2025-05-02T09:14:05.734567891Z",
  stateVersion: 1,
};

const noChange: DiffResult = { changes: false, replaces: [], deleteBeforeReplace: true };
const update: DiffResult = { changes: true, replaces: [], deleteBeforeReplace: true };
const replace = (...fields: string[]): DiffResult => ({ changes: true, replaces: fields, deleteBeforeReplace: true });

/** A docker.Container state of @pulumi/docker 4.11.2 (dockwire 0.2), as the checkpoint holds it. */
const LEGACY: Record<string, unknown> = {
  __meta: '{"schema_version":"2"}',
  attach: false,
  bridge: "",
  capabilities: null,
  command: ["redis-server", "/etc/redis/redis.conf"],
  cpuShares: 0,
  destroyGraceSeconds: 10,
  devices: [],
  domainname: "",
  entrypoints: [],
  envs: [],
  exitCode: null,
  hostname: "54ed2e8ddde8",
  hosts: [],
  id: CID,
  image: "dockwire/app:local",
  init: false,
  ipcMode: "private",
  labels: [],
  logDriver: "json-file",
  mounts: [
    {
      bindOptions: null,
      readOnly: null,
      source: "lg-redis-1-data",
      target: "/data",
      tmpfsOptions: null,
      type: "volume",
      volumeOptions: null,
    },
  ],
  mustRun: true,
  name: "lg-redis-1",
  networkDatas: [
    {
      gateway: "172.40.0.1",
      globalIpv6Address: "",
      globalIpv6PrefixLength: 0,
      ipAddress: "172.40.0.11",
      ipPrefixLength: 16,
      ipv6Gateway: "",
      macAddress: "02:42:ac:28:00:0b",
      networkName: "lg-redis",
    },
  ],
  networkMode: "bridge",
  networksAdvanced: [{ aliases: [], ipv4Address: "172.40.0.11", ipv6Address: "", macAddress: "", name: "lg-redis" }],
  ports: [{ external: 20371, internal: 6379, ip: "0.0.0.0", protocol: "tcp" }],
  privileged: false,
  publishAllPorts: false,
  readOnly: false,
  removeVolumes: true,
  restart: "no",
  rm: false,
  runtime: "runc",
  securityOpts: [],
  shmSize: 64,
  start: true,
  uploads: [
    {
      content: "port 6379\n",
      contentBase64: "",
      executable: false,
      file: "/etc/redis/redis.conf",
      permissions: "",
      source: "",
      sourceHash: "",
    },
  ],
  user: "",
  volumes: [],
  wait: false,
  waitTimeout: 60,
  workingDir: "",
};

/** dockwire's inputs for the same container. */
const LEGACY_NEWS: Record<string, unknown> = {
  name: "lg-redis-1",
  image: "dockwire/app:local",
  command: ["redis-server", "/etc/redis/redis.conf"],
  ports: [{ internal: 6379, external: 20371, ip: "0.0.0.0", protocol: "tcp" }],
  networksAdvanced: [{ name: "lg-redis", ipv4Address: "172.40.0.11" }],
  mounts: [{ type: "volume", source: "lg-redis-1-data", target: "/data" }],
  uploads: [{ file: "/etc/redis/redis.conf", content: "port 6379\n" }],
  destroyGraceSeconds: 10,
  owner: OWNER,
  running: true,
  imageId: undefined,
  startedAt: undefined,
};

const diffs: [string, Record<string, unknown>, Record<string, unknown>, DiffResult][] = [
  ["no change", STATE, NEWS, noChange],
  [
    "no change: networks and aliases in another order",
    STATE,
    { ...NEWS, networksAdvanced: [{ name: "backend" }, (NEWS.networksAdvanced as unknown[])[0]] },
    noChange,
  ],
  ["name", STATE, { ...NEWS, name: "lg-redis-2" }, replace("name")],
  ["image", STATE, { ...NEWS, image: "redis:7.4" }, replace("image")],
  ["command", STATE, { ...NEWS, command: ["redis-server", "--appendonly", "yes"] }, replace("command")],
  ["envs", STATE, { ...NEWS, envs: ["TZ=Europe/Paris"] }, replace("envs")],
  ["ports", STATE, { ...NEWS, ports: [{ internal: 6379, external: 16380, protocol: "tcp" }] }, replace("ports")],
  ["publishAllPorts", STATE, { ...NEWS, publishAllPorts: true }, replace("publishAllPorts")],
  ["networkMode", STATE, { ...NEWS, networkMode: "host" }, replace("networkMode")],
  [
    "mounts",
    STATE,
    { ...NEWS, mounts: [{ type: "volume", source: "lg-redis-1-data", target: "/data", readOnly: true }] },
    replace("mounts"),
  ],
  ["labels", STATE, { ...NEWS, labels: [{ label: "tier", value: "db" }] }, replace("labels")],
  ["hostname", STATE, { ...NEWS, hostname: "cache" }, replace("hostname")],
  ["uploads", STATE, { ...NEWS, uploads: [{ file: "/etc/redis/redis.conf", content: "port 6380\n" }] }, replace("uploads")],
  ["several, in field order", STATE, { ...NEWS, uploads: [], image: "redis:7.4", envs: [] }, replace("image", "envs", "uploads")],
  ["a field the program stopped setting replaces", STATE, { ...NEWS, command: undefined }, replace("command")],
  ["a field the program set to null replaces", STATE, { ...NEWS, labels: null }, replace("labels")],
  [
    "a changed field first, then the ones stopped",
    STATE,
    { ...NEWS, envs: ["TZ=UTC", "X=1"], command: undefined },
    replace("envs", "command"),
  ],
  ["another daemon", STATE, { ...NEWS, connection: { host: "ssh://deploy@10.0.0.6" } }, replace("connection")],
  ["another owner", STATE, { ...NEWS, owner: "dockwire-lab/prod" }, replace("owner")],
  ["a replace and an update together", STATE, { ...NEWS, image: "redis:7.4", restart: "always" }, replace("image")],
  ["a network added: update", STATE, { ...NEWS, networksAdvanced: [...(NEWS.networksAdvanced as unknown[]), { name: "metrics" }] }, update],
  [
    "an alias changed: update",
    STATE,
    { ...NEWS, networksAdvanced: [{ name: "redis-net", networkId: NET_REDIS, aliases: ["cache"] }, { name: "backend" }] },
    update,
  ],
  [
    "a network replaced under the container (new id): update",
    STATE,
    { ...NEWS, networksAdvanced: [{ ...(NEWS.networksAdvanced as AttachmentState[])[0], networkId: NET_BACKEND }, { name: "backend" }] },
    update,
  ],
  [
    "a networkId unknown at preview: update without replace",
    STATE,
    {
      ...NEWS,
      networksAdvanced: [{ name: "redis-net", networkId: UNKNOWN, aliases: ["redis"], ipv4Address: "172.38.0.11" }, { name: "backend" }],
    },
    update,
  ],
  ["stopped (running: false in the state): update", { ...STATE, running: false }, NEWS, update],
  ["the program asks it stopped: update", STATE, { ...NEWS, running: false }, update],
  ["running unset in the inputs means running", STATE, { ...NEWS, running: undefined }, noChange],
  ["restart: update", STATE, { ...NEWS, restart: "always" }, update],
  ['restart "no" and unset are the same', { ...STATE, restart: "no" }, { ...NEWS, restart: undefined }, noChange],
  ["destroyGraceSeconds: update", STATE, { ...NEWS, destroyGraceSeconds: 30 }, update],
  [
    "destroyGraceSeconds 0 and unset are the same",
    { ...STATE, destroyGraceSeconds: 0 },
    { ...NEWS, destroyGraceSeconds: undefined },
    noChange,
  ],
  [
    "a changed secret on the same daemon: update",
    STATE,
    { ...NEWS, connection: { ...TLS_HOST, tls: { ...TLS_HOST.tls, keyPem: "KEY2" } } },
    update,
  ],
  ["legacy 0.2 state that matches: update, nothing replaced", LEGACY, LEGACY_NEWS, update],
  ["legacy 0.2 state, the program sets empty envs and labels", LEGACY, { ...LEGACY_NEWS, envs: [], labels: [] }, update],
  ["legacy 0.2 state with another command", LEGACY, { ...LEGACY_NEWS, command: ["redis-server", "--port", "6380"] }, replace("command")],
  [
    "legacy 0.2 state with another image and upload",
    LEGACY,
    { ...LEGACY_NEWS, image: "redis:7.2", uploads: [{ file: "/etc/redis/redis.conf", content: "port 6380\n" }] },
    replace("image", "uploads"),
  ],
  [
    "legacy 0.2 state with a read-only mount",
    LEGACY,
    { ...LEGACY_NEWS, mounts: [{ type: "volume", source: "lg-redis-1-data", target: "/data", readOnly: true }] },
    replace("mounts"),
  ],
  [
    "legacy 0.2 state with other networks: update (made in place)",
    LEGACY,
    { ...LEGACY_NEWS, networksAdvanced: [{ name: "backend" }] },
    update,
  ],
];

for (const [title, olds, news, expected] of diffs) {
  test(`diffContainer: ${title}`, (t) => {
    t.deepEqual(diffContainer(olds, news), expected);
  });
}

// ---------------------------------------------------------------- checkContainerInputs

const nameReason = (name: unknown) => `name ${JSON.stringify(name)} is not a valid container name: use letters, digits, "_", "." and "-".`;
const IMAGE = { property: "image", reason: "image is required: an image name or id." };
const restartReason = (r: unknown) => `restart ${JSON.stringify(r)} must be "no", "on-failure", "always" or "unless-stopped".`;

const checks: [string, Record<string, unknown>, { property: string; reason: string }[]][] = [
  ["valid", { name: "lg-redis-1", image: "redis:7.2" }, []],
  ['restart "no"', { name: "a", image: "b", restart: "no" }, []],
  ['restart "on-failure"', { name: "a", image: "b", restart: "on-failure" }, []],
  ['restart "always"', { name: "a", image: "b", restart: "always" }, []],
  ['restart "unless-stopped"', { name: "a", image: "b", restart: "unless-stopped" }, []],
  ["name and image unknown at preview", { name: UNKNOWN, image: UNKNOWN }, []],
  ["an image id", { name: "a", image: IMAGE_ID }, []],
  [
    "empty name",
    { name: "", image: "redis:7.2" },
    [{ property: "name", reason: 'name "" is not a valid container name: use letters, digits, "_", "." and "-".' }],
  ],
  ["name with a leading slash", { name: "/redis", image: "redis:7.2" }, [{ property: "name", reason: nameReason("/redis") }]],
  [
    "name missing",
    { image: "redis:7.2" },
    [{ property: "name", reason: 'name undefined is not a valid container name: use letters, digits, "_", "." and "-".' }],
  ],
  ["image missing", { name: "redis" }, [IMAGE]],
  ["image empty", { name: "redis", image: "" }, [IMAGE]],
  [
    "restart unknown to Docker",
    { name: "redis", image: "redis:7.2", restart: "sometimes" },
    [{ property: "restart", reason: restartReason("sometimes") }],
  ],
  [
    "restart with a retry count",
    { name: "redis", image: "redis:7.2", restart: "on-failure:3" },
    [{ property: "restart", reason: restartReason("on-failure:3") }],
  ],
  [
    "all three",
    { name: "a b", image: "", restart: "always!" },
    [{ property: "name", reason: nameReason("a b") }, IMAGE, { property: "restart", reason: restartReason("always!") }],
  ],
];

for (const [title, news, expected] of checks) {
  test(`checkContainerInputs: ${title}`, (t) => {
    t.deepEqual(checkContainerInputs(news), expected);
  });
}
