/**
 * Canonical Docker IPAM pools: one pool is what `docker network create` takes as
 * `--subnet`, `--gateway`, `--ip-range` and `--aux-address`.
 *
 * Pure module: no Pulumi, no I/O. Failures are {@link IpamError}s whose message
 * starts with the field path, names the bad value and gives the fix.
 *
 * @module
 */

import {
  Cidr,
  IpFamily,
  IpamError,
  cidrContains,
  cidrContainsCidr,
  cidrsOverlap,
  familyName,
  firstHost,
  formatCidr,
  formatIp,
  lastAddress,
  parseCidr,
  parseIp,
  quoteValue,
} from "./cidr";

/** One IPAM pool as written by the user. Addresses may be in any valid (non-canonical) form. */
export interface AddressConfigInput {
  /** The pool's subnet in CIDR form, e.g. `10.10.0.0/16`. Must not have host bits set. */
  subnet: string;
  /** The gateway address; defaults to the first host of the subnet (e.g. `10.10.0.1`). */
  gateway?: string;
  /** A sub-range of the subnet that Docker allocates container addresses from. */
  ipRange?: string;
  /** Named addresses Docker must not hand out (`--aux-address NAME=ADDR`). */
  auxAddresses?: Record<string, string>;
}

/**
 * One validated IPAM pool in canonical text (RFC 5952 for IPv6). Optional keys
 * are omitted, never `undefined`, and `auxAddresses` keys are sorted, so two
 * equivalent pools are deep-equal.
 */
export interface AddressConfig {
  /** 4 or 6, the family of every address in the pool. */
  family: IpFamily;
  /** Canonical subnet, e.g. `10.10.0.0/16`. */
  subnet: string;
  /** Canonical gateway, explicit or defaulted to the subnet's first host. */
  gateway: string;
  /** Canonical allocation range, present only when given. */
  ipRange?: string;
  /** Canonical auxiliary addresses keyed by name (sorted), present only when non-empty. */
  auxAddresses?: Record<string, string>;
}

const AUX_NAME = /^[A-Za-z0-9_.-]+$/;

/** IPv4 broadcast address of a block, or undefined for IPv6 (which has none). */
function broadcastOf(subnet: Cidr): bigint | undefined {
  return subnet.family === 4 ? lastAddress(subnet) : undefined;
}

/**
 * Parse an address that must be a host address of `subnet`. `orFix` is appended
 * to each fix (e.g. `, or omit gateway to use 10.10.0.1`).
 */
function parseHostAddress(text: string, subnet: Cidr, field: string, orFix: string): bigint {
  const quoted = quoteValue(text);
  const s = formatCidr(subnet);
  const ip = parseIp(text);
  if (ip === undefined) {
    throw new IpamError(field, `${field} ${quoted} is not a valid IP address: use an address inside ${s}${orFix}.`);
  }
  if (ip.family !== subnet.family) {
    throw new IpamError(
      field,
      `${field} ${quoted} is an ${familyName(ip.family)} address but subnet ${s} is ${familyName(subnet.family)}: ` +
        `use an ${familyName(subnet.family)} address inside it${orFix}.`,
    );
  }
  if (!cidrContains(subnet, ip.family, ip.value)) {
    throw new IpamError(field, `${field} ${quoted} is outside subnet ${s}: pick an address inside it${orFix}.`);
  }
  if (ip.value === subnet.network) {
    throw new IpamError(field, `${field} ${quoted} is the network address of subnet ${s}: pick a host address inside it${orFix}.`);
  }
  if (ip.value === broadcastOf(subnet)) {
    throw new IpamError(field, `${field} ${quoted} is the broadcast address of subnet ${s}: pick a host address inside it${orFix}.`);
  }
  return ip.value;
}

/**
 * Parse the subnet and require room for a network address, a gateway and at
 * least one container: IPv4 prefix at most 30, IPv6 prefix at most 126.
 */
function parseSubnet(text: string, field: string): Cidr {
  const subnet = parseCidr(text, field);
  const max = subnet.family === 4 ? 30 : 126;
  if (subnet.prefix > max) {
    throw new IpamError(
      field,
      `${field} ${quoteValue(text)} is too small for a Docker network: it needs room for a gateway and at least one container; ` +
        `use a prefix length of at most ${max}.`,
    );
  }
  return subnet;
}

