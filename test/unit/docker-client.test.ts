import test from "ava";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import {
  DEFAULT_TIMEOUT_MS,
  DockerApiError,
  EngineConnection,
  daemonMessage,
  defaultHost,
  dockerFor,
  envConnection,
  explain,
  hostOf,
  statusOf,
} from "../../provider/docker/client";
import { EndpointError } from "../../provider/host/endpoint";

// ---------------------------------------------------------------- the environment, saved and restored

const ENV_KEYS = ["DOCKER_HOST", "DOCKER_CERT_PATH", "DOCKER_TLS_VERIFY", "DOCKWIRE_ALLOW_INSECURE"] as const;

/** Runs `fn` with exactly `env` for the Docker variables, then puts the old values back. */
function withEnv<T>(env: Partial<Record<(typeof ENV_KEYS)[number], string>>, fn: () => T): T {
  const saved = ENV_KEYS.map((k) => [k, process.env[k]] as const);
  for (const k of ENV_KEYS) {
    if (env[k] === undefined) delete process.env[k];
    else process.env[k] = env[k];
  }
  try {
    return fn();
  } finally {
    for (const [k, v] of saved) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
}

// ---------------------------------------------------------------- daemonMessage

/** An error as dockerode (docker-modem) makes it for an HTTP error status. */
function modemError(statusCode: number, reason: string, json: unknown, text: string): Error {
  return Object.assign(new Error(`(HTTP code ${statusCode}) ${reason} - ${text} `), { reason, statusCode, json });
}

/** A socket error of node. */
function sysError(code: string, message: string): Error {
  return Object.assign(new Error(message), { code, errno: -1, syscall: "connect" });
}

const messages: [string, unknown, string][] = [
  [
    "json object (the daemon's message)",
    modemError(409, "unexpected", { message: "network with name redis already exists" }, "network with name redis already exists"),
    "network with name redis already exists",
  ],
  [
    "json string holding json",
    modemError(404, "no such container", '{"message":"No such container: lg-redis-9"}\n', "No such container: lg-redis-9"),
    "No such container: lg-redis-9",
  ],
  [
    "json string that is not json (a proxy's page), trimmed",
    modemError(502, "bad gateway", "  Bad Gateway\n", "Bad Gateway"),
    "Bad Gateway",
  ],
  [
    "json string holding json without a message",
    modemError(500, "server error", '{"error":"x"}', "x"),
    "(HTTP code 500) server error - x ",
  ],
  ["blank json string", modemError(500, "server error", "  ", ""), "(HTTP code 500) server error -  "],
  ["json object without a message", modemError(500, "server error", { cause: "x" }, "x"), "(HTTP code 500) server error - x "],
  ["json null", modemError(500, "server error", null, "boom"), "(HTTP code 500) server error - boom "],
  ["plain error", new Error("socket hang up"), "socket hang up"],
  ["a thrown string", "oops", "oops"],
];

for (const [title, e, expected] of messages) {
  test(`daemonMessage: ${title}`, (t) => {
    t.is(daemonMessage(e), expected);
  });
}

test("statusOf: the HTTP status of a dockerode error, if any", (t) => {
  t.is(statusOf(modemError(404, "no such network", { message: "network x not found" }, "")), 404);
  t.is(statusOf(new Error("socket hang up")), undefined);
  t.is(statusOf(Object.assign(new Error("x"), { statusCode: "409" })), undefined);
});

// ---------------------------------------------------------------- explain

const SOCK = "unix:///var/run/docker.sock";
const TCP = "tcp://10.0.0.5:2376";
const SSH = "ssh://deploy@10.0.0.6";
const UNREACHABLE = (code: string, what: string, host: string) =>
  `dockwire: ${what} on ${host} failed (${code}): no Docker daemon answers at ${host}; start it, or point DOCKER_HOST / the DockerHost at a running daemon`;
const ADOPT = ": an object of that name exists already on the daemon; remove it, give this one another name, or adopt the existing one";
const TLS_HINT = ": TLS failed; check the DockerHost's tls.caPem, certPem and keyPem against the daemon's certificate";
const SSH_HINT = ": SSH failed; check the user, the key (sshPrivateKey or the agent) and, when pinned, the host key";
const TIMEOUT_HINT = ": the daemon did not answer in time; check that it is up and reachable, then run again";

const explained: [string, unknown, string, string, string, number | undefined][] = [
  [
    "no socket (ENOENT)",
    sysError("ENOENT", "connect ENOENT /var/run/docker.sock"),
    'creating network "redis"',
    SOCK,
    UNREACHABLE("ENOENT", 'creating network "redis"', SOCK),
    undefined,
  ],
  [
    "nothing listening (ECONNREFUSED)",
    sysError("ECONNREFUSED", "connect ECONNREFUSED 10.0.0.5:2376"),
    "listing networks",
    TCP,
    UNREACHABLE("ECONNREFUSED", "listing networks", TCP),
    undefined,
  ],
  [
    "socket not readable (EACCES)",
    sysError("EACCES", "connect EACCES /var/run/docker.sock"),
    'inspecting container "web"',
    SOCK,
    UNREACHABLE("EACCES", 'inspecting container "web"', SOCK),
    undefined,
  ],
  [
    "a name taken (409): the adopt hint",
    modemError(409, "unexpected", { message: "network with name redis already exists" }, "network with name redis already exists"),
    'creating network "redis"',
    SOCK,
    `dockwire: creating network "redis" on ${SOCK} failed: network with name redis already exists${ADOPT}`,
    409,
  ],
  [
    "a container name taken (409)",
    modemError(
      409,
      "unexpected",
      {
        message:
          'Conflict. The container name "/lg-redis-1" is already in use by container "54ed2e8ddde8". You have to remove (or rename) that container to be able to reuse that name.',
      },
      "Conflict.",
    ),
    'creating container "lg-redis-1"',
    SOCK,
    `dockwire: creating container "lg-redis-1" on ${SOCK} failed: Conflict. The container name "/lg-redis-1" is already in use by container "54ed2e8ddde8". You have to remove (or rename) that container to be able to reuse that name.${ADOPT}`,
    409,
  ],
  [
    "a certificate the client does not trust: the tls hint",
    sysError("SELF_SIGNED_CERT_IN_CHAIN", "self-signed certificate in certificate chain"),
    "listing networks",
    TCP,
    `dockwire: listing networks on ${TCP} failed: self-signed certificate in certificate chain${TLS_HINT}`,
    undefined,
  ],
  [
    "a TLS error code alone: the tls hint",
    sysError("ERR_TLS_CERT_ALTNAME_INVALID", "Hostname/IP does not match the altnames: IP: 10.0.0.5 is not in the list: 10.0.0.6"),
    "listing networks",
    TCP,
    `dockwire: listing networks on ${TCP} failed: Hostname/IP does not match the altnames: IP: 10.0.0.5 is not in the list: 10.0.0.6${TLS_HINT}`,
    undefined,
  ],
  [
    "https to a plain port (EPROTO): the tls hint",
    sysError("EPROTO", "write EPROTO 00A8B1F1:error:0A00010B:SSL routines:ssl3_get_record:wrong version number"),
    "listing networks",
    TCP,
    `dockwire: listing networks on ${TCP} failed: write EPROTO 00A8B1F1:error:0A00010B:SSL routines:ssl3_get_record:wrong version number${TLS_HINT}`,
    undefined,
  ],
  [
    "ssh key refused: the ssh hint",
    new Error("All configured authentication methods failed"),
    "reading the swarm state",
    SSH,
    `dockwire: reading the swarm state on ${SSH} failed: All configured authentication methods failed${SSH_HINT}`,
    undefined,
  ],
  [
    "a timeout: the timeout hint",
    sysError("ETIMEDOUT", "connect ETIMEDOUT 10.0.0.5:2376"),
    "listing networks",
    TCP,
    `dockwire: listing networks on ${TCP} failed: connect ETIMEDOUT 10.0.0.5:2376${TIMEOUT_HINT}`,
    undefined,
  ],
  [
    "a connection reset: the timeout hint",
    sysError("ECONNRESET", "read ECONNRESET"),
    "listing networks",
    TCP,
    `dockwire: listing networks on ${TCP} failed: read ECONNRESET${TIMEOUT_HINT}`,
    undefined,
  ],
  [
    "not found (404): the daemon's message, no hint",
    modemError(404, "no such image", { message: "No such image: redis:7.9" }, "No such image: redis:7.9"),
    'inspecting image "redis:7.9"',
    SOCK,
    `dockwire: inspecting image "redis:7.9" on ${SOCK} failed: No such image: redis:7.9`,
    404,
  ],
  [
    "a server error (500): the daemon's message, no hint",
    modemError(500, "server error", { message: "failed to create endpoint lg-redis-1 on network redis: Address already in use" }, "x"),
    'starting container "lg-redis-1"',
    SOCK,
    `dockwire: starting container "lg-redis-1" on ${SOCK} failed: failed to create endpoint lg-redis-1 on network redis: Address already in use`,
    500,
  ],
];

for (const [title, e, what, host, message, status] of explained) {
  test(`explain: ${title}`, (t) => {
    const x = explain(e, what, host);
    t.true(x instanceof DockerApiError);
    t.is(x.name, "DockerApiError");
    t.is(x.message, message);
    t.is(x.statusCode, status);
  });
}

test("explain: an error explained already passes through", (t) => {
  const first = explain(sysError("ENOENT", "connect ENOENT /var/run/docker.sock"), "listing networks", SOCK);
  t.is(explain(first, "creating network", TCP), first);
});

// A 409 is a name conflict whatever words the object's name holds ("ssl-edge", "tls-proxy"):
// the status is looked at before the transport-error patterns.
test("explain: a 409 for a network named ssl-edge gets the adopt hint", (t) => {
  const e = modemError(
    409,
    "unexpected",
    { message: "network with name ssl-edge already exists" },
    "network with name ssl-edge already exists",
  );
  t.is(
    explain(e, 'creating network "ssl-edge"', SOCK).message,
    `dockwire: creating network "ssl-edge" on ${SOCK} failed: network with name ssl-edge already exists${ADOPT}`,
  );
});

// ---------------------------------------------------------------- envConnection, defaultHost, hostOf

/** A DOCKER_CERT_PATH folder with the three files the docker CLI reads. */
function certFolder(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "dockwire-certs-"));
  fs.writeFileSync(path.join(dir, "ca.pem"), "-----BEGIN CERTIFICATE-----\nCA\n-----END CERTIFICATE-----\n");
  fs.writeFileSync(path.join(dir, "cert.pem"), "-----BEGIN CERTIFICATE-----\nCLIENT\n-----END CERTIFICATE-----\n");
  fs.writeFileSync(path.join(dir, "key.pem"), "-----BEGIN PRIVATE KEY-----\nKEY\n-----END PRIVATE KEY-----\n");
  return dir;
}

