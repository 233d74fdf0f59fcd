import test from "ava";
import { DiffResult, UNKNOWN } from "../../provider/docker/common";
import { checkExecInputs, diffExec } from "../../provider/docker/exec-live";
import { IMAGE_FIELDS, checkImageInputs, diffImage } from "../../provider/docker/image-live";
import { checkSwarmInputs, diffSwarm } from "../../provider/docker/swarm-live";
import { VOLUME_FIELDS, checkVolumeInputs, diffVolume } from "../../provider/docker/volume-live";

const OWNER = "dockwire-lab/dev";
const SOCKET = { host: "unix:///var/run/docker.sock" };
const TLS_HOST = { host: "tcp://10.0.0.5:2376", tls: { caPem: "CA1", certPem: "CERT1", keyPem: "KEY1" } };
const TLS_HOST_NEW_KEY = { ...TLS_HOST, tls: { ...TLS_HOST.tls, certPem: "CERT2", keyPem: "KEY2" } };
const SSH_HOST = {
  host: "ssh://deploy@10.0.0.6",
  sshPrivateKey: "-----BEGIN OPENSSH PRIVATE KEY-----\nAAAA\n-----END OPENSSH PRIVATE KEY-----\n",
};

type Failure = { property: string; reason: string };

// ---------------------------------------------------------------- volume

test("the fields that define a volume", (t) => {
  t.deepEqual([...VOLUME_FIELDS], ["name", "driver", "driverOpts", "labels"]);
});

const VOLUME_NEWS: Record<string, unknown> = { name: "lg-redis-1-data", owner: OWNER, mountpoint: undefined, connection: TLS_HOST };
const VOLUME_STATE: Record<string, unknown> = {
  name: "lg-redis-1-data",
  driver: "local",
  owner: OWNER,
  connection: TLS_HOST,
  mountpoint: "/var/lib/docker/volumes/lg-redis-1-data/_data",
  stateVersion: 1,
};

/** A docker.Volume state of @pulumi/docker 4.11.2 (dockwire 0.2), as the checkpoint holds it. */
const LEGACY_VOLUME: Record<string, unknown> = {
  __meta: '{"schema_version":"1"}',
  __pulumi_raw_state_delta: { obj: { ps: { cluster: { plu: { i: {} } }, labels: { arr: {} } } } },
  cluster: null,
  driver: "local",
  driverOpts: null,
  id: "lg-redis-1-data",
  labels: [],
  mountpoint: "/var/lib/dockwire/volumes/lg-redis-1-data/_data",
  name: "lg-redis-1-data",
};

