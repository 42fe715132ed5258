#!/usr/bin/env bash
# Test harness (root): a pod → node (MASQUERADE) → server world in three network namespaces named
# nc-<pid>-*, natpath's collect script run inside the node's and the server's namespaces while the
# pod makes 3 HTTP requests, then a collect stopped with SIGTERM mid-capture. Prints facts for
# test/app/collect/collect.test.ts; everything it made is deleted on exit, whatever happens.
#   collect-lab.sh OUT_DIR COLLECT_SCRIPT SERVICES_MJS
set -euo pipefail
OUT=$1
COLLECT=$2
SERVICES=$3
P="nc-$$-"
PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for n in pod node srv; do ip netns pids "$P$n" 2>/dev/null | xargs -r kill -9 2>/dev/null || true; ip netns del "$P$n" 2>/dev/null || true; done
}
trap cleanup EXIT
for n in pod node srv; do ip netns add "$P$n"; ip -n "$P$n" link set lo up; done
ip link add eth0 netns "${P}pod" type veth peer name vethpod netns "${P}node"
ip link add eth0 netns "${P}node" type veth peer name eth0 netns "${P}srv"
ip -n "${P}pod" addr add 10.244.1.2/24 dev eth0
ip -n "${P}node" addr add 10.244.1.1/24 dev vethpod
ip -n "${P}node" addr add 10.0.0.11/24 dev eth0
ip -n "${P}srv" addr add 10.0.0.50/24 dev eth0
for pair in pod:eth0 node:vethpod node:eth0 srv:eth0; do ip -n "$P${pair%%:*}" link set "${pair#*:}" up; done
ip -n "${P}pod" route add default via 10.244.1.1
ip netns exec "${P}node" sysctl -qw net.ipv4.ip_forward=1
ip netns exec "${P}node" iptables -t nat -A POSTROUTING -s 10.244.0.0/16 -o eth0 -j MASQUERADE
# An ipset the filter table matches on, and an nft table of its own: collect must save both.
if command -v ipset >/dev/null; then
  ip netns exec "${P}node" ipset create pods hash:net
  ip netns exec "${P}node" ipset add pods 10.244.0.0/16
  ip netns exec "${P}node" iptables -A FORWARD -m set --match-set pods src -j ACCEPT
fi
if command -v nft >/dev/null; then
  ip netns exec "${P}node" nft add table inet collecttest
  ip netns exec "${P}node" nft add chain inet collecttest collectfwd '{ type filter hook forward priority 10; policy accept; }'
  ip netns exec "${P}node" nft add rule inet collecttest collectfwd ip saddr 10.244.0.0/16 counter accept
fi

ip netns exec "${P}srv" node "$SERVICES" serve-http 8080 partner >"$OUT/server.log" 2>&1 &
PIDS+=($!)
for _ in $(seq 50); do grep -q ready "$OUT/server.log" && break; sleep 0.1; done

sh "$COLLECT" --netns "${P}node" --host node1 --out "$OUT" --duration 6 --packets 1000 --size 5 --snaplen 300 >"$OUT/node1.stdout" 2>"$OUT/node1.stderr" &
c1=$!
sh "$COLLECT" --netns "${P}srv" --host partner --out "$OUT" --duration 6 --packets 1000 --size 5 --filter 'tcp port 8080' >"$OUT/partner.stdout" 2>"$OUT/partner.stderr" &
c2=$!
sleep 1.5
ip netns exec "${P}pod" node "$SERVICES" http-get 10.0.0.50 8080 3 >"$OUT/client.log" 2>&1
wait "$c1"; echo "collect-node1-exit: $?"
wait "$c2"; echo "collect-partner-exit: $?"
echo "node-pids-after: $(ip netns pids "${P}node" | wc -l)"

# The packet limit ends the capture before the duration does.
started=$(date +%s)
sh "$COLLECT" --netns "${P}srv" --host counted --out "$OUT/counted" --duration 30 --packets 4 --size 5 >/dev/null 2>"$OUT/counted.stderr" &
c4=$!
sleep 1.5
ip netns exec "${P}pod" node "$SERVICES" http-get 10.0.0.50 8080 1 >/dev/null 2>&1
wait "$c4"; echo "collect-counted-exit: $?"
echo "counted-seconds: $(($(date +%s) - started))"
echo "counted-packets: $(tar -xzOf "$OUT/counted/counted.tar.gz" ./counted/capture.pcap | tcpdump -r - -n 2>/dev/null | wc -l)"

# Stopped from outside mid-capture: it must exit promptly and leave no tcpdump behind.
started=$(date +%s)
sh "$COLLECT" --netns "${P}node" --host stopped --out "$OUT/stopped" --duration 60 --packets 1000 --size 5 >/dev/null 2>"$OUT/stopped.stderr" &
c3=$!
sleep 1.5
kill -TERM "$c3"
set +e
wait "$c3"; echo "collect-stopped-exit: $?"
set -e
echo "stopped-seconds: $(($(date +%s) - started))"
echo "node-pids-after-stop: $(ip netns pids "${P}node" | wc -l)"
