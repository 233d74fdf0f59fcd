import type { NetworkSpec } from "../../../provider/networks";

/**
 * `docker network create` arguments for a dockwire NetworkSpec: the same request the
 * docker provider makes through the API, spelled for the CLI. Used to check, against the
 * real daemon, that the specs dockwire's components register are accepted and read back
 * as declared.
 */
export function networkCreateArgs(spec: NetworkSpec): string[] {
  const args = ["network", "create", "--driver", spec.driver];
  for (const p of spec.ipamConfigs ?? []) {
    args.push("--subnet", p.subnet, "--gateway", p.gateway);
    if (p.ipRange) args.push("--ip-range", p.ipRange);
    for (const [k, v] of Object.entries(p.auxAddress ?? {})) args.push("--aux-address", `${k}=${v}`);
  }
  if (spec.ipv6) args.push("--ipv6");
  if (spec.internal) args.push("--internal");
  if (spec.attachable) args.push("--attachable");
  for (const [k, v] of Object.entries(spec.options ?? {})) args.push("--opt", v === "" ? k : `${k}=${v}`);
  for (const l of spec.labels ?? []) args.push("--label", `${l.label}=${l.value}`);
  args.push(spec.name);
  return args;
}

/** `docker run -p` value for one normalized binding (the request the provider makes, as CLI). */
export function publishFlag(p: { internal: number; external?: number; ip: string; protocol: string }): string {
  const ip = p.ip.includes(":") ? `[${p.ip}]` : p.ip;
  return `${ip}:${p.external ?? ""}:${p.internal}/${p.protocol}`;
}

/** The subset of docker.Container inputs dockwire's components register. */
export interface ContainerInputs {
  name: string;
  image: string;
  command?: string[];
  envs?: string[];
  ports?: { internal: number; external?: number; ip: string; protocol: string }[];
  networksAdvanced?: { name: string; aliases?: string[]; ipv4Address?: string; ipv6Address?: string }[];
  networkMode?: string;
  mounts?: { type: string; source?: string; target: string; readOnly?: boolean }[];
  uploads?: { file: string; content: string }[];
  restart?: string;
}

/**
 * `docker create` arguments for registered docker.Container inputs (uploads are written
 * with `docker cp` before start, as the provider does). Only the first network is given to
 * `docker create`; further ones need `docker network connect` (see {@link extraNetworks}).
 */
export function containerCreateArgs(c: ContainerInputs): string[] {
  const args = ["create", "--name", c.name];
  for (const e of c.envs ?? []) args.push("-e", e);
  for (const p of c.ports ?? []) args.push("-p", publishFlag(p));
  const [first] = c.networksAdvanced ?? [];
  if (first) {
    args.push("--network", first.name);
    for (const a of first.aliases ?? []) args.push("--network-alias", a);
    if (first.ipv4Address) args.push("--ip", first.ipv4Address);
    if (first.ipv6Address) args.push("--ip6", first.ipv6Address);
  } else if (c.networkMode) {
    args.push("--network", c.networkMode);
  }
  for (const m of c.mounts ?? []) {
    args.push(
      "--mount",
      [`type=${m.type}`, m.source ? `source=${m.source}` : "", `target=${m.target}`, m.readOnly ? "readonly" : ""]
        .filter(Boolean)
        .join(","),
    );
  }
  if (c.restart) args.push("--restart", c.restart);
  args.push(c.image, ...(c.command ?? []));
  return args;
}
