#!/usr/bin/env bash
# The one test command (README, .ci/run): installs what the tests need on a fresh machine, then runs them all.
# Environment: JINDO_TEST_FILTER narrows `dotnet test` (a --filter expression); JINDO_SEEDS sets how many
# random seeds the model and simulation tests run (CI default below).
set -euo pipefail
cd "$(dirname "$0")/.."

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"; }
# librocksdb itself ships with the build (RocksDB NuGet package); apt only brings ldb, the independent reader.
need_apt=()
installed rocksdb-tools || need_apt+=(rocksdb-tools)
installed python3-grpcio || need_apt+=(python3-grpcio)
installed python3-protobuf || need_apt+=(python3-protobuf)
installed python3-prometheus-client || need_apt+=(python3-prometheus-client)
if [ ${#need_apt[@]} -gt 0 ]; then
  echo "== installing ${need_apt[*]}"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi

# Independent peers from npm (official Tablestore SDK, @grpc/grpc-js): every tests/*/node/package.json.
for pkg in tests/*/node/package.json; do
  [ -e "$pkg" ] || continue
  dir=$(dirname "$pkg")
  if [ ! -d "$dir/node_modules" ] || [ "$pkg" -nt "$dir/node_modules" ]; then
    echo "== npm install in $dir"
    (cd "$dir" && if [ -e package-lock.json ]; then npm ci --no-audit --no-fund --loglevel=error; else npm install --no-audit --no-fund --loglevel=error; fi)
    touch "$dir/node_modules"
  fi
done

export JINDO_SEEDS="${JINDO_SEEDS:-200}"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

echo "== build"
dotnet build JindoMeta.sln -c Release -nologo -clp:ErrorsOnly

echo "== test"
args=(JindoMeta.sln -c Release --no-build --nologo --logger "console;verbosity=normal")
[ -n "${JINDO_TEST_FILTER:-}" ] && args+=(--filter "$JINDO_TEST_FILTER")
# CI shows only the end of the output: repeat each failure (name, message, stack) there.
log=$(mktemp)
trap 'rm -f "$log"' EXIT
status=0
dotnet test "${args[@]}" 2>&1 | tee "$log" || status=$?
if [ "$status" -ne 0 ]; then
  echo "== failures (repeated from above)"
  awk '/^  Failed /{show=1} /^  Passed |^\[xUnit|^Test Run|^Results File/{show=0} show' "$log" | head -400
fi
exit "$status"
