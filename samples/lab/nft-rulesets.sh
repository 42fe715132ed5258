# shellcheck shell=bash
# Sourced by lab.sh: nftables rulesets shaped as the programs that write them on real hosts, and
# the kernel's `nft monitor trace` for reading back which nft rule handled each first packet.
#
#  - kube-proxy in nftables mode (Kubernetes >= 1.31; GA in 1.33): one `table ip kube-proxy`,
#    written as kube-proxy writes it (`nft -f` of add commands; the same shape as its unit tests'
#    TestOverallNFTablesRules in ../shared/corpus/kube-proxy-nft/), chain names
#    "<8 chars of base32(sha256(base))>-<base>" as kube-proxy's servicePortChainNameBase makes them.
#  - Docker's nftables firewall backend (Docker >= 28, `--firewall-backend=nftables`): `table ip
#    docker-bridges` for the default bridge docker0, shaped as moby's nftabler goldens
#    (../shared/corpus/nftables/moby-nftabler/, icc=true masq=true gwm=nat hairpin=false).

# kube-proxy's nftables chain hash: the first 8 characters of base32(sha256(name)).
kube_nft_hash() { kube_hash "$1" | cut -c1-8; }

# kube_proxy_nft_ruleset NODE_IP CLUSTER_CIDR : prints the nft -f script for one node. The
# services are the lab's: default/kubernetes:https (10.96.0.1:443 -> 10.0.0.11:6443) and
# default/web:http (ClusterIP 10.96.0.10:80, NodePort 30080) with one endpoint on node1
# (10.244.1.3) and two on node2 (10.244.2.2, 10.244.2.3), externalTrafficPolicy Cluster.
kube_proxy_nft_ruleset() {
  local node_ip=$1 cluster_cidr=$2
  local api_base="default/kubernetes/tcp/https" web_base="default/web/tcp/http"
  local api_svc api_ep web_svc web_ext ep ep_chain vmap="" i=0
  api_svc="service-$(kube_nft_hash "$api_base")-$api_base"
  api_ep="endpoint-$(kube_nft_hash "${api_base}__10.0.0.11/6443")-${api_base}__10.0.0.11/6443"
  web_svc="service-$(kube_nft_hash "$web_base")-$web_base"
  web_ext="external-$(kube_nft_hash "$web_base")-$web_base"
  cat <<EOF
add table ip kube-proxy { comment "rules for kube-proxy" ; }
add set ip kube-proxy cluster-ips { type ipv4_addr ; comment "Active ClusterIPs" ; }
add set ip kube-proxy nodeport-ips { type ipv4_addr ; comment "IPs that accept NodePort traffic" ; }
add map ip kube-proxy firewall-ips { type ipv4_addr . inet_proto . inet_service : verdict ; comment "destinations that are subject to LoadBalancerSourceRanges" ; }
add map ip kube-proxy no-endpoint-nodeports { type inet_proto . inet_service : verdict ; comment "vmap to drop or reject packets to service nodeports with no endpoints" ; }
add map ip kube-proxy no-endpoint-services { type ipv4_addr . inet_proto . inet_service : verdict ; comment "vmap to drop or reject packets to services with no endpoints" ; }
add map ip kube-proxy service-ips { type ipv4_addr . inet_proto . inet_service : verdict ; comment "ClusterIP, ExternalIP and LoadBalancer IP traffic" ; }
add map ip kube-proxy service-nodeports { type inet_proto . inet_service : verdict ; comment "NodePort traffic" ; }
add chain ip kube-proxy cluster-ips-check
add chain ip kube-proxy filter-prerouting-pre-dnat { type filter hook prerouting priority -110 ; }
add chain ip kube-proxy filter-output-pre-dnat { type filter hook output priority -110 ; }
add chain ip kube-proxy filter-forward { type filter hook forward priority 0 ; }
add chain ip kube-proxy filter-input { type filter hook input priority 0 ; }
add chain ip kube-proxy filter-output { type filter hook output priority 0 ; }
add chain ip kube-proxy firewall-check
add chain ip kube-proxy mark-for-masquerade
add chain ip kube-proxy masquerading
add chain ip kube-proxy nat-output { type nat hook output priority -100 ; }
add chain ip kube-proxy nat-postrouting { type nat hook postrouting priority 100 ; }
add chain ip kube-proxy nat-prerouting { type nat hook prerouting priority -100 ; }
add chain ip kube-proxy nodeport-endpoints-check
add chain ip kube-proxy reject-chain { comment "helper for @no-endpoint-services / @no-endpoint-nodeports" ; }
add chain ip kube-proxy services
add chain ip kube-proxy service-endpoints-check
add rule ip kube-proxy cluster-ips-check ip daddr @cluster-ips reject comment "Reject traffic to invalid ports of ClusterIPs"
add rule ip kube-proxy cluster-ips-check ip daddr { 10.96.0.0/12 } drop comment "Drop traffic to unallocated ClusterIPs"
add rule ip kube-proxy filter-prerouting-pre-dnat ct state new jump firewall-check
add rule ip kube-proxy filter-forward ct state new jump service-endpoints-check
add rule ip kube-proxy filter-forward ct state new jump cluster-ips-check
add rule ip kube-proxy filter-input ct state new jump nodeport-endpoints-check
add rule ip kube-proxy filter-input ct state new jump service-endpoints-check
add rule ip kube-proxy filter-output ct state new jump service-endpoints-check
add rule ip kube-proxy filter-output-pre-dnat ct state new jump firewall-check
add rule ip kube-proxy filter-output ct state new jump cluster-ips-check
add rule ip kube-proxy firewall-check ip daddr . meta l4proto . th dport vmap @firewall-ips
add rule ip kube-proxy mark-for-masquerade mark set mark or 0x4000
add rule ip kube-proxy masquerading mark and 0x4000 == 0 return
add rule ip kube-proxy masquerading mark set mark xor 0x4000
add rule ip kube-proxy masquerading masquerade fully-random
add rule ip kube-proxy nat-output jump services
add rule ip kube-proxy nat-postrouting jump masquerading
add rule ip kube-proxy nat-prerouting jump services
add rule ip kube-proxy nodeport-endpoints-check ip daddr @nodeport-ips meta l4proto . th dport vmap @no-endpoint-nodeports
add rule ip kube-proxy reject-chain reject
add rule ip kube-proxy services ip daddr . meta l4proto . th dport vmap @service-ips
add rule ip kube-proxy services ip daddr @nodeport-ips meta l4proto . th dport vmap @service-nodeports
add element ip kube-proxy nodeport-ips { $node_ip }
add rule ip kube-proxy service-endpoints-check ip daddr . meta l4proto . th dport vmap @no-endpoint-services

add chain ip kube-proxy $api_svc
add chain ip kube-proxy $api_ep
add rule ip kube-proxy $api_svc ip daddr 10.96.0.1 ip saddr != $cluster_cidr jump mark-for-masquerade
add rule ip kube-proxy $api_svc numgen random mod 1 vmap { 0 : goto $api_ep }
add rule ip kube-proxy $api_ep ip saddr 10.0.0.11 jump mark-for-masquerade
add rule ip kube-proxy $api_ep meta l4proto tcp dnat to 10.0.0.11:6443
add element ip kube-proxy cluster-ips { 10.96.0.1 }
add element ip kube-proxy service-ips { 10.96.0.1 . tcp . 443 : goto $api_svc }

add chain ip kube-proxy $web_svc
add chain ip kube-proxy $web_ext
add rule ip kube-proxy $web_ext jump mark-for-masquerade
add rule ip kube-proxy $web_ext goto $web_svc
EOF
  for ep in 10.244.1.3 10.244.2.2 10.244.2.3; do
    ep_chain="endpoint-$(kube_nft_hash "${web_base}__$ep/$WEB_PORT")-${web_base}__$ep/$WEB_PORT"
    printf 'add chain ip kube-proxy %s\n' "$ep_chain"
    printf 'add rule ip kube-proxy %s ip saddr %s jump mark-for-masquerade\n' "$ep_chain" "$ep"
    printf 'add rule ip kube-proxy %s meta l4proto tcp dnat to %s:%s\n' "$ep_chain" "$ep" "$WEB_PORT"
    vmap+="${vmap:+ , }$i : goto $ep_chain"
    i=$((i + 1))
  done
  cat <<EOF
add rule ip kube-proxy $web_svc ip daddr $SERVICE_IP ip saddr != $cluster_cidr jump mark-for-masquerade
add rule ip kube-proxy $web_svc numgen random mod $i vmap { $vmap }
add element ip kube-proxy cluster-ips { $SERVICE_IP }
add element ip kube-proxy service-ips { $SERVICE_IP . tcp . $HTTP_PORT : goto $web_svc }
add element ip kube-proxy service-nodeports { tcp . $NODE_PORT : goto $web_ext }
EOF
}

