#!/usr/bin/env bash
# A real single-node Kubernetes cluster on this machine, for the end-to-end tests of the product as a platform
# team runs it: etcd, kube-apiserver, kube-controller-manager, kube-scheduler, kubelet, kube-proxy, containerd
# with runc, and CNI (bridge, host-local, loopback).
#
#   scripts/cluster.sh install   build and install what the cluster needs (idempotent)
#   scripts/cluster.sh up        start the cluster (a second `up` reuses what runs); last line: export KUBECONFIG=...
#   scripts/cluster.sh down      stop everything `up` started, by PID, and remove its state and network devices
#   scripts/cluster.sh status    says whether the cluster runs (exit 0) or not (exit 1)
#   scripts/cluster.sh load F    imports the OCI archive F into the node's containerd (scripts/image.sh does)
#
# Traffic stays inside this machine: the node's address is the address of a bridge this script creates, pods
# get addresses on that bridge and routes to it and to the Service range only, and forwarding from the bridge
# to any other device is dropped. Needs root.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

CLUSTER_DIR="${SCIM_LDAP_CLUSTER_DIR:-$CACHE_DIR/cluster}"
# Unix sockets have a short path limit, so they live under /run whatever the checkout's path.
RUN_DIR=/run/scim-ldap-cluster
BRIDGE=sldbr0
NODE_IP=172.30.0.1
POD_CIDR=172.30.0.0/24
SERVICE_CIDR=172.31.0.0/24
SERVICE_IP=172.31.0.1
NODE_NAME=scim-ldap-node
APISERVER_PORT=6443
ETCD_CLIENT_PORT=12379
ETCD_PEER_PORT=12380
FORWARD_CHAIN=SCIM-LDAP-CLUSTER
PKI="$CLUSTER_DIR/pki"
LOGS="$CLUSTER_DIR/logs"
PIDS="$CLUSTER_DIR/pids"
CONTAINERD_SOCK="$RUN_DIR/containerd.sock"
PAUSE_IMAGE=localhost/scim-ldap-pause:1
CONTAINERD_VERSION="$(module_version github.com/containerd/containerd/v2 "$ROOT/tools/containerd/go.mod")"
NODE_BIN_DIR="$CACHE_DIR/cluster-bin/$KUBE_VERSION-containerd$CONTAINERD_VERSION"
ADMIN_KUBECONFIG="$CLUSTER_DIR/admin.kubeconfig"
# Started in this order, stopped in the reverse one.
COMPONENTS=(etcd kube-apiserver kube-controller-manager kube-scheduler containerd kubelet kube-proxy)

ctr_() { "$NODE_BIN_DIR/ctr" --address "$CONTAINERD_SOCK" --namespace k8s.io "$@"; }
kubectl_() { "$KUBE_BIN_DIR/kubectl" --kubeconfig "$ADMIN_KUBECONFIG" "$@"; }

require_root() {
  [ "$(id -u)" -eq 0 ] || { echo "scripts/cluster.sh needs root (it runs a kubelet and containerd)" >&2; exit 1; }
}

# --- install ------------------------------------------------------------------------------------------------