const TLS_FILES = {
  caPem: "-----BEGIN CERTIFICATE-----\nCA\n-----END CERTIFICATE-----\n",
  certPem: "-----BEGIN CERTIFICATE-----\nCLIENT\n-----END CERTIFICATE-----\n",
  keyPem: "-----BEGIN PRIVATE KEY-----\nKEY\n-----END PRIVATE KEY-----\n",
};

const CERTS = "<certs>"; // replaced by the temporary folder

const envCases: [string, Partial<Record<(typeof ENV_KEYS)[number], string>>, EngineConnection][] = [
  ["DOCKER_HOST unset: the default socket", {}, { host: "unix:///var/run/docker.sock" }],
  ["DOCKER_HOST empty: the default socket", { DOCKER_HOST: "" }, { host: "unix:///var/run/docker.sock" }],
  ["a rootless socket", { DOCKER_HOST: "unix:///run/user/1000/docker.sock" }, { host: "unix:///run/user/1000/docker.sock" }],
  ["ssh", { DOCKER_HOST: "ssh://deploy@10.0.0.6" }, { host: "ssh://deploy@10.0.0.6" }],
  [
    "plain tcp without certificates and without consent: no allowInsecure",
    { DOCKER_HOST: "tcp://10.0.0.5:2375" },
    { host: "tcp://10.0.0.5:2375" },
  ],
  [
    "plain tcp with DOCKWIRE_ALLOW_INSECURE=1",
    { DOCKER_HOST: "tcp://10.0.0.5:2375", DOCKWIRE_ALLOW_INSECURE: "1" },
    { host: "tcp://10.0.0.5:2375", allowInsecure: true },
  ],
  [
    "DOCKWIRE_ALLOW_INSECURE other than 1 is no consent",
    { DOCKER_HOST: "tcp://10.0.0.5:2375", DOCKWIRE_ALLOW_INSECURE: "true" },
    { host: "tcp://10.0.0.5:2375" },
  ],
  [
    "tcp with DOCKER_CERT_PATH: the tls material read",
    { DOCKER_HOST: "tcp://10.0.0.5:2376", DOCKER_CERT_PATH: CERTS },
    { host: "tcp://10.0.0.5:2376", tls: TLS_FILES },
  ],
  [
    "tcp with DOCKER_CERT_PATH and DOCKWIRE_ALLOW_INSECURE=1: tls, no allowInsecure",
    { DOCKER_HOST: "tcp://10.0.0.5:2376", DOCKER_CERT_PATH: CERTS, DOCKWIRE_ALLOW_INSECURE: "1" },
    { host: "tcp://10.0.0.5:2376", tls: TLS_FILES },
  ],
  [
    "a socket with DOCKER_CERT_PATH: the certificates are not read",
    { DOCKER_HOST: "unix:///var/run/docker.sock", DOCKER_CERT_PATH: CERTS },
    { host: "unix:///var/run/docker.sock" },
  ],
  ["DOCKER_CERT_PATH alone: the default socket", { DOCKER_CERT_PATH: CERTS }, { host: "unix:///var/run/docker.sock" }],
];