# docker_nft_ruleset BRIDGE SUBNET CONTAINER_IP HOST_PORT CONTAINER_PORT : Docker's table for one
# bridge network with one published port. nft 1.0.6 refuses `priority dstnat` on the output hook
# (the corpus README), so that one is written as its number, -100, as newer nft would list it.
docker_nft_ruleset() {
  local br=$1 subnet=$2 ctr=$3 host_port=$4 ctr_port=$5
  cat <<EOF
table ip docker-bridges {
	map filter-forward-in-jumps {
		type ifname : verdict
		elements = { "$br" : jump filter-forward-in__$br }
	}

	map filter-forward-out-jumps {
		type ifname : verdict
		elements = { "$br" : jump filter-forward-out__$br }
	}

	map nat-postrouting-in-jumps {
		type ifname : verdict
		elements = { "$br" : jump nat-postrouting-in__$br }
	}

	map nat-postrouting-out-jumps {
		type ifname : verdict
		elements = { "$br" : jump nat-postrouting-out__$br }
	}

	chain filter-FORWARD {
		type filter hook forward priority filter; policy accept;
		oifname vmap @filter-forward-in-jumps
		iifname vmap @filter-forward-out-jumps
	}

	chain nat-OUTPUT {
		type nat hook output priority -100; policy accept;
		ip daddr != 127.0.0.0/8 fib daddr type local counter jump nat-prerouting-and-output
	}

	chain nat-POSTROUTING {
		type nat hook postrouting priority srcnat; policy accept;
		iifname vmap @nat-postrouting-out-jumps
		oifname vmap @nat-postrouting-in-jumps
	}

	chain nat-PREROUTING {
		type nat hook prerouting priority dstnat; policy accept;
		fib daddr type local counter jump nat-prerouting-and-output
	}

	chain nat-prerouting-and-output {
		iifname != "$br" tcp dport $host_port counter dnat to $ctr:$ctr_port comment "DNAT"
	}

	chain raw-PREROUTING {
		type filter hook prerouting priority raw; policy accept;
		ip daddr $ctr iifname != "$br" counter drop comment "DROP DIRECT ACCESS"
	}

	chain filter-forward-in__$br {
		ct state established,related counter accept
		iifname "$br" counter accept comment "ICC"
		ip daddr $ctr tcp dport $ctr_port counter accept
		counter drop comment "UNPUBLISHED PORT DROP"
	}

	chain filter-forward-out__$br {
		ct state established,related counter accept
		counter accept comment "OUTGOING"
	}

	chain nat-postrouting-in__$br {
	}

	chain nat-postrouting-out__$br {
		oifname != "$br" ip saddr $subnet counter masquerade comment "MASQUERADE"
	}
}
EOF
}

