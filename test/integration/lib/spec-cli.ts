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
