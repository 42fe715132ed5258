#!/bin/sh
# natpath-collect.sh — collect a natpath case from one Linux host (a Kubernetes node, a gateway,
# a server) or from one network namespace on it: the network state natpath reads, plus a bounded
# packet capture, packed as <host>.tar.gz. Shipped with natpath (`natpath collect`); POSIX sh,
# needs only what a node has: ip, iptables-save, tcpdump, tar, gzip (conntrack, nft, ipset,
# nsenter when present). See docs/collect.md.
#
# It refuses to capture without all three limits, never leaves tcpdump running (it is stopped on
# every way out: limits reached, Ctrl-C, TERM, errors), and prints what it collected.

set -u

PROG=natpath-collect
OUT_DIR=
DURATION=
PACKETS=
SIZE_MB=
SNAPLEN=262144
FILTER=
IFACE=any
NETNS=
NETNS_PID=
HOST_NAME=
CAPTURE=1
KEEP_FOLDER=0

usage() {
  cat <<EOF
Usage: $PROG --out DIR --duration SECONDS --packets COUNT --size MB [options]
       $PROG --out DIR --no-capture [options]

Saves iptables-save -c, ip6tables-save -c, ip route/rule show table all (v4 and v6), ip -j addr,
ip -d -j link, conntrack -L, nft list ruleset, nft -j list ruleset and ipset save (when
installed), the hostname and kernel
version, and a tcpdump capture bounded by all three limits, into DIR/<host>/, then packs
DIR/<host>.tar.gz for natpath analyze/batch. Run as root.

Limits (all three required unless --no-capture):
  --duration SECONDS   stop the capture after this many seconds
  --packets COUNT      ... or after this many packets (tcpdump -c)
  --size MB            ... or once the capture file reaches this many megabytes (10^6 bytes;
                       tcpdump -C: the file never exceeds it by more than one packet)
Options:
  --out DIR            where <host>/ and <host>.tar.gz go (required)
  --filter 'BPF'       capture filter, e.g. 'host 198.51.100.10 or udp port 8472'
  --snaplen BYTES      bytes kept per packet (default $SNAPLEN; natpath needs the headers and
                       the first 64 payload bytes: 200 is enough for plain TCP/UDP, 300 with VXLAN)
  --interface IF       capture interface (default: any)
  --netns NAME         collect inside the network namespace NAME (ip netns exec)
  --netns-pid PID      collect inside the network namespace of process PID (nsenter -n), e.g. a pod
  --host NAME          host folder name (default: the netns name, else the hostname)
  --no-capture         network state only
  --keep-folder        keep DIR/<host>/ beside the archive
  -h, --help           this help
EOF
}

say() { printf '%s: %s\n' "$PROG" "$*" >&2; }
die() { printf '%s: error: %s\n' "$PROG" "$*" >&2; exit 2; }
is_count() { case $1 in '' | *[!0-9]*) return 1 ;; *) return 0 ;; esac; }
positive() { is_count "$1" && [ "$1" -gt 0 ]; }
have() { command -v "$1" >/dev/null 2>&1; }
need() { [ $# -ge 2 ] || die "$1 needs a value"; }

while [ $# -gt 0 ]; do
  case $1 in
    --out) need "$@"; OUT_DIR=$2; shift 2 ;;
    --duration) need "$@"; DURATION=$2; shift 2 ;;
    --packets) need "$@"; PACKETS=$2; shift 2 ;;
    --size) need "$@"; SIZE_MB=$2; shift 2 ;;
    --filter) need "$@"; FILTER=$2; shift 2 ;;
    --snaplen) need "$@"; SNAPLEN=$2; shift 2 ;;
    --interface) need "$@"; IFACE=$2; shift 2 ;;
    --netns) need "$@"; NETNS=$2; shift 2 ;;
    --netns-pid) need "$@"; NETNS_PID=$2; shift 2 ;;
    --host) need "$@"; HOST_NAME=$2; shift 2 ;;
    --no-capture) CAPTURE=0; shift ;;
    --keep-folder) KEEP_FOLDER=1; shift ;;
    -h | --help) usage; exit 0 ;;
    *) usage >&2; die "unknown option: $1" ;;
  esac
done

[ -n "$OUT_DIR" ] || { usage >&2; die "--out DIR is required"; }
if [ "$CAPTURE" = 1 ]; then
  missing=
  [ -n "$DURATION" ] || missing="$missing --duration"
  [ -n "$PACKETS" ] || missing="$missing --packets"
  [ -n "$SIZE_MB" ] || missing="$missing --size"
  [ -z "$missing" ] || die "refusing to capture without limits: give$missing (or --no-capture for the network state only)"
  positive "$DURATION" || die "--duration expects whole seconds > 0, got '$DURATION'"
  positive "$PACKETS" || die "--packets expects a count > 0, got '$PACKETS'"
  positive "$SIZE_MB" || die "--size expects whole megabytes > 0, got '$SIZE_MB'"
  positive "$SNAPLEN" || die "--snaplen expects bytes > 0, got '$SNAPLEN'"
  have tcpdump || die "tcpdump is not installed (or use --no-capture)"