const volumeDiffs: [string, Record<string, unknown>, Record<string, unknown>, DiffResult][] = [
  ["no change", VOLUME_STATE, VOLUME_NEWS, { changes: false, replaces: [], deleteBeforeReplace: true }],
  [
    'driver "local" given or not',
    VOLUME_STATE,
    { ...VOLUME_NEWS, driver: "local" },
    { changes: false, replaces: [], deleteBeforeReplace: true },
  ],
  [
    "empty driver options and labels given or not",
    { ...VOLUME_STATE, driverOpts: {}, labels: [] },
    VOLUME_NEWS,
    { changes: false, replaces: [], deleteBeforeReplace: true },
  ],
  ["name", VOLUME_STATE, { ...VOLUME_NEWS, name: "lg-redis-2-data" }, { changes: true, replaces: ["name"], deleteBeforeReplace: true }],
  ["driver", VOLUME_STATE, { ...VOLUME_NEWS, driver: "nfs" }, { changes: true, replaces: ["driver"], deleteBeforeReplace: true }],
  [
    "driver options",
    VOLUME_STATE,
    { ...VOLUME_NEWS, driverOpts: { type: "tmpfs", device: "tmpfs", o: "size=64m" } },
    { changes: true, replaces: ["driverOpts"], deleteBeforeReplace: true },
  ],
  [
    "driver options dropped",
    { ...VOLUME_STATE, driverOpts: { type: "tmpfs" } },
    VOLUME_NEWS,
    { changes: true, replaces: ["driverOpts"], deleteBeforeReplace: true },
  ],
  [
    "labels",
    VOLUME_STATE,
    { ...VOLUME_NEWS, labels: [{ label: "backup", value: "daily" }] },
    { changes: true, replaces: ["labels"], deleteBeforeReplace: true },
  ],
  [
    "labels dropped",
    { ...VOLUME_STATE, labels: [{ label: "backup", value: "daily" }] },
    VOLUME_NEWS,
    { changes: true, replaces: ["labels"], deleteBeforeReplace: true },
  ],
  [
    "another daemon",
    VOLUME_STATE,
    { ...VOLUME_NEWS, connection: SSH_HOST },
    { changes: true, replaces: ["connection"], deleteBeforeReplace: true },
  ],
  [
    "a changed secret on the same daemon: update, no replace",
    VOLUME_STATE,
    { ...VOLUME_NEWS, connection: TLS_HOST_NEW_KEY },
    { changes: true, replaces: [], deleteBeforeReplace: true },
  ],
  [
    "legacy 0.2 state that matches: update",
    LEGACY_VOLUME,
    { name: "lg-redis-1-data", owner: OWNER, mountpoint: undefined },
    { changes: true, replaces: [], deleteBeforeReplace: true },
  ],
  [
    "legacy 0.2 state, the program gives the default driver and no options",
    LEGACY_VOLUME,
    { name: "lg-redis-1-data", driver: "local", driverOpts: {}, owner: OWNER },
    { changes: true, replaces: [], deleteBeforeReplace: true },
  ],
  [
    "legacy 0.2 state with another driver and options",
    LEGACY_VOLUME,
    { name: "lg-redis-1-data", driver: "nfs", driverOpts: { o: "addr=10.0.0.9" }, owner: OWNER },
    { changes: true, replaces: ["driver", "driverOpts"], deleteBeforeReplace: true },
  ],
];

for (const [title, olds, news, expected] of volumeDiffs) {
  test(`diffVolume: ${title}`, (t) => {
    t.deepEqual(diffVolume(olds, news), expected);
  });
}

const volumeChecks: [string, Record<string, unknown>, Failure[]][] = [
  ["valid", { name: "lg-redis-1-data" }, []],
  ["two characters", { name: "ab" }, []],
  [
    "one character",
    { name: "a" },
    [{ property: "name", reason: 'name "a" is not a valid volume name: use at least two of letters, digits, "_", "." and "-".' }],
  ],
  [
    "a slash",
    { name: "data/redis" },
    [{ property: "name", reason: 'name "data/redis" is not a valid volume name: use at least two of letters, digits, "_", "." and "-".' }],
  ],
  [
    "missing",
    {},
    [{ property: "name", reason: 'name undefined is not a valid volume name: use at least two of letters, digits, "_", "." and "-".' }],
  ],
];

for (const [title, news, expected] of volumeChecks) {
  test(`checkVolumeInputs: ${title}`, (t) => {
    t.deepEqual(checkVolumeInputs(news), expected);
  });
}

// ---------------------------------------------------------------- image

test("the fields that build an image again", (t) => {
  t.deepEqual([...IMAGE_FIELDS], ["name", "dockerfile", "buildArgs", "contextDigest"]);
});

const DIGEST = "sha256:e0b0287a8594755fe5cbca672368b69974cebe67df553fe9a86ea09965748ab6";
const OTHER_DIGEST = "sha256:0f9a41c1a3c7e1f1b8a2f2e0d9c8b7a6f5e4d3c2b1a0f9e8d7c6b5a4f3e2d1c0";
const IMAGE_ID = "sha256:3b3c0f5b2a6a1c6f7e8d9a0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d";

const IMAGE_NEWS: Record<string, unknown> = {
  name: "dockwire/app:local",
  context: "/home/lab/dockwire/images/app",
  contextDigest: DIGEST,
  imageId: undefined,
  connection: TLS_HOST,
};
const IMAGE_STATE: Record<string, unknown> = { ...IMAGE_NEWS, imageId: IMAGE_ID, stateVersion: 1 };

