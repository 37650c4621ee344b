#!/usr/bin/env bash
# A node behind NAT, made of two network namespaces on this machine:
#
#   node ns (10.231.I.2/24, default via router)
#     └─ veth ─ router ns (10.231.I.1 | 172.30.I.2/30, forwards + masquerades out its uplink, no default route)
#                 └─ veth ─ root ns (172.30.I.1/30 = the "host uplink" address)
#
# Processes in the node ns reach services bound on the host uplink address, and their connections arrive from
# the router's address. The host gets an `unreachable` route for the node subnet, so it can't reach the node and
# no packet for that subnet ever leaves this machine.
#
# Usage: nat.sh up <prefix>     prints shell assignments (NODE_NS=..., HOST_ADDR=..., ...) on stdout
#        nat.sh down <prefix>   removes everything `up` made; does nothing if it is not there
#        nat.sh check           exits 0 when this machine can run the harness (root, ip netns, iptables)
# <prefix>: letters, digits, '-' (at most 20); names the namespaces <prefix>-node and <prefix>-rt.
# Each prefix gets its own index I (1..250), so several harnesses can run at once.
set -euo pipefail

STATE_DIR=/run/octopod-netns
LOCK_FILE="$STATE_DIR/.lock"

die() { echo "nat.sh: $*" >&2; exit 1; }

require_tools() {
  [[ $(id -u) -eq 0 ]] || die "must run as root (network namespaces need CAP_NET_ADMIN)"
  command -v ip >/dev/null || die "'ip' not found: apt-get install -y iproute2"
  command -v iptables >/dev/null || die "'iptables' not found: apt-get install -y iptables"
}

check_prefix() {
  [[ ${1:-} =~ ^[A-Za-z0-9][A-Za-z0-9-]{0,19}$ ]] || die "prefix must be 1-20 letters, digits or '-' (got '${1:-}')"
}

# Allocates (or reuses) the index for a prefix under a lock, so concurrent `up`s never share a subnet.
allocate_index() {
  local prefix=$1 state="$STATE_DIR/$1.env"
  mkdir -p "$STATE_DIR"
  exec 9>"$LOCK_FILE"
  flock 9
  if [[ -f $state ]]; then
    sed -n 's/^INDEX=//p' "$state"
  else
    local used index
    used=$(cat "$STATE_DIR"/*.env 2>/dev/null | sed -n 's/^INDEX=//p' || true)
    for index in $(seq 1 250); do
      grep -qx "$index" <<<"$used" || break
    done
    grep -qx "$index" <<<"$used" && die "no free index (250 harnesses up?)"
    echo "INDEX=$index" >"$state"
    echo "$index"
  fi
  flock -u 9
}

names() {
  local prefix=$1 index=$2
  NODE_NS="$prefix-node"
  ROUTER_NS="$prefix-rt"
  # Interface names have a 15-character limit, so they carry the index, not the prefix.
  HOST_IF="octn${index}h"
  ROUTER_UP_IF="octn${index}u"
  ROUTER_IN_IF="octn${index}r"
  NODE_IF="octn${index}n"
  HOST_ADDR="172.30.$index.1"
  ROUTER_UPLINK_ADDR="172.30.$index.2"
  ROUTER_INNER_ADDR="10.231.$index.1"
  NODE_ADDR="10.231.$index.2"
  NODE_SUBNET="10.231.$index.0/24"
}

print_env() {
  cat <<EOF
NODE_NS=$NODE_NS
ROUTER_NS=$ROUTER_NS
HOST_ADDR=$HOST_ADDR
ROUTER_UPLINK_ADDR=$ROUTER_UPLINK_ADDR
NODE_ADDR=$NODE_ADDR
NODE_SUBNET=$NODE_SUBNET
EOF
}

up() {
  local prefix=$1 index
  index=$(allocate_index "$prefix")
  names "$prefix" "$index"
  if ip netns list | grep -qw "^$NODE_NS" && ip netns exec "$NODE_NS" ip -4 addr show dev "$NODE_IF" 2>/dev/null | grep -q "$NODE_ADDR"; then
    print_env
    return
  fi
  down_quiet "$prefix" keep-state
  ip netns add "$ROUTER_NS"
  ip netns add "$NODE_NS"
  ip -n "$ROUTER_NS" link set lo up
  ip -n "$NODE_NS" link set lo up

  # Uplink: root ns <-> router ns.
  ip link add "$HOST_IF" type veth peer name "$ROUTER_UP_IF" netns "$ROUTER_NS"
  ip addr add "$HOST_ADDR/30" dev "$HOST_IF"
  ip link set "$HOST_IF" up
  ip -n "$ROUTER_NS" addr add "$ROUTER_UPLINK_ADDR/30" dev "$ROUTER_UP_IF"
  ip -n "$ROUTER_NS" link set "$ROUTER_UP_IF" up

  # Inner link: router ns <-> node ns.
  ip -n "$ROUTER_NS" link add "$ROUTER_IN_IF" type veth peer name "$NODE_IF" netns "$NODE_NS"
  ip -n "$ROUTER_NS" addr add "$ROUTER_INNER_ADDR/24" dev "$ROUTER_IN_IF"
  ip -n "$ROUTER_NS" link set "$ROUTER_IN_IF" up
  ip -n "$NODE_NS" addr add "$NODE_ADDR/24" dev "$NODE_IF"
  ip -n "$NODE_NS" link set "$NODE_IF" up
  ip -n "$NODE_NS" route add default via "$ROUTER_INNER_ADDR"

  # The router forwards and hides the node behind its uplink address. It has no default route: the node can
  # reach the host's uplink /30 and nothing else.
  ip netns exec "$ROUTER_NS" sysctl -qw net.ipv4.ip_forward=1
  ip netns exec "$ROUTER_NS" iptables -t nat -A POSTROUTING -s "$NODE_SUBNET" -o "$ROUTER_UP_IF" -j MASQUERADE

  # Without this the host's default route would send packets for the node subnet off the machine.
  ip route replace unreachable "$NODE_SUBNET"
  print_env
}

# Removes the namespaces (their veths and iptables rules go with them), the host veth and the host route.
down_quiet() {
  local prefix=$1 keep=${2:-} state="$STATE_DIR/$1.env" index
  [[ -f $state ]] || return 0
  index=$(sed -n 's/^INDEX=//p' "$state")
  names "$prefix" "$index"
  ip netns del "$NODE_NS" 2>/dev/null || true
  ip netns del "$ROUTER_NS" 2>/dev/null || true
  ip link del "$HOST_IF" 2>/dev/null || true
  ip route del unreachable "$NODE_SUBNET" 2>/dev/null || true
  [[ $keep == keep-state ]] || rm -f "$state"
}

case "${1:-}" in
  up)
    check_prefix "${2:-}"
    require_tools
    up "$2"
    ;;
  down)
    check_prefix "${2:-}"
    require_tools
    down_quiet "$2"
    ;;
  check)
    require_tools
    ip netns list >/dev/null 2>&1 || die "'ip netns' does not work here"
    ;;
  *)
    echo "usage: nat.sh up|down <prefix> | nat.sh check" >&2
    exit 2
    ;;
esac
