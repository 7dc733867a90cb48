#!/usr/bin/env python3
"""Bytes a search query downloads, replayed from a built index (issue 16).

    python3 bench/search_bytes.py PUBLIC_DIR [LANG...]

For each language (default en ru kk) it makes 20 queries from the index's
own documents, spread over the archive: 10 of one word (the longest word of a
title) and 10 of two (the two longest words of another title), and replays
what themes/osce/static/js/search.js fetches for each on a fresh page:
meta.json, the chunk of each word and of its stem (the chunk whose name is
the longest prefix), and the document files of the first ten results (most
relevant, then newest). It prints the median and the largest byte count per
language and kind, the sum of the files' sizes as served (no compression).
"""
import json
import os
import re
import statistics
import sys

WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*", re.UNICODE)


def chunk_file(name):
    return "_" if not name else name.encode().hex()


def main():
    public = sys.argv[1]
    langs = sys.argv[2:] or ["en", "ru", "kk"]
    for lang in langs:
        base = os.path.join(public, lang, "search")
        size = lambda rel: os.path.getsize(os.path.join(base, rel))
        load = lambda rel: json.load(open(os.path.join(base, rel), encoding="utf-8"))
        meta = load("meta.json")
        shard = meta["shard"]

        def chunk_of(key):
            best = max((c for c in meta["chunks"] if key.startswith(c)), key=len, default="")
            return "t/" + chunk_file(best) + ".json"

        def title(doc_id):
            return load(f"d/{doc_id // shard}.json")[doc_id % shard]["t"]

        def query(words):
            fetched = {"meta.json"}
            scores = None
            for word in words:
                own = chunk_of(word)
                fetched.add(own)
                c = load(own)
                stem = c["f"].get(word, word)
                sc = chunk_of(stem)
                fetched.add(sc)
                postings, doc = {}, 0
                for v in load(sc)["s"].get(stem, []):
                    doc += v >> 5
                    postings[doc] = v & 31
                if scores is None:
                    scores = postings
                else:
                    scores = {d: s + postings[d] for d, s in scores.items() if d in postings}
            top = sorted(scores, key=lambda d: (-scores[d], -d))[:10]
            fetched.update(f"d/{d // shard}.json" for d in top)
            return sum(size(f) for f in fetched), len(scores)

        docs = meta["docs"]
        step = max(1, docs // 21)
        one, two = [], []
        for k in range(20):
            words = sorted({w.lower() for w in WORD.findall(title(min(docs - 1, (k + 1) * step)))},
                           key=lambda w: (-len(w), w))
            # Lower-cased as the index keys them; the index's own forms table
            # gives the stem (every word of a title is in it).
            if k % 2 == 0:
                one.append(query(words[:1]))
            else:
                two.append(query(words[:2]))
        for kind, runs in (("one word", one), ("two words", two)):
            b = [r[0] for r in runs]
            print(f"{lang} {kind}: median {statistics.median(b) / 1000:.1f} kB, "
                  f"max {max(b) / 1000:.1f} kB over {len(b)} queries "
                  f"(results: median {statistics.median(r[1] for r in runs)})")
        both = [r[0] for r in one + two]
        print(f"{lang} all 20: median {statistics.median(both) / 1000:.1f} kB")


if __name__ == "__main__":
    main()
