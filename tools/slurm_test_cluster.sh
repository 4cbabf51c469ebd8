#!/usr/bin/env bash
# A single-node Slurm for the tests (Debian's slurm-wlm and munge, configured for this host).
#
#   tools/slurm_test_cluster.sh start   install if missing, start munged, slurmctld, slurmd;
#                                       wait until the node is idle
#   tools/slurm_test_cluster.sh stop    stop the daemons this script started (by process id)
#   tools/slurm_test_cluster.sh status  sinfo
#
# State, logs and process ids live in $ASCENT_SLURM_DIR (default /tmp/ascent-slurm). When
# Slurm cannot be installed (no root, no apt-get, no network) `start` says so and exits 0:
# the Slurm test then skips with that message. Accounting (slurmdbd) is not set up:
# `deno task sweep --status` uses squeue and the trials' own files.
set -uo pipefail
SCRATCH="${ASCENT_SLURM_DIR:-/tmp/ascent-slurm}"
CONF=/etc/slurm/slurm.conf
say() { echo "slurm-test-cluster: $*"; }

install() {
  if command -v slurmctld >/dev/null && command -v slurmd >/dev/null && command -v munged >/dev/null &&
    command -v sbatch >/dev/null; then
    return 0
  fi
  if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then
    say "cannot install Slurm here (needs root and apt-get)"
    return 1
  fi
  say "installing slurm-wlm and munge"
  if ! (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq slurm-wlm munge) \
    >"$SCRATCH/install.log" 2>&1; then
    say "apt-get install slurm-wlm munge failed (see $SCRATCH/install.log)"
    return 1
  fi
}

alive() { [ -f "$SCRATCH/$1.pid" ] && kill -0 "$(cat "$SCRATCH/$1.pid")" 2>/dev/null; }

start() {
  mkdir -p "$SCRATCH/state" "$SCRATCH/spool"
  if ! install; then
    echo "unavailable" >"$SCRATCH/unavailable"
    return 0
  fi
  rm -f "$SCRATCH/unavailable"
  if sinfo -h -o %T 2>/dev/null | grep -qE '^(idle|mixed|allocated)'; then
    say "already running: $(sinfo -h -o '%N %T')"
    return 0
  fi
  local host
  host="$(hostname -s)"
  # munge: a key if none, its run folder, the daemon as the munge user.
  if [ ! -s /etc/munge/munge.key ]; then
    head -c 1024 /dev/urandom >/etc/munge/munge.key
  fi
  chown munge:munge /etc/munge/munge.key && chmod 400 /etc/munge/munge.key
  mkdir -p /run/munge /var/log/munge /var/lib/munge
  chown munge:munge /run/munge /var/log/munge /var/lib/munge
  if ! alive munged; then
    su -s /bin/sh munge -c "/usr/sbin/munged --pid-file=/run/munge/munged.pid" || {
      say "munged did not start"
      return 1
    }
    sleep 0.5
    cp /run/munge/munged.pid "$SCRATCH/munged.pid"
  fi
  local cpus
  cpus="$(nproc)"
  mkdir -p /etc/slurm
  cat >"$CONF" <<CONF
# Written by tools/slurm_test_cluster.sh (single-node test cluster).
ClusterName=ascent-test
SlurmctldHost=$host
AuthType=auth/munge
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
SlurmUser=root
SlurmdUser=root
StateSaveLocation=$SCRATCH/state
SlurmdSpoolDir=$SCRATCH/spool
SlurmctldPidFile=$SCRATCH/slurmctld.pid
SlurmdPidFile=$SCRATCH/slurmd.pid
SlurmctldLogFile=$SCRATCH/ctld.log
SlurmdLogFile=$SCRATCH/d.log
ReturnToService=2
JobAcctGatherType=jobacct_gather/none
MpiDefault=none
NodeName=$host CPUs=$cpus State=UNKNOWN
PartitionName=debug Nodes=$host Default=YES MaxTime=INFINITE State=UP
CONF
  alive slurmctld || /usr/sbin/slurmctld || { say "slurmctld did not start (see $SCRATCH/ctld.log)"; return 1; }
  sleep 1
  alive slurmd || /usr/sbin/slurmd || { say "slurmd did not start (see $SCRATCH/d.log)"; return 1; }
  for _ in $(seq 1 30); do
    if sinfo -h -o %T 2>/dev/null | grep -qE '^(idle|mixed|allocated)'; then
      say "up: $(sinfo -h -o '%P %N %T %c CPUs')"
      return 0
    fi
    sleep 1
  done
  say "the node did not become idle: $(sinfo -h 2>&1)"
  return 1
}

stop() {
  for d in slurmd slurmctld munged; do
    if alive "$d"; then
      local pid
      pid="$(cat "$SCRATCH/$d.pid")"
      kill "$pid" && say "stopped $d ($pid)"
      for _ in $(seq 1 20); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.25
      done
    fi
    rm -f "$SCRATCH/$d.pid"
  done
}

case "${1:-}" in
start) start ;;
stop) stop ;;
status) sinfo ;;
*)
  echo "usage: $0 start|stop|status" >&2
  exit 2
  ;;
esac
