#!/usr/bin/env bash
# The one-shot `pki` service of deploy/compose.yaml: makes what the hub's containers need in the octopod-etc volume,
# keeping whatever is there already (so `docker compose up` again changes nothing):
#   pki/ca.pem, ca.key            the CA (the brain signs enrolled nodes' certificates with ca.key)
#   pki/brain.pem, .key           server certificate of the brain (SAN: brain, $OCTOPOD_PUBLIC_HOST, octopoda, ...)
#   pki/nameserver.pem, .key      server certificate of the name server
#   pki/admin.pem, .key           an admin client certificate for octl / SDKs
#   brain.yaml, nameserver.yaml, octl.yaml
# Secrets (database password, root password) are not written here: the containers get them as environment.
set -euo pipefail

ETC=${OCTOPOD_ETC:-/etc/octopod}
APP=${OCTOPOD_HOME:-/opt/octopod}
RUN_AS=${OCTOPOD_RUN_AS:-node}
HOST=${OCTOPOD_PUBLIC_HOST:?set OCTOPOD_PUBLIC_HOST to the address lab machines reach this host at}
PKI=$ETC/pki

say() { echo "pki: $*"; }
octl() { node "$APP/apps/octl/dist/main.js" -o json "$@" >/dev/null; }

mkdir -p "$PKI"
if [[ ! -f $PKI/ca.pem ]]; then
  octl pki ca --dir "$PKI" --cn "Octopod CA"
  say "made the CA"
fi
for server in brain nameserver; do
  if [[ ! -f $PKI/$server.pem ]]; then
    octl pki server "$server" --dir "$PKI" --host "$server" --host "$HOST"
    say "made the $server certificate (hosts $server, $HOST)"
  fi
done
if [[ ! -f $PKI/admin.pem ]]; then
  octl pki client admin --role admin --dir "$PKI"
  say "made the admin client certificate"
fi

# write_config <file> < content: only when the file is not there yet (edit it in the volume to change it).
write_config() {
  if [[ -f $ETC/$1 ]]; then
    cat >/dev/null
    return
  fi
  cat >"$ETC/$1"
  say "wrote $ETC/$1"
}

write_config brain.yaml <<EOF
# Made by deploy/docker/pki.sh. DATABASE_URL, REDIS_URL and BRAIN_ROOT_PASSWORD come from deploy/compose.yaml.
name: brain
httpsNameServer:
  enable: true
  host: nameserver
  port: 3455
tentacleFace:
  ip: 0.0.0.0
  advertiseIp: $HOST
  port: 3457
octlFace:
  ip: 0.0.0.0
  advertiseIp: $HOST
  port: 12345
ssl:
  caCert: $PKI/ca.pem
  serverCert: $PKI/brain.pem
  serverKey: $PKI/brain.key
  caKey: $PKI/ca.key
logger:
  path: ''
workspace:
  root: /var/lib/octopod/brain/workspace
  store: /var/lib/octopod/brain/FSTORE
EOF

write_config nameserver.yaml <<EOF
# Made by deploy/docker/pki.sh. REDIS_URL comes from deploy/compose.yaml.
servePort: 3455
httpPort: 3456
ip: 0.0.0.0
ssl:
  caCert: $PKI/ca.pem
  serverCert: $PKI/nameserver.pem
  serverKey: $PKI/nameserver.key
staticDir:
  - { url: /release, dir: /var/lib/octopod/release }
logger:
  path: ''
EOF

write_config octl.yaml <<EOF
# Made by deploy/docker/pki.sh: octl inside the brain container (docker compose exec brain octl ...).
httpsNameServer:
  enable: false
brain:
  name: brain
  ip: 127.0.0.1
  port: 12345
ssl:
  caCert: $PKI/ca.pem
  clientCert: $PKI/admin.pem
  clientKey: $PKI/admin.key
EOF

# The services run as $RUN_AS; keys stay private to it.
if id "$RUN_AS" >/dev/null 2>&1; then
  chown -R "$RUN_AS:$RUN_AS" "$ETC"
fi
chmod 0600 "$PKI"/*.key
say "ready in $ETC"