function checkGateway(text: string | undefined, subnet: Cidr, field: string): bigint {
  const fallback = firstHost(subnet);
  if (text === undefined) return fallback;
  return parseHostAddress(text, subnet, field, `, or omit gateway to use ${formatIp(subnet.family, fallback)}`);
}

function checkIpRange(text: string, subnet: Cidr, field: string): string {
  const range = parseCidr(text, field);
  const s = formatCidr(subnet);
  const quoted = quoteValue(text);
  const omit = "or omit ipRange to allocate from the whole subnet";
  if (range.family !== subnet.family) {
    throw new IpamError(
      field,
      `${field} ${quoted} is ${familyName(range.family)} but subnet ${s} is ${familyName(subnet.family)}: ` +
        `use an ${familyName(subnet.family)} range inside it, ${omit}.`,
    );
  }
  if (!cidrContainsCidr(subnet, range)) {
    throw new IpamError(field, `${field} ${quoted} is not inside subnet ${s}: use a range inside it, ${omit}.`);
  }
  return formatCidr(range);
}

function checkAuxName(name: string, field: string): void {
  if (!AUX_NAME.test(name)) {
    throw new IpamError(
      field,
      `${field} key ${quoteValue(name)} is not a valid name: use a non-empty name made of letters, digits, "_", "." and "-".`,
    );
  }
}

function checkAuxAddresses(
  aux: Record<string, string> | undefined,
  subnet: Cidr,
  gateway: bigint,
  field: string,
): Record<string, string> | undefined {
  if (aux === undefined) return undefined;
  const names = Object.keys(aux).sort();
  if (names.length === 0) return undefined;
  const s = formatCidr(subnet);
  const seen = new Map<bigint, string>();
  const result: [string, string][] = [];
  for (const name of names) {
    checkAuxName(name, field);
    const f = `${field}.${name}`;
    const quoted = quoteValue(aux[name]);
    const value = parseHostAddress(aux[name], subnet, f, "");
    if (value === gateway) {
      throw new IpamError(f, `${f} ${quoted} is the gateway of subnet ${s}: pick another address inside it, or move the gateway.`);
    }
    const other = seen.get(value);
    if (other !== undefined) {
      throw new IpamError(f, `${f} ${quoted} is also used by ${field}.${other}: give each auxiliary address its own address.`);
    }
    seen.set(value, name);
    result.push([name, formatIp(subnet.family, value)]);
  }
  // fromEntries defines own properties, so even a name like "__proto__" survives.
  return Object.fromEntries(result);
}

/**
 * Validate one IPAM pool and return it in canonical form.
 *
 * Rules: `subnet` is a valid CIDR without host bits, at most /30 (IPv4) or /126
 * (IPv6); `gateway` defaults to the subnet's first host and must be an address
 * of the same family inside the subnet, not its network address nor (IPv4) its
 * broadcast address; `ipRange` is a CIDR of the same family inside the subnet,
 * without host bits; each aux address is a host address of the subnet (as for
 * the gateway), distinct from the gateway and from every other aux address, and
 * each aux name is non-empty and matches `/^[A-Za-z0-9_.-]+$/`.
 *
 * Field paths are `FIELD.subnet`, `FIELD.gateway`, `FIELD.ipRange`,
 * `FIELD.auxAddresses` (bad names) and `FIELD.auxAddresses.NAME`. Message
 * formats (V is the JSON-quoted value, S the canonical subnet, GW the default gateway):
 * - subnet: see {@link parseCidr}, plus
 *   `FIELD.subnet V is too small for a Docker network: it needs room for a gateway and at least one container; use a prefix length of at most 30.` (126 for IPv6)
 * - gateway (OR = `, or omit gateway to use GW`) and aux addresses (OR empty):
 *   - `F V is not a valid IP address: use an address inside S OR.`
 *   - `F V is an IPv6 address but subnet S is IPv4: use an IPv4 address inside it OR.`
 *   - `F V is outside subnet S: pick an address inside it OR.`
 *   - `F V is the network address of subnet S: pick a host address inside it OR.`
 *   - `F V is the broadcast address of subnet S: pick a host address inside it OR.`
 * - ipRange: see {@link parseCidr}, plus
 *   - `FIELD.ipRange V is IPv6 but subnet S is IPv4: use an IPv4 range inside it, or omit ipRange to allocate from the whole subnet.`
 *   - `FIELD.ipRange V is not inside subnet S: use a range inside it, or omit ipRange to allocate from the whole subnet.`
 * - aux names: `FIELD.auxAddresses key V is not a valid name: use a non-empty name made of letters, digits, "_", "." and "-".`
 * - aux clashes (names checked in sorted order):
 *   - `FIELD.auxAddresses.NAME V is the gateway of subnet S: pick another address inside it, or move the gateway.`
 *   - `FIELD.auxAddresses.NAME V is also used by FIELD.auxAddresses.OTHER: give each auxiliary address its own address.`
 *
 * @param input - the pool as written.
 * @param field - path of the pool in the user's settings, default `"ipam"`; `""` for top-level fields (`subnet`, `gateway`, ...).
 * @throws IpamError on the first rule broken.
 */
