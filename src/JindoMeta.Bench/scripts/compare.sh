#!/usr/bin/env bash
# A/B runs in one script, alternating A and B so that drift of a shared machine hits both alike:
#   compare.sh rpc BEFORE_REV [ROUNDS]   the rpc suite of git revision BEFORE_REV (built in a scratch worktree) vs this checkout
#   compare.sh rocksdb [ROUNDS]          the namespace suite on the bundled RocksDB 11 vs Debian's librocksdb 7.8
#                                        (JINDOMETA_ROCKSDB_LIBRARY; apt-get install librocksdb7.8)
# Extra bench options come from BENCH_ARGS (default: --seconds 4 --warmup 1). Output: the raw tables, then the JSON
# lines, under bench-results/ (one file per run).
set -euo pipefail
cd "$(dirname "$0")/../../.."
suite=$1; shift
args=(${BENCH_ARGS:---seconds 4 --warmup 1})
out=bench-results/$(date +%Y%m%d-%H%M%S)-$suite
mkdir -p "$out"
dotnet build src/JindoMeta.Bench -c Release -nologo -clp:ErrorsOnly -v quiet
after=src/JindoMeta.Bench/bin/Release/net10.0/jindometa-bench.dll

case "$suite" in
  rpc)
    before_rev=$1; rounds=${2:-2}
    scratch=$(mktemp -d)
    trap 'git worktree remove --force "$scratch" >/dev/null 2>&1 || true' EXIT
    git worktree add --detach "$scratch" "$before_rev" >/dev/null
    dotnet build "$scratch/src/JindoMeta.Bench" -c Release -nologo -clp:ErrorsOnly -v quiet
    before=$scratch/src/JindoMeta.Bench/bin/Release/net10.0/jindometa-bench.dll
    for round in $(seq 1 "$rounds"); do
      echo "== round $round: before ($before_rev)"; dotnet "$before" rpc "${args[@]}" | tee "$out/before-$round.txt"
      echo "== round $round: after (HEAD)";        dotnet "$after" rpc "${args[@]}" | tee "$out/after-$round.txt"
    done ;;
  rocksdb)
    rounds=${1:-2}
    debian=${DEBIAN_ROCKSDB:-/usr/lib/x86_64-linux-gnu/librocksdb.so.7.8}
    [ -e "$debian" ] || { echo "compare.sh: $debian is missing: apt-get install -y librocksdb7.8 (or set DEBIAN_ROCKSDB)" >&2; exit 2; }
    for round in $(seq 1 "$rounds"); do
      echo "== round $round: RocksDB 7.8 (Debian)"; JINDOMETA_ROCKSDB_LIBRARY=$debian dotnet "$after" namespace "${args[@]}" | tee "$out/rocksdb78-$round.txt"
      echo "== round $round: RocksDB 11 (bundled)"; dotnet "$after" namespace "${args[@]}" | tee "$out/rocksdb11-$round.txt"
    done ;;
  *) echo "usage: compare.sh rpc BEFORE_REV [ROUNDS] | compare.sh rocksdb [ROUNDS]" >&2; exit 2 ;;
esac
echo "== results in $out"
