#!/usr/bin/env bash
# Stop the daemons tests/cluster/slurm_up.sh started (listed in STATE_DIR/pids), by pid, and
# remove the /etc/slurm/slurm.conf it wrote.
#
#   tests/cluster/slurm_down.sh STATE_DIR
set -uo pipefail

state=${1:?usage: slurm_down.sh STATE_DIR}
[ -f "$state/pids" ] || exit 0
# Reverse order of start: slurmd, slurmctld, then munged.
tac "$state/pids" | while read -r name pid; do
    kill -TERM "$pid" 2>/dev/null || continue
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
    kill -0 "$pid" 2>/dev/null && { echo "slurm_down.sh: $name ($pid) ignored SIGTERM, killing" >&2; kill -KILL "$pid"; }
done
rm -f "$state/pids"
grep -qxF "# written by ire1seq tests/cluster/slurm_up.sh" /etc/slurm/slurm.conf 2>/dev/null \
    && rm -f /etc/slurm/slurm.conf
