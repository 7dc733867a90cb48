// Time from the last keystroke to results shown on the search page, in
// headless Chromium over loopback (issue 16).
//
//   node bench/search_latency.mjs PUBLIC_DIR [paste|typed ...]
//   (playwright-core resolvable, e.g. run from target/ci-tools after
//   .ci/search has installed it; both modes when none is named)
//
// For each language and mode it opens /{lang}/search/ once and enters 20
// queries in a row, each the words of a title of the index (as
// bench/search_bytes.py picks them).
//
// - paste: the whole query is put in the box at once and one input event
//   sent, so nothing of it was asked for before; the time is from that
//   event to the page marking the query done (results in the list and the
//   count announced). The worst case: every file is fetched after it.
// - typed: the box is emptied, then the query is typed key by key, DELAY ms
//   apart (150, about 80 words a minute), as a reader types; the time is
//   from the input event of the last key to the page marking the whole
//   query done. What the page did for the earlier keys (and any delay of
//   its own) counts only as far as it is still going after the last key.
//
// The first query of each language and mode (cold: meta.json and the
// script's start) is reported apart; the median is over the others.
import { createServer } from "node:http";
import { readFileSync, statSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { join, extname, normalize } from "node:path";
import { createRequire } from "node:module";

const require = createRequire(process.cwd() + "/");
const { chromium } = require("playwright-core");
const root = process.argv[2] ?? "public";
const modes = process.argv.length > 3 ? process.argv.slice(3) : ["paste", "typed"];
const delay = Number(process.env.DELAY ?? 150);
const types = { ".html": "text/html; charset=utf-8", ".css": "text/css", ".js": "text/javascript", ".json": "application/json", ".svg": "image/svg+xml" };
// A static host serves a small file from memory or the page cache in well
// under a millisecond. Node's promise-based stat and readFile take several
// hops through its thread pool per file, which cost 5-20 ms a request on the
// two loaded cores this runs on, so they would be timed as the page's; the
// synchronous calls answer from the page cache as a host does.
const server = createServer((req, res) => {
  let path = normalize(decodeURIComponent(new URL(req.url, "http://x").pathname)).replace(/^(\.\.[/\\])+/, "");
  let file = join(root, path);
  try {
    if (statSync(file).isDirectory()) file = join(file, "index.html");
    const body = readFileSync(file);
    res.writeHead(200, { "content-type": types[extname(file)] ?? "application/octet-stream" });
    res.end(body);
  } catch {
    res.writeHead(404);
    res.end();
  }
});
await new Promise((ok) => server.listen(0, "127.0.0.1", ok));
const base = `http://127.0.0.1:${server.address().port}`;
const args = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"];
const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args });
const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2; };

for (const lang of ["en", "ru", "kk"]) {
  const meta = JSON.parse(await readFile(join(root, lang, "search/meta.json"), "utf8"));
  const step = Math.max(1, Math.floor(meta.docs / 21));
  const queries = [];
  for (let k = 0; k < 20; k++) {
    const id = Math.min(meta.docs - 1, (k + 1) * step);
    const doc = JSON.parse(await readFile(join(root, lang, `search/d/${Math.floor(id / meta.shard)}.json`), "utf8"))[id % meta.shard];
    const words = [...new Set(doc.t.toLowerCase().match(/[\p{L}\p{N}]+/gu))].sort((a, b) => b.length - a.length || (a < b ? -1 : 1));
    queries.push(words.slice(0, k % 2 ? 2 : 1).join(" "));
  }
  for (const mode of modes) {
    const page = await browser.newPage();
    await page.goto(`${base}/${lang}/search/`);
    // When each input event came and when each query was marked done.
    await page.evaluate(() => {
      const root = document.getElementById("search");
      window.benchInput = 0;
      window.benchDone = new Map();
      document.addEventListener("input", () => { window.benchInput = performance.now(); }, true);
      new MutationObserver(() => window.benchDone.set(root.dataset.done, performance.now()))
        .observe(root, { attributes: true, attributeFilter: ["data-done"] });
    });
    const done = (q) => page.waitForFunction((q) => window.benchDone.has(q), q, { timeout: 20000, polling: 5 });
    const times = [];
    for (const q of queries) {
      await page.evaluate(() => window.benchDone.clear());
      if (mode === "paste") {
        await page.evaluate((q) => {
          const input = document.getElementById("search-q");
          input.value = q;
          input.dispatchEvent(new Event("input", { bubbles: true }));
        }, q);
      } else {
        await page.fill("#search-q", "");
        await page.waitForFunction(() => !document.querySelector("#search-results > li"), null, { polling: 5 });
        await page.type("#search-q", q, { delay });
      }
      await done(q);
      times.push(await page.evaluate((q) => window.benchDone.get(q) - window.benchInput, q));
    }
    console.log(`${lang} ${mode}: first ${times[0].toFixed(1)} ms, median of the next ${times.length - 1} ${median(times.slice(1)).toFixed(1)} ms, max ${Math.max(...times.slice(1)).toFixed(1)} ms`);
    await page.close();
  }
}
await browser.close();
server.close();