/** dockwire 0.2's build command (a command:local:Command): stdout is the image id, the first trigger the digest. */
const LEGACY_BUILD: Record<string, unknown> = {
  create: "bash /home/lab/dockwire/provider/sh/image-build.sh",
  delete: "bash /home/lab/dockwire/provider/sh/image-remove.sh",
  dir: "/home/lab/dockwire/images/app",
  environment: { DOCKWIRE_IMAGE_NAME: "dockwire/app:local", DOCKWIRE_DOCKERFILE: "Dockerfile" },
  triggers: [DIGEST, "Dockerfile", "{}"],
  stdout: IMAGE_ID,
  stderr: "",
};

const imageDiffs: [string, Record<string, unknown>, Record<string, unknown>, DiffResult][] = [
  ["no change", IMAGE_STATE, IMAGE_NEWS, { changes: false, replaces: [], deleteBeforeReplace: false }],
  [
    "the default Dockerfile given or not is no change",
    IMAGE_STATE,
    { ...IMAGE_NEWS, dockerfile: "Dockerfile" },
    { changes: false, replaces: [], deleteBeforeReplace: false },
  ],
  [
    "the default Dockerfile in the state, none in the inputs",
    { ...IMAGE_STATE, dockerfile: "Dockerfile" },
    IMAGE_NEWS,
    { changes: false, replaces: [], deleteBeforeReplace: false },
  ],
  [
    "empty build arguments given or not",
    IMAGE_STATE,
    { ...IMAGE_NEWS, buildArgs: {} },
    { changes: false, replaces: [], deleteBeforeReplace: false },
  ],
  [
    "another context folder with the same digest is no change",
    IMAGE_STATE,
    { ...IMAGE_NEWS, context: "/builds/ci/dockwire/images/app" },
    { changes: false, replaces: [], deleteBeforeReplace: false },
  ],
  ["name", IMAGE_STATE, { ...IMAGE_NEWS, name: "dockwire/app:v2" }, { changes: true, replaces: ["name"], deleteBeforeReplace: false }],
  [
    "another Dockerfile",
    IMAGE_STATE,
    { ...IMAGE_NEWS, dockerfile: "Dockerfile.prod" },
    { changes: true, replaces: ["dockerfile"], deleteBeforeReplace: false },
  ],
  [
    "back to the default Dockerfile",
    { ...IMAGE_STATE, dockerfile: "Dockerfile.prod" },
    IMAGE_NEWS,
    { changes: true, replaces: ["dockerfile"], deleteBeforeReplace: false },
  ],
  [
    "build arguments",
    IMAGE_STATE,
    { ...IMAGE_NEWS, buildArgs: { VERSION: "1.2" } },
    { changes: true, replaces: ["buildArgs"], deleteBeforeReplace: false },
  ],
  [
    "build arguments dropped",
    { ...IMAGE_STATE, buildArgs: { VERSION: "1.2" } },
    IMAGE_NEWS,
    { changes: true, replaces: ["buildArgs"], deleteBeforeReplace: false },
  ],
  [
    "context digest",
    IMAGE_STATE,
    { ...IMAGE_NEWS, contextDigest: OTHER_DIGEST },
    { changes: true, replaces: ["contextDigest"], deleteBeforeReplace: false },
  ],
  [
    "another daemon",
    IMAGE_STATE,
    { ...IMAGE_NEWS, connection: SOCKET },
    { changes: true, replaces: ["connection"], deleteBeforeReplace: false },
  ],
  [
    "a changed secret on the same daemon: update",
    IMAGE_STATE,
    { ...IMAGE_NEWS, connection: TLS_HOST_NEW_KEY },
    { changes: true, replaces: [], deleteBeforeReplace: false },
  ],
  [
    "legacy 0.2 build with the same context digest in its triggers: update",
    LEGACY_BUILD,
    IMAGE_NEWS,
    { changes: true, replaces: [], deleteBeforeReplace: false },
  ],
  [
    "legacy 0.2 build of another context",
    LEGACY_BUILD,
    { ...IMAGE_NEWS, contextDigest: OTHER_DIGEST },
    { changes: true, replaces: ["contextDigest"], deleteBeforeReplace: false },
  ],
  [
    "legacy 0.2 build whose stdout is not an image id",
    { ...LEGACY_BUILD, stdout: "Successfully built 3b3c0f5b2a6a" },
    IMAGE_NEWS,
    { changes: true, replaces: ["contextDigest"], deleteBeforeReplace: false },
  ],
  [
    "legacy 0.2 build without triggers",
    { ...LEGACY_BUILD, triggers: undefined },
    IMAGE_NEWS,
    { changes: true, replaces: ["contextDigest"], deleteBeforeReplace: false },
  ],
];

