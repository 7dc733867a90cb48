// The reader's language in headless Chromium over a built site (issue 19).
// Usage: node languages.mjs PUBLIC_DIR
// The site is served as a static host serves it: a directory gives its
// index.html, and an unknown address gets /404.html with status 404.
import { createRequire } from "node:module";
import { serveSite, chromiumArgs, checks } from "./site-host.mjs";

const require = createRequire(import.meta.url);
const { chromium } = require("playwright-core");

const root = process.argv[2] ?? "public";
const { server, base } = await serveSite(root);
const { expect, finish } = checks();
const common = chromiumArgs;
const names = { kk: "Қазақша", ru: "Русский" };
const notFound = { kk: "Бет табылмады", ru: "Страница не найдена" };

for (const lang of ["kk", "ru"]) {
  const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: [...common, `--lang=${lang}`] });

  // With JavaScript: the root forwards to the browser's language.
  // Playwright sets the page's languages itself (en-US unless told), over
  // Chromium's --lang, so the context is given the same language.
  const withJs = await browser.newContext({ locale: lang });
  const page = await withJs.newPage();
  const languages = await page.evaluate(() => navigator.languages);
  await page.goto(base + "/");
  await page.waitForURL(`${base}/${lang}/`, { timeout: 10000 }).catch(() => {});
  expect(new URL(page.url()).pathname === `/${lang}/`, `--lang=${lang} (navigator.languages ${languages}): / lands on /${lang}/, at ${page.url()}`);
  expect((await page.getAttribute("html", "lang")) === lang, `--lang=${lang}: the home is in ${lang}`);
  const refresh = await (await fetch(base + "/")).text();
  expect(!refresh.includes('http-equiv="refresh"'), "the root has no meta refresh");

  // A language picked on the switcher wins over the browser's next time.
  const other = lang === "kk" ? "ru" : "kk";
  await page.click(`.lang-switch a[hreflang="${other}"]`);
  await page.waitForURL(`${base}/${other}/`);
  await page.goto(base + "/");
  await page.waitForURL(`${base}/${other}/`, { timeout: 10000 }).catch(() => {});
  expect(new URL(page.url()).pathname === `/${other}/`, `--lang=${lang}: after choosing ${other} on the switcher, / lands on /${other}/`);

  // The 404 page under /kk/ or /ru/ speaks that language, alone.
  const response = await page.goto(`${base}/${lang}/no-such-page/`);
  expect(response.status() === 404, `/${lang}/no-such-page/ answers 404`);
  const visible = await page.$$eval(".not-found", (els) => els.filter((e) => !e.hidden).map((e) => e.querySelector("h1").textContent.trim()));
  expect(visible.length === 1 && visible[0] === notFound[lang], `/${lang}/no-such-page/ shows only «${notFound[lang]}»: ${JSON.stringify(visible)}`);
  expect((await page.getAttribute("html", "lang")) === lang, `/${lang}/no-such-page/ is marked as ${lang}`);
  await withJs.close();

  // Without JavaScript: the root stays a chooser naming each language in
  // itself, and its link leads home; the 404 page shows every language.
  const noJs = await browser.newContext({ javaScriptEnabled: false, locale: lang });
  const plain = await noJs.newPage();
  await plain.goto(base + "/");
  expect(new URL(plain.url()).pathname === "/", `--lang=${lang} without JavaScript: / stays the chooser`);
  const link = plain.locator(`.chooser a[hreflang="${lang}"]`);
  expect((await link.textContent()).trim() === names[lang], `the chooser names ${lang} «${names[lang]}»`);
  expect((await link.getAttribute("lang")) === lang, `the chooser's ${lang} link is marked lang="${lang}"`);
  await link.click();
  await plain.waitForURL(`${base}/${lang}/`);
  expect((await plain.getAttribute("html", "lang")) === lang, `without JavaScript the ${lang} link lands on the ${lang} home`);
  await plain.goto(`${base}/${lang}/no-such-page/`);
  const all = await plain.$$eval(".not-found", (els) => els.filter((e) => !e.hidden).map((e) => e.querySelector("h1").textContent.trim()));
  expect(all.includes(notFound[lang]) && all.length > 1, `without JavaScript /${lang}/no-such-page/ shows every language: ${JSON.stringify(all)}`);
  await noJs.close();
  await browser.close();
}

server.close();
finish();