fi
[ -z "$NETNS" ] || [ -z "$NETNS_PID" ] || die "give --netns or --netns-pid, not both"
[ -z "$NETNS_PID" ] || is_count "$NETNS_PID" || die "--netns-pid expects a process id, got '$NETNS_PID'"
have ip || die "ip (iproute2) is not installed"
have tar || die "tar is not installed"
[ "$(id -u)" = 0 ] || say "warning: not root: iptables-save, conntrack and tcpdump will most likely fail"

if [ -n "$NETNS" ]; then
  ip netns list 2>/dev/null | awk '{print $1}' | grep -qx -- "$NETNS" || die "no network namespace '$NETNS' (ip netns list)"
elif [ -n "$NETNS_PID" ]; then
  have nsenter || die "nsenter (util-linux) is needed for --netns-pid"
  [ -e "/proc/$NETNS_PID/ns/net" ] || die "no process $NETNS_PID"
fi

# Every network command runs in the chosen namespace; exec, so a background tcpdump's $! is tcpdump.
in_ns() {
  if [ -n "$NETNS" ]; then exec ip netns exec "$NETNS" "$@"
  elif [ -n "$NETNS_PID" ]; then exec nsenter -t "$NETNS_PID" -n -- "$@"
  else exec "$@"; fi
}

if [ -z "$HOST_NAME" ]; then
  if [ -n "$NETNS" ]; then HOST_NAME=$NETNS
  elif [ -n "$NETNS_PID" ]; then HOST_NAME="$(hostname 2>/dev/null || echo host)-pid$NETNS_PID"
  else HOST_NAME=$(hostname 2>/dev/null || cat /proc/sys/kernel/hostname); fi