export function canonicalizeAddressConfig(input: AddressConfigInput, field = "ipam"): AddressConfig {
  const at = (key: string): string => (field === "" ? key : `${field}.${key}`);
  const subnet = parseSubnet(input.subnet, at("subnet"));
  const gateway = checkGateway(input.gateway, subnet, at("gateway"));
  const config: AddressConfig = {
    family: subnet.family,
    subnet: formatCidr(subnet),
    gateway: formatIp(subnet.family, gateway),
  };
  if (input.ipRange !== undefined) config.ipRange = checkIpRange(input.ipRange, subnet, at("ipRange"));
  const aux = checkAuxAddresses(input.auxAddresses, subnet, gateway, at("auxAddresses"));
  if (aux !== undefined) config.auxAddresses = aux;
  return config;
}

/**
 * Validate several IPAM pools of one network (e.g. an IPv4 and an IPv6 pool for
 * dual stack). Pool `i` is canonicalized with field `FIELD[i]`; pools must not
 * overlap each other and there may be at most one pool per family. An empty list
 * is valid (Docker then picks a subnet itself).
 *
 * Extra message formats (S, T canonical subnets):
 * - `FIELD[i].subnet "S" overlaps FIELD[j].subnet T: give each pool its own range.`
 * - `FIELD[i].subnet "S" is a second IPv4 pool: FIELD[j] already has subnet T; use at most one IPv4 and one IPv6 pool per network.`
 *
 * @throws IpamError on the first rule broken, in pool order.
 */
export function canonicalizeAddressConfigs(inputs: readonly AddressConfigInput[], field = "ipam"): AddressConfig[] {
  const configs: AddressConfig[] = [];
  const subnets: Cidr[] = [];
  inputs.forEach((input, i) => {
    const config = canonicalizeAddressConfig(input, `${field}[${i}]`);
    const f = `${field}[${i}].subnet`;
    const subnet = parseCidr(config.subnet, f);
    subnets.forEach((earlier, j) => checkPoolPair(subnet, earlier, f, `${field}[${j}]`));
    configs.push(config);
    subnets.push(subnet);
  });
  return configs;
}

function checkPoolPair(subnet: Cidr, earlier: Cidr, field: string, earlierField: string): void {
  const s = quoteValue(formatCidr(subnet));
  if (cidrsOverlap(subnet, earlier)) {
    throw new IpamError(field, `${field} ${s} overlaps ${earlierField}.subnet ${formatCidr(earlier)}: give each pool its own range.`);
  }
  if (subnet.family === earlier.family) {
    const fam = familyName(subnet.family);
    throw new IpamError(
      field,
      `${field} ${s} is a second ${fam} pool: ${earlierField} already has subnet ${formatCidr(earlier)}; ` +
        `use at most one IPv4 and one IPv6 pool per network.`,
    );
  }
}

/** A canonical pool re-parsed to numbers, for address checks. */
interface ParsedPool {
  subnet: Cidr;
  gateway: bigint | undefined;
  aux: [string, bigint][];
}

function parsePool(config: AddressConfig): ParsedPool {
  const subnet = parseCidr(config.subnet, "subnet");
  const aux = Object.entries(config.auxAddresses ?? {}).map(([name, text]): [string, bigint] => [name, parseIp(text)?.value ?? -1n]);
  return { subnet, gateway: parseIp(config.gateway)?.value, aux };
}

