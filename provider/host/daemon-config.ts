/**
 * `DaemonConfig`: managed keys of a Docker host's daemon.json, applied with a
 * restart that is verified and rolled back when the daemon refuses the change.
 *
 * @module
 */

import * as pulumi from "@pulumi/pulumi";
import { shimProvider } from "../dynamic";
import type { SshConnectionArgs } from "../netns/components";
import { AddressPlan } from "../ipam";
import { currentAddressPlan, validated } from "../networks/network";
import { ReadinessOptions, RestartStrategy, applyScript, restoreScript } from "./daemon-apply";
import { DaemonConfigError, DaemonSettings, PreviousRecord, compactJson, toDaemonJsonKeys, validateDaemonSettings } from "./daemon-json";

/** The Pulumi type token of {@link DaemonConfig}. */
export const DAEMON_CONFIG_TYPE = "dockwire:host:DaemonConfig";

/** Arguments of {@link DaemonConfig}. */
export interface DaemonConfigArgs {
  /**
   * The daemon.json settings to manage (plain values, validated at construction, so
   * mistakes show at preview): `bip`, `fixedCidr`, `mtu`, `dns`, `dnsSearch`,
   * `defaultAddressPools`, `hosts`, and any other key in `extra`. Keys not listed
   * here are never touched. Required.
   *
   * Update: in place, one daemon restart: the new values are merged and keys no longer
   * managed get their previous values back (from the host's record). A value edited by
   * hand on the host shows after `pulumi refresh` as a change of `managed.KEY`, and `up`
   * puts the managed value back.
   */
  settings: DaemonSettings;
  /**
   * Path of daemon.json on the Docker host. Default `/etc/docker/daemon.json`.
   * Update: a change replaces the resource (the old file is restored, the new one
   * applied).
   */
  configPath?: string;
  /**
   * How the daemon is restarted after a change. Default `{ kind: "systemd", unit: "docker" }`
   * (`systemctl restart docker`; errors from `journalctl -u docker`); or
   * `{ kind: "command", command, logPath? }` for any restart command.
   * Update: in place; the apply script runs again, finds the file already right and
   * does not restart the daemon.
   */
  restart?: RestartStrategy;
  /**
   * SSH connection to the Docker host: when given, the scripts run there over the system
   * OpenSSH client (see the netns components' `connection`; kept in the state as a
   * secret); otherwise on the machine running Pulumi. Default: local.
   * Update: a change of user, host or port replaces the resource (restore on the old
   * host, apply on the new one); other fields update in place.
   */
  connection?: pulumi.Input<SshConnectionArgs>;
  /**
   * Accept plain-TCP `tcp://` entries in `settings.hosts` without TLS
   * (`extra.tlsverify: true`). Default false: plain TCP is unauthenticated root access
   * to the host, acceptable only in an isolated lab. Update: validation only.
   */
  allowInsecureTcp?: boolean;
  /**
   * Bound, in seconds, of the restart and, separately, of the wait until the daemon
   * answers (and docker0 has the new bip). Default 60; 1..3600.
   * Update: in place, no restart.
   */
  readinessTimeoutSeconds?: number;
  /**
   * DOCKER_HOST the readiness check (`docker info` on the host) uses. Default: the first
   * `unix://` entry of `settings.hosts`, else the CLI's default socket (also for `fd://`);
   * required when `hosts` lists only `tcp://` addresses. Update: in place, no restart.
   */
  readinessDockerHost?: string;
  /**
   * With the systemd restart and `settings.hosts`, write the drop-in
   * `/etc/systemd/system/UNIT.service.d/dockwire-hosts.conf` that clears `-H` from
   * ExecStart (dockerd refuses hosts given both as a flag and in daemon.json), and
   * remove it on delete. Default true. Update: in place.
   */
  manageHostsDropIn?: boolean;
  /**
   * The address plan bip's network and the default address pools are claimed in
   * (owners `daemon bip`, `daemon default-address-pools[i]`), so networks of the same
   * program cannot overlap them. Default: the program-wide plan.
   */
  plan?: AddressPlan;
}

