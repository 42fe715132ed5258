#!/usr/bin/env bash
# Test harness (root): the collect script's --size under a flood. In a network namespace of its
# own (nc-<pid>-flood, deleted on exit whatever happens), UDP datagrams of 1 400 bytes go to
# 127.0.0.1:9 as fast as one process can send them while the collect script captures lo with
# --size SIZE_MB; prints the archive's listing and the collect log for test/app/collect/collect.test.ts.
#   collect-flood.sh OUT_DIR COLLECT_SCRIPT SIZE_MB
set -euo pipefail
OUT=$1
COLLECT=$2
SIZE=$3
NS="nc-$$-flood"
FLOOD_PID=
cleanup() {
  [ -n "$FLOOD_PID" ] && kill "$FLOOD_PID" 2>/dev/null || true
  ip netns pids "$NS" 2>/dev/null | xargs -r kill -9 2>/dev/null || true
  ip netns del "$NS" 2>/dev/null || true
}
trap cleanup EXIT
ip netns add "$NS"
ip -n "$NS" link set lo up
# Up to 60 s of datagrams; stopped as soon as the collect script is done.
ip netns exec "$NS" node -e '
  const s = require("node:dgram").createSocket("udp4");
  const buf = Buffer.alloc(1400, 0x61);
  const end = Date.now() + 60000;
  (function burst() { for (let i = 0; i < 100; i++) s.send(buf, 9, "127.0.0.1"); if (Date.now() < end) setImmediate(burst); else s.close(); })();
' &
FLOOD_PID=$!
sleep 0.5
sh "$COLLECT" --out "$OUT" --netns "$NS" --host flood --interface lo --filter 'udp port 9' \
  --duration 30 --packets 10000000 --size "$SIZE" --keep-folder >/dev/null 2>&1
kill "$FLOOD_PID" 2>/dev/null || true
FLOOD_PID=
echo "entries:"
tar -tvzf "$OUT/flood.tar.gz"
echo "log:"
cat "$OUT/flood/collect.log"