install_packages() {
  local missing=()
  command -v runc >/dev/null 2>&1 || missing+=(runc)
  [ -x /usr/lib/cni/bridge ] || missing+=(containernetworking-plugins)
  command -v buildah >/dev/null 2>&1 || missing+=(buildah)
  command -v mmdebstrap >/dev/null 2>&1 || missing+=(mmdebstrap)
  command -v iptables >/dev/null 2>&1 || missing+=(iptables)
  command -v conntrack >/dev/null 2>&1 || missing+=(conntrack)
  [ "${#missing[@]}" -eq 0 ] && return
  log "installing ${missing[*]} (Debian packages)"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive RUNLEVEL=1 apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# The node's binaries, from the same pinned Go modules as the test control plane (tools/kube) and containerd 2
# (tools/containerd): Debian's containerd 1.6 is older than the kubelet supports.
install_binaries() {
  local want=(kubelet kube-proxy kube-controller-manager kube-scheduler containerd containerd-shim-runc-v2 ctr pause)
  local b ok=1
  for b in "${want[@]}"; do [ -x "$NODE_BIN_DIR/$b" ] || ok=0; done
  [ "$ok" -eq 1 ] && return
  command -v go >/dev/null 2>&1 || { echo "Go is needed to build the cluster's binaries" >&2; exit 1; }
  log "building kubelet, kube-proxy, kube-controller-manager, kube-scheduler $KUBE_VERSION and containerd $CONTAINERD_VERSION from Go modules"
  local start=$SECONDS tmp="$NODE_BIN_DIR.partial"
  rm -rf "$tmp"
  mkdir -p "$tmp"
  (cd "$ROOT/tools/kube" && go build -trimpath -ldflags "$KUBE_LDFLAGS" -o "$tmp/" k8s.io/kubernetes/cmd/kubelet k8s.io/kubernetes/cmd/kube-proxy \
    k8s.io/kubernetes/cmd/kube-controller-manager k8s.io/kubernetes/cmd/kube-scheduler)
  (cd "$ROOT/tools/containerd" && go build -trimpath -o "$tmp/" github.com/containerd/containerd/v2/cmd/containerd \
    github.com/containerd/containerd/v2/cmd/containerd-shim-runc-v2 github.com/containerd/containerd/v2/cmd/ctr)
  (cd "$ROOT/tools/pause" && CGO_ENABLED=0 go build -trimpath -ldflags=-s -o "$tmp/pause" .)
  rm -rf "$NODE_BIN_DIR"
  mv "$tmp" "$NODE_BIN_DIR"
  log "cluster binaries built in $((SECONDS - start)) s"
}

# --- certificates and kubeconfigs ---------------------------------------------------------------------------

# issue NAME SUBJECT [SAN]: a key and a certificate signed by the cluster CA.
issue() {
  local name=$1 subject=$2 san=${3:-}
  openssl genrsa -out "$PKI/$name.key" 2048 2>/dev/null
  openssl req -new -key "$PKI/$name.key" -subj "$subject" -out "$PKI/$name.csr" 2>/dev/null
  local ext="$PKI/$name.ext"
  {
    echo "basicConstraints=CA:FALSE"
    echo "keyUsage=critical,digitalSignature,keyEncipherment"
    echo "extendedKeyUsage=serverAuth,clientAuth"
    [ -n "$san" ] && echo "subjectAltName=$san"
  } >"$ext"
  openssl x509 -req -in "$PKI/$name.csr" -CA "$PKI/ca.crt" -CAkey "$PKI/ca.key" -CAcreateserial -days 30 \
    -extfile "$ext" -out "$PKI/$name.crt" 2>/dev/null
  rm -f "$PKI/$name.csr" "$ext"
}

make_pki() {
  [ -f "$PKI/done" ] && return
  mkdir -p "$PKI"
  openssl req -x509 -newkey rsa:2048 -nodes -keyout "$PKI/ca.key" -out "$PKI/ca.crt" -days 30 \
    -subj "/CN=scim-ldap-cluster-ca" -addext "basicConstraints=critical,CA:TRUE" \
    -addext "keyUsage=critical,keyCertSign,cRLSign,digitalSignature" 2>/dev/null
  issue apiserver "/CN=kube-apiserver" \
    "IP:$NODE_IP,IP:$SERVICE_IP,IP:127.0.0.1,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local"
  issue apiserver-kubelet-client "/O=system:masters/CN=kube-apiserver-kubelet-client"
  issue admin "/O=system:masters/CN=scim-ldap-cluster-admin"
  issue controller-manager "/CN=system:kube-controller-manager"
  issue scheduler "/CN=system:kube-scheduler"
  issue kube-proxy "/CN=system:kube-proxy"
  issue kubelet "/O=system:nodes/CN=system:node:$NODE_NAME" "IP:$NODE_IP,DNS:$NODE_NAME"
  openssl genrsa -out "$PKI/sa.key" 2048 2>/dev/null
  openssl rsa -in "$PKI/sa.key" -pubout -out "$PKI/sa.pub" 2>/dev/null
  touch "$PKI/done"
}

# kubeconfig FILE CERT_NAME: a kubeconfig that authenticates with the certificate PKI/CERT_NAME.crt.
kubeconfig() {
  cat >"$1" <<EOF
apiVersion: v1
kind: Config
clusters:
- name: scim-ldap-cluster
  cluster:
    server: https://$NODE_IP:$APISERVER_PORT
    certificate-authority: $PKI/ca.crt
users:
- name: $2
  user:
    client-certificate: $PKI/$2.crt
    client-key: $PKI/$2.key
contexts:
- name: scim-ldap-cluster
  context: {cluster: scim-ldap-cluster, user: $2}
current-context: scim-ldap-cluster
EOF
}

# --- network ------------------------------------------------------------------------------------------------

network_up() {
  if ! ip link show "$BRIDGE" >/dev/null 2>&1; then
    ip link add "$BRIDGE" type bridge
  fi
  ip addr show dev "$BRIDGE" | grep -q "inet $NODE_IP/" || ip addr add "$NODE_IP/24" dev "$BRIDGE"
  ip link set "$BRIDGE" up
  # Locally sent packets to a Service address are routed before kube-proxy's DNAT: without this route they
  # would leave by the default route when no endpoint matches.
  ip route replace "$SERVICE_CIDR" dev "$BRIDGE"
  if [ ! -f "$CLUSTER_DIR/sysctl.saved" ]; then
    {
      echo "net.ipv4.ip_forward=$(sysctl -n net.ipv4.ip_forward)"
      echo "net.bridge.bridge-nf-call-iptables=$(sysctl -n net.bridge.bridge-nf-call-iptables)"
    } >"$CLUSTER_DIR/sysctl.saved"
  fi
  sysctl -qw net.ipv4.ip_forward=1 net.bridge.bridge-nf-call-iptables=1
  if ! iptables -nL "$FORWARD_CHAIN" >/dev/null 2>&1; then
    iptables -N "$FORWARD_CHAIN"
    iptables -A "$FORWARD_CHAIN" -i "$BRIDGE" -o "$BRIDGE" -j ACCEPT
    iptables -A "$FORWARD_CHAIN" -i "$BRIDGE" -j DROP
    iptables -A "$FORWARD_CHAIN" -o "$BRIDGE" -j DROP
    iptables -I FORWARD 1 -j "$FORWARD_CHAIN"
  fi
  mkdir -p "$CLUSTER_DIR/cni/net.d"
  cat >"$CLUSTER_DIR/cni/net.d/10-scim-ldap.conflist" <<EOF
{
  "cniVersion": "1.0.0",
  "name": "scim-ldap",
  "plugins": [
    {
      "type": "bridge",
      "bridge": "$BRIDGE",
      "isGateway": false,
      "ipMasq": false,
      "hairpinMode": true,
      "ipam": {
        "type": "host-local",
        "ranges": [[{"subnet": "$POD_CIDR", "rangeStart": "172.30.0.10", "gateway": "$NODE_IP"}]],
        "routes": [{"dst": "$SERVICE_CIDR", "gw": "$NODE_IP"}],
        "dataDir": "$CLUSTER_DIR/cni/ipam"
      }
    },
    {"type": "portmap", "capabilities": {"portMappings": true}}
  ]
}
EOF
}

network_down() {
  if iptables -nL "$FORWARD_CHAIN" >/dev/null 2>&1; then
    iptables -D FORWARD -j "$FORWARD_CHAIN" 2>/dev/null || true
    iptables -F "$FORWARD_CHAIN"
    iptables -X "$FORWARD_CHAIN"
  fi
  ip route del "$SERVICE_CIDR" dev "$BRIDGE" 2>/dev/null || true
  ip link del "$BRIDGE" 2>/dev/null || true
  if [ -f "$CLUSTER_DIR/sysctl.saved" ]; then
    sysctl -qw $(cat "$CLUSTER_DIR/sysctl.saved") || true
  fi
}

# --- processes ----------------------------------------------------------------------------------------------

running() {
  local pid
  pid="$(cat "$PIDS/$1.pid" 2>/dev/null)" || return 1
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null
}

# start NAME COMMAND...: runs it in the background in its own session, logging to LOGS/NAME.log.
start() {
  local name=$1
  shift
  running "$name" && return
  setsid "$@" >>"$LOGS/$name.log" 2>&1 </dev/null &
  echo $! >"$PIDS/$name.pid"
}

# wait_for WHAT SECONDS COMMAND...: retries the command until it succeeds.
wait_for() {
  local what=$1 seconds=$2 i
  shift 2
  for ((i = 0; i < seconds * 4; i++)); do
    "$@" >/dev/null 2>&1 && return
    sleep 0.25
  done
  echo "$what did not come up in $seconds s; its log: $LOGS" >&2
  exit 1
}

stop() {
  local name=$1 pid i
  pid="$(cat "$PIDS/$name.pid" 2>/dev/null)" || return 0
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid" 2>/dev/null || true
    for ((i = 0; i < 40; i++)); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
    kill -KILL "$pid" 2>/dev/null || true
  fi
  rm -f "$PIDS/$name.pid"
}

apiserver_ready() {
  curl -sf --cacert "$PKI/ca.crt" --cert "$PKI/admin.crt" --key "$PKI/admin.key" \
    "https://$NODE_IP:$APISERVER_PORT/readyz" >/dev/null
}

start_control_plane() {
  start etcd "$KUBE_BIN_DIR/etcd" --name=scim-ldap-node --data-dir="$CLUSTER_DIR/etcd" \
    --listen-client-urls="http://127.0.0.1:$ETCD_CLIENT_PORT" --advertise-client-urls="http://127.0.0.1:$ETCD_CLIENT_PORT" \
    --listen-peer-urls="http://127.0.0.1:$ETCD_PEER_PORT" --initial-advertise-peer-urls="http://127.0.0.1:$ETCD_PEER_PORT" \
    --initial-cluster="scim-ldap-node=http://127.0.0.1:$ETCD_PEER_PORT" --unsafe-no-fsync=true --log-level=warn
  wait_for etcd 30 curl -sf "http://127.0.0.1:$ETCD_CLIENT_PORT/health"

  start kube-apiserver "$KUBE_BIN_DIR/kube-apiserver" \
    --advertise-address="$NODE_IP" --bind-address="$NODE_IP" --secure-port="$APISERVER_PORT" \
    --etcd-servers="http://127.0.0.1:$ETCD_CLIENT_PORT" \
    --client-ca-file="$PKI/ca.crt" --tls-cert-file="$PKI/apiserver.crt" --tls-private-key-file="$PKI/apiserver.key" \
    --kubelet-client-certificate="$PKI/apiserver-kubelet-client.crt" --kubelet-client-key="$PKI/apiserver-kubelet-client.key" \
    --kubelet-preferred-address-types=InternalIP --service-cluster-ip-range="$SERVICE_CIDR" \
    --service-account-issuer=https://kubernetes.default.svc.cluster.local \
    --service-account-key-file="$PKI/sa.pub" --service-account-signing-key-file="$PKI/sa.key" \
    --authorization-mode=Node,RBAC --enable-admission-plugins=NodeRestriction --allow-privileged=false \
    --profiling=false
  wait_for kube-apiserver 90 apiserver_ready

  kubeconfig "$CLUSTER_DIR/controller-manager.kubeconfig" controller-manager
  kubeconfig "$CLUSTER_DIR/scheduler.kubeconfig" scheduler
  start kube-controller-manager "$NODE_BIN_DIR/kube-controller-manager" \
    --kubeconfig="$CLUSTER_DIR/controller-manager.kubeconfig" \
    --authentication-kubeconfig="$CLUSTER_DIR/controller-manager.kubeconfig" \
    --authorization-kubeconfig="$CLUSTER_DIR/controller-manager.kubeconfig" \
    --bind-address=127.0.0.1 --leader-elect=false --use-service-account-credentials=true \
    --service-account-private-key-file="$PKI/sa.key" --root-ca-file="$PKI/ca.crt" \
    --cluster-signing-cert-file="$PKI/ca.crt" --cluster-signing-key-file="$PKI/ca.key" \
    --service-cluster-ip-range="$SERVICE_CIDR" --profiling=false
  start kube-scheduler "$NODE_BIN_DIR/kube-scheduler" \
    --kubeconfig="$CLUSTER_DIR/scheduler.kubeconfig" \
    --authentication-kubeconfig="$CLUSTER_DIR/scheduler.kubeconfig" \
    --authorization-kubeconfig="$CLUSTER_DIR/scheduler.kubeconfig" \
    --bind-address=127.0.0.1 --leader-elect=false --profiling=false
}

start_containerd() {
  # CAP_SYS_RESOURCE is bit 24 of the effective capabilities.
  local restrict_oom=false
  (((0x$(awk '/^CapEff/ {print $2}' /proc/self/status) >> 24) & 1)) || restrict_oom=true
  mkdir -p "$CLUSTER_DIR/containerd"
  cat >"$CLUSTER_DIR/containerd/config.toml" <<EOF
version = 3
root = "$CLUSTER_DIR/containerd/root"
state = "$RUN_DIR/containerd-state"
[grpc]
  address = "$CONTAINERD_SOCK"
[ttrpc]
  address = "$RUN_DIR/containerd.ttrpc.sock"
[debug]
  address = "$RUN_DIR/containerd.debug.sock"
[plugins.'io.containerd.cri.v1.images']
  snapshotter = "overlayfs"
  [plugins.'io.containerd.cri.v1.images'.pinned_images]
    sandbox = "$PAUSE_IMAGE"
[plugins.'io.containerd.cri.v1.runtime']
  # Where root lacks CAP_SYS_RESOURCE (as in some VMs), no process may lower its oom_score_adj below its
  # parent's: the pods' scores are kept at or above containerd's own instead of failing every sandbox.
  restrict_oom_score_adj = $restrict_oom
  [plugins.'io.containerd.cri.v1.runtime'.containerd]
    default_runtime_name = "runc"
    [plugins.'io.containerd.cri.v1.runtime'.containerd.runtimes.runc]
      runtime_type = "io.containerd.runc.v2"
      [plugins.'io.containerd.cri.v1.runtime'.containerd.runtimes.runc.options]
        BinaryName = "$(command -v runc)"
        Root = "$RUN_DIR/runc"
        SystemdCgroup = false
  [plugins.'io.containerd.cri.v1.runtime'.cni]
    bin_dirs = ["/usr/lib/cni"]
    conf_dir = "$CLUSTER_DIR/cni/net.d"
EOF
  # containerd finds its shim on PATH.
  PATH="$NODE_BIN_DIR:$PATH" start containerd "$NODE_BIN_DIR/containerd" --config "$CLUSTER_DIR/containerd/config.toml"
  wait_for containerd 30 ctr_ version
}

# The pod sandbox image, built from tools/pause: registries are out of reach here.
import_pause_image() {
  ctr_ images ls -q | grep -qx "$PAUSE_IMAGE" && return
  local ctr archive="$CLUSTER_DIR/pause.oci.tar"
  ctr="$(buildah_ from scratch)"
  buildah_ copy "$ctr" "$NODE_BIN_DIR/pause" /pause >/dev/null
  buildah_ config --entrypoint '["/pause"]' --user 65535:65535 "$ctr"
  buildah_ commit -q "$ctr" "$PAUSE_IMAGE" >/dev/null
  buildah_ rm "$ctr" >/dev/null
  rm -f "$archive"
  buildah_ push -q "$PAUSE_IMAGE" "oci-archive:$archive:$PAUSE_IMAGE"
  ctr_ images import "$archive" >/dev/null
  rm -f "$archive"
}

start_node() {
  kubeconfig "$CLUSTER_DIR/kubelet.kubeconfig" kubelet
  kubeconfig "$CLUSTER_DIR/kube-proxy.kubeconfig" kube-proxy
  mkdir -p "$CLUSTER_DIR/kubelet"
  # No cluster DNS: pods get an empty resolver list, so nothing they resolve can leave the machine.
  : >"$CLUSTER_DIR/resolv.conf"
  cat >"$CLUSTER_DIR/kubelet.yaml" <<EOF
apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
address: $NODE_IP
port: 10250
readOnlyPort: 0
healthzBindAddress: 127.0.0.1
healthzPort: 10248
authentication:
  anonymous: {enabled: false}
  webhook: {enabled: true}
  x509: {clientCAFile: $PKI/ca.crt}
authorization: {mode: Webhook}
tlsCertFile: $PKI/kubelet.crt
tlsPrivateKeyFile: $PKI/kubelet.key
containerRuntimeEndpoint: unix://$CONTAINERD_SOCK
cgroupDriver: cgroupfs
# This machine's cgroups are v1; the kubelet refuses them unless told otherwise.
failCgroupV1: false
failSwapOn: false
resolvConf: $CLUSTER_DIR/resolv.conf
# Mounted Secrets and ConfigMaps follow their objects within about this period.
syncFrequency: 10s
evictionHard: {memory.available: 100Mi, nodefs.available: 1%, imagefs.available: 1%}
imageGCHighThresholdPercent: 100
imageGCLowThresholdPercent: 99
serializeImagePulls: false
EOF
  start kubelet "$NODE_BIN_DIR/kubelet" --config="$CLUSTER_DIR/kubelet.yaml" \
    --kubeconfig="$CLUSTER_DIR/kubelet.kubeconfig" --root-dir="$CLUSTER_DIR/kubelet" \
    --node-ip="$NODE_IP" --hostname-override="$NODE_NAME"
  cat >"$CLUSTER_DIR/kube-proxy.yaml" <<EOF
apiVersion: kubeproxy.config.k8s.io/v1alpha1
kind: KubeProxyConfiguration
clientConnection: {kubeconfig: $CLUSTER_DIR/kube-proxy.kubeconfig}
hostnameOverride: $NODE_NAME
mode: iptables
clusterCIDR: $POD_CIDR
nodePortAddresses: ["$NODE_IP/32"]
bindAddress: 127.0.0.1
healthzBindAddress: 127.0.0.1:10256
metricsBindAddress: 127.0.0.1:10249
# Leave the machine's conntrack table size alone.
conntrack: {maxPerCore: 0}
EOF
  start kube-proxy "$NODE_BIN_DIR/kube-proxy" --config="$CLUSTER_DIR/kube-proxy.yaml"
  wait_for "the node $NODE_NAME" 120 node_ready
}

node_ready() {
  kubectl_ get node "$NODE_NAME" -o jsonpath='{.status.conditions[?(@.type=="Ready")].status}' | grep -qx True
}

all_running() {
  local c
  for c in "${COMPONENTS[@]}"; do running "$c" || return 1; done
  apiserver_ready
}

up() {
  require_root
  install_packages
  install_binaries
  [ -x "$KUBE_BIN_DIR/kube-apiserver" ] || "$ROOT/scripts/bootstrap.sh"
  mkdir -p "$CLUSTER_DIR" "$LOGS" "$PIDS" "$RUN_DIR"
  if all_running && node_ready; then
    log "the cluster runs already"
  else
    make_pki
    kubeconfig "$ADMIN_KUBECONFIG" admin
    network_up
    start_control_plane
    start_containerd
    import_pause_image
    start_node
    log "the cluster is up: node $NODE_NAME Ready"
  fi
  echo "export KUBECONFIG=$ADMIN_KUBECONFIG"
}

# Every process in the pods' cgroups (containers and their sandboxes), whatever started it.
kill_pod_processes() {
  local procs
  procs="$(find /sys/fs/cgroup/pids/kubepods -name cgroup.procs -exec cat {} + 2>/dev/null || true)"
  [ -n "$procs" ] && kill -KILL $procs 2>/dev/null || true
}

remove_mounts_under() {
  local dir
  for dir in "$@"; do
    awk -v prefix="$dir/" 'index($2, prefix) == 1 { print $2 }' /proc/self/mounts | sort -r |
      while read -r mount; do umount -l "$mount" 2>/dev/null || true; done
  done
}

# Network namespaces the CNI bridge plugin made for pods: those holding an address of the pod range.
remove_pod_netns() {
  local ns
  for ns in $(ip netns list 2>/dev/null | awk '{print $1}'); do
    case "$ns" in cni-*) ;; *) continue ;; esac
    if ip -n "$ns" -4 addr show 2>/dev/null | grep -q "inet 172\.30\.0\."; then ip netns delete "$ns"; fi
  done
}