/** Everything {@link DaemonConfig} derives from its arguments, without registering anything. */
export interface DaemonConfigPlan {
  /** The canonical settings. */
  settings: DaemonSettings;
  /** The managed daemon.json keys and values (sorted). */
  managed: Record<string, unknown>;
  /** `managed` as compact canonical JSON: the trigger. */
  managedJson: string;
  /** daemon.json path. */
  configPath: string;
  /** The apply (create) script. */
  create: string;
  /** The restore (delete) script. */
  delete: string;
  /** The Command's triggers: `[managedJson, configPath]` (kept for callers of the plan). */
  triggers: string[];
  /** The inputs of the dynamic resource, without the connection. */
  spec: Record<string, unknown>;
}

function readinessHost(args: DaemonConfigArgs, settings: DaemonSettings): string | undefined {
  if (args.readinessDockerHost !== undefined) return args.readinessDockerHost;
  const hosts = settings.hosts;
  if (hosts === undefined) return undefined;
  const unix = hosts.find((h) => h.startsWith("unix://"));
  if (unix !== undefined) return unix;
  if (hosts.some((h) => h.startsWith("fd://"))) return undefined;
  throw new DaemonConfigError(
    "readinessDockerHost",
    `readinessDockerHost is needed: settings.hosts lists only tcp:// addresses, so dockwire cannot tell which one the host's ` +
      `docker CLI should check; give it, e.g. "tcp://127.0.0.1:2376", or add a unix:// entry to hosts.`,
  );
}

/**
 * Validate `args` and build the scripts, exactly as {@link DaemonConfig} does, without
 * registering anything (bip and the pools are claimed in the plan, as there).
 * @throws DaemonConfigError or IpamError, message starting with the field path.
 */
export function planDaemonConfig(name: string, args: DaemonConfigArgs): DaemonConfigPlan {
  if (args === null || typeof args !== "object") {
    throw new DaemonConfigError("args", `args must be an object with at least settings, e.g. { settings: { bip: "192.168.42.1/24" } }.`);
  }
  const t = args.readinessTimeoutSeconds ?? 60;
  if (typeof t !== "number" || !Number.isInteger(t) || t < 1 || t > 3600) {
    throw new DaemonConfigError(
      "readinessTimeoutSeconds",
      `readinessTimeoutSeconds must be a whole number of seconds from 1 to 3600, got ${String(t)}.`,
    );
  }
  const configPath = args.configPath ?? "/etc/docker/daemon.json";
  const restart: RestartStrategy = args.restart ?? { kind: "systemd", unit: "docker" };
  // Everything that can fail without side effects first; the plan registration last.
  const scratch = validateDaemonSettings(args.settings, "settings", { allowInsecureTcp: args.allowInsecureTcp });
  const readiness: ReadinessOptions = { timeoutSeconds: t, dockerHost: readinessHost(args, scratch) };
  const managed = toDaemonJsonKeys(scratch);
  const recordTag = name.replace(/[^A-Za-z0-9_.-]/g, "_").slice(0, 64) || "default";
  const common = { configPath, restart, readiness, manageHostsDropIn: args.manageHostsDropIn, recordTag };
  const create = applyScript({ ...common, managed });
  const del = restoreScript(common);
  const settings = validateDaemonSettings(args.settings, "settings", {
    allowInsecureTcp: args.allowInsecureTcp,
    plan: args.plan ?? currentAddressPlan(),
  });
  const managedJson = compactJson(managed);
  const spec = {
    kind: "daemon",
    managed,
    configPath,
    restart,
    readiness: { timeoutSeconds: t, ...(readiness.dockerHost === undefined ? {} : { dockerHost: readiness.dockerHost }) },
    ...(args.manageHostsDropIn === undefined ? {} : { manageHostsDropIn: args.manageHostsDropIn }),
    recordTag,
  };
  return { settings, managed, managedJson, configPath, create, delete: del, triggers: [managedJson, configPath], spec };
}

