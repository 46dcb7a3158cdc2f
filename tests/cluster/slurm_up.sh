#!/usr/bin/env bash
# Start a throw-away single-node SLURM cluster on this machine (Debian, as root, no systemd).
#
#   tests/cluster/slurm_up.sh STATE_DIR
#
# Installs slurmctld, slurmd, slurm-client and munge with apt-get if missing, writes
# /etc/slurm/slurm.conf from what slurmd detects on this machine (refusing to replace one it did
# not write: the Snakemake job step drops SLURM_CONF, so srun inside jobs reads only that path),
# keeps spool, state and logs in STATE_DIR, starts munged (unless one already answers),
# slurmctld and slurmd by hand (no systemd), and waits until the node is idle.
# STATE_DIR/pids lists "<daemon> <pid>" for each daemon this script started;
# tests/cluster/slurm_down.sh STATE_DIR stops exactly those and removes the slurm.conf.
set -euo pipefail

state=$(realpath -m "${1:?usage: slurm_up.sh STATE_DIR}")
[ "$(id -u)" = 0 ] || { echo "slurm_up.sh: needs root (apt-get, munged, slurmd)" >&2; exit 77; }

if ! command -v slurmctld >/dev/null || ! command -v slurmd >/dev/null \
    || ! command -v sbatch >/dev/null || ! command -v munged >/dev/null; then
    command -v apt-get >/dev/null || { echo "slurm_up.sh: SLURM missing and no apt-get" >&2; exit 77; }
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq slurmctld slurmd slurm-client munge >/dev/null
fi

if pgrep -x slurmctld >/dev/null || pgrep -x slurmd >/dev/null; then
    echo "slurm_up.sh: a slurmctld or slurmd is already running on this machine; stop it first" >&2
    exit 1
fi
mkdir -p "$state/ctld" "$state/slurmd" "$state/log"
rm -f "$state"/*.pid
: > "$state/pids"
host=$(hostname -s)
conf=/etc/slurm/slurm.conf
marker="# written by ire1seq tests/cluster/slurm_up.sh"
if [ -e "$conf" ] && ! grep -qxF "$marker" "$conf"; then
    echo "slurm_up.sh: $conf exists and was not written by this script; not replacing it" >&2
    exit 1
fi

# munge: Slurm's authentication; one daemon per machine on the default socket.
if ! munge -n 2>/dev/null | unmunge >/dev/null 2>&1; then
    [ -s /etc/munge/munge.key ] || { mungekey --create --keyfile=/etc/munge/munge.key; chown munge:munge /etc/munge/munge.key; }
    install -d -o munge -g munge -m 0755 /run/munge
    install -d -o munge -g munge -m 0700 /var/log/munge /var/lib/munge
    runuser -u munge -- munged
    echo "munged $(cat /run/munge/munged.pid)" >> "$state/pids"
fi

# The node line comes from slurmd itself, so CPUs, topology and RealMemory match the machine;
# loopback addresses spare the test any dependence on DNS.
node=$(slurmd -C | head -n 1 | sed -E "s/^NodeName=\S+/NodeName=$host NodeHostname=$host NodeAddr=127.0.0.1/")
mkdir -p /etc/slurm
cat > "$conf" <<EOF
$marker
ClusterName=ire1seq-test
SlurmctldHost=$host(127.0.0.1)
SlurmUser=root
AuthType=auth/munge
StateSaveLocation=$state/ctld
SlurmdSpoolDir=$state/slurmd
SlurmctldPidFile=$state/slurmctld.pid
SlurmdPidFile=$state/slurmd.pid
SlurmctldLogFile=$state/log/slurmctld.log
SlurmdLogFile=$state/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core_Memory
ReturnToService=2
MinJobAge=300
MpiDefault=none
$node State=UNKNOWN
PartitionName=main Nodes=$host Default=YES MaxTime=INFINITE State=UP
EOF

slurmctld
for _ in $(seq 50); do [ -s "$state/slurmctld.pid" ] && break; sleep 0.2; done
echo "slurmctld $(cat "$state/slurmctld.pid")" >> "$state/pids"
slurmd
for _ in $(seq 50); do [ -s "$state/slurmd.pid" ] && break; sleep 0.2; done
echo "slurmd $(cat "$state/slurmd.pid")" >> "$state/pids"

for _ in $(seq 60); do
    [ "$(sinfo -h -n "$host" -o %T 2>/dev/null)" = idle ] && exit 0
    sleep 1
done
echo "slurm_up.sh: node $host did not become idle; see $state/log/" >&2
sinfo -N -l >&2 || true
exit 1