# The KUBE- chains the kubelet and kube-proxy made (kube-proxy --cleanup leaves the kubelet's), and the rules of
# the built-in chains that jump to them.
remove_kube_chains() {
  local cmd table rule chain
  for cmd in iptables ip6tables; do
    for table in filter nat mangle; do
      { $cmd -t "$table" -S 2>/dev/null | grep -E '^-A [A-Z]+ .*-j KUBE-' || true; } | while read -r rule; do
        eval "$cmd -t $table ${rule/#-A/-D}" || true
      done
      for chain in $($cmd -t "$table" -S 2>/dev/null | awk '/^-N KUBE-/ {print $2}'); do $cmd -t "$table" -F "$chain"; done
      for chain in $($cmd -t "$table" -S 2>/dev/null | awk '/^-N KUBE-/ {print $2}'); do $cmd -t "$table" -X "$chain"; done
    done
  done
}

down() {
  require_root
  local c i
  stop kubelet
  if running containerd; then
    for c in $(ctr_ tasks ls -q 2>/dev/null); do ctr_ tasks kill -s SIGKILL "$c" >/dev/null 2>&1 || true; done
  fi
  kill_pod_processes
  for ((i = ${#COMPONENTS[@]} - 1; i >= 0; i--)); do stop "${COMPONENTS[$i]}"; done
  pkill -KILL -f "containerd-shim-runc-v2 .*-address $CONTAINERD_SOCK" 2>/dev/null || true
  kill_pod_processes
  [ -x "$NODE_BIN_DIR/kube-proxy" ] && "$NODE_BIN_DIR/kube-proxy" --cleanup >/dev/null 2>&1 || true
  remove_kube_chains
  remove_pod_netns
  remove_mounts_under "$CLUSTER_DIR" "$RUN_DIR"
  find /sys/fs/cgroup/*/kubepods -depth -type d -exec rmdir {} + 2>/dev/null || true
  network_down
  rm -rf "$CLUSTER_DIR" "$RUN_DIR"
  log "the cluster is down"
}

status() {
  local c ok=0
  for c in "${COMPONENTS[@]}"; do
    if running "$c"; then echo "$c: running (pid $(cat "$PIDS/$c.pid"))"; else echo "$c: not running"; ok=1; fi
  done
  return "$ok"
}

case "${1:-}" in
  install) require_root; install_packages; install_binaries ;;
  up) up ;;
  down) down ;;
  status) status ;;
  load)
    require_root
    running containerd || { echo "the cluster does not run: scripts/cluster.sh up first" >&2; exit 1; }
    ctr_ images import "${2:?usage: scripts/cluster.sh load ARCHIVE}" >/dev/null
    ;;
  *) echo "usage: scripts/cluster.sh install|up|down|status|load ARCHIVE" >&2; exit 2 ;;
esac
