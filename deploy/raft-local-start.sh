#!/usr/bin/env bash
# Starts a three-node raft cluster on this machine, exactly as three hosts would run it: node N binds 127.0.0.N
# (all loopback) on client port 8101 and raft port 8103, data in data/raft/nodeN, logs in logs/raft/nodeN; file
# blocks in data/raft/blocks, one directory for the three (on separate hosts: shared storage or the s3 store).
# Stop it with deploy/raft-local-stop.sh. Extra arguments go to every node (e.g. -D jfs.namespaces=test).
# The CLI then uses all three: deploy/jindo --rpc-address 127.0.0.1:8101,127.0.0.2:8101,127.0.0.3:8101 fs -ls jfs://test/
set -euo pipefail
cd "$(dirname "$0")/.."
dotnet build src/JindoMeta.Server/JindoMeta.Server.csproj -c Release -nologo -clp:ErrorsOnly -v quiet
dotnet build src/JindoMeta.Cli/JindoMeta.Cli.csproj -c Release -nologo -clp:ErrorsOnly -v quiet
conf=127.0.0.1:8103:0,127.0.0.2:8103:0,127.0.0.3:8103:0
rpc=127.0.0.1:8101,127.0.0.2:8101,127.0.0.3:8101
mkdir -p data/raft logs/raft
for n in 1 2 3; do
  pidfile=data/raft/node$n.pid
  if [ -e "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null; then
    echo "node $n already runs (pid $(cat "$pidfile"))"; continue
  fi
  mkdir -p logs/raft/node$n
  nohup dotnet src/JindoMeta.Server/bin/Release/net10.0/jindometa.dll \
    -D namespace.backend.type=raft -D namespace.backend.raft.initial-conf=$conf -D jfs.namespace.server.rpc-address=$rpc \
    -D namespace.rpc.bind-host=127.0.0.$n -D namespace.rpc.port=8101 \
    -D namespace.data.dir=data/raft/node$n -D namespace.blockstore.local.dir=data/raft/blocks -D namespace.log.dir=logs/raft/node$n "$@" \
    > logs/raft/node$n/console.log 2>&1 &
  echo $! > "$pidfile"
done
for n in 1 2 3; do
  for _ in $(seq 1 300); do
    grep -q "jindometa: serving on" logs/raft/node$n/console.log 2>/dev/null && break
    if ! kill -0 "$(cat data/raft/node$n.pid)" 2>/dev/null; then echo "node $n failed to start:"; cat logs/raft/node$n/console.log; exit 1; fi
    sleep 0.1
  done
  echo "node $n: pid $(cat data/raft/node$n.pid), 127.0.0.$n:8101 (raft 127.0.0.$n:8103)"
done
echo "cluster up: deploy/jindo --rpc-address $rpc jfs -metaStatus"