for (const [title, env, expected] of envCases) {
  test.serial(`envConnection: ${title}`, (t) => {
    const certs = certFolder();
    t.teardown(() => fs.rmSync(certs, { recursive: true, force: true }));
    const resolved = Object.fromEntries(Object.entries(env).map(([k, v]) => [k, v === CERTS ? certs : v]));
    t.deepEqual(
      withEnv(resolved, () => envConnection()),
      expected,
    );
  });
}

test.serial("envConnection: the environment is put back after each case", (t) => {
  const before = ENV_KEYS.map((k) => process.env[k]);
  withEnv({ DOCKER_HOST: "tcp://10.0.0.5:2375", DOCKWIRE_ALLOW_INSECURE: "1" }, () => envConnection());
  t.deepEqual(
    ENV_KEYS.map((k) => process.env[k]),
    before,
  );
});

test.serial("defaultHost and hostOf", (t) => {
  withEnv({}, () => {
    t.is(defaultHost(), "unix:///var/run/docker.sock");
    t.is(hostOf(undefined), "unix:///var/run/docker.sock");
    t.is(hostOf({ host: "ssh://deploy@10.0.0.6" }), "ssh://deploy@10.0.0.6");
  });
  withEnv({ DOCKER_HOST: "tcp://10.0.0.5:2376" }, () => {
    t.is(defaultHost(), "tcp://10.0.0.5:2376");
    t.is(hostOf(undefined), "tcp://10.0.0.5:2376");
    t.is(hostOf({ host: "unix:///run/docker.sock" }), "unix:///run/docker.sock");
  });
});

