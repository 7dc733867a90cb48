#!/usr/bin/env bash
# The deploy benchmark; BENCHMARKS.md says what it measures and keeps results.
#
#   bash bench/deploy.sh [N]        N = releases in the corpus (default 10000)
#
# Environment: SEED (corpus seed, default 1), CARGO_TARGET_DIR (as for cargo).
#
# It builds the release binaries, generates (or reuses) the corpus
# TARGET/bench/corpus-N, copies it to a scratch site, builds it, starts the
# loopback S3 server of the tests (examples/pressroom-s3-server.rs, s3s-fs over
# a folder), and times with `pressroom deploy --json`:
#   1. a first deploy into an empty bucket (time, files/s, MB/s),
#   2. a deploy with nothing changed,
#   3. a deploy after one release was edited and the site rebuilt (the
#      rebuild is not timed),
# then the same three for a file:// target. Everything it starts stops with it.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD
n=${1:-10000}
seed=${SEED:-1}

say() { printf '%s\n' "$*" >&2; }
die() { say "error: $*"; exit 1; }
[[ $n =~ ^[1-9][0-9]*$ ]] || die "\`$n\` is not a number of releases"
command -v python3 >/dev/null || die "python3 is missing; install it with: apt-get install -y python3"

say "==> cargo build --release (pressroom, pressroom-corpus, pressroom-s3-server)"
executables=$(cargo build --release --bin pressroom --example pressroom-corpus --example pressroom-s3-server --message-format=json-render-diagnostics |
    sed -n 's/.*"executable":"\([^"]*\)".*/\1/p')
bin=$(grep '/pressroom$' <<<"$executables") || die "cargo built no pressroom binary"
gen=$(grep '/pressroom-corpus$' <<<"$executables") || die "cargo built no pressroom-corpus binary"
server_bin=$(grep '/pressroom-s3-server$' <<<"$executables") || die "cargo built no pressroom-s3-server binary"
target=$(dirname "$(dirname "$bin")")
work=$target/bench
mkdir -p "$work"

corpus=$work/corpus-$n
want=$("$gen" --releases "$n" --seed "$seed" --theme-dir "$repo/themes/osce" --print-stamp)
if [ -f "$corpus/corpus.stamp" ] && [ "$(cat "$corpus/corpus.stamp")" = "$want" ]; then
    say "==> corpus-$n: reusing ($want)"
else
    say "==> corpus-$n: generating"
    "$gen" --releases "$n" --seed "$seed" --theme-dir "$repo/themes/osce" --out "$corpus" >&2
fi

# A scratch copy: the edit below must not change the corpus bench/run.sh reuses.
site=$work/deploy-site
rm -rf "$site" "$work/deploy-bucket" "$work/deploy-www"
cp -r "$corpus" "$site"
say "==> building the scratch site"
"$bin" build --root "$site" -q

coproc SERVER { exec "$server_bin" "$work/deploy-bucket"; }
server_pid=$SERVER_PID
stop_server() { exec {SERVER[1]}>&- 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; }
trap stop_server EXIT
read -r _ endpoint <&"${SERVER[0]}" || die "the S3 server did not start"
export AWS_ACCESS_KEY_ID=pressroom-test AWS_SECRET_ACCESS_KEY=pressroom-test-secret AWS_REGION=us-east-1

# deploy LABEL ARGS...: one timed deploy; prints a table row.
deploy() {
    local label=$1 start end wall json
    shift
    sync
    start=$(date +%s%N)
    json=$("$bin" deploy --root "$site" --json "$@") || { say "$json"; die "deploy failed: $label"; }
    end=$(date +%s%N)
    wall=$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.2f", (b - a) / 1e9 }')
    python3 - "$label" "$wall" "$json" <<'PY'
import json, sys
label, wall, report = sys.argv[1], float(sys.argv[2]), json.loads(sys.argv[3])
files = report["uploaded"]
mb = report["uploaded_bytes"] / 1e6
rate = f"{files / wall:.0f} files/s, {mb / wall:.1f} MB/s" if files >= 1000 else ""
print(f"| {label} | {wall:.2f} | {files} | {mb:.1f} | {report['unchanged']} | {report['deleted']} | {rate} |")
PY
}

# edit_one LABEL: appends a sentence to the newest-named English release (in
# the feeds, so they change too) and rebuilds.
edit_one() {
    local release
    release=$(find "$site/content/releases" -name '*.en.md' | sort | sed -n '$p')
    printf '\nA correction, added for the deploy benchmark (%s).\n' "$1" >>"$release"
    "$bin" build --root "$site" -q
}

cpu_model=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | sed -n 1p)
mem=$(awk '/^MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo)
commit=$(git rev-parse --short HEAD)
if [ -n "$(git status --porcelain --untracked-files=no)" ]; then commit="$commit+dirty"; fi
echo "Date: $(date -u +%Y-%m-%d), commit $commit, $(nproc) × ${cpu_model:-unknown CPU}, $mem; load average at start $(cut -d' ' -f1 /proc/loadavg)"
echo
echo "| deploy | wall (s) | uploaded | MB | unchanged | deleted | throughput |"
echo "|---|---|---|---|---|---|---|"
s3=(--to "s3://press/site" --endpoint "$endpoint")
deploy "S3: first (empty bucket)" "${s3[@]}"
deploy "S3: nothing changed" "${s3[@]}"
edit_one s3
deploy "S3: one release edited" "${s3[@]}"
www=(--to "file://$work/deploy-www")
deploy "folder: first" "${www[@]}"
deploy "folder: nothing changed" "${www[@]}"
edit_one folder
deploy "folder: one release edited" "${www[@]}"
echo
echo "Load average at the end: $(cut -d' ' -f1 /proc/loadavg) on $(nproc) CPUs."
