// Runs axe-core in headless Chromium over key pages of a built site, in every
// language, and fails on any violation. Usage: node a11y.mjs PUBLIC_DIR [SHOTS_DIR]
// Pages are served from a local static server on loopback, so links and the
// stylesheet load exactly as on a real host.
import { readFile, mkdir } from "node:fs/promises";
import { join } from "node:path";
import { createRequire } from "node:module";
import { serveSite, chromiumArgs } from "./site-host.mjs";

const require = createRequire(import.meta.url);
const { chromium } = require("playwright-core");
const axeSource = await readFile(require.resolve("axe-core/axe.min.js"), "utf8");

const root = process.argv[2] ?? "public";
const shots = process.argv[3];
const { server, base } = await serveSite(root);

const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: chromiumArgs });
const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });

// The first release and tag linked from each language's lists.
async function firstLink(url, prefix) {
  await page.goto(base + url);
  return page.evaluate((p) => [...document.querySelectorAll("main a")].map((a) => a.getAttribute("href")).find((h) => h && h.startsWith(p) && h !== p), prefix);
}

// The site's languages, from the root chooser's hreflang links (any site,
// right-to-left ones included, not only the example's three).
const rootHtml = await readFile(join(root, "index.html"), "utf8");
const languages = [...rootHtml.matchAll(/<link rel="alternate" hreflang="([^"]+)"/g)]
  .map((m) => m[1])
  .filter((l) => l !== "x-default");
if (languages.length === 0) languages.push("en", "ru", "kk");

let violations = 0;
let checked = 0;

// Runs axe over `url` as loaded, and keeps a screenshot when asked to.
async function check(url) {
  await page.addScriptTag({ content: axeSource });
  const result = await page.evaluate(async () => await window.axe.run(document, { resultTypes: ["violations"] }));
  checked++;
  for (const v of result.violations) {
    violations += v.nodes.length;
    console.log(`${url}: ${v.id} (${v.impact}): ${v.help}`);
    for (const n of v.nodes.slice(0, 5)) console.log(`    ${n.target.join(" ")}: ${n.failureSummary.replace(/\n/g, " ")}`);
  }
  if (shots) {
    await mkdir(shots, { recursive: true });
    await page.screenshot({ path: join(shots, url.replace(/\//g, "_") + ".png"), fullPage: true });
  }
}

// The root chooser and the every-language 404 page as a reader without
// JavaScript sees them: the script that forwards from the root is held back.
await page.route("**/js/language.js*", (route) => route.abort());
for (const url of ["/", "/404.html"]) {
  await page.goto(base + url);
  await check(url);
}
await page.unroute("**/js/language.js*");

for (const lang of languages) {
  const release = await firstLink(`/${lang}/releases/`, `/${lang}/releases/20`);
  const tag = await firstLink(`/${lang}/tags/`, `/${lang}/tags/`);
  for (const url of [`/${lang}/`, release, `/${lang}/tags/`, tag, `/${lang}/releases/`]) {
    if (!url) {
      console.log(`${lang}: a page to check was not found`);
      violations++;
      continue;
    }
    await page.goto(base + url);
    await check(url);
  }
  // The search page showing results for the first word of that release's
  // title (the header box is on every page checked above).
  if (release) {
    await page.goto(base + release);
    const word = await page.evaluate(() => ((document.querySelector("h1")?.textContent ?? "").match(/\p{L}{3,}/u) ?? [""])[0]);
    await page.goto(`${base}/${lang}/search/?q=${encodeURIComponent(word)}`);
    await page.waitForFunction(() => document.getElementById("search")?.dataset.done !== undefined, null, { timeout: 10000 }).catch(() => {});
    const shown = await page.$$eval("#search-results > li", (items) => items.length);
    if (shown === 0) {
      console.log(`/${lang}/search/?q=${word}: no result shown`);
      violations++;
    }
    await check(`/${lang}/search/`);
  }
}
await browser.close();
server.close();
console.log(`axe: ${checked} pages checked, ${violations} violations`);
process.exit(violations === 0 ? 0 : 1);
