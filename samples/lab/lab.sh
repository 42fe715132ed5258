#!/usr/bin/env bash
# natpath lab: build a small Kubernetes-like world in Linux network namespaces, run bounded
# traffic through it, and record what a real kernel did (captures + host snapshots) as sample
# cases under samples/<scenario>/. See README.md beside this file for the world's diagram.
#
# Every namespace is named $PREFIX..., lives only for one scenario, and is removed on exit
# (also on failure or Ctrl-C). Traffic only ever goes between namespaces this script made.
set -euo pipefail

LAB_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=nft-rulesets.sh
. "$LAB_DIR/nft-rulesets.sh"
OUT_DIR=$(dirname "$LAB_DIR")
PREFIX=nplab-
SCENARIOS=(pod-egress-natgw pod-egress-natgw-blind pod-egress-node-only pod-egress-inbound-only pod-to-pod-vxlan clusterip-cross-node clusterip-same-node nodeport ipv6-pod-egress pod-egress-no-masq udp6-echo-repeated pod-egress-loadgen pod-egress-replay pod-egress-calico-ipset clusterip-nft nodeport-nft docker-nft icmp-errors-two-rules)

# Addresses of the world (documentation ranges for everything "public").
CLUSTER_CIDR=10.244.0.0/16
CLUSTER_CIDR6=fd00:10:244::/56
VPC_CIDR=10.0.0.0/24
NATGW_VPC_IP=10.0.0.1
NATGW_PUBLIC_IP=203.0.113.7
INET_NATGW_SIDE_IP=203.0.113.1
INET_PARTNER_SIDE_IP=198.51.100.1
PARTNER_IP=198.51.100.10
CLIENT_IP=10.0.0.50
SERVICE_IP=10.96.0.10
LOCAL_SERVICE_IP=10.96.0.20   # clusterip-same-node: a service whose one endpoint is on node1
NODE_PORT=30080
WEB_PORT=8080
HTTP_PORT=80
UDP_PORT=9000
VPC6_PREFIX=2001:db8:a::
TRANSIT6_PREFIX=2001:db8:ff::
PARTNER6_PREFIX=2001:db8:100::
PARTNER6_IP=2001:db8:100::10
DOCKER_IP=10.0.0.20
DOCKER_SUBNET=172.17.0.0/16
DOCKER_GATEWAY=172.17.0.1
CONTAINER_IP=172.17.0.2
PUBLISHED_PORT=8080

BG_PIDS=()       # every background process we started (servers, captures)
CAPTURE_PIDS=()  # the captures of the running scenario, stopped with SIGINT so they flush
WORK=""        # scratch folder of this run
CASE=""        # the case being assembled (inside $WORK)
WITH_IPV6=0
WITH_NFT=0     # 1: the scenario's hosts are dumped with nft too (nft-ruleset.txt/.json)

log() { printf 'lab: %s\n' "$*" >&2; }
die() { printf 'lab: error: %s\n' "$*" >&2; exit 1; }

usage() {
  cat <<EOF
Usage: lab.sh [--out DIR] [SCENARIO...]

Builds a Kubernetes-like world (two flannel/kube-proxy nodes, pods, a cloud NAT gateway,
a partner server, an outside client) in network namespaces named ${PREFIX}*, runs a little
traffic per scenario and writes DIR/<scenario>/<host>/{capture,*.txt} plus truth.json.
Must run as root. Removes its namespaces when it exits.

  --out DIR   where scenario folders go (default: $OUT_DIR)
  -h, --help  this text

Exit status 3: a scenario's truth could not be read back from what was recorded (truth.mjs
says why); lab.sh stops there without writing that scenario's sample, and keeps and names its
scratch folder.

Scenarios (default: all): ${SCENARIOS[*]}
EOF
}

# ---------------------------------------------------------------------------------------
# Namespaces and processes

ns() { printf '%s%s' "$PREFIX" "$1"; }
in_ns() { local host=$1; shift; ip netns exec "$(ns "$host")" "$@"; }

# Delete our namespaces, first killing anything still running inside them (a server or
# capture left by a crashed earlier run would otherwise keep the namespace's resources).
delete_namespaces() {
  local name pid
  for name in $(ip netns list 2>/dev/null | awk '{print $1}' | grep "^$PREFIX" || true); do
    for pid in $(ip netns pids "$name" 2>/dev/null || true); do kill -KILL "$pid" 2>/dev/null || true; done
    ip netns del "$name" 2>/dev/null || true
  done
}

stop_background() {
  local pid
  for pid in "${BG_PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${BG_PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  BG_PIDS=()
  CAPTURE_PIDS=()
}

cleanup() {
  stop_background
  delete_namespaces
  if [ -n "$WORK" ] && [ -z "${LAB_KEEP_WORK:-}" ]; then rm -rf "$WORK"; fi
}

# Run a command in the background inside a namespace, output to a log file. Called as a
# plain command (not through in_ns) so that $! is the process itself: ip netns exec execs
# the program in place, so signals sent to $! reach tcpdump/node directly.
start_bg() {
  local host=$1 logfile=$2; shift 2
  ip netns exec "$(ns "$host")" "$@" >"$logfile" 2>&1 &
  BG_PIDS+=("$!")
}

# Wait (up to 5 s) for a background process to say it is ready; tcpdump and dumpcap say so
# on stderr only once the capture socket is open, so no packet of the scenario is missed.
wait_for_line() {
  local file=$1 pattern=$2 what=$3 i
  for ((i = 0; i < 50; i++)); do
    if grep -Eq "$pattern" "$file" 2>/dev/null; then return 0; fi
    sleep 0.1
  done
  die "timed out waiting for $what; its output was: $(cat "$file" 2>/dev/null)"
}

# Write a sysctl by path, since procps' sysctl is not on every minimal machine.
set_sysctl() {
  local host=$1 key=$2 value=$3
  in_ns "$host" sh -c "echo $value > /proc/sys/${key//.//}"
}

# bridge-nf-call-* exist only when br_netfilter is loaded; Kubernetes wants them on, but a
# machine without the module still gives a useful lab, so only set them when present.
set_sysctl_if_present() {
  local host=$1 key=$2 value=$3
  if in_ns "$host" test -e "/proc/sys/${key//.//}"; then set_sysctl "$host" "$key" "$value"; fi
}

# ---------------------------------------------------------------------------------------
# The world

add_ns() {
  local host=$1 disable=$((1 - WITH_IPV6))
  ip netns add "$(ns "$host")"
  # Outside the IPv6 scenario, IPv6 off keeps router solicitations and MLD out of captures.
  # Set before any link exists so the "default" value applies to links created later.
  set_sysctl "$host" net.ipv6.conf.default.disable_ipv6 "$disable"
  set_sysctl "$host" net.ipv6.conf.all.disable_ipv6 "$disable"
  # No duplicate address detection: a tentative link-local address delays neighbour
  # discovery by a second or more, and nothing else shares these links.
  if [ "$WITH_IPV6" = 1 ]; then set_sysctl "$host" net.ipv6.conf.default.accept_dad 0; fi
  in_ns "$host" ip link set lo up
}

# The VPC subnet is a plain L2 switch (a bridge in its own namespace) that every VM's eth0
# plugs into, like a cloud subnet.
add_vpc_switch() {
  add_ns vpc
  in_ns vpc ip link add br-vpc type bridge
  in_ns vpc ip link set br-vpc up
  set_sysctl_if_present vpc net.bridge.bridge-nf-call-iptables 0
  set_sysctl_if_present vpc net.bridge.bridge-nf-call-ip6tables 0
}

add_vpc_host() {
  local host=$1 addr=$2
  ip -n "$(ns vpc)" link add "vpc-$host" type veth peer name eth0 netns "$(ns "$host")"
  in_ns vpc ip link set "vpc-$host" master br-vpc up
  in_ns "$host" ip addr add "$addr/24" dev eth0
  in_ns "$host" ip link set eth0 up
}

# A point-to-point link between two hosts (the "internet" side of the world).
add_wire() {
  local host_a=$1 if_a=$2 addr_a=$3 host_b=$4 if_b=$5 addr_b=$6
  ip -n "$(ns "$host_a")" link add "$if_a" type veth peer name "$if_b" netns "$(ns "$host_b")"
  in_ns "$host_a" ip addr add "$addr_a" dev "$if_a"
  in_ns "$host_b" ip addr add "$addr_b" dev "$if_b"
  in_ns "$host_a" ip link set "$if_a" up
  in_ns "$host_b" ip link set "$if_b" up
}

enable_forwarding() {
  local host=$1
  set_sysctl "$host" net.ipv4.ip_forward 1
  if [ "$WITH_IPV6" = 1 ]; then set_sysctl "$host" net.ipv6.conf.all.forwarding 1; fi
}

# flannel's VTEP MAC is random in real life; fixed here so FDB/neighbour entries are stable.
vtep_mac() { printf '0e:6c:61:62:00:%02x' "$1"; }

# A Kubernetes node: eth0 on the VPC, cni0 bridge as the pod gateway, flannel.1 VXLAN
# device, and the iptables rules flanneld and kube-proxy install.
add_node() {
  local n=$1 host=node$1
  add_ns "$host"
  add_vpc_host "$host" "10.0.0.1$n"
  in_ns "$host" ip route add default via "$NATGW_VPC_IP"
  enable_forwarding "$host"
  set_sysctl_if_present "$host" net.bridge.bridge-nf-call-iptables 1
  set_sysctl_if_present "$host" net.bridge.bridge-nf-call-ip6tables 1

  # The bridge CNI plugin makes cni0 the pod subnet's gateway; flannel's MTU leaves room for
  # the 50 bytes of VXLAN encapsulation.
  in_ns "$host" ip link add cni0 type bridge
  in_ns "$host" ip link set cni0 mtu 1450
  in_ns "$host" ip addr add "10.244.$n.1/24" dev cni0
  in_ns "$host" ip link set cni0 up

  # flanneld's vxlan backend: VNI 1, port 8472, no learning (it programs FDB/ARP itself),
  # the node's subnet network address on flannel.1 as a /32.
  in_ns "$host" ip link add flannel.1 address "$(vtep_mac "$n")" type vxlan \
    id 1 local "10.0.0.1$n" dev eth0 dstport 8472 nolearning
  in_ns "$host" ip link set flannel.1 mtu 1450
  in_ns "$host" ip addr add "10.244.$n.0/32" dev flannel.1
  in_ns "$host" ip link set flannel.1 up

  load_node_iptables "$host" "10.244.$n.0/24"
}

# What flanneld does when it learns of another node's subnet: an onlink route via the
# remote subnet's network address, a permanent neighbour entry for that address (the remote
# VTEP MAC) and an FDB entry sending that MAC to the remote node's eth0 address.
peer_flannel() {
  local n=$1 peer=$2
  local host=node$n mac
  mac=$(vtep_mac "$peer")
  in_ns "$host" ip route add "10.244.$peer.0/24" via "10.244.$peer.0" dev flannel.1 onlink
  in_ns "$host" ip neigh replace "10.244.$peer.0" lladdr "$mac" dev flannel.1 nud permanent
  in_ns "$host" bridge fdb append "$mac" dev flannel.1 dst "10.0.0.1$peer" self permanent
}

