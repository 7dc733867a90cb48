// Built-in search in headless Chromium over a built site (issue 16).
// Usage: node search.mjs PUBLIC_DIR
// Serves the folder on loopback as a static host does, types queries on
// each language's search page and checks what the page shows.
import { createRequire } from "node:module";
import { serveSite, chromiumArgs, checks } from "./site-host.mjs";

const require = createRequire(import.meta.url);
const { chromium } = require("playwright-core");

const root = process.argv[2] ?? "public";
const { server, base } = await serveSite(root);
const { expect, finish } = checks();
const args = chromiumArgs;
const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args });

// Each query: the language, what is typed, a release path that must be among
// the results, and whether the typed form appears in no release (so only
// stemming can find it).
const queries = [
  { lang: "en", q: "conferences", expect: "/en/releases/2025/human-rights-penitentiary-conference/" },
  { lang: "en", q: "probation Belgium", expect: "/en/releases/2015/belgium-probation-study-visit/" },
  { lang: "ru", q: "пробацией", expect: "/ru/releases/2015/belgium-probation-study-visit/", unseen: true },
  { lang: "ru", q: "конференциях", expect: "/ru/releases/2025/human-rights-penitentiary-conference/", unseen: true },
  { lang: "kk", q: "конференцияларда", expect: "/kk/releases/2025/human-rights-penitentiary-conference/", unseen: true },
  { lang: "kk", q: "пробациясы", expect: "/kk/releases/2015/belgium-probation-study-visit/", unseen: true },
];

async function results(page) {
  return page.$$eval("#search-results > li", (items) =>
    items.map((li) => ({ href: new URL(li.querySelector("a").href).pathname, marks: li.querySelectorAll("mark").length })),
  );
}

async function typeAndWait(page, text) {
  await page.fill("#search-q", "");
  await page.type("#search-q", text, { delay: 20 });
  await page.waitForFunction((q) => document.getElementById("search").dataset.done === q, text, { timeout: 10000 });
}

const context = await browser.newContext();
const page = await context.newPage();
const errors = [];
page.on("pageerror", (e) => errors.push(String(e)));
page.on("console", (m) => { if (m.type() === "error") errors.push(m.text()); });
for (const { lang, q, expect: want, unseen } of queries) {
  await page.goto(`${base}/${lang}/search/`);
  if (unseen) {
    // Only stemming finds it: the release found does not have the form typed.
    const text = await (await fetch(base + want)).text();
    expect(!text.toLowerCase().includes(q), `${lang}: «${q}» is not a word of ${want}`);
  }
  await typeAndWait(page, q);
  const found = await results(page);
  const status = (await page.textContent("#search-status")).trim();
  expect(found.some((r) => r.href === want), `${lang} «${q}» finds ${want}: ${JSON.stringify(found.map((r) => r.href))}`);
  expect(found.find((r) => r.href === want)?.marks > 0, `${lang} «${q}»: ${want} shows the matched word marked`);
  expect(/\d/.test(status), `${lang} «${q}»: the live region announces «${status}»`);
  expect(new URL(page.url()).searchParams.get("q") === q, `${lang} «${q}»: the address holds the query (${page.url()})`);
}

// Plurals from Fluent: one result in Russian is «Найден 1 результат».
await page.goto(`${base}/ru/search/?q=${encodeURIComponent("пробационного")}`);
await page.waitForFunction(() => document.getElementById("search").dataset.done !== undefined, null, { timeout: 10000 });
const ruStatus = (await page.textContent("#search-status")).trim();
const ruCount = (await results(page)).length;
expect(ruCount >= 1 && /результат/.test(ruStatus), `ru: a query from the address shows ${ruCount} results, announced as «${ruStatus}»`);

// Nothing found: the message, no results.
await page.goto(`${base}/en/search/`);
await typeAndWait(page, "zzzyqx");
const none = await results(page);
const noneStatus = (await page.textContent("#search-status")).trim();
expect(none.length === 0 && noneStatus === "Nothing found. Try another word or fewer words.", `en: a word no release has shows the no-results message: «${noneStatus}», ${JSON.stringify(none)}`);

// The year filter narrows: «penitentiary» in 2011 only.
await page.goto(`${base}/en/search/?q=penitentiary&year=2011`);
await page.waitForFunction(() => document.getElementById("search").dataset.done !== undefined, null, { timeout: 10000 });
const in2011 = await results(page);
expect(in2011.length > 0 && in2011.every((r) => r.href.startsWith("/en/releases/2011/")), `en: year 2011 keeps only 2011 releases: ${JSON.stringify(in2011.map((r) => r.href))}`);
await page.goto(`${base}/en/search/?q=penitentiary&topic=probation`);
await page.waitForFunction(() => document.getElementById("search").dataset.done !== undefined, null, { timeout: 10000 });
const probation = await results(page);
expect(probation.length > 0 && probation.some((r) => r.href.includes("belgium-probation")), `en: the topic filter keeps releases of that topic: ${JSON.stringify(probation.map((r) => r.href))}`);

// The header box of another page leads to the search page with results,
// from the keyboard alone.
await page.goto(`${base}/kk/`);
await page.focus("#site-search-q");
await page.keyboard.type("конференция");
await page.keyboard.press("Enter");
await page.waitForURL(/\/kk\/search\/\?q=/, { timeout: 10000 });
await page.waitForFunction(() => document.getElementById("search").dataset.done !== undefined, null, { timeout: 10000 });
expect((await results(page)).length > 0, "kk: the header box leads to the search page with results");
const landmark = await page.$$eval("form[role=search]", (forms) => forms.length);
expect(landmark === 1, "kk: the search page has one search landmark (the header box is left out)");
await page.screenshot({ path: "target/ci-shots-search-kk.png", fullPage: true }).catch(() => {});
expect(errors.length === 0, `no script error: ${JSON.stringify(errors)}`);
await context.close();

// Without JavaScript the page explains and links to topics and years.
const noJs = await browser.newContext({ javaScriptEnabled: false });
const plain = await noJs.newPage();
await plain.goto(`${base}/en/search/?q=probation`);
const nojsVisible = await plain.isVisible("#search-nojs");
const formHidden = !(await plain.isVisible("#search"));
const links = await plain.$$eval("#search-nojs a", (as) => as.map((a) => new URL(a.href).pathname));
expect(nojsVisible && formHidden, "no JavaScript: the explanation shows, the search form does not");
expect(links.includes("/en/tags/") && links.some((l) => /^\/en\/releases\/\d{4}\/$/.test(l)), `no JavaScript: links to the topics and years: ${JSON.stringify(links)}`);
await noJs.close();

await browser.close();
server.close();
finish();