# ---------------------------------------------------------------------------------------
# Which nft rule handled a packet, read back from the kernel: a table of our own marks every
# TCP SYN for tracing before anything else sees it (priority -400 < raw), and `nft -a monitor
# trace` writes one line per rule each marked packet met, with the rule's handle. Only SYNs:
# NAT rules see a connection's first packet only, and the output stays a few hundred lines.
# The table is deleted before the host's ruleset is dumped, so the sample holds exactly what
# kube-proxy or Docker wrote.
NFT_TRACE_PIDS=()

start_nft_trace() {
  local host=$1 dir
  dir=$(snap_dir "$host")
  mkdir -p "$dir"
  in_ns "$host" nft -f - <<'EOF'
table ip nplab-trace {
	chain prerouting { type filter hook prerouting priority -400; policy accept; tcp flags & (syn | ack) == syn meta nftrace set 1; }
	chain output { type filter hook output priority -400; policy accept; tcp flags & (syn | ack) == syn meta nftrace set 1; }
}
EOF
  start_bg "$host" "$dir/nft-trace.txt" nft -a monitor trace
  NFT_TRACE_PIDS+=("$!")
  # nft prints nothing until the first event: give it time to open its netlink socket.
  sleep 0.5
}

stop_nft_traces() {
  local pid host
  sleep 0.3
  for pid in "${NFT_TRACE_PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${NFT_TRACE_PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  NFT_TRACE_PIDS=()
  for host in "$@"; do in_ns "$host" nft delete table ip nplab-trace; done
}