# The bridge CNI plugin's host-side veth names look like veth1a2b3c4d; derive them from the
# pod name so runs are reproducible.
pod_veth() { printf 'veth%s' "$(printf '%s' "$1" | md5sum | cut -c1-8)"; }

add_pod() {
  local n=$1 pod=$2 addr=$3
  local host=node$n veth
  veth=$(pod_veth "$pod")
  add_ns "pod-$pod"
  ip -n "$(ns "$host")" link add "$veth" mtu 1450 type veth peer name eth0 netns "$(ns "pod-$pod")"
  in_ns "$host" ip link set "$veth" master cni0 up
  in_ns "pod-$pod" ip link set eth0 mtu 1450
  in_ns "pod-$pod" ip addr add "$addr/24" dev eth0
  in_ns "pod-$pod" ip link set eth0 up
  in_ns "pod-$pod" ip route add default via "10.244.$n.1"
}

# The cloud NAT gateway: the VPC's default router, SNATs the VPC subnet to one public
# address. For IPv6 it only routes (like an egress-only internet gateway): no NAT66.
add_natgw() {
  add_ns natgw
  add_vpc_host natgw "$NATGW_VPC_IP"
  enable_forwarding natgw
  add_ns inet
  enable_forwarding inet
  add_wire natgw eth1 "$NATGW_PUBLIC_IP/24" inet eth0 "$INET_NATGW_SIDE_IP/24"
  in_ns natgw ip route add default via "$INET_NATGW_SIDE_IP"
  in_ns natgw iptables-restore <<EOF
*nat
:PREROUTING ACCEPT [0:0]
:INPUT ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
:POSTROUTING ACCEPT [0:0]
-A POSTROUTING -s $VPC_CIDR -o eth1 -m comment --comment "natgw-1: vpc egress" -j SNAT --to-source $NATGW_PUBLIC_IP
COMMIT
*filter
:INPUT DROP [0:0]
:FORWARD ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
-A INPUT -i lo -j ACCEPT
-A INPUT -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
-A INPUT -s $VPC_CIDR -p icmp -j ACCEPT
-A FORWARD -i eth1 -o eth0 -m conntrack ! --ctstate RELATED,ESTABLISHED -m comment --comment "natgw-1: nothing unsolicited into the vpc" -j DROP
COMMIT
EOF
}

# The partner: a remote server on the internet, one router hop behind the NAT gateway. The
# router has no route to the VPC's private range, so only NATed traffic gets answers.
add_partner() {
  add_ns partner
  add_wire inet eth1 "$INET_PARTNER_SIDE_IP/24" partner eth0 "$PARTNER_IP/24"
  in_ns partner ip route add default via "$INET_PARTNER_SIDE_IP"
  in_ns partner iptables-restore <<EOF
*filter
:INPUT DROP [0:0]
:FORWARD DROP [0:0]
:OUTPUT ACCEPT [0:0]
-A INPUT -i lo -j ACCEPT
-A INPUT -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
-A INPUT -p icmp -j ACCEPT
-A INPUT -p tcp -m tcp --dport 22 -s 192.0.2.0/24 -m comment --comment "admin network" -j ACCEPT
-A INPUT -p tcp -m tcp --dport $HTTP_PORT -m comment --comment "partner api" -j ACCEPT
-A INPUT -p udp -m udp --dport $UDP_PORT -m comment --comment "partner telemetry" -j ACCEPT
COMMIT
EOF
}

# An outside client (a VM in the VPC that is not a cluster member) for NodePort traffic,
# with the usual stateful host firewall (which also gives it a conntrack table to dump).
add_client() {
  add_ns client
  add_vpc_host client "$CLIENT_IP"
  in_ns client ip route add default via "$NATGW_VPC_IP"
  in_ns client iptables-restore <<EOF
*filter
:INPUT DROP [0:0]
:FORWARD DROP [0:0]
:OUTPUT ACCEPT [0:0]
-A INPUT -i lo -j ACCEPT
-A INPUT -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
-A INPUT -p tcp -m tcp --dport 22 -j ACCEPT
-A INPUT -p icmp -m icmp --icmp-type 8 -j ACCEPT
COMMIT
EOF
}

# IPv6 for the IPv6 scenario: a ULA pod prefix on node1 (masqueraded by ip6tables like
# flannel's dual-stack mode does) and global documentation addresses from the VPC outward.
# nodad: skip duplicate address detection so addresses are usable at once.
add_ipv6() {
  in_ns pod-client ip -6 addr add fd00:10:244:1::2/64 dev eth0 nodad
  in_ns pod-client ip -6 route add default via fd00:10:244:1::1
  in_ns node1 ip -6 addr add fd00:10:244:1::1/64 dev cni0 nodad
  in_ns node1 ip -6 addr add "${VPC6_PREFIX}11/64" dev eth0 nodad
  in_ns node1 ip -6 route add default via "${VPC6_PREFIX}1"
  in_ns natgw ip -6 addr add "${VPC6_PREFIX}1/64" dev eth0 nodad
  in_ns natgw ip -6 addr add "${TRANSIT6_PREFIX}7/64" dev eth1 nodad
  in_ns natgw ip -6 route add default via "${TRANSIT6_PREFIX}1"
  in_ns inet ip -6 addr add "${TRANSIT6_PREFIX}1/64" dev eth0 nodad
  in_ns inet ip -6 addr add "${PARTNER6_PREFIX}1/64" dev eth1 nodad
  # Global VPC addresses are routed (not NATed) back to the VPC, as in a real IPv6 cloud.
  in_ns inet ip -6 route add "${VPC6_PREFIX}/64" via "${TRANSIT6_PREFIX}7"
  in_ns partner ip -6 addr add "$PARTNER6_IP/64" dev eth0 nodad
  in_ns partner ip -6 route add default via "${PARTNER6_PREFIX}1"
  load_node_ip6tables node1 fd00:10:244:1::/64
  in_ns partner ip6tables-restore <<EOF
*filter
:INPUT DROP [0:0]
:FORWARD DROP [0:0]
:OUTPUT ACCEPT [0:0]
-A INPUT -i lo -j ACCEPT
-A INPUT -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
-A INPUT -p ipv6-icmp -j ACCEPT
-A INPUT -p tcp -m tcp --dport $HTTP_PORT -m comment --comment "partner api" -j ACCEPT
-A INPUT -p udp -m udp --dport $UDP_PORT -m comment --comment "partner telemetry" -j ACCEPT
COMMIT
EOF
}

build_world() {
  WITH_IPV6=$1
  add_vpc_switch
  add_natgw
  add_partner
  add_client
  add_node 1
  add_node 2
  peer_flannel 1 2
  peer_flannel 2 1
  add_pod 1 client 10.244.1.2
  add_pod 2 web1 10.244.2.2
  add_pod 2 web2 10.244.2.3
  if [ "$WITH_IPV6" = 1 ]; then add_ipv6; fi
}

# ---------------------------------------------------------------------------------------
# iptables like flanneld + kube-proxy (iptables mode) write them

# kube-proxy names chains after the first 16 characters of base32(sha256(name)).
kube_hash() {
  local hex
  hex=$(printf '%s' "$1" | sha256sum | cut -c1-64)
  # shellcheck disable=SC2059,SC2001 # the format is the hex bytes turned into \xNN escapes
  printf "$(sed 's/../\\x&/g' <<<"$hex")" | base32 | cut -c1-16
}