// ---------------------------------------------------------------- dockerFor

const plainTcp = (field: string, url: string) =>
  `${field} ${JSON.stringify(url)} is plain TCP without TLS: anyone who reaches the port gets root on that host. ` +
  `Add tls { caPem, certPem, keyPem } and use port 2376, use "ssh://USER@HOST", or set allowInsecure: true for a lab you control.`;

const refusals: [string, Partial<Record<(typeof ENV_KEYS)[number], string>>, EngineConnection | undefined, string, string][] = [
  ["plain tcp:// without allowInsecure", {}, { host: "tcp://10.0.0.5:2375" }, "host", plainTcp("host", "tcp://10.0.0.5:2375")],
  ["plain tcp:// without a port", {}, { host: "tcp://docker-lab" }, "host", plainTcp("host", "tcp://docker-lab")],
  [
    "plain tcp:// from DOCKER_HOST names DOCKER_HOST",
    { DOCKER_HOST: "tcp://10.0.0.5:2375" },
    undefined,
    "DOCKER_HOST",
    plainTcp("DOCKER_HOST", "tcp://10.0.0.5:2375"),
  ],
  [
    "the TLS port without tls material",
    {},
    { host: "tcp://10.0.0.5:2376", allowInsecure: true },
    "tls",
    `host "tcp://10.0.0.5:2376" uses port 2376, Docker's TLS port, but no tls material is given: add tls { caPem, certPem, keyPem }.`,
  ],
  [
    "tls material for a socket",
    {},
    { host: "unix:///var/run/docker.sock", tls: TLS_FILES },
    "tls",
    'tls is given but host "unix:///var/run/docker.sock" is a unix socket: drop tls, or use "tcp://HOST:2376".',
  ],
];

for (const [title, env, conn, field, message] of refusals) {
  test.serial(`dockerFor refuses ${title}`, (t) => {
    const e = withEnv(env, () => t.throws(() => dockerFor(conn), { instanceOf: EndpointError }));
    t.is(e?.message, message);
    t.is((e as EndpointError | undefined)?.field, field);
  });
}

