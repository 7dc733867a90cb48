#!/usr/bin/env bash
# The photo benchmark of BENCHMARKS.md ("Photos (issue 17)").
#
#   bash bench/photos.sh [N] [WxH]     default: 1000 releases, 3000x2000 photos
#
# Environment: SEED (corpus seed, default 1), CARGO_TARGET_DIR (as for cargo).
# Run it with `nice -n 10` on a shared machine: the clean build keeps every
# CPU busy for as long as the photos take.
#
# It generates two corpora of N releases with the same seed, one with a WxH
# photo per release and one without, and measures with `pressroom build`:
#   1. the photo corpus, clean (no output, no image cache): wall, CPU, peak RSS;
#   2. its rebuild with nothing changed (output and caches kept);
#   3. its rebuild with the output deleted, the caches kept;
#   4. the same three builds of the corpus without photos;
# then what a 390-pixel-wide phone downloads: the `sizes` of a release's lead
# photo, and the largest 480- and 1200-pixel AVIF and WebP files (the widths
# a 390-px screen takes at DPR 1 and 3). Everything it made is deleted at the
# end (corpora, outputs, caches): a 1000-photo corpus takes gigabytes.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD
# shellcheck source=bench/common.sh
source bench/common.sh

n=${1:-1000}
size=${2:-3000x2000}
seed=${SEED:-1}
[[ $n =~ ^[1-9][0-9]*$ ]] || die "\`$n\` is not a number of releases"
[[ $size =~ ^[1-9][0-9]*x[1-9][0-9]*$ ]] || die "\`$size\` is not a size like 3000x2000"
[ -x /usr/bin/time ] || die "/usr/bin/time is missing; install it with: apt-get install -y time"

build_binaries
start_trash
photos=$work/photos-$n-$size
plain=$work/photos-$n-none
cleanup() { set_aside "$photos"; set_aside "$plain"; rm -rf "$trash"; }
trap cleanup EXIT

say "==> generating the corpora (N=$n, photos $size and none)"
"$gen" --releases "$n" --seed "$seed" --theme-dir "$repo/themes/osce" --photos "$size" --out "$photos" >&2
"$gen" --releases "$n" --seed "$seed" --theme-dir "$repo/themes/osce" --out "$plain" >&2

rows=()
# three CORPUS LABEL: the clean build, the no-change rebuild and the rebuild
# with the output deleted, each a table row.
three() {
    local corpus=$1 label=$2 out=$1/public encoded
    rm -rf "$corpus/.pressroom-cache" "$out"
    say "==> $label: clean build (load average $(load))"
    measure nice -n 0 "$bin" build --root "$corpus" --output "$out"
    encoded=$(sed -n 's/.*images: \([0-9]*\) file(s) encoded.*/\1/p' "$work/last-run.log")
    rows+=("| $label | clean | $wall | $cpu | $rss | $written | ${encoded:-–} |")
    say "    ${wall}s wall, ${cpu}s CPU, ${rss} MiB"
    measure "$bin" build --root "$corpus" --output "$out"
    encoded=$(sed -n 's/.*images: \([0-9]*\) file(s) encoded.*/\1/p' "$work/last-run.log")
    rows+=("| $label | no change | $wall | $cpu | $rss | $written | ${encoded:-–} |")
    say "    no change: ${wall}s wall, ${cpu}s CPU"
    set_aside "$out"
    measure "$bin" build --root "$corpus" --output "$out"
    encoded=$(sed -n 's/.*images: \([0-9]*\) file(s) encoded.*/\1/p' "$work/last-run.log")
    rows+=("| $label | output deleted | $wall | $cpu | $rss | $written | ${encoded:-–} |")
    say "    output deleted: ${wall}s wall, ${cpu}s CPU"
}
three "$photos" "photos $size"
three "$plain" "no photos"

# The lead photo's `sizes` on the first release page in English.
page=$(find "$photos/public/en/releases" -name index.html | sort | sed -n 1p)
sizes_attr=$(grep -o '<img [^>]*sizes="[^"]*"' "$page" | sed -n '1s/.*sizes="\([^"]*\)".*/\1/p')
largest() { find "$photos/public/images" -name "*-$1.$2" -printf '%s\n' | sort -n | tail -n 1; }

echo
echo "Machine: $machine; $date, commit $commit; N=$n, photos $size, seed $seed."
echo
echo "| corpus | build | wall (s) | CPU (s) | peak RSS (MiB) | files written | images encoded |"
echo "|---|---|---|---|---|---|---|"
printf '%s\n' "${rows[@]}"
echo
echo "Lead photo sizes=\"$sizes_attr\" ($page)."
for w in 480 1200; do
    echo "Largest ${w}w: AVIF $(largest "$w" avif) B, WebP $(largest "$w" webp) B, JPEG $(largest "$w" jpg) B."
done
echo "Load average at the end: $(load) on $(nproc) CPUs."
say "==> deleting the corpora and outputs"