for (const [title, olds, news, expected] of imageDiffs) {
  test(`diffImage: ${title}`, (t) => {
    t.deepEqual(diffImage(olds, news), expected);
  });
}

const imageNameReason = (n: unknown) =>
  `name ${JSON.stringify(n)} is not an image name: use lowercase "repo/name:tag", e.g. "local/app:dev".`;
const contextReason = (c: unknown) => `context ${JSON.stringify(c)} must be the absolute path of the build folder.`;

const imageChecks: [string, Record<string, unknown>, Failure[]][] = [
  ["valid", { name: "dockwire/app:local", context: "/srv/app" }, []],
  ["no tag", { name: "local/app", context: "/srv/app" }, []],
  ["uppercase", { name: "Local/App:dev", context: "/srv/app" }, [{ property: "name", reason: imageNameReason("Local/App:dev") }]],
  ["empty tag", { name: "local/app:", context: "/srv/app" }, [{ property: "name", reason: imageNameReason("local/app:") }]],
  ["relative context", { name: "local/app:dev", context: "images/app" }, [{ property: "context", reason: contextReason("images/app") }]],
  [
    "both missing",
    {},
    [
      { property: "name", reason: 'name undefined is not an image name: use lowercase "repo/name:tag", e.g. "local/app:dev".' },
      { property: "context", reason: "context undefined must be the absolute path of the build folder." },
    ],
  ],
];

for (const [title, news, expected] of imageChecks) {
  test(`checkImageInputs: ${title}`, (t) => {
    t.deepEqual(checkImageInputs(news), expected);
  });
}

// ---------------------------------------------------------------- exec

const EXEC_NEWS: Record<string, unknown> = {
  container: "lg-redis-1",
  command: ["redis-cli", "--cluster", "create", "172.38.0.11:6379", "172.38.0.12:6379", "--cluster-yes"],
  environment: { REDISCLI_AUTH: "secret" },
  triggers: ["54ed2e8ddde898e5101860c38d0b242e7d43288529b4e895302644df720947aa"],
  timeoutSeconds: 120,
  stdout: undefined,
  stderr: undefined,
  connection: TLS_HOST,
};
const EXEC_STATE: Record<string, unknown> = { ...EXEC_NEWS, stdout: ">>> Performing hash slots allocation", stderr: "", stateVersion: 1 };