load_node_iptables() {
  local host=$1 subnet=$2
  local svc sep1 sep2 api api_sep
  svc=$(kube_hash "default/web:httptcp")
  sep1=$(kube_hash "default/web:httptcp10.244.2.2:$WEB_PORT")
  sep2=$(kube_hash "default/web:httptcp10.244.2.3:$WEB_PORT")
  api=$(kube_hash "default/kubernetes:httpstcp")
  api_sep=$(kube_hash "default/kubernetes:httpstcp10.0.0.11:6443")
  in_ns "$host" iptables-restore <<EOF
*mangle
:PREROUTING ACCEPT [0:0]
:INPUT ACCEPT [0:0]
:FORWARD ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
:POSTROUTING ACCEPT [0:0]
:KUBE-IPTABLES-HINT - [0:0]
:KUBE-KUBELET-CANARY - [0:0]
:KUBE-PROXY-CANARY - [0:0]
COMMIT
*filter
:INPUT ACCEPT [0:0]
:FORWARD DROP [0:0]
:OUTPUT ACCEPT [0:0]
:FLANNEL-FWD - [0:0]
:KUBE-EXTERNAL-SERVICES - [0:0]
:KUBE-FIREWALL - [0:0]
:KUBE-FORWARD - [0:0]
:KUBE-KUBELET-CANARY - [0:0]
:KUBE-NODEPORTS - [0:0]
:KUBE-PROXY-CANARY - [0:0]
:KUBE-PROXY-FIREWALL - [0:0]
:KUBE-SERVICES - [0:0]
-A INPUT -m conntrack --ctstate NEW -m comment --comment "kubernetes load balancer firewall" -j KUBE-PROXY-FIREWALL
-A INPUT -m comment --comment "kubernetes health check service ports" -j KUBE-NODEPORTS
-A INPUT -m conntrack --ctstate NEW -m comment --comment "kubernetes externally-visible service portals" -j KUBE-EXTERNAL-SERVICES
-A INPUT -j KUBE-FIREWALL
-A INPUT -i lo -j ACCEPT
-A INPUT -p tcp -m tcp --dport 22 -m comment --comment "ssh" -j ACCEPT
-A INPUT -s $VPC_CIDR -p tcp -m tcp --dport 10250 -m comment --comment "kubelet from the vpc" -j ACCEPT
-A INPUT -p tcp -m tcp --dport 2379:2380 -m comment --comment "etcd is not for anyone" -j DROP
-A FORWARD -m conntrack --ctstate NEW -m comment --comment "kubernetes load balancer firewall" -j KUBE-PROXY-FIREWALL
-A FORWARD -m comment --comment "kubernetes forwarding rules" -j KUBE-FORWARD
-A FORWARD -m conntrack --ctstate NEW -m comment --comment "kubernetes service portals" -j KUBE-SERVICES
-A FORWARD -m conntrack --ctstate NEW -m comment --comment "kubernetes externally-visible service portals" -j KUBE-EXTERNAL-SERVICES
-A FORWARD -m comment --comment "flanneld forward" -j FLANNEL-FWD
-A OUTPUT -m conntrack --ctstate NEW -m comment --comment "kubernetes load balancer firewall" -j KUBE-PROXY-FIREWALL
-A OUTPUT -m conntrack --ctstate NEW -m comment --comment "kubernetes service portals" -j KUBE-SERVICES
-A OUTPUT -j KUBE-FIREWALL
-A FLANNEL-FWD -s $CLUSTER_CIDR -m comment --comment "flanneld forward" -j ACCEPT
-A FLANNEL-FWD -d $CLUSTER_CIDR -m comment --comment "flanneld forward" -j ACCEPT
-A KUBE-FIREWALL ! -s 127.0.0.0/8 -d 127.0.0.0/8 -m comment --comment "block incoming localnet connections" -m conntrack ! --ctstate RELATED,ESTABLISHED,DNAT -j DROP
-A KUBE-FORWARD -m conntrack --ctstate INVALID -m comment --comment "kubernetes forwarding rules" -j DROP
-A KUBE-FORWARD -m comment --comment "kubernetes forwarding rules" -m mark --mark 0x4000/0x4000 -j ACCEPT
-A KUBE-FORWARD -m comment --comment "kubernetes forwarding conntrack rule" -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
COMMIT
*nat
:PREROUTING ACCEPT [0:0]
:INPUT ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
:POSTROUTING ACCEPT [0:0]
:FLANNEL-POSTRTG - [0:0]
:KUBE-EXT-$svc - [0:0]
:KUBE-KUBELET-CANARY - [0:0]
:KUBE-MARK-MASQ - [0:0]
:KUBE-NODEPORTS - [0:0]
:KUBE-POSTROUTING - [0:0]
:KUBE-PROXY-CANARY - [0:0]
:KUBE-SEP-$api_sep - [0:0]
:KUBE-SEP-$sep1 - [0:0]
:KUBE-SEP-$sep2 - [0:0]
:KUBE-SERVICES - [0:0]
:KUBE-SVC-$api - [0:0]
:KUBE-SVC-$svc - [0:0]
-A PREROUTING -m comment --comment "kubernetes service portals" -j KUBE-SERVICES
-A OUTPUT -m comment --comment "kubernetes service portals" -j KUBE-SERVICES
-A POSTROUTING -m comment --comment "kubernetes postrouting rules" -j KUBE-POSTROUTING
-A POSTROUTING -m comment --comment "flanneld masq" -j FLANNEL-POSTRTG
-A FLANNEL-POSTRTG -m mark --mark 0x4000/0x4000 -m comment --comment "flanneld masq" -j RETURN
-A FLANNEL-POSTRTG -s $subnet -d $CLUSTER_CIDR -m comment --comment "flanneld masq" -j RETURN
-A FLANNEL-POSTRTG -s $CLUSTER_CIDR -d $subnet -m comment --comment "flanneld masq" -j RETURN
-A FLANNEL-POSTRTG ! -s $CLUSTER_CIDR -d $subnet -m comment --comment "flanneld masq" -j RETURN
-A FLANNEL-POSTRTG -s $CLUSTER_CIDR ! -d 224.0.0.0/4 -m comment --comment "flanneld masq" -j MASQUERADE --random-fully
-A FLANNEL-POSTRTG ! -s $CLUSTER_CIDR -d $CLUSTER_CIDR -m comment --comment "flanneld masq" -j MASQUERADE --random-fully
-A KUBE-EXT-$svc -m comment --comment "masquerade traffic for default/web:http external destinations" -j KUBE-MARK-MASQ
-A KUBE-EXT-$svc -j KUBE-SVC-$svc
-A KUBE-MARK-MASQ -j MARK --set-xmark 0x4000/0x4000
-A KUBE-NODEPORTS -p tcp -m comment --comment "default/web:http" -m tcp --dport $NODE_PORT -j KUBE-EXT-$svc
-A KUBE-POSTROUTING -m mark ! --mark 0x4000/0x4000 -j RETURN
-A KUBE-POSTROUTING -j MARK --set-xmark 0x4000/0x0
-A KUBE-POSTROUTING -m comment --comment "kubernetes service traffic requiring SNAT" -j MASQUERADE --random-fully
-A KUBE-SEP-$api_sep -s 10.0.0.11/32 -m comment --comment "default/kubernetes:https" -j KUBE-MARK-MASQ
-A KUBE-SEP-$api_sep -p tcp -m comment --comment "default/kubernetes:https" -m tcp -j DNAT --to-destination 10.0.0.11:6443
-A KUBE-SEP-$sep1 -s 10.244.2.2/32 -m comment --comment "default/web:http" -j KUBE-MARK-MASQ
-A KUBE-SEP-$sep1 -p tcp -m comment --comment "default/web:http" -m tcp -j DNAT --to-destination 10.244.2.2:$WEB_PORT
-A KUBE-SEP-$sep2 -s 10.244.2.3/32 -m comment --comment "default/web:http" -j KUBE-MARK-MASQ
-A KUBE-SEP-$sep2 -p tcp -m comment --comment "default/web:http" -m tcp -j DNAT --to-destination 10.244.2.3:$WEB_PORT
-A KUBE-SERVICES -d 10.96.0.1/32 -p tcp -m comment --comment "default/kubernetes:https cluster IP" -m tcp --dport 443 -j KUBE-SVC-$api
-A KUBE-SERVICES -d $SERVICE_IP/32 -p tcp -m comment --comment "default/web:http cluster IP" -m tcp --dport $HTTP_PORT -j KUBE-SVC-$svc
-A KUBE-SERVICES -m comment --comment "kubernetes service nodeports; NOTE: this must be the last rule in this chain" -m addrtype --dst-type LOCAL -j KUBE-NODEPORTS
-A KUBE-SVC-$api ! -s $CLUSTER_CIDR -d 10.96.0.1/32 -p tcp -m comment --comment "default/kubernetes:https cluster IP" -m tcp --dport 443 -j KUBE-MARK-MASQ
-A KUBE-SVC-$api -m comment --comment "default/kubernetes:https -> 10.0.0.11:6443" -j KUBE-SEP-$api_sep
-A KUBE-SVC-$svc ! -s $CLUSTER_CIDR -d $SERVICE_IP/32 -p tcp -m comment --comment "default/web:http cluster IP" -m tcp --dport $HTTP_PORT -j KUBE-MARK-MASQ
-A KUBE-SVC-$svc -m comment --comment "default/web:http -> 10.244.2.2:$WEB_PORT" -m statistic --mode random --probability 0.50000000000 -j KUBE-SEP-$sep1
-A KUBE-SVC-$svc -m comment --comment "default/web:http -> 10.244.2.3:$WEB_PORT" -j KUBE-SEP-$sep2
COMMIT
EOF
}

# A node whose kube-proxy runs in nftables mode: iptables keep only what flanneld writes (and the
# host's own INPUT rules); every service rule is in nft's `table ip kube-proxy`. With the lab's
# iptables-nft these iptables rules also appear in `nft list ruleset` as tables ip nat/filter.
load_node_nft() {
  local host=$1 subnet=$2 node_ip=$3
  in_ns "$host" iptables-restore <<EOF
*mangle
:PREROUTING ACCEPT [0:0]
:INPUT ACCEPT [0:0]
:FORWARD ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
:POSTROUTING ACCEPT [0:0]
COMMIT
*filter
:INPUT ACCEPT [0:0]
:FORWARD DROP [0:0]
:OUTPUT ACCEPT [0:0]
:FLANNEL-FWD - [0:0]
-A INPUT -i lo -j ACCEPT
-A INPUT -p tcp -m tcp --dport 22 -m comment --comment "ssh" -j ACCEPT
-A INPUT -s $VPC_CIDR -p tcp -m tcp --dport 10250 -m comment --comment "kubelet from the vpc" -j ACCEPT
-A INPUT -p tcp -m tcp --dport 2379:2380 -m comment --comment "etcd is not for anyone" -j DROP
-A FORWARD -m comment --comment "flanneld forward" -j FLANNEL-FWD
-A FLANNEL-FWD -s $CLUSTER_CIDR -m comment --comment "flanneld forward" -j ACCEPT
-A FLANNEL-FWD -d $CLUSTER_CIDR -m comment --comment "flanneld forward" -j ACCEPT
COMMIT
*nat
:PREROUTING ACCEPT [0:0]
:INPUT ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
:POSTROUTING ACCEPT [0:0]
:FLANNEL-POSTRTG - [0:0]
-A POSTROUTING -m comment --comment "flanneld masq" -j FLANNEL-POSTRTG
-A FLANNEL-POSTRTG -m mark --mark 0x4000/0x4000 -m comment --comment "flanneld masq" -j RETURN
-A FLANNEL-POSTRTG -s $subnet -d $CLUSTER_CIDR -m comment --comment "flanneld masq" -j RETURN
-A FLANNEL-POSTRTG -s $CLUSTER_CIDR -d $subnet -m comment --comment "flanneld masq" -j RETURN
-A FLANNEL-POSTRTG ! -s $CLUSTER_CIDR -d $subnet -m comment --comment "flanneld masq" -j RETURN
-A FLANNEL-POSTRTG -s $CLUSTER_CIDR ! -d 224.0.0.0/4 -m comment --comment "flanneld masq" -j MASQUERADE --random-fully
-A FLANNEL-POSTRTG ! -s $CLUSTER_CIDR -d $CLUSTER_CIDR -m comment --comment "flanneld masq" -j MASQUERADE --random-fully
COMMIT
EOF
  kube_proxy_nft_ruleset "$node_ip" "$CLUSTER_CIDR" | in_ns "$host" nft -f -
}

# A Docker host in the VPC (not a cluster member) with Docker's nftables backend: the default
# bridge docker0, one container publishing port 80 as $DOCKER_IP:$PUBLISHED_PORT, and no iptables
# rules at all. The container's veth is named like Docker's (veth + 7 hex digits).
add_docker_host() {
  local veth
  add_ns docker
  add_vpc_host docker "$DOCKER_IP"
  in_ns docker ip route add default via "$NATGW_VPC_IP"
  enable_forwarding docker
  in_ns docker ip link add docker0 type bridge
  in_ns docker ip addr add "$DOCKER_GATEWAY/16" dev docker0
  in_ns docker ip link set docker0 up
  veth=$(pod_veth ctr-web | cut -c1-11)
  add_ns ctr-web
  ip -n "$(ns docker)" link add "$veth" type veth peer name eth0 netns "$(ns ctr-web)"
  in_ns docker ip link set "$veth" master docker0 up
  in_ns ctr-web ip addr add "$CONTAINER_IP/16" dev eth0
  in_ns ctr-web ip link set eth0 up
  in_ns ctr-web ip route add default via "$DOCKER_GATEWAY"
  docker_nft_ruleset docker0 "$DOCKER_SUBNET" "$CONTAINER_IP" "$PUBLISHED_PORT" "$HTTP_PORT" | in_ns docker nft -f -
}

# flannel in dual-stack mode writes the same FLANNEL-POSTRTG chain with ip6tables.
load_node_ip6tables() {
  local host=$1 subnet=$2
  in_ns "$host" ip6tables-restore <<EOF
*filter
:INPUT ACCEPT [0:0]
:FORWARD ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
:FLANNEL-FWD - [0:0]
-A INPUT -p tcp -m tcp --dport 22 -m comment --comment "ssh" -j ACCEPT
-A FORWARD -m comment --comment "flanneld forward" -j FLANNEL-FWD
-A FLANNEL-FWD -s $CLUSTER_CIDR6 -m comment --comment "flanneld forward" -j ACCEPT
-A FLANNEL-FWD -d $CLUSTER_CIDR6 -m comment --comment "flanneld forward" -j ACCEPT
COMMIT
*nat
:PREROUTING ACCEPT [0:0]
:INPUT ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
:POSTROUTING ACCEPT [0:0]
:FLANNEL-POSTRTG - [0:0]
-A POSTROUTING -m comment --comment "flanneld masq" -j FLANNEL-POSTRTG
-A FLANNEL-POSTRTG -m mark --mark 0x4000/0x4000 -m comment --comment "flanneld masq" -j RETURN
-A FLANNEL-POSTRTG -s $subnet -d $CLUSTER_CIDR6 -m comment --comment "flanneld masq" -j RETURN
-A FLANNEL-POSTRTG -s $CLUSTER_CIDR6 -d $subnet -m comment --comment "flanneld masq" -j RETURN
-A FLANNEL-POSTRTG ! -s $CLUSTER_CIDR6 -d $subnet -m comment --comment "flanneld masq" -j RETURN
-A FLANNEL-POSTRTG -s $CLUSTER_CIDR6 ! -d ff00::/8 -m comment --comment "flanneld masq" -j MASQUERADE --random-fully
-A FLANNEL-POSTRTG ! -s $CLUSTER_CIDR6 -d $CLUSTER_CIDR6 -m comment --comment "flanneld masq" -j MASQUERADE --random-fully
COMMIT
EOF
}

