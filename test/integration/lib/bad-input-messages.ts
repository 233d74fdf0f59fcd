// Exact messages for each entry of bad-inputs.ts, as `pulumi preview` must show them.
export const badInputMessages: Record<string, string> = {
  "malformed subnet":
    'dockwire:networks:BridgeNetwork "n": subnet "10.10.0/16" has an invalid address "10.10.0": use a dotted-quad IPv4 address without leading zeros or an IPv6 address, e.g. "10.10.0.0/16" or "fd00:10::/64".',
  "subnet without prefix":
    'dockwire:networks:BridgeNetwork "n": subnet "10.10.0.0" has no prefix length: write it as ADDRESS/PREFIX, e.g. "10.10.0.0/16" or "fd00:10::/64".',
  "prefix out of range":
    'dockwire:networks:BridgeNetwork "n": subnet "10.10.0.0/33" has an invalid prefix length "33": an IPv4 prefix length is a whole number from 0 to 32.',
  "host bits set":
    'dockwire:networks:BridgeNetwork "n": subnet "10.10.0.1/16" has host bits set. For a prefix of length 16 the network address is 10.10.0.0: use "10.10.0.0/16".',
  "IPv6 host bits set":
    'dockwire:networks:BridgeNetwork "n": pools[0].subnet "fd00::1/64" has host bits set. For a prefix of length 64 the network address is fd00::: use "fd00::/64".',
  "subnet too small":
    'dockwire:networks:BridgeNetwork "n": subnet "10.10.0.0/31" is too small for a Docker network: it needs room for a gateway and at least one container; use a prefix length of at most 30.',
  "gateway outside the subnet":
    'dockwire:networks:BridgeNetwork "n": gateway "10.11.0.1" is outside subnet 10.10.0.0/16: pick an address inside it, or omit gateway to use 10.10.0.1.',
  "gateway is the network address":
    'dockwire:networks:BridgeNetwork "n": gateway "10.10.0.0" is the network address of subnet 10.10.0.0/16: pick a host address inside it, or omit gateway to use 10.10.0.1.',
  "gateway is the broadcast address":
    'dockwire:networks:BridgeNetwork "n": gateway "10.10.255.255" is the broadcast address of subnet 10.10.0.0/16: pick a host address inside it, or omit gateway to use 10.10.0.1.',
  "gateway not an address":
    'dockwire:networks:BridgeNetwork "n": gateway "gw" is not a valid IP address: use an address inside 10.10.0.0/16, or omit gateway to use 10.10.0.1.',
  "IPv6 gateway in an IPv4 subnet":
    'dockwire:networks:BridgeNetwork "n": gateway "fd00::1" is an IPv6 address but subnet 10.10.0.0/16 is IPv4: use an IPv4 address inside it, or omit gateway to use 10.10.0.1.',
  "ip-range outside the subnet":
    'dockwire:networks:BridgeNetwork "n": ipRange "172.19.5.0/24" is not inside subnet 172.18.0.0/16: use a range inside it, or omit ipRange to allocate from the whole subnet.',
  "ip-range with host bits":
    'dockwire:networks:BridgeNetwork "n": ipRange "172.18.5.1/24" has host bits set. For a prefix of length 24 the network address is 172.18.5.0: use "172.18.5.0/24".',
  "aux address outside the subnet":
    'dockwire:networks:BridgeNetwork "n": auxAddresses.r "10.20.0.1" is outside subnet 10.10.0.0/16: pick an address inside it.',
  "duplicate aux addresses":
    'dockwire:networks:BridgeNetwork "n": auxAddresses.b "10.10.0.9" is also used by auxAddresses.a: give each auxiliary address its own address.',
  "aux address on the gateway":
    'dockwire:networks:BridgeNetwork "n": auxAddresses.a "10.10.0.1" is the gateway of subnet 10.10.0.0/16: pick another address inside it, or move the gateway.',
  "gateway without subnet":
    'dockwire:networks:BridgeNetwork "n": subnet is required when gateway, ipRange or auxAddresses is given: add the subnet they belong to, e.g. "10.10.0.0/16".',
  "pools and shorthand together":
    'dockwire:networks:BridgeNetwork "n": Only one of [pools] and [subnet, gateway, ipRange, auxAddresses] can be specified: move the shorthand fields into a pool, or drop pools.',
  "overlapping pools":
    'dockwire:networks:BridgeNetwork "n": pools[1].subnet "10.10.128.0/17" overlaps pools[0].subnet 10.10.0.0/16: give each pool its own range.',
  "two IPv4 pools":
    'dockwire:networks:BridgeNetwork "n": pools[1].subnet "10.20.0.0/16" is a second IPv4 pool: pools[0] already has subnet 10.10.0.0/16; use at most one IPv4 and one IPv6 pool per network.',
  "ipv6 without an IPv6 pool":
    'dockwire:networks:BridgeNetwork "n": ipv6 is true but no IPv6 pool is given: add one to pools, e.g. { subnet: "fd00:10::/64" }, so its range is known and checked.',
  "two networks overlapping in one program":
    'dockwire:networks:BridgeNetwork "lab": subnet 192.168.1.0/24 of network "lab" overlaps 192.168.0.0/16 of network "mynet": choose a range that does not overlap.',
  "two networks with one Docker name":
    'dockwire:networks:BridgeNetwork "b": networkName "mynet" is taken by another network of this program: Docker network names are unique on a daemon; give this one another networkName.',
  "two containers with one Docker name":
    'dockwire:containers:AppContainer "b": containerName "web" is taken by another container of this program: Docker container names are unique on a daemon; give this one another containerName.',
  "bridge name over 15 characters":
    'dockwire:networks:BridgeNetwork "n": bridgeName "br-this-is-too-long" is 19 characters: Linux interface names are at most 15; shorten it.',
  "bridge MTU out of range":
    'dockwire:networks:BridgeNetwork "n": mtu 70000 is not a valid MTU: use a whole number from 68 to 65535 (1500 for Ethernet).',
  "host binding not IPv4":
    'dockwire:networks:BridgeNetwork "n": hostBindingIpv4 "localhost" is not an IPv4 address: use a host address such as "127.0.0.1", or omit it to bind to 0.0.0.0.',
  "network name with a space":
    'dockwire:networks:BridgeNetwork "n": networkName "my net" is not a valid Docker network name: use letters, digits, "_", "." and "-", starting with a letter or digit.',
  "label key with a space":
    'dockwire:networks:BridgeNetwork "n": labels key "bad key" is not a valid label key: use a non-empty key without spaces, e.g. "com.example.team".',
  "unknown macvlan mode":
    'dockwire:networks:MacvlanNetwork "n": mode "bridged" is not a macvlan mode: use one of "bridge", "private", "vepa", "passthru".',
  "unknown ipvlan mode": 'dockwire:networks:IpvlanNetwork "n": mode "l4" is not an ipvlan mode: use one of "l2", "l3", "l3s".',
  "unknown ipvlan flag":
    'dockwire:networks:IpvlanNetwork "n": flag "passthru" is not an ipvlan flag: use one of "bridge", "private", "vepa".',
  "VLAN id out of range": 'dockwire:networks:MacvlanNetwork "n": parent VLAN id 4095 is out of range: 802.1q VLAN ids are 1 to 4094.',
  "VLAN twice":
    'dockwire:networks:MacvlanNetwork "n": parent "mvparent0.10" already names VLAN 10, and vlan 20 was given too: use either parent "mvparent0" with vlan 20, or parent "mvparent0.10" alone.',
  "parent too long with its VLAN":
    'dockwire:networks:MacvlanNetwork "n": parent "enp0s31f6abc.100" is 16 characters: Linux interface names (VLAN suffix included) are at most 15; use a shorter parent name.',
  "overlay MTU not a number":
    'dockwire:networks:OverlayNetwork "n": mtu NaN is not a valid MTU: use a whole number from 68 to 65535 (1500 for Ethernet).',
  'unsafe parent "a;rm -rf /"':
    'dockwire:networks:MacvlanNetwork "n": parent "a;rm -rf /" contains ";": dockwire names use only letters, digits, "_", "." and "-" so they never need shell quoting; rename it.',
  'unsafe parent "$(id)"':
    'dockwire:networks:MacvlanNetwork "n": parent "$(id)" starts with "$": dockwire names must start with a letter or digit; rename it.',
  'unsafe parent "x\'y"':
    'dockwire:networks:MacvlanNetwork "n": parent "x\'y" contains "\'": dockwire names use only letters, digits, "_", "." and "-" so they never need shell quoting; rename it.',
  'unsafe parent "x\\"y"':
    'dockwire:networks:MacvlanNetwork "n": parent "x\\"y" contains "\\"": dockwire names use only letters, digits, "_", "." and "-" so they never need shell quoting; rename it.',
  'unsafe parent "a\\nb"':
    'dockwire:networks:MacvlanNetwork "n": parent "a\\nb" contains whitespace, which Linux forbids in interface names; remove it.',
  'unsafe parent "`id`"':
    'dockwire:networks:MacvlanNetwork "n": parent "`id`" starts with "`": dockwire names must start with a letter or digit; rename it.',
  "port out of range": 'dockwire:containers:AppContainer "c": ports[0] "70000:80": host port 70000 is out of range 1-65535.',
  "port zero":
    'dockwire:containers:AppContainer "c": ports[0] "0:80": host port 0 is out of range 1-65535; omit the host port to let docker pick a free one.',
  "ranges of different lengths":
    'dockwire:containers:AppContainer "c": ports[0] "8000-8005:80-90": host port range 8000-8005 has 6 ports but container port range 80-90 has 11; make them the same length: write "8000-8010:80-90".',
  "malformed host address":
    'dockwire:containers:AppContainer "c": ports[0] "300.1.1.1:80:80": host IP "300.1.1.1" is not a valid IPv4 or IPv6 address; write a dotted IPv4 address such as "10.0.0.1:8080:80", or an IPv6 address in brackets such as "[::1]:8080:80".',
  "unbracketed IPv6 host":
    'dockwire:containers:AppContainer "c": ports[0] "::1:80:80": IPv6 host IP ::1 must be written in brackets; write "[::1]:80:80".',
  "unknown protocol": 'dockwire:containers:AppContainer "c": ports[0] "80/icmp": protocol "icmp" is not supported; use tcp, udp or sctp.',
  "colliding host ports":
    'dockwire:containers:AppContainer "b": ports: host port 127.0.0.1:8080/tcp of container "b" collides with 0.0.0.0:8080/tcp of container "a": give one of them another host port or host address.',
  "ports with host networking":
    'dockwire:containers:AppContainer "c": ports cannot be published with networkMode "host": the container already uses the host\'s ports; remove ports.',
  "unknown network mode":
    'dockwire:containers:AppContainer "c": networkMode "overlay" is not a network mode: use "bridge", "host", "none" or "container:NAME"; for a user-defined network use networks.',
  "static address outside the network":
    'dockwire:containers:AppContainer "c": networks[0].ipv4Address "10.0.0.5" is outside subnet 192.168.0.0/16: pick an address inside it.',
  "static address on the gateway":
    'dockwire:containers:AppContainer "c": networks[0].ipv4Address "192.168.0.1" is the gateway of subnet 192.168.0.0/16: pick another address inside it.',
  "bad alias":
    'dockwire:containers:AppContainer "c": networks[0].aliases[0] "bad alias" is not a valid DNS name: use letters, digits, "-" and "_" in dot-separated labels of at most 63 characters.',
  "container name injection":
    'dockwire:containers:AppContainer "c": containerName "web;reboot" is not a valid container name: use letters, digits, "_", "." and "-", starting with a letter or digit.',
  "plain TCP without allowInsecure":
    'dockwire:host:DockerHost "h": host "tcp://10.99.0.2:2375" is plain TCP without TLS: anyone who reaches the port gets root on that host. Add tls { caPem, certPem, keyPem } and use port 2376, use "ssh://USER@HOST", or set allowInsecure: true for a lab you control.',
  "port 2376 without TLS material":
    'dockwire:host:DockerHost "h": host "tcp://10.99.0.2:2376" uses port 2376, Docker\'s TLS port, but no tls material is given: add tls { caPem, certPem, keyPem }.',
  "missing TLS key":
    'dockwire:host:DockerHost "h": tls.keyPem is missing: give all three of caPem, certPem and keyPem (PEM text), or drop tls.',
  "ssh without a user":
    'dockwire:host:DockerHost "h": host "ssh://10.99.0.2" needs a user: write it as "ssh://USER@HOST" or "ssh://USER@HOST:PORT".',
  "unknown scheme":
    'dockwire:host:DockerHost "h": host "http://10.99.0.2:2375" has an unsupported scheme "http": use unix://, tcp:// (with tls) or ssh://.',
  "swarm advertise address injection":
    'dockwire:networks:Swarm "s": advertiseAddr "10.99.0.1;id" is not an IP address: give the address other nodes reach this one at, e.g. "10.99.0.1".',
  "bip without a prefix":
    'dockwire:host:DaemonConfig "d": settings.bip "192.168.42.1" has no prefix length: give the bridge\'s own address with its prefix, e.g. "192.168.42.1/24".',
  "bip on the network address":
    'dockwire:host:DaemonConfig "d": settings.bip "192.168.42.0/24" is the network address: give the bridge\'s own address with its prefix, e.g. "192.168.42.1/24".',
  "address pools overlapping bip":
    'dockwire:host:DaemonConfig "d": settings.defaultAddressPools[0].base 10.200.0.0/16 of daemon default-address-pools[0] overlaps 10.200.0.0/16 of daemon bip: choose a range that does not overlap, e.g. the next free /16: 10.201.0.0/16.',
  "daemon mtu out of range":
    'dockwire:host:DaemonConfig "d": settings.mtu must be a whole number from 68 (the IPv4 minimum) to 65535 (the largest IP packet), got 10; 1500 is the usual Ethernet value.',
  "dns entry not an address":
    'dockwire:host:DaemonConfig "d": settings.dns[0] "dns.example" is not an IP address: give a resolver\'s address such as "1.1.1.1" or "2606:4700:4700::1111".',
  "daemon hosts with plain TCP":
    'dockwire:host:DaemonConfig "d": settings.hosts[1] "tcp://0.0.0.0:2375" is plain TCP without TLS: anyone who reaches the port gets root on the host. Reach the daemon over SSH (connection) or a unix socket instead, or enable TLS with extra { tlsverify: true, tlscacert, tlscert, tlskey }, or set allowInsecureTcp: true for an isolated lab.',
  'unsafe namespace name "a;rm -rf /"':
    'dockwire:netns:NetworkNamespace "ns": name "a;rm -rf /" contains ";": dockwire names use only letters, digits, "_", "." and "-" so they never need shell quoting; rename it.',
  'unsafe namespace name "$(id)"':
    'dockwire:netns:NetworkNamespace "ns": name "$(id)" starts with "$": dockwire names must start with a letter or digit; rename it.',
  'unsafe namespace name "x\'y"':
    'dockwire:netns:NetworkNamespace "ns": name "x\'y" contains "\'": dockwire names use only letters, digits, "_", "." and "-" so they never need shell quoting; rename it.',
  'unsafe namespace name "x\\"y"':
    'dockwire:netns:NetworkNamespace "ns": name "x\\"y" contains "\\"": dockwire names use only letters, digits, "_", "." and "-" so they never need shell quoting; rename it.',
  'unsafe namespace name "a\\nb"':
    'dockwire:netns:NetworkNamespace "ns": name "a\\nb" contains "\\n": dockwire names use only letters, digits, "_", "." and "-" so they never need shell quoting; rename it.',
  'unsafe namespace name "`id`"':
    'dockwire:netns:NetworkNamespace "ns": name "`id`" starts with "`": dockwire names must start with a letter or digit; rename it.',
  "veth name over 15 characters":
    'dockwire:netns:VethPair "v": name "veth-very-long-name0" is 20 characters: Linux interface names are at most 15; shorten it.',
  "veth address without prefix":
    'dockwire:netns:VethPair "v": ends[0].addresses[0] "192.168.1.1" has no prefix length: write it as CIDR, e.g. "192.168.1.1/24".',
};