const execDiffs: [string, Record<string, unknown>, Record<string, unknown>, DiffResult][] = [
  ["no change", EXEC_STATE, EXEC_NEWS, { changes: false, replaces: [], deleteBeforeReplace: false }],
  [
    "timeout changed only: no run",
    EXEC_STATE,
    { ...EXEC_NEWS, timeoutSeconds: 600 },
    { changes: false, replaces: [], deleteBeforeReplace: false },
  ],
  [
    "container: run again in place",
    EXEC_STATE,
    { ...EXEC_NEWS, container: "lg-redis-2" },
    { changes: true, replaces: [], deleteBeforeReplace: false },
  ],
  ["command", EXEC_STATE, { ...EXEC_NEWS, command: ["redis-cli", "ping"] }, { changes: true, replaces: [], deleteBeforeReplace: false }],
  [
    "environment",
    EXEC_STATE,
    { ...EXEC_NEWS, environment: { REDISCLI_AUTH: "other" } },
    { changes: true, replaces: [], deleteBeforeReplace: false },
  ],
  [
    "environment dropped",
    EXEC_STATE,
    { ...EXEC_NEWS, environment: undefined },
    { changes: true, replaces: [], deleteBeforeReplace: false },
  ],
  [
    "triggers",
    EXEC_STATE,
    { ...EXEC_NEWS, triggers: ["another-container-id"] },
    { changes: true, replaces: [], deleteBeforeReplace: false },
  ],
  [
    "a trigger unknown at preview",
    EXEC_STATE,
    { ...EXEC_NEWS, triggers: [UNKNOWN] },
    { changes: true, replaces: [], deleteBeforeReplace: false },
  ],
  [
    "the command unknown at preview",
    EXEC_STATE,
    { ...EXEC_NEWS, command: UNKNOWN },
    { changes: true, replaces: [], deleteBeforeReplace: false },
  ],
  [
    "environment key order is not a change",
    { ...EXEC_STATE, environment: { A: "1", B: "2" } },
    { ...EXEC_NEWS, environment: { B: "2", A: "1" } },
    { changes: false, replaces: [], deleteBeforeReplace: false },
  ],
  [
    "another daemon",
    EXEC_STATE,
    { ...EXEC_NEWS, connection: SSH_HOST },
    { changes: true, replaces: ["connection"], deleteBeforeReplace: false },
  ],
  [
    "from the environment's daemon to an explicit one",
    { ...EXEC_STATE, connection: undefined },
    EXEC_NEWS,
    { changes: true, replaces: ["connection"], deleteBeforeReplace: false },
  ],
  [
    "a changed secret on the same daemon does not run it again",
    EXEC_STATE,
    { ...EXEC_NEWS, connection: TLS_HOST_NEW_KEY },
    { changes: false, replaces: [], deleteBeforeReplace: false },
  ],
];

for (const [title, olds, news, expected] of execDiffs) {
  test(`diffExec: ${title}`, (t) => {
    t.deepEqual(diffExec(olds, news), expected);
  });
}

const CONTAINER = { property: "container", reason: "container is required: the name or id of a running container." };
const COMMAND = {
  property: "command",
  reason: 'command must be a non-empty list of strings, e.g. ["redis-cli", "ping"] (no shell: pass ["sh", "-c", SCRIPT] for one).',
};
const timeoutReason = (v: unknown) => `timeoutSeconds ${JSON.stringify(v)} must be a whole number from 1 to 3600.`;

const execChecks: [string, Record<string, unknown>, Failure[]][] = [
  ["valid", { container: "lg-redis-1", command: ["redis-cli", "ping"] }, []],
  ["timeout 1", { container: "c", command: ["true"], timeoutSeconds: 1 }, []],
  ["timeout 3600", { container: "c", command: ["true"], timeoutSeconds: 3600 }, []],
  ["the command unknown at preview", { container: "c", command: UNKNOWN }, []],
  ["an argument unknown at preview", { container: "c", command: ["redis-cli", "-h", UNKNOWN, "ping"] }, []],
  ["container missing", { command: ["true"] }, [CONTAINER]],
  ["container empty", { container: "", command: ["true"] }, [CONTAINER]],
  ["command missing", { container: "c" }, [COMMAND]],
  ["command empty", { container: "c", command: [] }, [COMMAND]],
  ["command a string (no shell)", { container: "c", command: "redis-cli ping" }, [COMMAND]],
  ["command with a number", { container: "c", command: ["sleep", 5] }, [COMMAND]],
  ["timeout 0", { container: "c", command: ["true"], timeoutSeconds: 0 }, [{ property: "timeoutSeconds", reason: timeoutReason(0) }]],
  [
    "timeout 3601",
    { container: "c", command: ["true"], timeoutSeconds: 3601 },
    [{ property: "timeoutSeconds", reason: timeoutReason(3601) }],
  ],
  ["timeout 1.5", { container: "c", command: ["true"], timeoutSeconds: 1.5 }, [{ property: "timeoutSeconds", reason: timeoutReason(1.5) }]],
  [
    "timeout a string",
    { container: "c", command: ["true"], timeoutSeconds: "30" },
    [{ property: "timeoutSeconds", reason: 'timeoutSeconds "30" must be a whole number from 1 to 3600.' }],
  ],
  [
    "all three",
    { container: 7, command: [], timeoutSeconds: -1 },
    [CONTAINER, COMMAND, { property: "timeoutSeconds", reason: timeoutReason(-1) }],
  ],
];

