# What bench/run.sh and bench/photos.sh share: messages, building the
# binaries, setting old outputs aside, and measuring one build. Sourced, with
# the repository as the working directory.

say() { printf '%s\n' "$*" >&2; }
die() { say "error: $*"; exit 1; }

# build_binaries: builds the release binaries and sets bin, gen (copies of
# pressroom and pressroom-corpus), target and work (TARGET/bench).
build_binaries() {
    say "==> cargo build --release --bin pressroom --example pressroom-corpus"
    # Cargo names the executables it built (or found fresh); asking it is the only
    # way to be sure which files belong to this checkout when CARGO_TARGET_DIR is set.
    executables=$(cargo build --release --bin pressroom --example pressroom-corpus --message-format=json-render-diagnostics |
        sed -n 's/.*"executable":"\([^"]*\)".*/\1/p')
    pressroom_exe=$(grep '/pressroom$' <<<"$executables") || die "cargo built no pressroom binary"
    corpus_exe=$(grep '/pressroom-corpus$' <<<"$executables") || die "cargo built no pressroom-corpus binary"
    target=$(dirname "$(dirname "$pressroom_exe")")
    work=$target/bench
    mkdir -p "$work/bin"
    # Copies, so that a build started elsewhere during the run cannot swap them.
    bin=$work/bin/pressroom
    gen=$work/bin/pressroom-corpus
    cp "$pressroom_exe" "$bin"
    cp "$corpus_exe" "$gen"
}

# start_trash: sets trash, the folder old outputs are moved to (set_aside).
start_trash() {
    # Old outputs are moved here and deleted only at the end. On an ext4 file
    # system without a journal (this machine's), creating files within a minute
    # or so of deleting many is several times slower, because the allocator steps
    # over every recently freed inode; deleting the last output right before the
    # next clean build would measure that instead of pressroom.
    trash=$work/trash
    if [ -e "$trash" ]; then
        say "==> removing outputs left by an earlier run, then waiting 60 s for the file system"
        rm -rf "$trash"
        sync
        sleep 60
    fi
    mkdir -p "$trash"
}
set_aside() { if [ -e "$1" ]; then mv "$1" "$(mktemp -d "$trash/XXXXXX")/"; fi; }

# Facts about the run, printed with the results.
cpu_model=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)
mem=$(awk '/^MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo)
machine="$(nproc) × ${cpu_model:-unknown CPU}, $mem"
date=$(date -u +%Y-%m-%d)
commit=$(git rev-parse --short HEAD)
if [ -n "$(git status --porcelain --untracked-files=no)" ]; then commit="$commit+dirty"; fi
load() { cut -d' ' -f1 /proc/loadavg; }

# median VALUE...: the middle value (the upper middle for an even count).
median() { printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { print v[int(NR / 2) + 1] }'; }

# measure CMD...: runs CMD once, after sync, and sets wall (s), cpu (user+sys,
# s), rss (MiB), files and written (from pressroom's summary line).
measure() {
    local log=$work/last-run.log times=$work/last-run.time start end line user sys rss_kb
    sync
    start=$(date +%s%N)
    if ! /usr/bin/time -f '%U %S %M' -o "$times" "$@" >"$log" 2>&1; then
        cat "$log" >&2
        die "failed: $*"
    fi
    end=$(date +%s%N)
    wall=$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.2f", (b - a) / 1e9 }')
    read -r user sys rss_kb <"$times"
    cpu=$(awk -v u="$user" -v s="$sys" 'BEGIN { printf "%.2f", u + s }')
    rss=$(awk -v k="$rss_kb" 'BEGIN { printf "%.0f", k / 1024 }')
    # "built DIR in 1.20s: 3316 files (3316 written, 0 unchanged) — …"
    line=$(grep '^built ' "$log" | tail -n 1) || die "no summary line from: $*"
    files=$(sed -E 's/.*: ([0-9]+) files \(([0-9]+) written, ([0-9]+) unchanged\).*/\1/' <<<"$line")
    written=$(sed -E 's/.*: ([0-9]+) files \(([0-9]+) written, ([0-9]+) unchanged\).*/\2/' <<<"$line")
}