/** `subnet A` or `subnets A and B` (or `A, B and C`). */
function describeSubnets(pools: ParsedPool[]): string {
  const texts = pools.map((p) => formatCidr(p.subnet));
  if (texts.length === 1) return `subnet ${texts[0]}`;
  return `subnets ${texts.slice(0, -1).join(", ")} and ${texts[texts.length - 1]}`;
}

/**
 * Check a container's static address against a network's canonical pools and
 * return it in canonical text.
 *
 * The address must parse, lie inside a pool of its family, and not be that
 * pool's network address, IPv4 broadcast address, gateway, or one of its aux
 * addresses. It may lie outside the pool's `ipRange` (that is the usual place
 * for static addresses).
 *
 * Message formats (F is `field`, V the JSON-quoted address, S a canonical subnet,
 * SUBNETS `subnet A` / `subnets A and B`):
 * - `F V needs a network with a configured subnet: Docker accepts a static address only on networks whose ipam config sets a subnet.`
 * - `F V is not a valid IP address: use an address inside SUBNETS.`
 * - `F V is an IPv6 address but the network has no IPv6 subnet: use an address inside SUBNETS, or add an IPv6 pool.`
 * - `F V is outside SUBNETS: pick an address inside it.` ("inside one of them" for several)
 * - `F V is the network address of subnet S: pick a host address inside it.`
 * - `F V is the broadcast address of subnet S: pick a host address inside it.`
 * - `F V is the gateway of subnet S: pick another address inside it.`
 * - `F V is reserved as auxiliary address "NAME" of subnet S: pick another address inside it.`
 *
 * @param address - the static address as written.
 * @param configs - the network's pools, as returned by {@link canonicalizeAddressConfigs}.
 * @param field - path of the address in the user's settings.
 * @throws IpamError on the first rule broken.
 */
export function checkStaticAddress(address: string, configs: readonly AddressConfig[], field: string): string {
  const quoted = quoteValue(address);
  if (configs.length === 0) {
    throw new IpamError(
      field,
      `${field} ${quoted} needs a network with a configured subnet: ` +
        `Docker accepts a static address only on networks whose ipam config sets a subnet.`,
    );
  }
  const pools = configs.map(parsePool);
  const ip = parseIp(address);
  if (ip === undefined) {
    throw new IpamError(field, `${field} ${quoted} is not a valid IP address: use an address inside ${describeSubnets(pools)}.`);
  }
  const sameFamily = pools.filter((p) => p.subnet.family === ip.family);
  if (sameFamily.length === 0) {
    const fam = familyName(ip.family);
    throw new IpamError(
      field,
      `${field} ${quoted} is an ${fam} address but the network has no ${fam} subnet: ` +
        `use an address inside ${describeSubnets(pools)}, or add an ${fam} pool.`,
    );
  }
  const pool = sameFamily.find((p) => cidrContains(p.subnet, ip.family, ip.value));
  if (pool === undefined) {
    const where = sameFamily.length === 1 ? "it" : "one of them";
    throw new IpamError(field, `${field} ${quoted} is outside ${describeSubnets(sameFamily)}: pick an address inside ${where}.`);
  }
  checkReserved(ip.value, pool, field, quoted);
  return formatIp(ip.family, ip.value);
}

function checkReserved(value: bigint, pool: ParsedPool, field: string, quoted: string): void {
  const s = formatCidr(pool.subnet);
  const prefix = `${field} ${quoted} is the`;
  if (value === pool.subnet.network) {
    throw new IpamError(field, `${prefix} network address of subnet ${s}: pick a host address inside it.`);
  }
  if (value === broadcastOf(pool.subnet)) {
    throw new IpamError(field, `${prefix} broadcast address of subnet ${s}: pick a host address inside it.`);
  }
  if (value === pool.gateway) {
    throw new IpamError(field, `${prefix} gateway of subnet ${s}: pick another address inside it.`);
  }
  const aux = pool.aux.find(([, v]) => v === value);
  if (aux !== undefined) {
    throw new IpamError(
      field,
      `${field} ${quoted} is reserved as auxiliary address ${quoteValue(aux[0])} of subnet ${s}: pick another address inside it.`,
    );
  }
}
