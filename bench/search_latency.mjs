// Time from the last keystroke to results shown on the search page, in
// headless Chromium over loopback (issue 16).
//
//   node bench/search_latency.mjs PUBLIC_DIR   (playwright-core resolvable,
//   e.g. run from target/ci-tools after .ci/search has installed it)
//
// For each language it opens /{lang}/search/ once and types 20 queries in a
// row, each the words of a title of the index (as bench/search_bytes.py
// picks them); the time of a query is from the input event of its last
// character to the page marking it done (results in the list and the count
// announced). The first query of each language (cold: meta.json and the
// script's start) is reported apart; the median is over the others.
import { createServer } from "node:http";
import { readFile, stat } from "node:fs/promises";
import { join, extname, normalize } from "node:path";
import { createRequire } from "node:module";

const require = createRequire(process.cwd() + "/");
const { chromium } = require("playwright-core");
const root = process.argv[2] ?? "public";
const types = { ".html": "text/html; charset=utf-8", ".css": "text/css", ".js": "text/javascript", ".json": "application/json", ".svg": "image/svg+xml" };
const server = createServer(async (req, res) => {
  let path = normalize(decodeURIComponent(new URL(req.url, "http://x").pathname)).replace(/^(\.\.[/\\])+/, "");
  let file = join(root, path);
  try {
    if ((await stat(file)).isDirectory()) file = join(file, "index.html");
    res.writeHead(200, { "content-type": types[extname(file)] ?? "application/octet-stream" });
    res.end(await readFile(file));
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
  const page = await browser.newPage();
  await page.goto(`${base}/${lang}/search/`);
  const times = [];
  for (const q of queries) {
    const ms = await page.evaluate((q) => new Promise((done) => {
      const input = document.getElementById("search-q");
      const root = document.getElementById("search");
      input.value = q;
      const t0 = performance.now();
      const observer = new MutationObserver(() => {
        if (root.dataset.done === q) { observer.disconnect(); done(performance.now() - t0); }
      });
      observer.observe(root, { attributes: true, attributeFilter: ["data-done"] });
      input.dispatchEvent(new Event("input", { bubbles: true }));
    }), q);
    times.push(ms);
  }
  console.log(`${lang}: first ${times[0].toFixed(1)} ms, median of the next ${times.length - 1} ${median(times.slice(1)).toFixed(1)} ms, max ${Math.max(...times.slice(1)).toFixed(1)} ms`);
  await page.close();
}
await browser.close();
server.close();