for (const [title, news, expected] of execChecks) {
  test(`checkExecInputs: ${title}`, (t) => {
    t.deepEqual(checkExecInputs(news), expected);
  });
}

// ---------------------------------------------------------------- swarm

const MANAGER_NEWS: Record<string, unknown> = {
  role: "manager",
  advertiseAddr: "10.99.0.1",
  nodeId: undefined,
  workerToken: undefined,
  madeByUs: undefined,
  connection: TLS_HOST,
};
const MANAGER_STATE: Record<string, unknown> = {
  ...MANAGER_NEWS,
  nodeId: "q2m8x0rj6c1w5v3n7b9k4d2f8",
  madeByUs: true,
  workerToken: "SWMTKN-1-3pu6hszjas19xyp7ghgosyx9k8atbfcr8p2is99znpy26u2lkl-1awxwuwd3z9j1z3puu7rcgdbx",
  swarmId: "ktdy1nq5wnxbxz5q6d0u8v3rq",
  stateVersion: 1,
};
const WORKER_NEWS: Record<string, unknown> = {
  role: "worker",
  managerAddr: "10.99.0.1",
  advertiseAddr: "10.99.0.2",
  joinToken: "SWMTKN-1-3pu6hszjas19xyp7ghgosyx9k8atbfcr8p2is99znpy26u2lkl-1awxwuwd3z9j1z3puu7rcgdbx",
  connection: SSH_HOST,
};
const WORKER_STATE: Record<string, unknown> = { ...WORKER_NEWS, nodeId: "7v2c9w1k3m5x8z0q4r6t8y2u4", madeByUs: true, stateVersion: 1 };

/** dockwire 0.2's swarm command (a command:local:Command). */
const LEGACY_SWARM: Record<string, unknown> = {
  create: "bash /home/lab/dockwire/provider/sh/swarm-init.sh",
  delete: "bash /home/lab/dockwire/provider/sh/swarm-leave.sh",
  environment: { DOCKWIRE_ADVERTISE_ADDR: "10.99.0.1" },
  stdout: "q2m8x0rj6c1w5v3n7b9k4d2f8",
  stderr: "dockwire: this resource made the daemon a swarm member",
};

const swarmDiffs: [string, Record<string, unknown>, Record<string, unknown>, DiffResult][] = [
  ["manager: no change", MANAGER_STATE, MANAGER_NEWS, { changes: false, replaces: [], deleteBeforeReplace: true }],
  ["worker: no change", WORKER_STATE, WORKER_NEWS, { changes: false, replaces: [], deleteBeforeReplace: true }],
  ["role", MANAGER_STATE, { ...MANAGER_NEWS, role: "worker" }, { changes: true, replaces: ["role"], deleteBeforeReplace: true }],
  [
    "advertise address",
    MANAGER_STATE,
    { ...MANAGER_NEWS, advertiseAddr: "10.99.0.10" },
    { changes: true, replaces: ["advertiseAddr"], deleteBeforeReplace: true },
  ],
  [
    "listen address given",
    MANAGER_STATE,
    { ...MANAGER_NEWS, listenAddr: "10.99.0.1:2377" },
    { changes: true, replaces: ["listenAddr"], deleteBeforeReplace: true },
  ],
  [
    "manager address",
    WORKER_STATE,
    { ...WORKER_NEWS, managerAddr: "10.99.0.3" },
    { changes: true, replaces: ["managerAddr"], deleteBeforeReplace: true },
  ],
  [
    "worker advertise address dropped",
    WORKER_STATE,
    { ...WORKER_NEWS, advertiseAddr: undefined },
    { changes: true, replaces: ["advertiseAddr"], deleteBeforeReplace: true },
  ],
  [
    "role and addresses, in that order",
    WORKER_STATE,
    { ...MANAGER_NEWS, connection: SSH_HOST },
    { changes: true, replaces: ["role", "advertiseAddr", "managerAddr"], deleteBeforeReplace: true },
  ],
  [
    "another daemon",
    MANAGER_STATE,
    { ...MANAGER_NEWS, connection: SOCKET },
    { changes: true, replaces: ["connection"], deleteBeforeReplace: true },
  ],
  ["legacy 0.2 command: update (taken over)", LEGACY_SWARM, MANAGER_NEWS, { changes: true, replaces: [], deleteBeforeReplace: true }],
  [
    "legacy 0.2 command, whatever the inputs",
    LEGACY_SWARM,
    { ...WORKER_NEWS, connection: SOCKET },
    { changes: true, replaces: [], deleteBeforeReplace: true },
  ],
];

