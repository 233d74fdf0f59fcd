import test from "ava";
import { AddressPlan, IpamError } from "../../provider/ipam";

type Registration = [owner: string, subnet: string];

const seeds: Registration[] = [
  ['network "app"', "10.10.0.0/16"],
  ['network "lan"', "192.168.0.0/16"],
  ['network "db"', "172.26.0.0/16"],
  ['network "edge"', "172.38.0.0/16"],
  ['network "ranged"', "172.18.0.0/16"],
  ['network "mgmt"', "10.0.9.0/24"],
  ['network "v6"', "fd00:10::/64"],
];

function planWith(registrations: Registration[]): AddressPlan {
  const plan = new AddressPlan();
  for (const [owner, subnet] of registrations) plan.register(owner, subnet);
  return plan;
}

// ---------------------------------------------------------------- accepted plans

const accepted: [string, Registration[], Registration[]][] = [
  ["the seed networks do not overlap", seeds, seeds],
  [
    "registration order is kept and text is canonical",
    [
      ['network "c"', "10.30.0.0/16"],
      ['network "a"', "10.10.0.0/16"],
      ['network "b"', "FD00:20::/64"],
    ],
    [
      ['network "c"', "10.30.0.0/16"],
      ['network "a"', "10.10.0.0/16"],
      ['network "b"', "fd00:20::/64"],
    ],
  ],
  [
    "same owner and same subnet again is a no-op",
    [
      ["daemon bip", "172.17.0.0/16"],
      ["daemon bip", "172.17.0.0/16"],
    ],
    [["daemon bip", "172.17.0.0/16"]],
  ],
  [
    "IPv4 and IPv6 never overlap",
    [
      ['network "all4"', "0.0.0.0/0"],
      ['network "all6"', "::/0"],
    ],
    [
      ['network "all4"', "0.0.0.0/0"],
      ['network "all6"', "::/0"],
    ],
  ],
  [
    "adjacent blocks do not overlap",
    [
      ['network "a"', "10.10.0.0/24"],
      ['network "b"', "10.10.1.0/24"],
      ['network "c"', "10.9.255.0/24"],
    ],
    [
      ['network "a"', "10.10.0.0/24"],
      ['network "b"', "10.10.1.0/24"],
      ['network "c"', "10.9.255.0/24"],
    ],
  ],
  [
    "a block between two others fits",
    [
      ['network "a"', "10.30.0.0/16"],
      ['network "b"', "10.10.0.0/16"],
      ['network "c"', "10.20.0.0/16"],
      ['network "d"', "10.15.0.0/16"],
    ],
    [
      ['network "a"', "10.30.0.0/16"],
      ['network "b"', "10.10.0.0/16"],
      ['network "c"', "10.20.0.0/16"],
      ['network "d"', "10.15.0.0/16"],
    ],
  ],
];

for (const [title, registrations, expected] of accepted) {
  test(`AddressPlan accepts: ${title}`, (t) => {
    const plan = planWith(registrations);
    t.deepEqual(
      plan.entries(),
      expected.map(([owner, subnet]) => ({ owner, subnet })),
    );
  });
}

// ---------------------------------------------------------------- rejected plans