# ---------------------------------------------------------------------------------------
# Services and traffic (bounded: a handful of requests, each with a timeout)

start_service() {
  local host=$1 kind=$2 port=$3
  local logfile="$WORK/$host-$kind-$port.log"
  start_bg "$host" "$logfile" node "$LAB_DIR/services.mjs" "serve-$kind" "$port" "$host"
  wait_for_line "$logfile" '^ready' "$kind server on $host:$port"
}

start_partner_services() {
  start_service partner http "$HTTP_PORT"
  start_service partner udp "$UDP_PORT"
}

start_web_pods() {
  start_service pod-web1 http "$WEB_PORT"
  start_service pod-web2 http "$WEB_PORT"
}

# Run a client in the client pod (or host); its output goes to the lab log for eyeballing.
run_client() {
  local host=$1; shift
  in_ns "$host" "$@" | sed "s/^/lab:   $host: /" >&2
}

http_gets() { run_client "$1" node "$LAB_DIR/services.mjs" http-get "$2" "$3" "$4"; }
udp_datagrams() { run_client "$1" node "$LAB_DIR/services.mjs" udp-send "$2" "$3" "$4" "$5"; }
pings() { run_client "$1" ping -n -c "$3" -i 0.2 -W 2 "$2"; }

# ---------------------------------------------------------------------------------------
# Captures and snapshots. Everything is first written to $WORK/snap/<host>/ for every host of
# the world; the case folder then gets only the hosts a scenario "collected".

snap_dir() { printf '%s/snap/%s' "$WORK" "$1"; }

# start_capture HOST FILE COMMAND... : COMMAND writes FILE (its -w is added here).
start_capture() {
  local host=$1 file=$2; shift 2
  local dir logfile
  dir=$(snap_dir "$host")
  logfile="$WORK/capture-$host.log"
  mkdir -p "$dir"
  start_bg "$host" "$logfile" "$@" -w "$dir/$file"
  CAPTURE_PIDS+=("$!")
  wait_for_line "$logfile" 'listening on|Capturing on' "capture on $host"
}

# --immediate-mode hands every packet to tcpdump at once: by default the kernel batches
# them in ring-buffer blocks, and whatever sits in an unfinished block is lost on SIGINT.
# -U writes each packet at once; -Z root stays root, so folder permissions never matter.
# Immediate mode uses a ring of fixed slots of snaplen bytes each, and tcpdump's default
# snaplen (256 KiB) with its default 2 MiB buffer leaves 8 slots: a burst of 9 packets drops.
# 64 KiB slots (no packet here is larger) in a 32 MiB buffer give 512.
# -i any records every interface of the host (as LINUX_SLL2 unless told otherwise).
TCPDUMP=(tcpdump --immediate-mode -U -n -Z root -s 65535 -B 32768)
tcpdump_any() { start_capture "$1" "$2" "${TCPDUMP[@]}" -i any "${@:3}"; }
tcpdump_on() { start_capture "$1" "$2" "${TCPDUMP[@]}" -i "$3" "${@:4}"; }

# SIGINT makes tcpdump/dumpcap flush and close the file; wait so it is complete.
stop_captures() {
  local pid
  sleep 0.5  # let the last FIN/ACKs and echo replies cross every capture point
  for pid in "${CAPTURE_PIDS[@]}"; do kill -INT "$pid" 2>/dev/null || true; done
  for pid in "${CAPTURE_PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  CAPTURE_PIDS=()
  # A sample with holes would teach the analyzer wrong things: say so loudly.
  local logfile
  for logfile in "$WORK"/capture-*.log; do
    # tcpdump: "N packets dropped by kernel"; dumpcap: "received/dropped on interface 'x': R/D".
    if grep -Eq '^[1-9][0-9]* packets dropped|: [0-9]+/[1-9][0-9]* ' "$logfile"; then
      log "WARNING: $(basename "$logfile" .log) dropped packets: $(grep dropped "$logfile")"
    fi
  done
}

snapshot_host() {
  local host=$1 dir
  dir=$(snap_dir "$host")
  mkdir -p "$dir"
  in_ns "$host" iptables-save -c >"$dir/iptables-save.txt"
  in_ns "$host" ip route show table all >"$dir/ip-route.txt"
  in_ns "$host" ip rule >"$dir/ip-rule.txt"
  in_ns "$host" ip addr >"$dir/ip-addr.txt"
  in_ns "$host" ip -d link >"$dir/ip-link.txt"
  # conntrack prints its "N flow entries" summary on stderr; a dump is stdout only.
  # conntrack-tools 1.4.7 lists IPv4 and IPv6 entries together, so one file holds both.
  in_ns "$host" conntrack -L >"$dir/conntrack.txt" 2>/dev/null
  # ifindex -> name, for reading interface names back out of LINUX_SLL2 captures.
  in_ns "$host" ip -j link >"$dir/links.json"
  # ipsets only where a scenario made some (Calico-style rules match on them).
  if [ -n "$(in_ns "$host" ipset list -n 2>/dev/null)" ]; then in_ns "$host" ipset save >"$dir/ipset-save.txt"; fi
  # nft scenarios: the ruleset as text with handles (nft -a) and as JSON (which always has them).
  if [ "$WITH_NFT" = 1 ]; then
    in_ns "$host" nft -a list ruleset >"$dir/nft-ruleset.txt"
    in_ns "$host" nft -j list ruleset >"$dir/nft-ruleset.json"
  fi
  if [ "$WITH_IPV6" = 1 ]; then
    in_ns "$host" ip6tables-save -c >"$dir/ip6tables-save.txt"
    in_ns "$host" ip -6 route show table all >"$dir/ip6-route.txt"
  fi
}

snapshot_world() {
  local host
  for host in node1 node2 natgw inet partner client docker; do
    if ip netns list | awk '{print $1}' | grep -qx "$(ns "$host")"; then snapshot_host "$host"; fi
  done
}

