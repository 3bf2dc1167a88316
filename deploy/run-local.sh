#!/usr/bin/env bash
# Runs JindoMeta in the foreground on the embedded default (rocksdb backend), data in ./data, logs in ./logs,
# gRPC on 127.0.0.1:8101 (identity is only a user-name header, so it stays on loopback unless you pass
# -D namespace.rpc.bind-host=0.0.0.0). Builds (librocksdb comes with the build), then starts. Stop with Ctrl-C (SIGTERM
# works the same way: calls in flight finish, the store closes cleanly). Extra arguments go to the daemon,
# e.g. deploy/run-local.sh -D namespace.rpc.port=9101
set -euo pipefail
cd "$(dirname "$0")/.."

dotnet build src/JindoMeta.Server/JindoMeta.Server.csproj -c Release -nologo -clp:ErrorsOnly -v quiet
dotnet build src/JindoMeta.Cli/JindoMeta.Cli.csproj -c Release -nologo -clp:ErrorsOnly -v quiet
exec dotnet src/JindoMeta.Server/bin/Release/net10.0/jindometa.dll \
  -D namespace.data.dir=data -D namespace.log.dir=logs -D namespace.rpc.bind-host=127.0.0.1 "$@"
