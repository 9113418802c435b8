#!/usr/bin/env bash
# A local multi-node Ray cluster on one machine, for trying out placement and autoscaling:
#   head      few CPUs (the Serve controller, proxy and the Ingress fit; the pools do not)
#   worker 1  custom resource small_pool: pin the small pool here with ray_actor_options.resources
#   worker 2  custom resource large_pool: pin the large pool here
#
#   cluster/local_cluster.sh start|stop|status
#
# Every node gets its own ports and all share one --temp-dir, so `stop` ends exactly this cluster's
# processes (those whose command line names that directory) and leaves any other Ray cluster on the
# machine alone (`ray stop` would end them all). Ports and the directory are chosen to differ from a
# default cluster (`make serve`: GCS 6379, dashboard 8265); the driver picks the Serve HTTP port.
#
# Settings (environment):
#   LOCAL_CLUSTER_DIR             temp dir, also its identity            (/tmp/llm-serve-cluster)
#   LOCAL_CLUSTER_GCS_PORT        the address drivers connect to          (6390)
#   LOCAL_CLUSTER_DASHBOARD_PORT                                          (8275)
#   LOCAL_CLUSTER_PORT_BASE       node i uses BASE+100*i .. BASE+100*i+99 (23000)
#   LOCAL_CLUSTER_HEAD_CPUS / LOCAL_CLUSTER_WORKER_CPUS  logical CPUs      (1 / 4)
set -euo pipefail

RAY="${RAY:-$(cd "$(dirname "$0")/.." && pwd)/.venv/bin/ray}"
CLUSTER_DIR="${LOCAL_CLUSTER_DIR:-/tmp/llm-serve-cluster}"
GCS_PORT="${LOCAL_CLUSTER_GCS_PORT:-6390}"
DASHBOARD_PORT="${LOCAL_CLUSTER_DASHBOARD_PORT:-8275}"
PORT_BASE="${LOCAL_CLUSTER_PORT_BASE:-23000}"
HEAD_CPUS="${LOCAL_CLUSTER_HEAD_CPUS:-1}"
WORKER_CPUS="${LOCAL_CLUSTER_WORKER_CPUS:-4}"
ADDRESS="127.0.0.1:${GCS_PORT}"
# Each node's object store; Ray's default (30% of RAM per node) would reserve most of a small machine.
OBJECT_STORE_BYTES=$((200 * 1024 * 1024))

# A private cluster: no token. Without this Ray 2.60 would use (or create) ~/.ray/auth_token.
export RAY_AUTH_MODE=disabled

# The per-node port flags: node i owns the block PORT_BASE + 100*i, workers take its upper 90 ports.
node_ports() {
  local base=$((PORT_BASE + 100 * $1))
  echo "--node-manager-port=$base --object-manager-port=$((base + 1)) --metrics-export-port=$((base + 2))" \
    "--dashboard-agent-listen-port=$((base + 3)) --dashboard-agent-grpc-port=$((base + 4))" \
    "--runtime-env-agent-port=$((base + 5)) --min-worker-port=$((base + 10)) --max-worker-port=$((base + 99))"
}

cluster_pids() {
  # The GCS, raylets, dashboard and log monitors carry the temp dir on their command line.
  pgrep -f -- "--[a-z_-]*=$CLUSTER_DIR(/| |$)" || true
}

cluster_process_groups() {
  # Each `ray start` runs in its own session (setsid below), so a node's agents, workers and replicas
  # share its process group even where their command line does not name the temp dir.
  local pid
  for pid in $(cluster_pids); do ps -o pgid= -p "$pid" 2>/dev/null || true; done | tr -d ' ' | sort -u \
    | grep -vx "$(ps -o pgid= -p $$ | tr -d ' ')" || true
}

start() {
  if [ -n "$(cluster_pids)" ]; then
    echo "a cluster is already running in $CLUSTER_DIR (address $ADDRESS); stop it first" >&2
    exit 1
  fi
  mkdir -p "$CLUSTER_DIR"
  local common=(--temp-dir="$CLUSTER_DIR" --object-store-memory="$OBJECT_STORE_BYTES" --disable-usage-stats)
  # The head's autoscaler and dashboard export metrics on fixed default ports (44217, 44227) unless told.
  # shellcheck disable=SC2046  # node_ports is meant to split into flags
  AUTOSCALER_METRIC_PORT=$((PORT_BASE + 7)) DASHBOARD_METRIC_PORT=$((PORT_BASE + 8)) \
    setsid "$RAY" start --head --port="$GCS_PORT" --num-cpus="$HEAD_CPUS" \
    --dashboard-host=127.0.0.1 --dashboard-port="$DASHBOARD_PORT" \
    --ray-client-server-port=$((PORT_BASE + 6)) $(node_ports 0) "${common[@]}" >"$CLUSTER_DIR/start-head.log" 2>&1 \
    || { cat "$CLUSTER_DIR/start-head.log" >&2; exit 1; }
  local worker=1 resources
  for resources in '{"small_pool": 8}' '{"large_pool": 8}'; do
    # shellcheck disable=SC2046
    setsid "$RAY" start --address="$ADDRESS" --num-cpus="$WORKER_CPUS" --resources="$resources" \
      $(node_ports "$worker") "${common[@]}" >"$CLUSTER_DIR/start-worker-$worker.log" 2>&1 \
      || { cat "$CLUSTER_DIR/start-worker-$worker.log" >&2; exit 1; }
    worker=$((worker + 1))
  done
  echo "$ADDRESS"
}

signal_groups() {
  local group
  for group in $2; do kill "-$1" -- "-$group" 2>/dev/null || true; done
}

groups_alive() {
  # Zombies do not count: this machine's init may not reap processes that Ray re-parented to it.
  ps -eo pgid=,stat= | awk -v groups=" $(echo $1) " '$2 !~ /^Z/ && index(groups, " " $1 " ") { found = 1 } END { exit !found }'
}

stop() {
  local groups
  groups=$(cluster_process_groups)
  if [ -z "$groups" ]; then
    echo "no cluster running in $CLUSTER_DIR"
    return 0
  fi
  # Raylets drain for several seconds on SIGTERM and the GCS may not exit at all; a throwaway cluster
  # keeps no state worth a longer wait.
  signal_groups TERM "$groups"
  local deadline=$((SECONDS + 10))
  while groups_alive "$groups" && [ $SECONDS -lt $deadline ]; do sleep 0.5; done
  signal_groups KILL "$groups"
  echo "stopped the cluster in $CLUSTER_DIR"
}

status() {
  if [ -z "$(cluster_pids)" ]; then
    echo "no cluster running in $CLUSTER_DIR"
    exit 1
  fi
  echo "address: $ADDRESS   dashboard: http://127.0.0.1:$DASHBOARD_PORT"
  echo "Prometheus targets (file_sd): $CLUSTER_DIR/prom_metrics_service_discovery.json"
  "$RAY" status --address="$ADDRESS"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  *) echo "usage: $0 start|stop|status" >&2; exit 2 ;;
esac