/**
 * Managed keys of a Docker host's daemon.json (seed 003: `bip`, `mtu`, `dns`,
 * `hosts`, ...), applied by one `command.local.Command` or `command.remote.Command`
 * named `NAME-apply`:
 *
 * - create runs {@link applyScript}: merge the keys into the file (others kept), back
 *   it up, restart the daemon, wait until it answers and docker0 has the new bip; on
 *   failure restore the file byte for byte, restart, and fail with the daemon's own
 *   error. It prints `DOCKWIRE_PREVIOUS={...}`, the values the keys had before.
 * - delete runs {@link restoreScript}: put those previous values back with the same
 *   safety.
 *
 * Settings are validated at construction, before any resource is registered; errors
 * name the component and the field path, e.g. `dockwire:host:DaemonConfig "docker0":
 * settings.bip "192.168.42.0/24" is the network
 * address: give the bridge's own address with its prefix, e.g. "192.168.42.1/24".`
 *
 * Requirements on the host: sh, coreutils, python3, the docker CLI (see `./daemon-apply`).
 */
export class DaemonConfig extends pulumi.ComponentResource {
  /** The managed daemon.json keys and values, as the host has them after the last up or refresh. */
  public readonly applied: pulumi.Output<Record<string, unknown>>;
  /**
   * What the managed keys held before dockwire set them (`managed` keys; `previous`
   * values of those that were set), as printed by the apply script; undefined before
   * the first apply or when the output has no record.
   */
  public readonly previous: pulumi.Output<PreviousRecord | undefined>;
  /** The dynamic resource (`NAME-apply`) that applies, reads back and restores the file. */
  public readonly resource: pulumi.dynamic.Resource;

  constructor(name: string, args: DaemonConfigArgs, opts?: pulumi.ComponentResourceOptions) {
    const plan = validated(DAEMON_CONFIG_TYPE, name, () => planDaemonConfig(name, args));
    super(DAEMON_CONFIG_TYPE, name, {}, opts);
    daemonProvider ??= shimProvider("host/daemon-live");
    const inputs: Record<string, pulumi.Input<unknown>> = { ...plan.spec, previous: undefined };
    if (args.connection !== undefined) inputs.connection = pulumi.secret(args.connection);
    this.resource = new DaemonConfigResource(daemonProvider, `${name}-apply`, inputs, {
      parent: this,
      ...(args.connection !== undefined ? { additionalSecretOutputs: ["connection"] } : {}),
      // Before 0.2 this was a @pulumi/command Command of the same name (see the README's upgrade notes).
      aliases: [{ type: args.connection !== undefined ? "command:remote:Command" : "command:local:Command" }],
    });
    const outputs = this.resource as unknown as {
      managed: pulumi.Output<Record<string, unknown>>;
      previous: pulumi.Output<PreviousRecord | undefined>;
    };
    this.applied = outputs.managed;
    this.previous = outputs.previous;
    this.registerOutputs({ applied: this.applied, previous: this.previous });
  }
}

let daemonProvider: pulumi.dynamic.ResourceProvider | undefined;

/** The child of {@link DaemonConfig}: type `pulumi-nodejs:dynamic/dockwire:DaemonConfig`. */
export class DaemonConfigResource extends pulumi.dynamic.Resource {
  /** The managed keys as the host has them. */
  declare public readonly managed: pulumi.Output<Record<string, unknown>>;
  /** The record of previous values the apply printed. */
  declare public readonly previous: pulumi.Output<PreviousRecord | undefined>;
  /**
   * @param provider the shim provider
   * @param name the resource name
   * @param inputs the spec, `previous: undefined` (so the output is declared) and the connection
   * @param opts resource options
   */
  constructor(provider: pulumi.dynamic.ResourceProvider, name: string, inputs: pulumi.Inputs, opts: pulumi.CustomResourceOptions) {
    super(provider, name, inputs, opts, "dockwire", "DaemonConfig");
  }
}
