#!/usr/bin/env python3
"""Edit latency of `pressroom watch`: from saving a source file to the changed
page on disk. Run by bench/run.sh when the binary has a `watch` command.

It copies the corpus (so the cached one stays as generated), starts
`pressroom watch --root COPY --output OUT`, waits for the first build, then
edits one English release EDITS times in two ways, timing each from the write
until the watcher prints the line that ends the rebuild (every file is on disk
by then), and checking that the page shows the change:

- body: append a sentence with a unique word, wait until the page holds it;
- tags: add a tag to the front matter (or remove it again), wait until the
  page shows (or no longer shows) that tag's label.

Between edits it waits SETTLE seconds so that rebuilds do not overlap. It
prints Markdown lines with the median and 95th percentile of each kind.
"""

import argparse
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import threading
import time


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--bin", required=True, help="the pressroom binary")
    p.add_argument("--corpus", required=True, help="a corpus from pressroom-corpus")
    p.add_argument("--work", required=True, help="a scratch folder")
    p.add_argument("--edits", type=int, default=21, help="edits of each kind")
    p.add_argument(
        "--release",
        choices=("oldest", "newest"),
        default="oldest",
        help="edit an English release of the oldest or of the newest year: a newer "
        "one sits near the start of its lists, so a tag change moves most pages of that tag",
    )
    p.add_argument("--settle", type=float, default=0.5, help="seconds between edits")
    p.add_argument("--timeout", type=float, default=10.0, help="seconds before an edit counts as lost")
    p.add_argument("--startup-timeout", type=float, default=600.0, help="seconds for the first build")
    return p.parse_args()


def read(path):
    try:
        with open(path, encoding="utf-8") as f:
            return f.read()
    except FileNotFoundError:
        return ""


def write(path, text):
    # Rewrite in place, as most editors' plain save does.
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


def wait_until(condition, timeout):
    """Seconds until condition() holds, polling every millisecond; None on timeout."""
    start = time.perf_counter()
    while True:
        if condition():
            return time.perf_counter() - start
        if time.perf_counter() - start > timeout:
            return None
        time.sleep(0.001)


class Lines:
    """The watcher's output lines, each with the moment it arrived."""

    def __init__(self, stream):
        self.lines = []
        self.lock = threading.Lock()
        threading.Thread(target=self._read, args=(stream,), daemon=True).start()

    def _read(self, stream):
        for line in stream:
            with self.lock:
                self.lines.append((time.perf_counter(), line.rstrip("\n")))

    def count(self):
        with self.lock:
            return len(self.lines)

    def last_since(self, n, prefix):
        """Arrival time of the newest line from index n on starting with prefix."""
        with self.lock:
            found = [t for t, line in self.lines[n:] if line.startswith(prefix)]
        return found[-1] if found else None


def timed_edit(lines, write_edit, shows, timeout):
    """Seconds from the edit to the end of the rebuild that shows it; None on timeout."""
    n = lines.count()
    start = time.perf_counter()
    write_edit()
    # Polling reads the page; the time taken is the watcher's line's.
    ended = wait_until(lambda: lines.last_since(n, "changed ") is not None and shows(), timeout)
    if ended is None:
        return None
    return lines.last_since(n, "changed ") - start


def percentile(values, q):
    """Nearest-rank percentile."""
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * q // 100))
    return ordered[int(rank) - 1]


def tag_labels(tags_yaml):
    """English label of every tag key in the generated registry."""
    return dict(re.findall(r'^([a-z0-9-]+):\n  label: \{ en: "([^"]*)"', tags_yaml, re.M))


def main():
    args = parse_args()
    root = os.path.join(args.work, "watch-corpus")
    out = os.path.join(args.work, "watch-out")
    for path in (root, out, os.path.join(args.work, ".watch-out.pressroom-staging")):
        shutil.rmtree(path, ignore_errors=True)
    try:
        os.remove(os.path.join(args.work, ".watch-out.pressroom-previous"))
    except FileNotFoundError:
        pass
    shutil.copytree(args.corpus, root, symlinks=True)

    # The first English release of the oldest year (or the last of the newest)
    # in path order, and where its page goes: the generator files each release
    # under the year of its date, as URLs do.
    releases = os.path.join(root, "content", "releases")
    pick = 0 if args.release == "oldest" else -1
    year = sorted(os.listdir(releases))[pick]
    name = sorted(f for f in os.listdir(os.path.join(releases, year)) if f.endswith(".en.md"))[pick]
    source = os.path.join(releases, year, name)
    slug = name[: -len(".en.md")]
    page = os.path.join(out, "en", "releases", year, slug, "index.html")
    original = read(source)

    watcher = subprocess.Popen(
        [args.bin, "watch", "--root", root, "--output", out],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    lines = Lines(watcher.stdout)
    try:
        ready = wait_until(lambda: lines.last_since(0, "build:") is not None, args.startup_timeout)
        if ready is None or watcher.poll() is not None:
            sys.exit("edit latency: the watcher's first build did not finish")
        print(f"edit latency: first build of the watcher took about {ready:.1f} s")
        # Let the kernel write the first build's files back first: while it
        # flushes a gigabyte, every file creation waits on the disk, and the
        # figures would measure that instead of the rebuild.
        os.sync()
        time.sleep(1.0)

        body_times, body_lost = [], 0
        text = original
        for k in range(args.edits):
            word = f"benchedit{k:03d}x"
            text = text.rstrip("\n") + f"\n\nA sentence added by the benchmark: {word}.\n"
            t = timed_edit(lines, lambda: write(source, text), lambda: word in read(page), args.timeout)
            if t is None:
                body_lost += 1
            else:
                body_times.append(t)
            time.sleep(args.settle)

        # Tags: toggle one that the release lacks and whose label the page
        # does not show yet, so its presence tells the new page from the old.
        labels = tag_labels(read(os.path.join(root, "content", "tags.yaml")))
        front_tags = re.search(r"^tags: \[(.*)\]$", text, re.M)
        own = [t.strip() for t in front_tags.group(1).split(",")]
        shown = read(page)
        extra = next(
            key for key, label in sorted(labels.items())
            if key not in own and re.fullmatch(r"[A-Za-z -]+", label) and f">{label}<" not in shown
        )
        chip = f">{labels[extra]}<"
        print(f"edit latency: toggling the tag {extra} on {os.path.relpath(source, root)}")
        tag_times, tag_lost = [], 0
        for k in range(args.edits):
            adding = k % 2 == 0
            tags = own + [extra] if adding else own
            text = re.sub(r"^tags: \[.*\]$", f"tags: [{', '.join(tags)}]", text, count=1, flags=re.M)
            t = timed_edit(
                lines,
                lambda: write(source, text),
                lambda: (chip in read(page)) == adding,
                args.timeout,
            )
            if t is None:
                tag_lost += 1
            else:
                tag_times.append(t)
            time.sleep(args.settle)
    finally:
        write(source, original)
        watcher.send_signal(signal.SIGINT)
        try:
            watcher.wait(timeout=10)
        except subprocess.TimeoutExpired:
            watcher.kill()
            watcher.wait()

    for what, times, lost in (("body edit", body_times, body_lost), ("tags edit", tag_times, tag_lost)):
        if times:
            print(
                f"edit latency, {what}: median {statistics.median(times) * 1000:.0f} ms, "
                f"p95 {percentile(times, 95) * 1000:.0f} ms over {len(times)} edits"
                + (f"; {lost} not seen within {args.timeout:.0f} s" if lost else "")
            )
        else:
            print(f"edit latency, {what}: no edit was seen within {args.timeout:.0f} s")


if __name__ == "__main__":
    main()