const rejected: [string, Registration[], Registration, string][] = [
  [
    "larger block over a smaller one",
    [['network "a"', "10.10.128.0/17"]],
    ['network "b"', "10.10.0.0/16"],
    'subnet 10.10.0.0/16 of network "b" overlaps 10.10.128.0/17 of network "a": choose a range that does not overlap, e.g. the next free /16: 10.11.0.0/16.',
  ],
  [
    "smaller block inside a larger one",
    [['network "a"', "10.10.0.0/16"]],
    ['network "b"', "10.10.128.0/17"],
    'subnet 10.10.128.0/17 of network "b" overlaps 10.10.0.0/16 of network "a": choose a range that does not overlap, e.g. the next free /17: 10.11.0.0/17.',
  ],
  [
    "the same subnet by two owners",
    [['network "app"', "10.10.0.0/16"]],
    ["daemon bip", "10.10.0.0/16"],
    'subnet 10.10.0.0/16 of daemon bip overlaps 10.10.0.0/16 of network "app": choose a range that does not overlap, e.g. the next free /16: 10.11.0.0/16.',
  ],
  [
    "two different subnets of one owner",
    [['network "a"', "10.10.0.0/16"]],
    ['network "a"', "10.10.5.0/24"],
    'subnet 10.10.5.0/24 of network "a" overlaps 10.10.0.0/16 of network "a": choose a range that does not overlap, e.g. the next free /24: 10.11.0.0/24.',
  ],
  [
    "the suggestion skips several taken blocks",
    [
      ['network "a"', "10.10.0.0/16"],
      ['network "c"', "10.11.0.0/16"],
      ['network "d"', "10.12.0.0/24"],
    ],
    ['network "b"', "10.10.0.0/24"],
    'subnet 10.10.0.0/24 of network "b" overlaps 10.10.0.0/16 of network "a": choose a range that does not overlap, e.g. the next free /24: 10.12.1.0/24.',
  ],
  [
    "both neighbours overlap: the lower one is named",
    [
      ['network "a"', "10.10.0.0/24"],
      ['network "c"', "10.10.1.0/24"],
    ],
    ['network "b"', "10.10.0.0/23"],
    'subnet 10.10.0.0/23 of network "b" overlaps 10.10.0.0/24 of network "a": choose a range that does not overlap, e.g. the next free /23: 10.10.2.0/23.',
  ],
  [
    "overlap with the upper neighbour only; the suggestion wraps around",
    [
      ['network "a"', "172.26.0.0/16"],
      ['network "c"', "172.29.0.0/16"],
    ],
    ['network "b"', "172.28.0.0/14"],
    'subnet 172.28.0.0/14 of network "b" overlaps 172.29.0.0/16 of network "c": choose a range that does not overlap, e.g. the next free /14: 172.16.0.0/14.',
  ],
  [
    "no free block left in 192.168.0.0/16",
    [['network "lan"', "192.168.0.0/16"]],
    ['network "guest"', "192.168.1.0/24"],
    'subnet 192.168.1.0/24 of network "guest" overlaps 192.168.0.0/16 of network "lan": choose a range that does not overlap.',
  ],
  [
    "IPv6 overlap with a suggestion",
    [['network "a"', "fd00:10::/64"]],
    ['network "b"', "fd00:10::/48"],
    'subnet fd00:10::/48 of network "b" overlaps fd00:10::/64 of network "a": choose a range that does not overlap, e.g. the next free /48: fd00:10:1::/48.',
  ],
  [
    "invalid subnet",
    [],
    ['network "a"', "10.10.0.1/16"],
    'subnet "10.10.0.1/16" has host bits set. For a prefix of length 16 the network address is 10.10.0.0: use "10.10.0.0/16".',
  ],
  ["empty owner", [], ["", "10.10.0.0/16"], "subnet 10.10.0.0/16 has no owner: pass a label such as 'network \"a\"' or 'daemon bip'."],
];

for (const [title, before, [owner, subnet], message] of rejected) {
  test(`AddressPlan rejects: ${title}`, (t) => {
    const plan = planWith(before);
    const error = t.throws(() => plan.register(owner, subnet), { instanceOf: IpamError, message });
    t.is(error?.field, "subnet");
    t.is(plan.entries().length, before.length, "a rejected registration is not recorded");
  });
}

test("AddressPlan names the given field", (t) => {
  const plan = planWith([['network "a"', "10.10.0.0/16"]]);
  const error = t.throws(() => plan.register('network "b"', "10.10.0.0/24", "networks.b.ipam[0].subnet"), {
    instanceOf: IpamError,
    message:
      'networks.b.ipam[0].subnet 10.10.0.0/24 of network "b" overlaps 10.10.0.0/16 of network "a": choose a range that does not overlap, e.g. the next free /24: 10.11.0.0/24.',
  });
  t.is(error?.field, "networks.b.ipam[0].subnet");
});

test("AddressPlan.entries returns a copy", (t) => {
  const plan = planWith([['network "a"', "10.10.0.0/16"]]);
  (plan.entries() as { owner: string; subnet: string }[]).length = 0;
  t.is(plan.entries().length, 1);
});

test("AddressPlan.clear forgets everything", (t) => {
  const plan = planWith(seeds);
  plan.clear();
  t.deepEqual(plan.entries(), []);
  t.notThrows(() => plan.register('network "x"', "10.10.0.0/16"));
});

// ---------------------------------------------------------------- scale

/** The i-th /24 of 10.0.0.0/8. */
function slash24(i: number): string {
  return `10.${i >> 8}.${i & 255}.0/24`;
}

test("500 non-overlapping /24s in shuffled order, then one overlap", (t) => {
  const plan = new AddressPlan();
  // 193 is coprime with 500, so i * 193 mod 500 visits every index once, out of order.
  for (let k = 0; k < 500; k++) {
    const i = (k * 193) % 500;
    plan.register(`network "n${i}"`, slash24(i));
  }
  t.is(plan.entries().length, 500);
  t.is(new Set(plan.entries().map((e) => e.subnet)).size, 500);

  t.throws(() => plan.register('network "x"', "10.1.0.0/16"), {
    instanceOf: IpamError,
    message:
      'subnet 10.1.0.0/16 of network "x" overlaps 10.1.0.0/24 of network "n256": choose a range that does not overlap, e.g. the next free /16: 10.2.0.0/16.',
  });
  t.throws(() => plan.register('network "y"', "10.0.77.128/25"), {
    instanceOf: IpamError,
    message:
      'subnet 10.0.77.128/25 of network "y" overlaps 10.0.77.0/24 of network "n77": choose a range that does not overlap, e.g. the next free /25: 10.1.244.0/25.',
  });
  t.is(plan.entries().length, 500);

  plan.register('network "next"', slash24(500));
  plan.register('network "n499"', slash24(499));
  t.is(plan.entries().length, 501);
});