/** What the tests read of a dockerode client's modem. */
function modemOf(conn: EngineConnection | undefined) {
  const m = dockerFor(conn).modem as unknown as Record<string, unknown>;
  return {
    socketPath: m.socketPath,
    host: m.host,
    port: m.port,
    protocol: m.protocol,
    timeout: m.timeout,
    ...(m.ca !== undefined ? { ca: m.ca, cert: m.cert, key: m.key } : {}),
    ...(m.username !== undefined ? { username: m.username } : {}),
  };
}

test.serial("dockerFor: a socket", (t) => {
  withEnv({}, () => {
    t.deepEqual(modemOf({ host: "unix:///tmp/dockwire-unit-a.sock" }), {
      socketPath: "/tmp/dockwire-unit-a.sock",
      host: undefined,
      port: undefined,
      protocol: "http",
      timeout: DEFAULT_TIMEOUT_MS,
    });
  });
});

test.serial("dockerFor: plain tcp with allowInsecure", (t) => {
  withEnv({}, () => {
    t.deepEqual(modemOf({ host: "tcp://10.0.0.5:2375", allowInsecure: true }), {
      socketPath: undefined,
      host: "10.0.0.5",
      port: 2375,
      protocol: "http",
      timeout: 60_000,
    });
  });
});

test.serial("dockerFor: tcp with tls, default port 2376", (t) => {
  withEnv({}, () => {
    t.deepEqual(modemOf({ host: "tcp://docker-lab.example.com", tls: TLS_FILES }), {
      socketPath: undefined,
      host: "docker-lab.example.com",
      port: 2376,
      protocol: "https",
      timeout: 60_000,
      ca: TLS_FILES.caPem,
      cert: TLS_FILES.certPem,
      key: TLS_FILES.keyPem,
    });
  });
});

test.serial("dockerFor: ssh, no request timeout", (t) => {
  withEnv({}, () => {
    t.deepEqual(modemOf({ host: "ssh://deploy@10.0.0.6:2222", sshPrivateKey: "KEY" }), {
      socketPath: undefined,
      host: "10.0.0.6",
      port: 2222,
      protocol: "ssh",
      timeout: undefined,
      username: "deploy",
    });
  });
});

test.serial("dockerFor: one client per connection, cached", (t) => {
  withEnv({}, () => {
    const a = dockerFor({ host: "unix:///tmp/dockwire-unit-cache-a.sock" });
    t.is(dockerFor({ host: "unix:///tmp/dockwire-unit-cache-a.sock" }), a);
    const b = dockerFor({ host: "unix:///tmp/dockwire-unit-cache-b.sock" });
    t.not(b, a);
    t.is(dockerFor({ host: "unix:///tmp/dockwire-unit-cache-b.sock" }), b);
    // Same host, other secrets: another client.
    const tls1 = dockerFor({ host: "tcp://10.0.0.5:2376", tls: TLS_FILES });
    const tls2 = dockerFor({ host: "tcp://10.0.0.5:2376", tls: { ...TLS_FILES, keyPem: "OTHER" } });
    t.not(tls2, tls1);
    t.is(dockerFor({ host: "tcp://10.0.0.5:2376", tls: TLS_FILES }), tls1);
  });
});

test.serial("dockerFor: no connection is the environment's, the same client as that connection given", (t) => {
  withEnv({ DOCKER_HOST: "unix:///tmp/dockwire-unit-env.sock" }, () => {
    const env = dockerFor(undefined);
    t.is((env.modem as unknown as { socketPath: string }).socketPath, "/tmp/dockwire-unit-env.sock");
    t.is(dockerFor(undefined), env);
    t.is(dockerFor({ host: "unix:///tmp/dockwire-unit-env.sock" }), env);
  });
});

// dockerode's modem fills what it is not given from the environment (DOCKER_HOST,
// DOCKER_CERT_PATH, ...): dockerFor gives every option, so a unix connection stays on its
// socket when DOCKER_HOST names a tcp:// or ssh:// daemon.
test("dockerFor: an explicit socket is used whatever DOCKER_HOST says", (t) => {
  withEnv({ DOCKER_HOST: "tcp://10.0.0.5:2376" }, () => {
    // Where it connects: the socket, over plain HTTP; no host.
    const { socketPath, host, protocol } = modemOf({ host: "unix:///tmp/dockwire-unit-explicit.sock" });
    t.deepEqual({ socketPath, host, protocol }, { socketPath: "/tmp/dockwire-unit-explicit.sock", host: undefined, protocol: "http" });
  });
});
