#!/usr/bin/env bash
# The pressroom benchmark; BENCHMARKS.md says what it measures and why.
#
#   bash bench/run.sh [N...]        N = releases per corpus (default: 1000 10000)
#
# Environment: RUNS (measurements per figure, default 3; the median is
# reported), SEED (corpus seed, default 1), CARGO_TARGET_DIR (as for cargo).
#
# For each N it builds the release binaries, generates (or reuses) the corpus
# TARGET/bench/corpus-N, then runs `pressroom build` into an empty folder and,
# right after, again with nothing changed, then twice with one release edited.
# It prints one Markdown table row per
# N, then the disk floor (cp -r of the largest output) and, when the binary has
# a `watch` command, the edit latency measured by bench/edit_latency.py.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD
# shellcheck source=bench/common.sh
source bench/common.sh

sizes=("$@")
if [ ${#sizes[@]} -eq 0 ]; then sizes=(1000 10000); fi
runs=${RUNS:-3}
seed=${SEED:-1}

for n in "${sizes[@]}"; do
    [[ $n =~ ^[1-9][0-9]*$ ]] || die "\`$n\` is not a number of releases"
done
[[ $runs =~ ^[1-9][0-9]*$ ]] || die "RUNS=\`$runs\` is not a positive number"
[ -x /usr/bin/time ] || die "/usr/bin/time is missing; install it with: apt-get install -y time"

build_binaries
start_trash

rows=()
declare -A clean_wall
largest=
for n in "${sizes[@]}"; do
    corpus=$work/corpus-$n
    out=$work/out-$n
    want=$("$gen" --releases "$n" --seed "$seed" --theme-dir "$repo/themes/osce" --print-stamp)
    if [ -f "$corpus/corpus.stamp" ] && [ "$(cat "$corpus/corpus.stamp")" = "$want" ]; then
        say "==> corpus-$n: reusing ($want)"
    else
        say "==> corpus-$n: generating"
        "$gen" --releases "$n" --seed "$seed" --theme-dir "$repo/themes/osce" --out "$corpus" >&2
    fi

    say "==> N=$n: $runs × (clean build, then no-change rebuild); load average now $(load)"
    c_wall=() c_cpu=() c_rss=() c_rate=() r_wall=() r_cpu=() r_rss=() r_written=()
    e1_wall=() e2_wall=() e2_cpu=() e2_written=()
    # The release edited for the one-edit builds: the first English one.
    edited=$(find "$corpus/content/releases" -name '*.en.md' | sort | sed -n 1p)
    [ -n "$edited" ] || die "corpus-$n has no English release to edit"
    for run in $(seq "$runs"); do
        set_aside "$out"
        # The previous tree a build keeps beside its output would make the
        # next build less than clean.
        set_aside "$(dirname "$out")/.$(basename "$out").pressroom-staging"
        rm -f "$(dirname "$out")/.$(basename "$out").pressroom-previous"
        measure "$bin" build --root "$corpus" --output "$out"
        [ "$written" = "$files" ] || die "a clean build wrote $written of $files files"
        c_wall+=("$wall") c_cpu+=("$cpu") c_rss+=("$rss")
        c_rate+=("$(awk -v f="$files" -v w="$wall" 'BEGIN { printf "%.0f", f / w }')")
        say "    run $run: clean     ${wall}s wall, ${cpu}s CPU, ${rss} MiB, $files files"
        measure "$bin" build --root "$corpus" --output "$out"
        r_wall+=("$wall") r_cpu+=("$cpu") r_rss+=("$rss") r_written+=("$written")
        say "           no change ${wall}s wall, ${cpu}s CPU, ${rss} MiB, $written written"
        # One release body edited, then `build` in a new process: first
        # right after the clean build (the previous tree beside the output
        # does not exist yet), then again (putting the text back, so the
        # corpus stays as generated).
        cp "$edited" "$work/edited.md"
        printf '\nOne more sentence for the benchmark.\n' >>"$edited"
        measure "$bin" build --root "$corpus" --output "$out"
        e1_wall+=("$wall")
        say "           first edit ${wall}s wall, ${cpu}s CPU, ${rss} MiB, $written written"
        cp "$work/edited.md" "$edited"
        measure "$bin" build --root "$corpus" --output "$out"
        e2_wall+=("$wall") e2_cpu+=("$cpu") e2_written+=("$written")
        say "           next edit  ${wall}s wall, ${cpu}s CPU, ${rss} MiB, $written written"
    done
    clean_wall[$n]=$(median "${c_wall[@]}")
    scaling=
    if [ "$n" = 10000 ] && [ -n "${clean_wall[1000]:-}" ]; then
        scaling=$(awk -v a="${clean_wall[10000]}" -v b="${clean_wall[1000]}" 'BEGIN { printf "%.1f×", a / b }')
    fi
    rows+=("| $date | $commit | $n | $files | ${clean_wall[$n]} | $(median "${c_cpu[@]}") | $(median "${c_rate[@]}") | $(median "${c_rss[@]}") | $(median "${r_wall[@]}") | $(median "${r_cpu[@]}") | $(median "${r_rss[@]}") | $(median "${r_written[@]}") | $(median "${e1_wall[@]}") | $(median "${e2_wall[@]}") | $(median "${e2_cpu[@]}") | $(median "${e2_written[@]}") | $scaling |")
    largest=$n
done

echo
echo "Machine: $machine"
echo
echo "| date | commit | N | files | clean wall (s) | clean CPU (s) | pages/s | clean peak RSS (MiB) | no-change wall (s) | no-change CPU (s) | no-change peak RSS (MiB) | no-change files written | first edit wall (s) | next edit wall (s) | next edit CPU (s) | next edit files written | 10k/1k clean wall |"
echo "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"
printf '%s\n' "${rows[@]}"
echo
echo "Medians of $runs runs; load average at the end: $(load) on $(nproc) CPUs."

# The disk floor: copying the largest output with cp -r on the same disk, into
# a folder that is set aside like the outputs.
floor=()
for run in $(seq "$runs"); do
    copy=$work/cp-floor
    set_aside "$copy"
    sync
    start=$(date +%s%N)
    cp -r "$work/out-$largest" "$copy"
    end=$(date +%s%N)
    floor+=("$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.2f", (b - a) / 1e9 }')")
done
set_aside "$work/cp-floor"
size=$(du -sm "$work/out-$largest" | cut -f1)
count=$(find "$work/out-$largest" -type f | wc -l)
echo "Disk floor: cp -r of the N=$largest output ($size MiB in $count files) takes $(median "${floor[@]}") s (median of $runs)."

# Edit latency needs `pressroom watch`, which this build may not have.
if "$bin" watch --help >/dev/null 2>&1; then
    say "==> edit latency on corpus-$largest"
    for release in oldest newest; do
        python3 bench/edit_latency.py --bin "$bin" --corpus "$work/corpus-$largest" --work "$work" --release "$release"
    done
else
    echo "Edit latency: skipped, this build has no \`pressroom watch\`."
fi

say "==> removing the outputs set aside"
rm -rf "$trash"