fi
# The name becomes a folder, an archive entry and natpath's host name: printable, no path parts.
case $HOST_NAME in '' | */* | .* | *[!A-Za-z0-9._@:+-]*) die "unusable host name '$HOST_NAME': letters, digits and . _ @ : + - only, not starting with a dot (use --host NAME)" ;; esac

HOST_DIR=$OUT_DIR/$HOST_NAME
ARCHIVE=$OUT_DIR/$HOST_NAME.tar.gz
mkdir -p "$HOST_DIR" || die "cannot create $HOST_DIR"
LOG=$HOST_DIR/collect.log
: >"$LOG"
COLLECTED=
SKIPPED=

TCPDUMP_PID=
STOPPER=
stop_capture() {
  if [ -n "$TCPDUMP_PID" ]; then
    # SIGINT lets tcpdump flush its buffer and write a complete file; KILL if it does not stop.
    kill -INT "$TCPDUMP_PID" 2>/dev/null
    i=0
    while kill -0 "$TCPDUMP_PID" 2>/dev/null && [ $i -lt 50 ]; do sleep 0.1 2>/dev/null || sleep 1; i=$((i + 1)); done
    kill -KILL "$TCPDUMP_PID" 2>/dev/null
    wait "$TCPDUMP_PID" 2>/dev/null
    TCPDUMP_PID=
  fi
  if [ -n "$STOPPER" ]; then rm -f "$STOPPER"; STOPPER=; fi
}
trap 'stop_capture' EXIT
trap 'say "interrupted: capture stopped"; stop_capture; exit 130' INT
trap 'say "terminated: capture stopped"; stop_capture; exit 143' TERM HUP

# save FILE COMMAND...: runs COMMAND in the namespace, keeps its output when it succeeds.
save() {
  file=$1
  shift
  tool=$1
  if ! have "$tool"; then
    SKIPPED="$SKIPPED $file($tool not installed)"
    printf 'skipped %s: %s not installed\n' "$file" "$tool" >>"$LOG"
    return 0
  fi
  if (in_ns "$@") >"$HOST_DIR/$file" 2>>"$LOG"; then
    printf 'ok %s: %s\n' "$file" "$*" >>"$LOG"
    COLLECTED="$COLLECTED $file"
  else
    printf 'failed %s: %s (exit %s)\n' "$file" "$*" "$?" >>"$LOG"
    SKIPPED="$SKIPPED $file(failed)"
    rm -f "$HOST_DIR/$file"
  fi
}

if [ "$CAPTURE" = 1 ]; then
  CAP=$HOST_DIR/capture.pcap
  # The size limit is tcpdump's own: with -C it checks the file's size before writing each packet
  # and, past the limit, closes it and runs the -z command on it (STOPPER), which stops tcpdump.
  # The file therefore ends within one packet of the limit however fast packets come; the few
  # packets written to the next file (capture.pcap1) before the stop are removed. Without -W no
  # file is ever overwritten. -Z root: with -C, tcpdump would drop to its own user before opening
  # the file, which then could not be written in a folder of root's.
  STOPPER=$(mktemp "${TMPDIR:-/tmp}/natpath-collect-stop.XXXXXX") || die "cannot create a temporary file"
  printf '#!/bin/sh\n# Run by tcpdump (-z) when the capture file reaches --size: stop tcpdump.\nkill -INT "$PPID"\n' >"$STOPPER"
  chmod 700 "$STOPPER"
  # -U: each packet written at once, so a stop loses nothing.
  if [ -n "$FILTER" ]; then
    in_ns tcpdump -i "$IFACE" -n -U -s "$SNAPLEN" -c "$PACKETS" -C "$SIZE_MB" -z "$STOPPER" -Z root -w "$CAP" -- "$FILTER" 2>>"$LOG" &
  else
    in_ns tcpdump -i "$IFACE" -n -U -s "$SNAPLEN" -c "$PACKETS" -C "$SIZE_MB" -z "$STOPPER" -Z root -w "$CAP" 2>>"$LOG" &
  fi
  TCPDUMP_PID=$!
  say "capturing on $IFACE${FILTER:+ ($FILTER)} for at most ${DURATION}s, $PACKETS packets, $SIZE_MB MB"
  started=$(date +%s)
  why=
  while :; do
    if ! kill -0 "$TCPDUMP_PID" 2>/dev/null; then why="packet limit reached or tcpdump ended"; break; fi
    now=$(date +%s)
    if [ $((now - started)) -ge "$DURATION" ]; then why="duration limit reached"; break; fi
    sleep 1
  done
  if kill -0 "$TCPDUMP_PID" 2>/dev/null; then
    stop_capture
  else
    wait "$TCPDUMP_PID"
    status=$?
    TCPDUMP_PID=
    [ "$status" = 0 ] || why="tcpdump failed (exit $status, see collect.log)"
  fi
  # A second file exists only when the first reached --size.
  if [ -e "${CAP}1" ]; then
    why="size limit reached"
    for extra in "$CAP"[0-9]*; do rm -f "$extra"; done
  fi
  rm -f "$STOPPER"
  STOPPER=
  printf 'capture: %s after %ss\n' "$why" "$(($(date +%s) - started))" >>"$LOG"
  if [ -s "$CAP" ]; then COLLECTED="$COLLECTED capture.pcap"; else SKIPPED="$SKIPPED capture.pcap(empty: $why)"; fi
  say "capture stopped: $why"
fi

# The state after the capture: conntrack then still holds the captured connections, and the
# rule counters include their packets.
save iptables-save.txt iptables-save -c
save ip6tables-save.txt ip6tables-save -c
save ip-route.txt ip -4 route show table all
save ip6-route.txt ip -6 route show table all
save ip-rule.txt ip -4 rule show
save ip6-rule.txt ip -6 rule show
save ip-addr.json ip -j addr show
save ip-link.json ip -d -j link show
save conntrack.txt conntrack -L
save nft-ruleset.txt nft list ruleset
save nft-ruleset.json nft -j list ruleset
save ipset-save.txt ipset save
{
  printf 'host: %s\n' "$HOST_NAME"
  printf 'hostname: %s\n' "$(hostname 2>/dev/null || cat /proc/sys/kernel/hostname)"
  printf 'kernel: %s\n' "$(uname -srvm)"
  printf 'netns: %s\n' "${NETNS:-${NETNS_PID:+pid $NETNS_PID}}"
  printf 'collected-at: %s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)"
  printf 'limits: duration=%ss packets=%s size=%sMB snaplen=%s interface=%s filter=%s\n' \
    "${DURATION:-none}" "${PACKETS:-none}" "${SIZE_MB:-none}" "$SNAPLEN" "$IFACE" "${FILTER:-none}"
} >"$HOST_DIR/host-info.txt"
COLLECTED="$COLLECTED host-info.txt"

# ./NAME: a name that starts with "-" must not be read by tar as an option (natpath strips the ./).
tar -czf "$ARCHIVE" -C "$OUT_DIR" "./$HOST_NAME" || die "cannot write $ARCHIVE"
[ "$KEEP_FOLDER" = 1 ] || rm -rf "$HOST_DIR"

say "collected into $ARCHIVE:"
for f in $COLLECTED; do
  say "  $f"
done
for f in $SKIPPED; do
  say "  not collected: $f"
done
printf '%s\n' "$ARCHIVE"
