#!/usr/bin/env bash
# Stops the local three-node raft cluster started by deploy/raft-local-start.sh (SIGTERM to the pids it recorded;
# each node lets calls in flight finish and closes its stores). Data stays in data/raft (rm -rf data/raft resets it).
set -euo pipefail
cd "$(dirname "$0")/.."
for n in 1 2 3; do
  pidfile=data/raft/node$n.pid
  [ -e "$pidfile" ] || continue
  pid=$(cat "$pidfile")
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid"
    for _ in $(seq 1 600); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    echo "node $n (pid $pid) stopped"
  fi
  rm -f "$pidfile"
done
