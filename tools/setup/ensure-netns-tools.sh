#!/usr/bin/env bash
# Installs what the NAT harness (tools/netns/nat.sh) needs: iproute2 and iptables, and the OpenSSH server and client
# the ssh e2e runs inside a node's namespace. Only as root (CI is root); elsewhere those suites skip themselves.
set -euo pipefail

[[ $(id -u) -eq 0 ]] || exit 0
missing=()
command -v ip >/dev/null || missing+=(iproute2)
command -v iptables >/dev/null || missing+=(iptables)
[[ -x /usr/sbin/sshd ]] || missing+=(openssh-server)
command -v ssh >/dev/null || missing+=(openssh-client)
command -v ssh-keygen >/dev/null || missing+=(openssh-client)
((${#missing[@]} == 0)) && exit 0
command -v apt-get >/dev/null || { echo "ensure-netns-tools: no apt-get; install ${missing[*]} yourself" >&2; exit 0; }
echo "ensure-netns-tools: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null && apt-get install -y -qq --no-install-recommends $(printf '%s\n' "${missing[@]}" | sort -u)  >/dev/null ||
  { echo "ensure-netns-tools: ERROR: apt-get install ${missing[*]} failed" >&2; exit 1; }
