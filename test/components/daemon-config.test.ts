import test from "ava";
import { DaemonConfig, DaemonConfigArgs, applyScript, planDaemonConfig, restoreScript } from "../../provider/host";
import { BridgeNetwork, currentAddressPlan, resetDetachedAddressPlan } from "../../provider/networks";
import { daemonScripts } from "../../provider/host/daemon-live";
import { captureResources, ofType, resolve } from "./lib/mocks";

const DYN = "pulumi-nodejs:dynamic/dockwire:DaemonConfig";
import { decodeB64Json as b64, headerValues } from "../lib/script-header";

test.beforeEach(() => resetDetachedAddressPlan());

test.serial("local: one dynamic DaemonConfig resource whose provider runs the apply and restore scripts", async (t) => {
  let dc: DaemonConfig | undefined;
  const rs = await captureResources(() => {
    dc = new DaemonConfig("docker0", { settings: { bip: "192.168.42.1/24", mtu: 1500, dns: ["114.114.114.114", "8.8.8.8"] } });
    return dc.applied;
  });
  t.deepEqual(
    rs.map((r) => [r.type, r.name]),
    [
      ["dockwire:host:DaemonConfig", "docker0"],
      [DYN, "docker0-apply"],
    ],
  );
  const [cmd] = ofType(rs, DYN);
  const managed = { bip: "192.168.42.1/24", dns: ["114.114.114.114", "8.8.8.8"], mtu: 1500 };
  const { __provider, ...spec } = cmd.inputs;
  t.regex(__provider, /host\/daemon-live/);
  t.deepEqual(spec, {
    kind: "daemon",
    managed,
    configPath: "/etc/docker/daemon.json",
    restart: { kind: "systemd", unit: "docker" },
    readiness: { timeoutSeconds: 60 },
    recordTag: "docker0",
  });
  const scripts = daemonScripts(cmd.inputs);

  const create = headerValues(scripts.create);
  t.is(create.DW_MODE, "apply");
  t.is(create.DW_CONFIG, "/etc/docker/daemon.json");
  t.is(create.DW_RESTART_KIND, "systemd");
  t.is(create.DW_UNIT, "docker");
  t.is(create.DW_TIMEOUT, "60");
  t.is(create.DW_BRIDGE_ADDR, "192.168.42.1/24");
  t.is(create.DW_RECORD, "/etc/docker/daemon.json.dockwire-docker0.json");
  t.deepEqual(b64(create.DW_MANAGED_B64), managed);
  t.true(
    scripts.create.includes(
      "DW_MANAGED_B64=eyJiaXAiOiIxOTIuMTY4LjQyLjEvMjQiLCJkbnMiOlsiMTE0LjExNC4xMTQuMTE0IiwiOC44LjguOCJdLCJtdHUiOjE1MDB9",
    ),
  );

  const del = headerValues(scripts.delete);
  t.is(del.DW_MODE, "restore");
  t.is(del.DW_CONFIG, "/etc/docker/daemon.json");
  t.is(del.DW_RECORD, "/etc/docker/daemon.json.dockwire-docker0.json");
  t.is(del.DW_PREVIOUS_B64, "");

  t.deepEqual(await resolve(dc!.applied), managed);
  t.is(await resolve(dc!.previous), undefined);
});

test.serial("remote: a connection is a secret input of the same resource; the scripts quote every value", async (t) => {
  const rs = await captureResources(() => {
    const dc = new DaemonConfig("hostb", {
      settings: { bip: "10.50.0.1/16", extra: { "log-level": "warn" } },
      connection: { host: "10.99.0.2", user: "root", privateKey: "KEY" },
      configPath: "/srv/docker/it's/daemon.json",
      restart: { kind: "command", command: "rc-service docker restart", logPath: "/var/log/docker.log" },
      readinessTimeoutSeconds: 90,
    });
    return dc.applied;
  });
  t.is(ofType(rs, "command:local:Command").length + ofType(rs, "command:remote:Command").length, 0);
  const [cmd] = ofType(rs, DYN);
  t.is(cmd.name, "hostb-apply");
  // The whole connection is secret: the mock engine sees it wrapped
  const conn = cmd.inputs.connection;
  t.is(conn["4dabf18193072939515e22adb298388d"], "1b47061264138c4ac30d75fd1eb44270");
  t.deepEqual(conn.value, { host: "10.99.0.2", user: "root", privateKey: "KEY" });
  t.deepEqual(cmd.inputs.managed, { bip: "10.50.0.1/16", "log-level": "warn" });
  t.is(cmd.inputs.configPath, "/srv/docker/it's/daemon.json");
  const scripts = daemonScripts(cmd.inputs);
  // the pieces are quoted: sh reads back the exact values
  t.true(scripts.create.includes(` 'DW_CONFIG=/srv/docker/it'"'"'s/daemon.json' `));
  t.true(scripts.create.includes(` 'DW_RESTART_CMD=rc-service docker restart' `));
  const v = headerValues(scripts.create);
  t.is(v.DW_CONFIG, "/srv/docker/it's/daemon.json");
  t.is(v.DW_RESTART_KIND, "command");
  t.is(v.DW_RESTART_CMD, "rc-service docker restart");
  t.is(v.DW_LOG_PATH, "/var/log/docker.log");
  t.is(v.DW_TIMEOUT, "90");
  t.is(v.DW_DROPIN, "");
  t.is(headerValues(scripts.delete).DW_RESTART_CMD, "rc-service docker restart");
});

