#!/usr/bin/env bash
# Installs an Octopod tentacle and its upgrade supervisor (pakma) on a lab machine from a signed release.
# `install-tentacle.sh --help` says how. Running it again with the same inputs changes nothing.
# The inline node scripts are single-quoted on purpose: their ${...} are JavaScript's.
# shellcheck disable=SC2016
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
NODE_MAJOR_MIN=20

usage() {
  cat <<'EOF'
usage: install-tentacle.sh --release <file.tar.gz | https-url> --release-key <release.pub> --name <node>
                           (--token <join token> | --token-file <file> | --certs <dir>)
                           (--nameserver <host:port> | --brain <host:port>) [options]

Installs the tentacle of a signed release (octopod-tentacle_v<version>_<os>_<arch>.tar.gz + its .sig) and pakma:
  /opt/octopod/tentacle/<version>/     the release (tentacle.js, pakma.js, manifest.json); `current` links to it
  /opt/octopod/pakma/pakma.js          the upgrade supervisor (127.0.0.1:3450)
  /etc/octopod/tentacle.yaml           the tentacle's config (the previous one is kept as tentacle.yaml.bak)
  /etc/octopod/pakma.yaml              pakma's config
  /etc/octopod/release.pub             the key every later release must be signed with
  /etc/octopod/pki/                    ca.pem, <node>.pem, <node>.key (0600)
  /var/lib/octopod/pakma/pakma.json    pakma's state: STABLE at this version
  /etc/systemd/system/octopod-{tentacle,pakma}.service
then runs `systemctl daemon-reload`, enables and starts both services (restarts them when something changed).

  --release <file|url>      the release tarball; its signature is <file|url>.sig (base64 Ed25519); a URL must be
                            https:// on a server curl trusts (not the name server: it wants a client certificate)
  --release-key <file>      the release public key (PEM); the signature must verify with it
  --name <node>             the node's name: the certificate's CN (letters, digits, ".", "_", "-")
  --token <token>           enrol with a join token (`octl node token create`): runs `tentacle join`
  --token-file <file>       the same, read from a file (keeps the token out of the process list)
  --certs <dir>             or use certificates made beforehand: ca.pem plus <node>.pem and <node>.key (as
                            `octl pki client <node>` writes them) or cert.pem and key.pem
  --nameserver <host:port>  the name server's HTTPS address; the brain is looked up there
  --nameserver-http-port <port>  its plain-HTTP port, when not port + 1
  --brain <host:port>       the brain's tentacle gateway (port 3457), used when no name server is given
  --brain-name <name>       the brain's name in the name server (default brain)
  --brain-api <host:port>   the brain's API, for --token without --nameserver (default: --brain's host, port 12345)
  --root <dir>              install under <dir> instead of / (file contents still name the final paths);
                            needs --no-start
  --no-start                do not run systemctl
  --units <dir>             where octopod-tentacle.service and octopod-pakma.service are (default: systemd/
                            next to this script)
  -h, --help                this text

Needs Node.js >= 20 (at /usr/bin/node, or the units are pointed at the node found), tar, and curl for URLs.
Environment: INSTALL_TENTACLE_VERIFIER=openssl|node picks the signature checker (default: openssl when it can
verify Ed25519 signatures, else node).

Example:
  sudo ./install-tentacle.sh --release octopod-tentacle_v1.4.0_linux_arm64.tar.gz --release-key release.pub \
    --name pi-7 --token octopod-join1.… --nameserver 10.0.0.1:3455
EOF
}

say() { echo "install-tentacle: $*"; }
die() {
  echo "install-tentacle: ERROR: $*" >&2
  exit 1
}
usage_error() {
  echo "install-tentacle: $*" >&2
  echo "install-tentacle: see install-tentacle.sh --help" >&2
  exit 2
}

# ---------- arguments ----------
RELEASE='' RELEASE_KEY='' NAME='' TOKEN='' TOKEN_FILE='' CERTS='' NAMESERVER='' NS_HTTP_PORT='' BRAIN=''
BRAIN_NAME=brain BRAIN_API='' ROOT=/ NO_START=0 UNITS="$HERE/systemd"

