#!/usr/bin/env bash
# Installs what the NAT harness (tools/netns/nat.sh) needs: iproute2 and iptables. Only as root (CI is root);
# elsewhere the NAT e2e suite skips itself, so there is nothing to do.
set -euo pipefail

[[ $(id -u) -eq 0 ]] || exit 0
missing=()
command -v ip >/dev/null || missing+=(iproute2)
command -v iptables >/dev/null || missing+=(iptables)
((${#missing[@]} == 0)) && exit 0
command -v apt-get >/dev/null || { echo "ensure-netns-tools: no apt-get; install ${missing[*]} yourself" >&2; exit 0; }
echo "ensure-netns-tools: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null && apt-get install -y -qq "${missing[@]}" >/dev/null ||
  { echo "ensure-netns-tools: ERROR: apt-get install ${missing[*]} failed" >&2; exit 1; }