test.serial("the provider's scripts for the resource's inputs are exactly the scripts the builders give", async (t) => {
  const args: DaemonConfigArgs = { settings: { hosts: ["unix:///var/run/docker.sock", "fd://"] } };
  const rs = await captureResources(() => new DaemonConfig("h", args).applied);
  const [cmd] = ofType(rs, DYN);
  const scripts = daemonScripts(cmd.inputs);
  const common = {
    configPath: "/etc/docker/daemon.json",
    restart: { kind: "systemd" as const, unit: "docker" },
    readiness: { timeoutSeconds: 60, dockerHost: "unix:///var/run/docker.sock" },
    manageHostsDropIn: undefined,
    recordTag: "h",
  };
  t.is(scripts.create, applyScript({ ...common, managed: { hosts: ["unix:///var/run/docker.sock", "fd://"] } }));
  t.is(scripts.delete, restoreScript(common));
  t.is(headerValues(scripts.create).DW_DROPIN, "/etc/systemd/system/docker.service.d/dockwire-hosts.conf");
});

test.serial("bip and the pools are claimed in the program's address plan", async (t) => {
  await captureResources(
    () =>
      new DaemonConfig("d", { settings: { bip: "192.168.42.1/24", defaultAddressPools: [{ base: "10.200.0.0/16", size: 24 }] } }).applied,
  );
  t.deepEqual(currentAddressPlan().entries(), [
    { owner: "daemon bip", subnet: "192.168.42.0/24" },
    { owner: "daemon default-address-pools[0]", subnet: "10.200.0.0/16" },
  ]);
});

const bad: [string, DaemonConfigArgs, string][] = [
  [
    "bip is the network address",
    { settings: { bip: "192.168.42.0/24" } },
    `settings.bip "192.168.42.0/24" is the network address: give the bridge's own address with its prefix, e.g. "192.168.42.1/24".`,
  ],
  [
    "plain tcp without allowInsecureTcp",
    { settings: { hosts: ["tcp://0.0.0.0:2375"] } },
    `settings.hosts[0] "tcp://0.0.0.0:2375" is plain TCP without TLS: anyone who reaches the port gets root on the host. Reach the daemon over SSH (connection) or a unix socket instead, or enable TLS with extra { tlsverify: true, tlscacert, tlscert, tlskey }, or set allowInsecureTcp: true for an isolated lab.`,
  ],
  [
    "only tcp hosts and no readiness host",
    { settings: { hosts: ["tcp://0.0.0.0:2375"] }, allowInsecureTcp: true },
    `readinessDockerHost is needed: settings.hosts lists only tcp:// addresses, so dockwire cannot tell which one the host's docker CLI should check; give it, e.g. "tcp://127.0.0.1:2376", or add a unix:// entry to hosts.`,
  ],
  [
    "timeout out of range",
    { settings: { mtu: 1500 }, readinessTimeoutSeconds: 0 },
    "readinessTimeoutSeconds must be a whole number of seconds from 1 to 3600, got 0.",
  ],
  [
    "relative config path",
    { settings: { mtu: 1500 }, configPath: "daemon.json" },
    `configPath "daemon.json" must be an absolute file path such as "/etc/docker/daemon.json".`,
  ],
  [
    "mtu the daemon would refuse",
    { settings: { mtu: -5 } },
    "settings.mtu must be a whole number from 68 (the IPv4 minimum) to 65535 (the largest IP packet), got -5; 1500 is the usual Ethernet value.",
  ],
];

for (const [title, args, message] of bad) {
  test.serial(`bad input throws before any resource is registered: ${title}`, async (t) => {
    let error: Error | undefined;
    const rs = await captureResources(() => {
      try {
        new DaemonConfig("bad", args);
      } catch (e) {
        error = e as Error;
      }
    });
    t.is(error?.message, `dockwire:host:DaemonConfig "bad": ${message}`);
    t.deepEqual(rs, []);
    t.deepEqual(currentAddressPlan().entries(), []);
  });
}

test.serial("an overlap with a program network is refused before registering", async (t) => {
  currentAddressPlan().register('network "app"', "192.168.0.0/16");
  let error: Error | undefined;
  const rs = await captureResources(() => {
    try {
      new DaemonConfig("d", { settings: { bip: "192.168.42.1/24" } });
    } catch (e) {
      error = e as Error;
    }
  });
  t.is(
    error?.message,
    `dockwire:host:DaemonConfig "d": settings.bip 192.168.42.0/24 of daemon bip overlaps 192.168.0.0/16 of network "app": choose a range that does not overlap.`,
  );
  t.deepEqual(rs, []);
});

test.serial("planDaemonConfig: readiness follows hosts", (t) => {
  resetDetachedAddressPlan();
  const p = planDaemonConfig("x", { settings: { hosts: ["tcp://10.0.0.5:2376", "unix:///run/d.sock"], extra: { tlsverify: true } } });
  t.is(headerValues(p.create).DW_DOCKER_HOST, "unix:///run/d.sock");
  const q = planDaemonConfig("x", { settings: { hosts: ["fd://"] } });
  t.is(headerValues(q.create).DW_DOCKER_HOST, "");
});

test.serial("a network declared after a DaemonConfig cannot take the daemon's bip range", async (t) => {
  let error: Error | undefined;
  const rs = await captureResources(() => {
    new DaemonConfig("docker0", { settings: { bip: "172.26.0.1/16" } });
    try {
      new BridgeNetwork("mybr0", { subnet: "172.26.0.0/16", gateway: "172.26.0.1" });
    } catch (e) {
      error = e as Error;
    }
  });
  t.is(
    error?.message,
    'dockwire:networks:BridgeNetwork "mybr0": subnet 172.26.0.0/16 of network "mybr0" overlaps 172.26.0.0/16 of daemon bip: choose a range that does not overlap, e.g. the next free /16: 172.27.0.0/16.',
  );
  t.deepEqual(
    rs.map((r) => r.name),
    ["docker0", "docker0-apply"],
  );
});