while (($#)); do
  arg=$1
  shift
  value=''
  case $arg in
    --*=*)
      value=${arg#*=}
      arg=${arg%%=*}
      ;;
  esac
  case $arg in
    -h | --help)
      usage
      exit 0
      ;;
    --no-start) NO_START=1 ;;
    --release | --release-key | --name | --token | --token-file | --certs | --nameserver | \
      --nameserver-http-port | --brain | --brain-name | --brain-api | --root | --units)
      if [[ -z $value ]]; then
        (($#)) || usage_error "$arg needs a value"
        value=$1
        shift
      fi
      [[ -n $value ]] || usage_error "$arg needs a value"
      case $arg in
        --release) RELEASE=$value ;;
        --release-key) RELEASE_KEY=$value ;;
        --name) NAME=$value ;;
        --token) TOKEN=$value ;;
        --token-file) TOKEN_FILE=$value ;;
        --certs) CERTS=$value ;;
        --nameserver) NAMESERVER=$value ;;
        --nameserver-http-port) NS_HTTP_PORT=$value ;;
        --brain) BRAIN=$value ;;
        --brain-name) BRAIN_NAME=$value ;;
        --brain-api) BRAIN_API=$value ;;
        --root) ROOT=$value ;;
        --units) UNITS=$value ;;
      esac
      ;;
    *) usage_error "unknown argument \"$arg\"" ;;
  esac
done