for (const [title, olds, news, expected] of swarmDiffs) {
  test(`diffSwarm: ${title}`, (t) => {
    t.deepEqual(diffSwarm(olds, news), expected);
  });
}

// Rotated key material for the same daemon is an update without replace, so that refresh and
// delete (swarm leave) use the new material, as for networks, volumes and images.
test("diffSwarm: a changed secret on the same daemon is an update without replace", (t) => {
  t.deepEqual(diffSwarm(MANAGER_STATE, { ...MANAGER_NEWS, connection: TLS_HOST_NEW_KEY }), {
    changes: true,
    replaces: [],
    deleteBeforeReplace: true,
  });
});

const ROLE = { property: "role", reason: 'role must be "manager" or "worker".' };
const MANAGER_ADDR = { property: "managerAddr", reason: "managerAddr is required for a worker: the manager's advertise address." };
const addrReason = (f: string, v: unknown) => ({
  property: f,
  reason: `${f} ${JSON.stringify(v)} is not an IP address, e.g. "10.99.0.1".`,
});

const swarmChecks: [string, Record<string, unknown>, Failure[]][] = [
  ["manager", { role: "manager", advertiseAddr: "10.99.0.1" }, []],
  ["manager without an advertise address", { role: "manager" }, []],
  ["manager on IPv6", { role: "manager", advertiseAddr: "fd00:99::1" }, []],
  ["worker", { role: "worker", managerAddr: "10.99.0.1", advertiseAddr: "10.99.0.2", joinToken: "SWMTKN-1-x" }, []],
  ["no role", {}, [ROLE]],
  ["another role", { role: "leader", advertiseAddr: "10.99.0.1" }, [ROLE]],
  ["advertise address not an IP", { role: "manager", advertiseAddr: "10.99.0" }, [addrReason("advertiseAddr", "10.99.0")]],
  ["advertise address with a port", { role: "manager", advertiseAddr: "10.99.0.1:2377" }, [addrReason("advertiseAddr", "10.99.0.1:2377")]],
  ["advertise address a host name", { role: "manager", advertiseAddr: "swarm-1.lab" }, [addrReason("advertiseAddr", "swarm-1.lab")]],
  ["advertise address a number", { role: "manager", advertiseAddr: 10 }, [addrReason("advertiseAddr", 10)]],
  ["worker without the manager's address", { role: "worker", joinToken: "SWMTKN-1-x" }, [MANAGER_ADDR]],
  [
    "worker with a bad manager address",
    { role: "worker", managerAddr: "manager.lab", joinToken: "SWMTKN-1-x" },
    [addrReason("managerAddr", "manager.lab")],
  ],
  [
    "every failure, in order",
    { role: "worker", advertiseAddr: "x", managerAddr: undefined },
    [addrReason("advertiseAddr", "x"), MANAGER_ADDR],
  ],
  ["a bad role and address", { role: "boss", advertiseAddr: "256.1.1.1" }, [ROLE, addrReason("advertiseAddr", "256.1.1.1")]],
];

for (const [title, news, expected] of swarmChecks) {
  test(`checkSwarmInputs: ${title}`, (t) => {
    t.deepEqual(checkSwarmInputs(news), expected);
  });
}