# Copy one host's files into the case; links.json, nft-trace.txt and conntrack-events.txt are lab-internal, not something
# a user would collect, and an empty dump (iptables-save of a host without iptables rules) says nothing.
publish_host() {
  local case_dir=$1 host=$2
  mkdir -p "$case_dir/$host"
  find "$(snap_dir "$host")" -maxdepth 1 -type f -size +0 ! -name links.json ! -name nft-trace.txt ! -name conntrack-events.txt -exec cp {} "$case_dir/$host/" \;
  chmod 644 "$case_dir/$host"/*  # dumpcap creates its file 0600
}

# truth.json is read back from the captures, conntrack and counters by truth.mjs; the spec
# only says who is who and which services the clients talked to.
#   truth.mjs exits 3 when this recording does not let it read the truth back (a capture point
# missed a flow's first packet): no sample is written, the scratch folder is kept for a look, and
# lab.sh exits 3 too, so a caller can tell it from a broken lab and record again.
write_truth() {
  local case_dir=$1 spec=$2 status=0
  node "$LAB_DIR/truth.mjs" --spec "$spec" --snapshots "$WORK/snap" --case "$case_dir" >"$case_dir/truth.json" || status=$?
  if [ "$status" = 3 ]; then
    LAB_KEEP_WORK=1
    log "the truth of $(basename "$case_dir") cannot be read back from this recording (above); recording kept in $WORK"
    exit 3
  fi
  [ "$status" = 0 ] || die "truth.mjs failed on $(basename "$case_dir") (exit status $status)"
}

# ---------------------------------------------------------------------------------------
# Scenarios. Each builds a fresh world, so counters and conntrack tell only its own story.

# A case is assembled in $CASE and only replaces DIR/<scenario> once complete, so an
# interrupted run leaves the previous sample as it was rather than half a new one.
begin_scenario() {
  local name=$1 ipv6=$2
  log "scenario $name"
  rm -rf "${WORK:?}"/*
  WITH_NFT=0
  CASE="$WORK/case/$name"
  mkdir -p "$WORK/snap" "$CASE"
  build_world "$ipv6"
}

end_scenario() {
  local name
  name=$(basename "$CASE")
  stop_background
  delete_namespaces
  rm -rf "${OUT:?}/$name"
  mv "$CASE" "$OUT/$name"
}

# The spec tells truth.mjs who is who (hosts, roles, captures, clients, services); every
# other fact in truth.json is read back from the kernel.
# host_spec NAME ROLE CAPTURE_FILE INTERFACE...
host_spec() {
  local name=$1 role=$2 file=$3; shift 3
  local ifaces
  ifaces=$(printf '"%s", ' "$@")
  printf '"%s": { "role": "%s", "capture": "%s", "captureInterfaces": [%s] }' "$name" "$role" "$file" "${ifaces%, }"
}

# write_spec NAME DESCRIPTION HOSTS CLIENTS SERVICES [HOSTS_NOT_IN_CASE [UNCOLLECTED [FOLLOW]]]
# (JSON fragments). UNCOLLECTED: host_specs of hosts captured for the truth only (their captures
# stay in the scratch folder); FOLLOW "conntrack": truth.mjs follows flows by their tuples through
# every host's conntrack instead of by content (for traffic whose contents repeat).
write_spec() {
  cat >"$WORK/spec.json" <<EOF
{
  "scenario": "$1",
  "description": "$2",
  "hosts": { $3 },
  "clients": [ $4 ],
  "services": [ $5 ],
  "hostsNotInCase": { ${6:-} },
  "uncollected": { ${7:-} },
  "follow": "${8:-content}"
}
EOF
}

POD_CLIENT='{ "host": "node1", "pod": "default/client", "address": "10.244.1.2" }'
NODE1_ROLE="kubernetes node (flannel vxlan + kube-proxy iptables) running pod default/client"
NODE2_ROLE="kubernetes node (flannel vxlan + kube-proxy iptables) running pods default/web-1 and default/web-2"

# Pod -> partner over HTTP and UDP: node1 masquerades the pod to its VPC address, the NAT
# gateway SNATs that to its public address. $2 says whether the gateway is "collected".
egress_via_natgw() {
  local name=$1 with_natgw=$2
  begin_scenario "$name" 0
  start_partner_services
  tcpdump_any node1 capture.pcap
  if [ "$with_natgw" = 1 ]; then tcpdump_any natgw capture.pcap; fi
  tcpdump_on partner capture.pcap eth0
  http_gets pod-client "$PARTNER_IP" "$HTTP_PORT" 3
  udp_datagrams pod-client "$PARTNER_IP" "$UDP_PORT" 3 "$name"
  stop_captures
  snapshot_world
  publish_host "$CASE" node1
  publish_host "$CASE" partner

  local hosts description="Pod default/client on node1 calls the partner $PARTNER_IP (3 HTTP requests, 3 UDP datagrams from one socket). node1 masquerades the pod to its VPC address (flannel's FLANNEL-POSTRTG), then the cloud NAT gateway SNATs the VPC to $NATGW_PUBLIC_IP."
  local hidden=""
  hosts="$(host_spec node1 "$NODE1_ROLE" capture.pcap any), "
  if [ "$with_natgw" = 1 ]; then
    publish_host "$CASE" natgw
    hosts+="$(host_spec natgw "cloud NAT gateway (the VPC's default router)" capture.pcap any), "
  else
    hidden='"natgw": "cloud NAT gateway: present and translating, but not collected in this case"'
    description+=" The NAT gateway is not part of this case, so its translation happens between two captured hosts."
  fi
  hosts+=$(host_spec partner "partner server on the internet" capture.pcap eth0)
  write_spec "$name" "$description" "$hosts" "$POD_CLIENT" \
    "{ \"proto\": \"tcp\", \"address\": \"$PARTNER_IP\", \"port\": $HTTP_PORT },
    { \"proto\": \"udp\", \"address\": \"$PARTNER_IP\", \"port\": $UDP_PORT }" "$hidden"
  write_truth "$CASE" "$WORK/spec.json"
  end_scenario
}

scenario_pod_egress_natgw() { egress_via_natgw pod-egress-natgw 1; }
scenario_pod_egress_natgw_blind() { egress_via_natgw pod-egress-natgw-blind 0; }

# The incident as it usually comes: only the node was collected. The NAT gateway and the partner
# are captured too, but only for truth.json (their view stays in the scratch folder): analyze must
# not claim what the partner saw, and must say the flow is translated beyond node1.
scenario_pod_egress_node_only() {
  local name=pod-egress-node-only
  begin_scenario "$name" 0
  start_partner_services
  tcpdump_any node1 capture.pcap
  tcpdump_any natgw capture.pcap
  tcpdump_on partner capture.pcap eth0
  http_gets pod-client "$PARTNER_IP" "$HTTP_PORT" 3
  udp_datagrams pod-client "$PARTNER_IP" "$UDP_PORT" 3 "$name"
  stop_captures
  snapshot_world
  publish_host "$CASE" node1
  write_spec "$name" \
    "Pod default/client on node1 calls the partner $PARTNER_IP (3 HTTP requests, 3 UDP datagrams from one socket). node1 masquerades the pod to its VPC address (flannel's FLANNEL-POSTRTG), then the cloud NAT gateway SNATs the VPC to $NATGW_PUBLIC_IP. Only node1 is in the case: what the partner saw is read back from the gateway's and the partner's captures, which are not shipped." \
    "$(host_spec node1 "$NODE1_ROLE" capture.pcap any)" \
    "$POD_CLIENT" \
    "{ \"proto\": \"tcp\", \"address\": \"$PARTNER_IP\", \"port\": $HTTP_PORT },
    { \"proto\": \"udp\", \"address\": \"$PARTNER_IP\", \"port\": $UDP_PORT }" \
    '"natgw": "cloud NAT gateway: captured for truth.json, not collected in this case", "partner": "partner server: captured for truth.json, not collected in this case"' \
    "$(host_spec natgw "cloud NAT gateway (the VPC's default router)" capture.pcap any), $(host_spec partner "partner server on the internet" capture.pcap eth0)"
  write_truth "$CASE" "$WORK/spec.json"
  end_scenario
}

# Only what arrived was captured (`tcpdump -i any -Q in`): the pod's requests as they enter node1
# (its veth, cni0), the partner's replies as they enter eth0, and nothing leaving. Each connection is
# then two fragments that share no packet: the requests with the pod's tuple, the replies with the
# tuple node1's MASQUERADE made. Only node1's conntrack entry (original tuple, reply tuple) joins
# them. The gateway and the partner are captured for truth.json only, as in pod-egress-node-only.
scenario_pod_egress_inbound_only() {
  local name=pod-egress-inbound-only
  begin_scenario "$name" 0
  start_partner_services
  tcpdump_any node1 capture.pcap -Q in
  tcpdump_any natgw capture.pcap
  tcpdump_on partner capture.pcap eth0
  http_gets pod-client "$PARTNER_IP" "$HTTP_PORT" 2
  udp_datagrams pod-client "$PARTNER_IP" "$UDP_PORT" 2 "$name"
  stop_captures
  snapshot_world
  publish_host "$CASE" node1
  write_spec "$name" \
    "Pod default/client on node1 calls the partner $PARTNER_IP (2 HTTP requests, 2 UDP datagrams from one socket). node1 masquerades the pod to its VPC address (flannel's FLANNEL-POSTRTG), then the cloud NAT gateway SNATs the VPC to $NATGW_PUBLIC_IP. node1 captured only what arrived at its interfaces (tcpdump -i any -Q in): the requests on the pod's veth and cni0, the replies on eth0. Only node1 is in the case." \
    "$(host_spec node1 "$NODE1_ROLE" capture.pcap any)" \
    "$POD_CLIENT" \
    "{ \"proto\": \"tcp\", \"address\": \"$PARTNER_IP\", \"port\": $HTTP_PORT },
    { \"proto\": \"udp\", \"address\": \"$PARTNER_IP\", \"port\": $UDP_PORT }" \
    '"natgw": "cloud NAT gateway: captured for truth.json, not collected in this case", "partner": "partner server: captured for truth.json, not collected in this case"' \
    "$(host_spec natgw "cloud NAT gateway (the VPC's default router)" capture.pcap any), $(host_spec partner "partner server on the internet" capture.pcap eth0)"
  write_truth "$CASE" "$WORK/spec.json"
  end_scenario
}

# Kernel-made repeated traffic: a load generator in the client pod sends the very same request
# bytes over many connections at once — 8 TCP connections with identical GETs, and 8 UDP sockets
# sending one identical datagram (IP ID 0: unconnected, DF) in 3 rounds — through node1's
# MASQUERADE (--random-fully) and the gateway's SNAT. Only ports, time and order tell the copies
# apart; truth.mjs follows each flow by its tuples through the hosts' conntrack tables.
scenario_pod_egress_loadgen() {
  local name=pod-egress-loadgen
  begin_scenario "$name" 0
  start_partner_services
  tcpdump_any node1 capture.pcap
  tcpdump_any natgw capture.pcap
  tcpdump_on partner capture.pcap eth0
  run_client pod-client node "$LAB_DIR/services.mjs" http-burst "$PARTNER_IP" "$HTTP_PORT" 8
  run_client pod-client node "$LAB_DIR/services.mjs" udp-burst "$PARTNER_IP" "$UDP_PORT" 8 3 "$name"
  stop_captures
  snapshot_world
  publish_host "$CASE" node1
  publish_host "$CASE" natgw
  publish_host "$CASE" partner
  write_spec "$name" \
    "A load generator in pod default/client on node1 sends the same request bytes over many connections at once: 8 HTTP GETs to the partner $PARTNER_IP:$HTTP_PORT, each on its own connection, and one identical datagram from each of 8 UDP sockets to $PARTNER_IP:$UDP_PORT in 3 rounds 300 ms apart (IP ID 0, echoed identically). node1 masquerades the pod to its VPC address, the NAT gateway SNATs the VPC to $NATGW_PUBLIC_IP." \
    "$(host_spec node1 "$NODE1_ROLE" capture.pcap any), $(host_spec natgw "cloud NAT gateway (the VPC's default router)" capture.pcap any), $(host_spec partner "partner server on the internet" capture.pcap eth0)" \
    "$POD_CLIENT" \
    "{ \"proto\": \"tcp\", \"address\": \"$PARTNER_IP\", \"port\": $HTTP_PORT },
    { \"proto\": \"udp\", \"address\": \"$PARTNER_IP\", \"port\": $UDP_PORT }" \
    "" "" conntrack
  write_truth "$CASE" "$WORK/spec.json"
  end_scenario
}

# Replayed traffic (issue 11 §4): the pod's own traffic to the partner (3 HTTP GETs, 3 UDP datagrams
# from one socket) is recorded once on its eth0, then tcpreplay sends the pod's half of it out of the
# pod's eth0 again, REPLAYS times: the very same frames (ports, IP IDs, TCP sequence numbers,
# payloads) cross node1's MASQUERADE and the gateway's SNAT again and again. Only the recording's
# connections are live; a replay has no socket behind it (see README.md for what the partner and the
# pod's kernel answer). Before each replay node1's and the gateway's conntrack tables are flushed, so
# each replay gets its own entries (and MASQUERADE --random-fully a new port); `conntrack -E -o
# timestamp` on both records every entry with its time, which is how truth.mjs tells the replays apart.
REPLAYS=4
scenario_pod_egress_replay() {
  local name=pod-egress-replay i
  local record host
  begin_scenario "$name" 0
  start_partner_services
  # The recording stays in the scratch folder (pod-client is not a host of the case).
  record=$(snap_dir pod-client)
  start_capture pod-client recorded.pcap "${TCPDUMP[@]}" -i eth0
  http_gets pod-client "$PARTNER_IP" "$HTTP_PORT" 3
  udp_datagrams pod-client "$PARTNER_IP" "$UDP_PORT" 3 "$name"
  stop_captures
  # What a replay sends: the pod's packets only (the partner's answers come from the partner).
  # The pod's own capture holds TCP/UDP checksums the veth left to offload (not yet filled in);
  # replayed as they are, node1's conntrack would call every packet invalid, so tcprewrite fills
  # them in, as anyone replaying a capture taken on a Linux sender must.
  tcpdump -n -r "$record/recorded.pcap" -w "$record/pod-half.pcap" "ip src 10.244.1.2" 2>/dev/null
  tcprewrite --fixcsum -i "$record/pod-half.pcap" -o "$record/replayed.pcap"
  tcpdump_any node1 capture.pcap
  tcpdump_any natgw capture.pcap
  tcpdump_on partner capture.pcap eth0
  for host in node1 natgw; do
    start_bg "$host" "$(snap_dir "$host")/conntrack-events.txt" conntrack -E -o timestamp
    CAPTURE_PIDS+=("$!")
  done
  sleep 0.3  # conntrack -E prints nothing when it is ready; give it time to subscribe
  for ((i = 1; i <= REPLAYS; i++)); do
    # The recording's (and the previous replay's) entries would otherwise carry the replay.
    for host in node1 natgw; do in_ns "$host" conntrack -F 2>/dev/null; done
    in_ns pod-client tcpreplay -q -i eth0 "$record/replayed.pcap" 2>&1 | sed "s/^/lab:   pod-client: tcpreplay $i: /" >&2
    sleep 1  # the partner's answers, the pod's resets and ICMP errors settle before the next flush
  done
  stop_captures
  snapshot_world
  publish_host "$CASE" node1
  publish_host "$CASE" natgw
  publish_host "$CASE" partner
  write_spec "$name" \
    "The traffic of pod default/client on node1 to the partner $PARTNER_IP (3 HTTP GETs, 3 UDP datagrams from one socket) was recorded once on the pod's eth0 and its pod half replayed $REPLAYS times by tcpreplay from the pod's eth0, 1 s apart: the same bytes (ports, IP IDs, TCP sequence numbers, payloads) cross node1's MASQUERADE (--random-fully) and the NAT gateway's SNAT to $NATGW_PUBLIC_IP again and again; conntrack was flushed on node1 and the gateway before each replay, so each replay has its own entries and masquerade ports. A replayed connection has no socket behind it: the partner answers the SYN, the pod's kernel resets it." \
    "$(host_spec node1 "$NODE1_ROLE" capture.pcap any), $(host_spec natgw "cloud NAT gateway (the VPC's default router)" capture.pcap any), $(host_spec partner "partner server on the internet" capture.pcap eth0)" \
    "$POD_CLIENT" \
    "{ \"proto\": \"tcp\", \"address\": \"$PARTNER_IP\", \"port\": $HTTP_PORT },
    { \"proto\": \"udp\", \"address\": \"$PARTNER_IP\", \"port\": $UDP_PORT }" \
    "" "" conntrack-events
  write_truth "$CASE" "$WORK/spec.json"
  end_scenario
}

# ICMP errors RELATED to NATed flows whose mappings different rules made (docs/analyze.md, "ICMP
# errors"). flannel runs with --ip-masq=false and the NAT gateway translates the pod range itself
# (what a cloud's external SNAT does; the VPC routes node1's pod subnet to node1), by destination:
# the partner's feed port 9101 by MASQUERADE, its feed port 9102 by SNAT, its second address
# $PARTNER_IP2 by another SNAT, all to $NATGW_PUBLIC_IP. The partner's firewall opens both feed
# ports but nothing listens there: each datagram draws a port unreachable, which the gateway
# rewrites back to the pod from the entry of the flow it quotes, so one error flow quotes two
# flows mapped by two rules. The slow server on $PARTNER_IP2 echoes a second late, after the
# pod's socket closed: the pod's kernel answers with port unreachables that leave node1 with the
# pod's own address (no nat rule sees an error) and are rewritten only at the gateway.
PARTNER_IP2=198.51.100.11
scenario_icmp_errors_two_rules() {
  local name=icmp-errors-two-rules
  begin_scenario "$name" 0
  in_ns node1 iptables -t nat -D FLANNEL-POSTRTG -s "$CLUSTER_CIDR" ! -d 224.0.0.0/4 -m comment --comment "flanneld masq" -j MASQUERADE --random-fully
  in_ns natgw ip route add 10.244.1.0/24 via 10.0.0.11
  in_ns natgw iptables -t nat -I POSTROUTING 1 -s "$CLUSTER_CIDR" -d "$PARTNER_IP/32" -o eth1 -p udp -m udp --dport 9101 -m comment --comment "natgw-1: pods to partner feed a" -j MASQUERADE
  in_ns natgw iptables -t nat -I POSTROUTING 2 -s "$CLUSTER_CIDR" -d "$PARTNER_IP/32" -o eth1 -p udp -m udp --dport 9102 -m comment --comment "natgw-1: pods to partner feed b" -j SNAT --to-source "$NATGW_PUBLIC_IP"
  in_ns natgw iptables -t nat -I POSTROUTING 3 -s "$CLUSTER_CIDR" -d "$PARTNER_IP2/32" -o eth1 -m comment --comment "natgw-1: pods to partner site 2" -j SNAT --to-source "$NATGW_PUBLIC_IP"
  in_ns partner ip addr add "$PARTNER_IP2/24" dev eth0
  in_ns partner iptables -A INPUT -p udp -m udp --dport 9101:9102 -m comment --comment "partner feeds (service down)" -j ACCEPT
  start_bg partner "$WORK/partner-udp-late.log" node "$LAB_DIR/services.mjs" serve-udp-late "$UDP_PORT" partner "$PARTNER_IP2" 1000
  wait_for_line "$WORK/partner-udp-late.log" '^ready' "late udp echo on partner:$UDP_PORT"
  tcpdump_any node1 capture.pcap
  tcpdump_any natgw capture.pcap
  tcpdump_on partner capture.pcap eth0
  run_client pod-client node "$LAB_DIR/services.mjs" udp-fire "$PARTNER_IP" 9101 2 "$name feed a"
  run_client pod-client node "$LAB_DIR/services.mjs" udp-fire "$PARTNER_IP" 9102 2 "$name feed b"
  run_client pod-client node "$LAB_DIR/services.mjs" udp-fire "$PARTNER_IP2" "$UDP_PORT" 2 "$name late"
  sleep 1.5  # the late echoes (1 s) and the pod's port unreachables
  stop_captures
  snapshot_world
  publish_host "$CASE" node1
  publish_host "$CASE" natgw
  publish_host "$CASE" partner
  write_spec "$name" \
    "Pod default/client (10.244.1.2, node1) sends 2 UDP datagrams each to the partner's feed ports $PARTNER_IP:9101 and :9102, where nothing listens, and to a slow echo on $PARTNER_IP2:$UDP_PORT that answers a second later, after the pod's socket closed. flannel runs with --ip-masq=false: the NAT gateway translates the pod range, port 9101 by MASQUERADE, port 9102 and $PARTNER_IP2 by two SNAT rules, all to $NATGW_PUBLIC_IP. The partner's port unreachables are rewritten back to the pod as RELATED to the flows they quote (two rules' mappings); the pod's own port unreachables leave node1 with the pod address and are rewritten at the gateway." \
    "$(host_spec node1 "$NODE1_ROLE" capture.pcap any), $(host_spec natgw "cloud NAT gateway (the VPC's default router; translates the pod range)" capture.pcap any), $(host_spec partner "partner server on the internet (two addresses)" capture.pcap eth0)" \
    "$POD_CLIENT" \
    "{ \"proto\": \"udp\", \"address\": \"$PARTNER_IP\", \"port\": 9101 },
    { \"proto\": \"udp\", \"address\": \"$PARTNER_IP\", \"port\": 9102 },
    { \"proto\": \"udp\", \"address\": \"$PARTNER_IP2\", \"port\": $UDP_PORT }"
  write_truth "$CASE" "$WORK/spec.json"
  end_scenario
}

# A misconfiguration: flannel running with --ip-masq=false (its MASQUERADE rule is absent), so the
# pod's address leaves node1 untranslated; the NAT gateway only SNATs the VPC range, and the
# partner receives datagrams from the pod IP it can neither whitelist nor answer: a leak.
scenario_pod_egress_no_masq() {
  local name=pod-egress-no-masq
  begin_scenario "$name" 0
  start_partner_services
  in_ns node1 iptables -t nat -D FLANNEL-POSTRTG -s "$CLUSTER_CIDR" ! -d 224.0.0.0/4 -m comment --comment "flanneld masq" -j MASQUERADE --random-fully
  tcpdump_any node1 capture.pcap
  tcpdump_any natgw capture.pcap
  tcpdump_on partner capture.pcap eth0
  run_client pod-client node "$LAB_DIR/services.mjs" udp-fire "$PARTNER_IP" "$UDP_PORT" 3 "$name"
  stop_captures
  snapshot_world
  publish_host "$CASE" node1
  publish_host "$CASE" natgw
  publish_host "$CASE" partner
  write_spec "$name" \
    "Pod default/client (10.244.1.2, node1) sends 3 UDP datagrams to the partner $PARTNER_IP:$UDP_PORT, but flannel's MASQUERADE rule is missing on node1 (--ip-masq=false): the pod address leaves the node untranslated, the NAT gateway (which SNATs only the VPC range) passes it on, and the partner sees the pod IP and cannot answer." \
    "$(host_spec node1 "$NODE1_ROLE" capture.pcap any), $(host_spec natgw "cloud NAT gateway (the VPC's default router)" capture.pcap any), $(host_spec partner "partner server on the internet" capture.pcap eth0)" \
    "$POD_CLIENT" \
    "{ \"proto\": \"udp\", \"address\": \"$PARTNER_IP\", \"port\": $UDP_PORT }"
  write_truth "$CASE" "$WORK/spec.json"
  end_scenario
}

# Calico-style egress NAT: instead of flannel's MASQUERADE, node1 masquerades what leaves its IPAM
# pools for anywhere outside them, matched by ipsets as Calico's cali-nat-outgoing does
# (`-m set --match-set cali40masq-ipam-pools src -m set ! --match-set cali40all-ipam-pools dst`).
# The sets are in the case as `ipset save`; the rule that translated is a `-m set` rule.
scenario_pod_egress_calico_ipset() {
  local name=pod-egress-calico-ipset
  begin_scenario "$name" 0
  start_partner_services
  in_ns node1 iptables -t nat -D FLANNEL-POSTRTG -s "$CLUSTER_CIDR" ! -d 224.0.0.0/4 -m comment --comment "flanneld masq" -j MASQUERADE --random-fully
  in_ns node1 ipset create cali40masq-ipam-pools hash:net
  in_ns node1 ipset add cali40masq-ipam-pools "$CLUSTER_CIDR"
  in_ns node1 ipset create cali40all-ipam-pools hash:net
  in_ns node1 ipset add cali40all-ipam-pools "$CLUSTER_CIDR"
  in_ns node1 iptables -t nat -N cali-nat-outgoing
  in_ns node1 iptables -t nat -A cali-nat-outgoing -m comment --comment "cali:flqWnvo8yq4ULQLa" -m set --match-set cali40masq-ipam-pools src -m set ! --match-set cali40all-ipam-pools dst -j MASQUERADE --random-fully
  in_ns node1 iptables -t nat -I POSTROUTING 1 -m comment --comment "cali:Z-c7XtVd2Bq7s_hA" -j cali-nat-outgoing
  tcpdump_any node1 capture.pcap
  tcpdump_on partner capture.pcap eth0
  http_gets pod-client "$PARTNER_IP" "$HTTP_PORT" 3
  stop_captures
  snapshot_world
  publish_host "$CASE" node1
  publish_host "$CASE" partner
  write_spec "$name" \
    "Pod default/client (10.244.1.2, node1) calls the partner $PARTNER_IP:$HTTP_PORT (3 HTTP requests). node1 masquerades it with a Calico-style ipset rule (nat cali-nat-outgoing: source in cali40masq-ipam-pools, destination not in cali40all-ipam-pools; flannel's MASQUERADE removed), then the cloud NAT gateway (not in the case) SNATs the VPC to $NATGW_PUBLIC_IP." \
    "$(host_spec node1 "kubernetes node with Calico-style ipset egress NAT, running pod default/client" capture.pcap any), $(host_spec partner "partner server on the internet" capture.pcap eth0)" \
    "$POD_CLIENT" \
    "{ \"proto\": \"tcp\", \"address\": \"$PARTNER_IP\", \"port\": $HTTP_PORT }" \
    '"natgw": "cloud NAT gateway: present and translating, but not collected in this case"'
  write_truth "$CASE" "$WORK/spec.json"
  end_scenario
}

# Pod -> pod on the other node: no NAT, the packet crosses the VPC inside VXLAN. node2 is
# recorded as LINUX_SLL (cooked v1, no interface index) so both cooked versions exist.
scenario_pod_to_pod_vxlan() {
  local name=pod-to-pod-vxlan
  begin_scenario "$name" 0
  start_web_pods
  tcpdump_any node1 capture.pcap
  tcpdump_any node2 capture.pcap -y LINUX_SLL
  http_gets pod-client 10.244.2.2 "$WEB_PORT" 3
  pings pod-client 10.244.2.2 3
  stop_captures
  snapshot_world
  publish_host "$CASE" node1
  publish_host "$CASE" node2
  write_spec "$name" \
    "Pod default/client (10.244.1.2, node1) calls pod default/web-1 (10.244.2.2, node2) directly: 3 HTTP requests and 3 pings. No NAT: flannel's FLANNEL-POSTRTG returns early inside the cluster CIDR, and the packets cross the VPC in VXLAN (VNI 1, UDP 8472) between the nodes' eth0 addresses." \
    "$(host_spec node1 "$NODE1_ROLE" capture.pcap any), $(host_spec node2 "$NODE2_ROLE" capture.pcap any)" \
    "$POD_CLIENT" \
    "{ \"proto\": \"tcp\", \"address\": \"10.244.2.2\", \"port\": $WEB_PORT },
    { \"proto\": \"icmp\", \"address\": \"10.244.2.2\" }"
  write_truth "$CASE" "$WORK/spec.json"
  end_scenario
}

# Pod -> ClusterIP: kube-proxy on node1 DNATs to one of two endpoints on node2 (chosen at
# random by -m statistic), then VXLAN. Nanosecond timestamps in both captures.
scenario_clusterip_cross_node() {
  local name=clusterip-cross-node
  begin_scenario "$name" 0
  start_web_pods
  tcpdump_any node1 capture.pcap --time-stamp-precision=nano
  tcpdump_any node2 capture.pcap --time-stamp-precision=nano
  # Six connections make it very likely (1 - 2^-5) that both endpoints get some.
  http_gets pod-client "$SERVICE_IP" "$HTTP_PORT" 6
  stop_captures
  snapshot_world
  publish_host "$CASE" node1
  publish_host "$CASE" node2
  write_spec "$name" \
    "Pod default/client on node1 calls service default/web at its ClusterIP $SERVICE_IP:$HTTP_PORT six times. kube-proxy's rules on node1 DNAT each connection to an endpoint on node2 (10.244.2.2:$WEB_PORT or 10.244.2.3:$WEB_PORT, picked at random), and the pod address is kept (no masquerade inside the cluster CIDR)." \
    "$(host_spec node1 "$NODE1_ROLE" capture.pcap any), $(host_spec node2 "$NODE2_ROLE" capture.pcap any)" \
    "$POD_CLIENT" \
    "{ \"proto\": \"tcp\", \"address\": \"$SERVICE_IP\", \"port\": $HTTP_PORT }"
  write_truth "$CASE" "$WORK/spec.json"
  end_scenario
}

# Pod -> ClusterIP whose one endpoint is a pod on the SAME node, behind the same cni0 bridge:
# kube-proxy's DNAT runs in the bridge's PREROUTING (br_netfilter), and the packets go from one
# port of cni0 to the other. The capture (-i any) sees both pods' veths and cni0, where only part
# of the connection may show. Service default/local and pod default/web-3 exist only here.
scenario_clusterip_same_node() {
  local name=clusterip-same-node
  begin_scenario "$name" 0
  add_pod 1 web3 10.244.1.3
  add_local_service
  start_service pod-web3 http "$WEB_PORT"
  tcpdump_any node1 capture.pcap
  http_gets pod-client "$LOCAL_SERVICE_IP" "$HTTP_PORT" 4
  stop_captures
  snapshot_world
  publish_host "$CASE" node1
  write_spec "$name" \
    "Pod default/client (10.244.1.2, node1) calls service default/local at its ClusterIP $LOCAL_SERVICE_IP:$HTTP_PORT four times. Its one endpoint, pod default/web-3 (10.244.1.3:$WEB_PORT), runs on the same node behind the same cni0 bridge: kube-proxy's DNAT happens as the packet enters the bridge (br_netfilter), and the packets cross from one bridge port to the other." \
    "$(host_spec node1 "kubernetes node (flannel vxlan + kube-proxy iptables) running pods default/client and default/web-3" capture.pcap any)" \
    "$POD_CLIENT" \
    "{ \"proto\": \"tcp\", \"address\": \"$LOCAL_SERVICE_IP\", \"port\": $HTTP_PORT }"
  write_truth "$CASE" "$WORK/spec.json"
  end_scenario
}

# kube-proxy's chains for default/local (one endpoint, 10.244.1.3 on node1), inserted before the
# nodeports rule, which must stay last in KUBE-SERVICES.
add_local_service() {
  local svc sep
  svc=$(kube_hash "default/local:httptcp")
  sep=$(kube_hash "default/local:httptcp10.244.1.3:$WEB_PORT")
  in_ns node1 iptables -t nat -N "KUBE-SVC-$svc"
  in_ns node1 iptables -t nat -N "KUBE-SEP-$sep"
  in_ns node1 iptables -t nat -I KUBE-SERVICES 3 -d "$LOCAL_SERVICE_IP/32" -p tcp -m comment --comment "default/local:http cluster IP" -m tcp --dport "$HTTP_PORT" -j "KUBE-SVC-$svc"
  in_ns node1 iptables -t nat -A "KUBE-SVC-$svc" ! -s "$CLUSTER_CIDR" -d "$LOCAL_SERVICE_IP/32" -p tcp -m comment --comment "default/local:http cluster IP" -m tcp --dport "$HTTP_PORT" -j KUBE-MARK-MASQ
  in_ns node1 iptables -t nat -A "KUBE-SVC-$svc" -m comment --comment "default/local:http -> 10.244.1.3:$WEB_PORT" -j "KUBE-SEP-$sep"
  in_ns node1 iptables -t nat -A "KUBE-SEP-$sep" -s 10.244.1.3/32 -m comment --comment "default/local:http" -j KUBE-MARK-MASQ
  in_ns node1 iptables -t nat -A "KUBE-SEP-$sep" -p tcp -m comment --comment "default/local:http" -m tcp -j DNAT --to-destination "10.244.1.3:$WEB_PORT"
}

# Outside client -> NodePort on node1: DNAT to a pod on node2 plus KUBE-MARK-MASQ, so
# KUBE-POSTROUTING masquerades to node1's flannel.1 address. node1 is recorded by dumpcap
# as one pcapng with three interfaces.
scenario_nodeport() {
  local name=nodeport
  begin_scenario "$name" 0
  start_web_pods
  start_capture node1 capture.pcapng dumpcap -q -s 65535 -B 32 -i eth0 -i cni0 -i flannel.1
  tcpdump_any node2 capture.pcap
  tcpdump_on client capture.pcap eth0
  http_gets client 10.0.0.11 "$NODE_PORT" 4
  stop_captures
  snapshot_world
  publish_host "$CASE" node1
  publish_host "$CASE" node2
  publish_host "$CASE" client
  write_spec "$name" \
    "A VM in the VPC ($CLIENT_IP, not a cluster member) calls NodePort $NODE_PORT on node1's eth0 address 10.0.0.11 four times. kube-proxy DNATs to an endpoint of default/web on node2 and marks the packet for masquerade; KUBE-POSTROUTING then masquerades it to node1's flannel.1 address 10.244.1.0 before it crosses the VPC in VXLAN." \
    "$(host_spec client "VM in the VPC outside the cluster" capture.pcap eth0), $(host_spec node1 "$NODE1_ROLE" capture.pcapng eth0 cni0 flannel.1), $(host_spec node2 "$NODE2_ROLE" capture.pcap any)" \
    "{ \"host\": \"client\", \"address\": \"$CLIENT_IP\" }" \
    "{ \"proto\": \"tcp\", \"address\": \"10.0.0.11\", \"port\": $NODE_PORT }"
  write_truth "$CASE" "$WORK/spec.json"
  end_scenario
}

# IPv6 pod -> partner: the pod has a ULA address, node1's ip6tables FLANNEL-POSTRTG
# masquerades it to node1's global address, and the NAT gateway only routes IPv6 (no NAT66,
# like an egress-only internet gateway). node1's capture is stored gzip-compressed.
scenario_ipv6_pod_egress() {
  local name=ipv6-pod-egress
  begin_scenario "$name" 1
  start_partner_services
  tcpdump_any node1 capture.pcap
  tcpdump_on partner capture.pcap eth0
  http_gets pod-client "$PARTNER6_IP" "$HTTP_PORT" 3
  udp_datagrams pod-client "$PARTNER6_IP" "$UDP_PORT" 3 "$name"
  stop_captures
  # -n: no name or time stamp in the gzip header, so the same capture compresses the same.
  gzip -n -9 "$(snap_dir node1)/capture.pcap"
  snapshot_world
  publish_host "$CASE" node1
  publish_host "$CASE" partner
  write_spec "$name" \
    "Pod default/client on node1 (fd00:10:244:1::2, a ULA pod address) calls the partner at $PARTNER6_IP over IPv6 (3 HTTP requests, 3 UDP datagrams from one socket). node1's ip6tables FLANNEL-POSTRTG masquerades the pod to node1's global address ${VPC6_PREFIX}11; the NAT gateway routes IPv6 without translating it (no NAT66)." \
    "$(host_spec node1 "$NODE1_ROLE" capture.pcap.gz any), $(host_spec partner "partner server on the internet" capture.pcap eth0)" \
    '{ "host": "node1", "pod": "default/client", "address": "fd00:10:244:1::2" }' \
    "{ \"proto\": \"tcp\", \"address\": \"$PARTNER6_IP\", \"port\": $HTTP_PORT },
    { \"proto\": \"udp\", \"address\": \"$PARTNER6_IP\", \"port\": $UDP_PORT }" \
    '"natgw": "cloud NAT gateway: routes IPv6 without translating it; not collected"'
  write_truth "$CASE" "$WORK/spec.json"
  end_scenario
}

# IPv6 UDP echo whose replies carry the request's bytes unchanged, repeated: the pod sends the
# same 3 datagrams in 3 rounds, 2 s apart, each round from a new socket. IPv6 has no IP ID, so a
# request, its reply and every repeat of them look alike above the transport header; only the
# ports, the order and the time tell them apart. node1 masquerades the pod (ip6tables); the NAT
# gateway routes IPv6 untranslated; the NAT gateway is captured too, to give three hosts.
scenario_udp6_echo_repeated() {
  local name=udp6-echo-repeated
  begin_scenario "$name" 1
  # On the partner's telemetry port (its firewall admits only that one), a mirror instead of the
  # usual echo that prefixes its answers.
  start_service partner udp-mirror "$UDP_PORT"
  # Resolve IPv6 neighbours along the path first (uncaptured): a datagram that waits for
  # neighbour discovery can be dropped, and this client sends the next only after an echo.
  pings pod-client "$PARTNER6_IP" 2
  tcpdump_any node1 capture.pcap
  tcpdump_any natgw capture.pcap
  tcpdump_on partner capture.pcap eth0
  run_client pod-client node "$LAB_DIR/services.mjs" udp-repeat "$PARTNER6_IP" "$UDP_PORT" 3 3 "$name"
  stop_captures
  snapshot_world
  publish_host "$CASE" node1
  publish_host "$CASE" natgw
  publish_host "$CASE" partner
  write_spec "$name" \
    "Pod default/client on node1 (fd00:10:244:1::2) sends the same 3 UDP datagrams to the partner's mirror echo at [$PARTNER6_IP]:$UDP_PORT in 3 rounds 2 s apart, each round from a new socket; every reply is the request's payload unchanged. node1's ip6tables FLANNEL-POSTRTG masquerades the pod to ${VPC6_PREFIX}11; the NAT gateway routes IPv6 without translating it." \
    "$(host_spec node1 "$NODE1_ROLE" capture.pcap any), $(host_spec natgw "cloud NAT gateway (routes IPv6, no NAT66)" capture.pcap any), $(host_spec partner "partner server on the internet" capture.pcap eth0)" \
    '{ "host": "node1", "pod": "default/client", "address": "fd00:10:244:1::2" }' \
    "{ \"proto\": \"udp\", \"address\": \"$PARTNER6_IP\", \"port\": $UDP_PORT }"
  write_truth "$CASE" "$WORK/spec.json"
  end_scenario
}

# kube-proxy in nftables mode on both nodes (no iptables service rules; flannel's stay in iptables)
# and a third endpoint of default/web on node1 itself (web-3, 10.244.1.3), so the service has
# endpoints on both nodes. The kernel's `nft monitor trace` on the nodes names the rule of each
# translation (truth.mjs); the nodes are dumped with nft as text and JSON.
begin_kube_proxy_nft() {
  local name=$1
  begin_scenario "$name" 0
  WITH_NFT=1
  load_node_nft node1 10.244.1.0/24 10.0.0.11
  load_node_nft node2 10.244.2.0/24 10.0.0.12
  add_pod 1 web3 10.244.1.3
  start_web_pods
  start_service pod-web3 http "$WEB_PORT"
  start_nft_trace node1
  start_nft_trace node2
}

NODE1_NFT_ROLE="kubernetes node (flannel vxlan + kube-proxy nftables) running pods default/client and default/web-3"
NODE2_NFT_ROLE="kubernetes node (flannel vxlan + kube-proxy nftables) running pods default/web-1 and default/web-2"

scenario_clusterip_nft() {
  local name=clusterip-nft
  begin_kube_proxy_nft "$name"
  tcpdump_any node1 capture.pcap
  tcpdump_any node2 capture.pcap
  # Nine connections over three endpoints (numgen random mod 3): each is very likely picked.
  http_gets pod-client "$SERVICE_IP" "$HTTP_PORT" 9
  stop_captures
  stop_nft_traces node1 node2
  snapshot_world
  publish_host "$CASE" node1
  publish_host "$CASE" node2
  write_spec "$name" \
    "Pod default/client on node1 calls service default/web at its ClusterIP $SERVICE_IP:$HTTP_PORT nine times. kube-proxy runs in nftables mode (table ip kube-proxy: service-ips verdict map, numgen random mod 3 over the endpoints); it DNATs each connection to web-3 on node1 (10.244.1.3:$WEB_PORT) or to web-1/web-2 on node2 (10.244.2.2/10.244.2.3:$WEB_PORT, across VXLAN), and the pod address is kept (no masquerade inside the cluster CIDR)." \
    "$(host_spec node1 "$NODE1_NFT_ROLE" capture.pcap any), $(host_spec node2 "$NODE2_NFT_ROLE" capture.pcap any)" \
    "$POD_CLIENT" \
    "{ \"proto\": \"tcp\", \"address\": \"$SERVICE_IP\", \"port\": $HTTP_PORT }"
  write_truth "$CASE" "$WORK/spec.json"
  end_scenario
}

scenario_nodeport_nft() {
  local name=nodeport-nft
  begin_kube_proxy_nft "$name"
  tcpdump_any node1 capture.pcap
  tcpdump_any node2 capture.pcap
  tcpdump_on client capture.pcap eth0
  http_gets client 10.0.0.11 "$NODE_PORT" 6
  stop_captures
  stop_nft_traces node1 node2
  snapshot_world
  publish_host "$CASE" client
  publish_host "$CASE" node1
  publish_host "$CASE" node2
  write_spec "$name" \
    "A VM in the VPC ($CLIENT_IP, not a cluster member) calls NodePort $NODE_PORT on node1's eth0 address 10.0.0.11 six times. kube-proxy in nftables mode (service-nodeports verdict map, external chain, mark-for-masquerade, numgen) DNATs each connection to an endpoint of default/web on node1 or node2, and its masquerading chain masquerades the client to node1's address on the way out (cni0 10.244.1.1 to the local endpoint, flannel.1 10.244.1.0 across VXLAN)." \
    "$(host_spec client "VM in the VPC outside the cluster" capture.pcap eth0), $(host_spec node1 "$NODE1_NFT_ROLE" capture.pcap any), $(host_spec node2 "$NODE2_NFT_ROLE" capture.pcap any)" \
    "{ \"host\": \"client\", \"address\": \"$CLIENT_IP\" }" \
    "{ \"proto\": \"tcp\", \"address\": \"10.0.0.11\", \"port\": $NODE_PORT }"
  write_truth "$CASE" "$WORK/spec.json"
  end_scenario
}

# Docker with its nftables backend: the VPC client calls the port the container publishes
# (DNAT), and the container calls the partner (masquerade to the Docker host, then the cloud NAT
# gateway, not in the case). The Docker host has no iptables rules at all.
scenario_docker_nft() {
  local name=docker-nft
  begin_scenario "$name" 0
  WITH_NFT=1
  add_docker_host
  start_service ctr-web http "$HTTP_PORT"
  start_partner_services
  start_nft_trace docker
  tcpdump_any docker capture.pcap
  tcpdump_on client capture.pcap eth0
  tcpdump_on partner capture.pcap eth0
  http_gets client "$DOCKER_IP" "$PUBLISHED_PORT" 3
  http_gets ctr-web "$PARTNER_IP" "$HTTP_PORT" 3
  stop_captures
  stop_nft_traces docker
  snapshot_world
  publish_host "$CASE" client
  publish_host "$CASE" docker
  publish_host "$CASE" partner
  write_spec "$name" \
    "A Docker host in the VPC ($DOCKER_IP) runs Docker's nftables firewall backend (table ip docker-bridges, no iptables rules). The VPC client $CLIENT_IP calls the port a container publishes, $DOCKER_IP:$PUBLISHED_PORT, three times: DNAT to the container $CONTAINER_IP:$HTTP_PORT on docker0. The container calls the partner $PARTNER_IP:$HTTP_PORT three times: Docker masquerades it to $DOCKER_IP, then the cloud NAT gateway (not in the case) SNATs the VPC to $NATGW_PUBLIC_IP." \
    "$(host_spec client "VM in the VPC outside the cluster" capture.pcap eth0), $(host_spec docker "Docker host (nftables backend) running a container on docker0 that publishes port $PUBLISHED_PORT" capture.pcap any), $(host_spec partner "partner server on the internet" capture.pcap eth0)" \
    "{ \"host\": \"client\", \"address\": \"$CLIENT_IP\" }, { \"host\": \"docker\", \"container\": \"ctr-web\", \"address\": \"$CONTAINER_IP\" }" \
    "{ \"proto\": \"tcp\", \"address\": \"$DOCKER_IP\", \"port\": $PUBLISHED_PORT },
    { \"proto\": \"tcp\", \"address\": \"$PARTNER_IP\", \"port\": $HTTP_PORT }" \
    '"natgw": "cloud NAT gateway: present and translating, but not collected in this case"'
  write_truth "$CASE" "$WORK/spec.json"
  end_scenario
}

# ---------------------------------------------------------------------------------------

parse_args() {
  OUT=$OUT_DIR
  SELECTED=()
  while [ $# -gt 0 ]; do
    case $1 in
      -h | --help) usage; exit 0 ;;
      --out) [ $# -ge 2 ] || die "--out needs a directory"; OUT=$2; shift 2 ;;
      --out=*) OUT=${1#--out=}; shift ;;
      -*) die "unknown option $1 (see --help)" ;;
      *)
        [[ " ${SCENARIOS[*]} " == *" $1 "* ]] || die "unknown scenario '$1'; known: ${SCENARIOS[*]}"
        SELECTED+=("$1"); shift ;;
    esac
  done
  if [ ${#SELECTED[@]} -eq 0 ]; then SELECTED=("${SCENARIOS[@]}"); fi
}

check_requirements() {
  [ "$(id -u)" = 0 ] || die "must run as root (it creates network namespaces)"
  local tool missing=()
  for tool in ip bridge iptables-restore iptables-save ip6tables-restore ip6tables-save conntrack tcpdump tshark capinfos node md5sum sha256sum base32 flock; do
    command -v "$tool" >/dev/null 2>&1 || missing+=("$tool")
  done
  if [[ " ${SELECTED[*]} " == *" pod-to-pod-vxlan "* ]]; then command -v ping >/dev/null 2>&1 || missing+=(ping); fi
  if [[ " ${SELECTED[*]} " == *" nodeport "* ]]; then command -v dumpcap >/dev/null 2>&1 || missing+=(dumpcap); fi
  if [[ " ${SELECTED[*]} " == *" ipv6-pod-egress "* ]]; then command -v gzip >/dev/null 2>&1 || missing+=(gzip); fi
  if [[ " ${SELECTED[*]} " == *"-nft "* ]]; then command -v nft >/dev/null 2>&1 || missing+=(nft); fi
  if [[ " ${SELECTED[*]} " == *" pod-egress-replay "* ]]; then for tool in tcpreplay tcprewrite; do command -v "$tool" >/dev/null 2>&1 || missing+=("$tool"); done; fi
  [ ${#missing[@]} -eq 0 ] || die "missing tools: ${missing[*]} (Debian: apt-get install iproute2 iptables conntrack tcpdump tshark iputils-ping nftables tcpreplay)"
  # A container without CAP_SYS_ADMIN, or a kernel without namespaces, fails here clearly.
  local probe="${PREFIX}probe-$$"
  if ! ip netns add "$probe" 2>/dev/null || ! ip netns exec "$probe" true 2>/dev/null; then
    ip netns del "$probe" 2>/dev/null || true
    die "'ip netns' is not usable here (needs root with CAP_SYS_ADMIN and network namespace support)"
  fi
  ip netns del "$probe"
}

main() {
  parse_args "$@"
  check_requirements
  # Two labs at once would delete each other's namespaces; take turns.
  exec 9>"${TMPDIR:-/tmp}/natpath-lab.lock"
  flock -w 300 9 || die "another lab run holds ${TMPDIR:-/tmp}/natpath-lab.lock"
  trap cleanup EXIT
  trap 'log "interrupted; cleaning up"; exit 130' INT TERM
  delete_namespaces  # leftovers of an earlier run that crashed before its cleanup
  WORK=$(mktemp -d)
  mkdir -p "$OUT"
  OUT=$(cd "$OUT" && pwd)
  local name started=$SECONDS
  for name in "${SELECTED[@]}"; do
    "scenario_${name//-/_}"
  done
  log "done: ${SELECTED[*]} in $((SECONDS - started)) s -> $OUT"
}

main "$@"