is_port() { [[ $1 =~ ^[0-9]{1,5}$ ]] && ((10#$1 >= 1 && 10#$1 <= 65535)); }
is_address() { [[ $1 =~ ^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9._-]+):([0-9]+)$ ]] && is_port "${BASH_REMATCH[2]}"; }
address_host() {
  local host=${1%:*}
  host=${host#[}
  echo "${host%]}"
}
address_port() { echo "${1##*:}"; }

[[ -n $RELEASE ]] || usage_error "give the release: --release <file.tar.gz|https-url>"
[[ -n $RELEASE_KEY ]] || usage_error "give the release public key: --release-key <release.pub>"
[[ -n $NAME ]] || usage_error "give the node's name: --name <node>"
[[ $NAME =~ ^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$ ]] || usage_error "--name: \"$NAME\" is not a node name (letters, digits, \".\", \"_\", \"-\")"
[[ $BRAIN_NAME =~ ^[A-Za-z0-9._-]+$ ]] || usage_error "--brain-name: \"$BRAIN_NAME\" is not a brain name"
modes=0
[[ -n $TOKEN ]] && modes=$((modes + 1))
[[ -n $TOKEN_FILE ]] && modes=$((modes + 1))
[[ -n $CERTS ]] && modes=$((modes + 1))
((modes == 1)) || usage_error "give exactly one of --token, --token-file or --certs"
[[ -n $NAMESERVER || -n $BRAIN ]] || usage_error "say where the brain is: --nameserver <host:port> and/or --brain <host:port>"
[[ -z $NAMESERVER ]] || is_address "$NAMESERVER" || usage_error "--nameserver: expected host:port, got \"$NAMESERVER\""
[[ -z $BRAIN ]] || is_address "$BRAIN" || usage_error "--brain: expected host:port, got \"$BRAIN\""
[[ -z $BRAIN_API ]] || is_address "$BRAIN_API" || usage_error "--brain-api: expected host:port, got \"$BRAIN_API\""
if [[ -n $NS_HTTP_PORT ]]; then
  [[ -n $NAMESERVER ]] || usage_error "--nameserver-http-port needs --nameserver"
  is_port "$NS_HTTP_PORT" || usage_error "--nameserver-http-port: expected a port number"
fi
[[ $ROOT == /* ]] || usage_error "--root must be an absolute path"
ROOT=${ROOT%/}
if [[ -n $ROOT && $NO_START == 0 ]]; then
  usage_error "--root other than / needs --no-start (systemctl would act on this machine, not on $ROOT)"
fi
if [[ -z $ROOT && $EUID -ne 0 ]]; then
  die "installing into / needs root: run it with sudo (or give --root <dir> --no-start)"
fi

# ---------- what this machine needs ----------
need() { command -v "$1" >/dev/null || die "$1 is needed: $2"; }

if ! NODE=$(command -v node); then
  die "Node.js >= $NODE_MAJOR_MIN is needed and not installed. Debian 13 / Ubuntu 24.04: apt-get install -y nodejs;
  older releases: NodeSource's packages (https://github.com/nodesource/distributions) or a tarball from
  https://nodejs.org (put node in /usr/bin or /usr/local/bin), then run this again."
fi
node_major=$("$NODE" -p 'process.versions.node.split(".")[0]')
((node_major >= NODE_MAJOR_MIN)) ||
  die "Node.js $("$NODE" -v) at $NODE is too old: the tentacle needs >= $NODE_MAJOR_MIN (NodeSource or https://nodejs.org)"
need tar "apt-get install -y tar"
need base64 "apt-get install -y coreutils"

WORK=$(mktemp -d "${TMPDIR:-/tmp}/install-tentacle.XXXXXX")
trap 'rm -rf "$WORK"' EXIT

# ---------- the release and its signature ----------
case $RELEASE in
  https://*)
    need curl "apt-get install -y curl (or download the release and its .sig, then give the file)"
    TARBALL="$WORK/$(basename "${RELEASE%%\?*}")"
    say "downloading $RELEASE"
    curl -fsSL --proto '=https' --tlsv1.2 -o "$TARBALL" "$RELEASE" || die "could not download $RELEASE"
    curl -fsSL --proto '=https' --tlsv1.2 -o "$TARBALL.sig" "$RELEASE.sig" ||
      die "could not download the signature $RELEASE.sig"
    SIGNATURE="$TARBALL.sig"
    ;;
  *://*) die "--release: only https:// URLs or local files (got $RELEASE)" ;;
  *)
    [[ -f $RELEASE ]] || die "--release: no such file $RELEASE"
    TARBALL=$RELEASE
    SIGNATURE="$RELEASE.sig"
    [[ -f $SIGNATURE ]] || die "the release is not signed: $SIGNATURE is missing"
    ;;
esac
[[ -r $RELEASE_KEY ]] || die "--release-key: cannot read $RELEASE_KEY"

"$NODE" -e '
  const { createPublicKey } = require("node:crypto");
  const fs = require("node:fs");
  let key;
  try { key = createPublicKey(fs.readFileSync(process.argv[1])); } catch (e) {
    console.error(`install-tentacle: ERROR: ${process.argv[1]} is not a PEM public key (${e.message})`); process.exit(1);
  }
  if (key.asymmetricKeyType !== "ed25519") {
    console.error(`install-tentacle: ERROR: ${process.argv[1]} is a ${key.asymmetricKeyType} key; releases are signed with Ed25519`);
    process.exit(1);
  }' "$RELEASE_KEY" || exit 1

tr -d ' \t\r\n' <"$SIGNATURE" | base64 -d >"$WORK/signature.bin" 2>/dev/null ||
  die "$SIGNATURE is not base64"
[[ $(wc -c <"$WORK/signature.bin") -eq 64 ]] || die "$SIGNATURE does not hold an Ed25519 signature (64 bytes)"

openssl_verifies_ed25519() {
  command -v openssl >/dev/null && openssl pkeyutl -help 2>&1 | grep -q -- '-rawin'
}
verifier=${INSTALL_TENTACLE_VERIFIER:-auto}
if [[ $verifier == auto ]]; then
  if openssl_verifies_ed25519; then verifier=openssl; else verifier=node; fi
fi
case $verifier in
  openssl)
    openssl_verifies_ed25519 || die "this openssl cannot verify Ed25519 signatures (-rawin needs OpenSSL 3)"
    openssl pkeyutl -verify -pubin -inkey "$RELEASE_KEY" -rawin -in "$TARBALL" -sigfile "$WORK/signature.bin" \
      >/dev/null 2>&1 && verified=1 || verified=0
    ;;
  node)
    "$NODE" -e '
      const { createPublicKey, verify } = require("node:crypto");
      const fs = require("node:fs");
      const [tarball, signature, key] = process.argv.slice(1);
      const ok = verify(null, fs.readFileSync(tarball), createPublicKey(fs.readFileSync(key)), fs.readFileSync(signature));
      process.exit(ok ? 0 : 1);' "$TARBALL" "$WORK/signature.bin" "$RELEASE_KEY" && verified=1 || verified=0
    ;;
  *) die "INSTALL_TENTACLE_VERIFIER must be openssl or node (got $verifier)" ;;
esac
((verified)) || die "the signature of $RELEASE does not verify with $RELEASE_KEY: refusing to install it"
say "signature verified ($verifier, $(basename "$RELEASE_KEY"))"

# ---------- unpack and check against the manifest ----------
mkdir "$WORK/release"
tar -xzf "$TARBALL" -C "$WORK/release" --no-same-owner --no-same-permissions ||
  die "$RELEASE is not a gzip'd tar archive"
if [[ -n $(find "$WORK/release" -mindepth 1 ! -type f ! -type d -print -quit) ]]; then
  die "the release holds something other than files and folders (a link?): refusing it"
fi
release_info=$("$NODE" -e '
  const { createHash } = require("node:crypto");
  const fs = require("node:fs");
  const path = require("node:path");
  const [dir, fileName] = process.argv.slice(1);
  const fail = (message) => { console.error(`install-tentacle: ERROR: ${message}`); process.exit(1); };
  let manifest;
  try { manifest = JSON.parse(fs.readFileSync(path.join(dir, "manifest.json"), "utf8")); } catch (e) {
    fail(`the release has no readable manifest.json (${e.message})`);
  }
  const version = String(manifest.version ?? "");
  if (!/^[0-9]+(\.[0-9]+)*$/.test(version) || version.length > 64) fail(`manifest.json: bad version "${version}"`);
  if (manifest.app !== "tentacle") fail(`this is a release of "${manifest.app}", not of the tentacle`);
  if (manifest.entry !== "tentacle.js") fail(`manifest.json: entry is "${manifest.entry}", expected tentacle.js`);
  const files = manifest.files ?? {};
  for (const needed of ["tentacle.js", "pakma.js"]) if (!(needed in files)) fail(`the release has no ${needed}`);
  const found = [];
  const walk = (rel) => {
    for (const entry of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
      const child = rel ? `${rel}/${entry.name}` : entry.name;
      if (entry.isDirectory()) walk(child); else found.push(child);
    }
  };
  walk("");
  for (const [file, sha] of Object.entries(files)) {
    if (file.split("/").some((part) => part === "" || part === "." || part === "..")) fail(`manifest.json: bad path "${file}"`);
    let data;
    try { data = fs.readFileSync(path.join(dir, file)); } catch { fail(`${file} is listed in manifest.json but missing`); }
    if (createHash("sha256").update(data).digest("hex") !== sha) fail(`${file} does not match its sha256 in manifest.json`);
  }
  const extra = found.filter((file) => file !== "manifest.json" && !(file in files));
  if (extra.length) fail(`the release holds files manifest.json does not list: ${extra.join(", ")}`);
  const named = /^octopod-tentacle_v(.+)_([a-z0-9-]+)_([a-z0-9-]+)\.tar\.gz$/.exec(fileName);
  if (named && (named[1] !== version || named[2] !== manifest.os || named[3] !== manifest.arch)) {
    fail(`the file is named ${fileName} but its manifest says ${version} for ${manifest.os}/${manifest.arch}`);
  }
  console.log(`${version} ${manifest.os} ${manifest.arch} ${process.platform} ${process.arch}`);
' "$WORK/release" "$(basename "$TARBALL")") || exit 1
read -r VERSION REL_OS REL_ARCH HOST_OS HOST_ARCH <<<"$release_info"
say "release: tentacle $VERSION for $REL_OS/$REL_ARCH"
if [[ $REL_OS/$REL_ARCH != "$HOST_OS/$HOST_ARCH" ]]; then
  say "warning: this machine is $HOST_OS/$HOST_ARCH; the bundles are plain JavaScript and should run, but pakma" \
    "will ask for ${HOST_OS}_${HOST_ARCH} releases when upgrading"
fi

# ---------- installing, idempotently ----------
OPT=$ROOT/opt/octopod
VERSIONS=$OPT/tentacle
ETC=$ROOT/etc/octopod
UNIT_DIR=$ROOT/etc/systemd/system
PAKMA_ROOT=/var/lib/octopod/pakma
# The tentacle's journal, spool and link-status.json (which pakma watches).
STATE_DIR=/var/lib/octopod/tentacle/state
CHANGED=()

# install_file <source> <target> <mode> [backup]: replaces <target> atomically unless it already has these bytes.
install_file() {
  local source=$1 target=$2 mode=$3 backup=${4:-}
  mkdir -p "$(dirname "$target")"
  if [[ -f $target ]] && cmp -s "$source" "$target"; then
    chmod "$mode" "$target"
    return
  fi
  if [[ -n $backup && -f $target ]]; then cp -p "$target" "$target.bak"; fi
  cp "$source" "$target.tmp.$$"
  chmod "$mode" "$target.tmp.$$"
  mv -f "$target.tmp.$$" "$target"
  CHANGED+=("${target#"$ROOT"}")
}

yaml_quote() { printf "'%s'" "${1//\'/\'\'}"; }

# The release: /opt/octopod/tentacle/<version>/, replaced whole only when its contents differ.
target="$VERSIONS/$VERSION"
if [[ -d $target ]] && diff -rq "$WORK/release" "$target" >/dev/null 2>&1; then
  :
else
  mkdir -p "$VERSIONS"
  rm -rf "$VERSIONS/.$VERSION.new"
  cp -R "$WORK/release" "$VERSIONS/.$VERSION.new"
  find "$VERSIONS/.$VERSION.new" -type d -exec chmod 0755 {} + -o -type f -exec chmod 0644 {} +
  rm -rf "$target"
  mv "$VERSIONS/.$VERSION.new" "$target"
  CHANGED+=("/opt/octopod/tentacle/$VERSION/")
fi
previous=$(readlink "$VERSIONS/current" 2>/dev/null || true)
if [[ $previous != "$VERSION" ]]; then
  ln -sfn "$VERSION" "$VERSIONS/.current.new"
  mv -Tf "$VERSIONS/.current.new" "$VERSIONS/current"
  CHANGED+=("/opt/octopod/tentacle/current -> $VERSION")
fi
install_file "$target/pakma.js" "$OPT/pakma/pakma.js" 0644
install_file "$RELEASE_KEY" "$ETC/release.pub" 0644

# Certificates: given, or made by `tentacle join` once the config exists.
CA_CERT=/etc/octopod/pki/ca.pem
CLIENT_CERT=/etc/octopod/pki/$NAME.pem
CLIENT_KEY=/etc/octopod/pki/$NAME.key
if [[ -n $CERTS ]]; then
  [[ -f $CERTS/ca.pem ]] || die "--certs: $CERTS/ca.pem is missing"
  if [[ -f $CERTS/$NAME.pem && -f $CERTS/$NAME.key ]]; then
    cert=$CERTS/$NAME.pem key=$CERTS/$NAME.key
  elif [[ -f $CERTS/cert.pem && -f $CERTS/key.pem ]]; then
    cert=$CERTS/cert.pem key=$CERTS/key.pem
  else
    die "--certs: found neither $NAME.pem + $NAME.key nor cert.pem + key.pem in $CERTS"
  fi
  "$NODE" -e '
    const { X509Certificate, createPrivateKey } = require("node:crypto");
    const fs = require("node:fs");
    const [caFile, certFile, keyFile, name] = process.argv.slice(1);
    const fail = (message) => { console.error(`install-tentacle: ERROR: ${message}`); process.exit(1); };
    let ca, cert, key;
    try { ca = new X509Certificate(fs.readFileSync(caFile)); } catch (e) { fail(`${caFile}: not a certificate (${e.message})`); }
    try { cert = new X509Certificate(fs.readFileSync(certFile)); } catch (e) { fail(`${certFile}: not a certificate (${e.message})`); }
    try { key = createPrivateKey(fs.readFileSync(keyFile)); } catch (e) { fail(`${keyFile}: not a private key (${e.message})`); }
    const field = (id) => cert.subject.split("\n").find((line) => line.startsWith(`${id}=`))?.slice(id.length + 1);
    if (field("CN") !== name) fail(`${certFile} is for "${field("CN")}", not "${name}": the brain would refuse it`);
    if (field("OU") !== "node") fail(`${certFile} is not a node certificate (OU=node; octl pki client ${name})`);
    if (!cert.checkIssued(ca) || !cert.verify(ca.publicKey)) fail(`${certFile} is not signed by ${caFile}`);
    if (!cert.checkPrivateKey(key)) fail(`${keyFile} is not the key of ${certFile}`);
    if (new Date(cert.validTo) < new Date()) fail(`${certFile} expired on ${cert.validTo}`);
  ' "$CERTS/ca.pem" "$cert" "$key" "$NAME" || exit 1
  install_file "$CERTS/ca.pem" "$ROOT$CA_CERT" 0644
  install_file "$cert" "$ROOT$CLIENT_CERT" 0644
  install_file "$key" "$ROOT$CLIENT_KEY" 0600
fi

# The tentacle's config.
{
  echo "# Written by install-tentacle.sh; running it again rewrites it (the previous one is kept as tentacle.yaml.bak)."
  echo "name: $NAME"
  echo "httpsNameServer:"
  if [[ -n $NAMESERVER ]]; then
    echo "  enable: true"
    echo "  host: $(yaml_quote "$(address_host "$NAMESERVER")")"
    echo "  port: $(address_port "$NAMESERVER")"
    if [[ -n $NS_HTTP_PORT ]]; then echo "  httpPort: $NS_HTTP_PORT"; fi
  else
    echo "  enable: false"
  fi
  echo "brain:"
  echo "  name: $BRAIN_NAME"
  if [[ -n $BRAIN ]]; then
    echo "  ip: $(yaml_quote "$(address_host "$BRAIN")")"
    echo "  port: $(address_port "$BRAIN")"
  fi
  cat <<EOF
logger:
  path: /var/log/octopod
  namePrefix: tentacle
  level: info
workspace:
  root: /var/lib/octopod/tentacle/workspace
  store: /var/lib/octopod/tentacle/FSTORE
state:
  dir: $STATE_DIR
pakma:
  root: $PAKMA_ROOT
ssl:
  caCert: $CA_CERT
  clientCert: $CLIENT_CERT
  clientKey: $CLIENT_KEY
EOF
} >"$WORK/tentacle.yaml"
install_file "$WORK/tentacle.yaml" "$ETC/tentacle.yaml" 0644 backup

# pakma's config (apps/pakma/src/config.ts).
{
  cat <<EOF
# Written by install-tentacle.sh for octopod-pakma.service; running it again rewrites it.
app: tentacle
# Its HTTP API (Octopoda's, no authentication): loopback only.
ip: 127.0.0.1
port: 3450
# pakma.json, pakma_history.json and downloaded releases.
root: $PAKMA_ROOT
# Releases side by side as <installRoot>/<version>/; <installRoot>/current links to the running one.
installRoot: /opt/octopod/tentacle
# Seconds a new version has to prove healthy (its link up, per statusFile) before it is rolled back.
previewDuration: 600
statusFile: $STATE_DIR/link-status.json
releaseKey: /etc/octopod/release.pub
logger:
  path: /var/log/octopod
  namePrefix: pakma
EOF
  if [[ -n $NAMESERVER ]]; then
    echo "# Releases are downloaded from the name server's /release/ (HTTPS, with this node's certificate)."
    echo "nameServer:"
    echo "  host: $(yaml_quote "$(address_host "$NAMESERVER")")"
    echo "  port: $(address_port "$NAMESERVER")"
  fi
  cat <<EOF
tls:
  ca: $CA_CERT
  cert: $CLIENT_CERT
  key: $CLIENT_KEY
EOF
} >"$WORK/pakma.yaml"
install_file "$WORK/pakma.yaml" "$ETC/pakma.yaml" 0644 backup

# Enrolment with a join token, unless this node already has its certificate.
if [[ -z $CERTS ]]; then
  if [[ -f $ROOT$CLIENT_CERT && -f $ROOT$CLIENT_KEY && -f $ROOT$CA_CERT ]]; then
    say "$CLIENT_CERT exists: already enrolled, the token is not used (to enrol again: tentacle join --force)"
  else
    token_file="$WORK/token"
    (umask 077 && if [[ -n $TOKEN ]]; then printf '%s\n' "$TOKEN" >"$token_file"; else cp "$TOKEN_FILE" "$token_file"; fi) ||
      die "--token-file: cannot read $TOKEN_FILE"
    join_args=(join --token-file "$token_file" -c "$ETC/tentacle.yaml" --no-start --brain "$BRAIN_NAME")
    if [[ -n $NAMESERVER ]]; then
      join_args+=(--nameserver "$NAMESERVER")
      if [[ -n $NS_HTTP_PORT ]]; then join_args+=(--nameserver-http-port "$NS_HTTP_PORT"); fi
    else
      join_args+=(--brain-addr "${BRAIN_API:-$(address_host "$BRAIN"):12345}")
    fi
    say "enrolling $NAME (tentacle join)"
    # The env overrides put the certificate under --root; the config names the final paths.
    TENTACLE_NAME=$NAME TENTACLE_CA_CERT=$ROOT$CA_CERT TENTACLE_CLIENT_CERT=$ROOT$CLIENT_CERT \
      TENTACLE_CLIENT_KEY=$ROOT$CLIENT_KEY "$NODE" "$target/tentacle.js" "${join_args[@]}" ||
      die "tentacle join failed (see above); nothing is started"
    CHANGED+=("$CLIENT_CERT")
  fi
fi

# pakma's state: STABLE at this version (Octopoda's pakma.json), keeping the version it replaces for a downgrade.
mkdir -p "$ROOT$PAKMA_ROOT"
"$NODE" -e '
  const fs = require("node:fs");
  const [file, version, previous, previousExists] = process.argv.slice(1);
  let state;
  try { state = JSON.parse(fs.readFileSync(file, "utf8")); } catch { state = undefined; }
  if (state?.StateType === 2 && state.Version2 === version && !state.Version3) process.exit(0);
  const last = previous !== version && previousExists === "yes" ? previous : "";
  const next = { StateType: 2, Version1: last, Version2: version, Version3: "" };
  fs.writeFileSync(`${file}.tmp`, `${JSON.stringify(next)}\n`, { mode: 0o644 });
  fs.renameSync(`${file}.tmp`, file);
  process.exit(3);
' "$ROOT$PAKMA_ROOT/pakma.json" "$VERSION" "$previous" "$([[ -n $previous && -d $VERSIONS/$previous ]] && echo yes || echo no)" &&
  status=0 || status=$?
case $status in
  0) ;;
  3) CHANGED+=("$PAKMA_ROOT/pakma.json (STABLE $VERSION)") ;;
  *) die "could not write $PAKMA_ROOT/pakma.json" ;;
esac

# The units, pointed at this machine's node.
[[ -f $UNITS/octopod-tentacle.service && -f $UNITS/octopod-pakma.service ]] ||
  die "no octopod-tentacle.service / octopod-pakma.service in $UNITS: copy deploy/systemd/ next to this script, or give --units <dir>"
for unit in octopod-tentacle.service octopod-pakma.service; do
  sed "s|^ExecStart=/usr/bin/node |ExecStart=$NODE |" "$UNITS/$unit" >"$WORK/$unit"
  install_file "$WORK/$unit" "$UNIT_DIR/$unit" 0644
done

if ((${#CHANGED[@]})); then
  say "installed or changed: ${CHANGED[*]}"
else
  say "tentacle $VERSION is installed as asked already: nothing changed"
fi

if ((NO_START)); then
  say "not starting (--no-start); later: systemctl daemon-reload && systemctl enable --now octopod-pakma octopod-tentacle"
  exit 0
fi
need systemctl "this installer runs the services with systemd"
systemctl daemon-reload
systemctl enable octopod-pakma.service octopod-tentacle.service
if ((${#CHANGED[@]})); then
  systemctl restart octopod-pakma.service octopod-tentacle.service
else
  systemctl start octopod-pakma.service octopod-tentacle.service
fi
say "running: $(systemctl is-active octopod-pakma.service) pakma, $(systemctl is-active octopod-tentacle.service) tentacle" \
  "(journalctl -u octopod-tentacle -f; octl node get on the brain's side)"
