// Drives `pressroom serve` and headless Chromium; see .ci/serve-e2e.
// Usage: node serve-e2e.mjs PRESSROOM_BINARY SITE_DIR SCREENSHOT_DIR
import { spawn } from "node:child_process";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { createRequire } from "node:module";
import { createInterface } from "node:readline";

const require = createRequire(import.meta.url);
const { chromium } = require("playwright-core");
const [bin, site, shots] = process.argv.slice(2);
const release = join(site, "content/releases/2015/forum.en.md");
const stylesheet = join(site, "themes/osce/static/css/style.css");

const server = spawn(bin, ["serve", "--root", site, "--port", "0"], { stdio: ["ignore", "pipe", "pipe"] });
const log = [];
const base = await new Promise((resolve, reject) => {
  const timer = setTimeout(() => reject(new Error("serve printed no address:\n" + log.join("\n"))), 60000);
  for (const stream of [server.stdout, server.stderr]) {
    createInterface({ input: stream }).on("line", (line) => {
      log.push(line);
      const m = line.match(/^serving (http:\/\/\S+)/);
      if (m) { clearTimeout(timer); resolve(m[1]); }
    });
  }
  server.on("exit", (code) => reject(new Error(`serve exited with ${code}:\n` + log.join("\n"))));
});

async function edit(file, from, to) {
  const text = await readFile(file, "utf8");
  if (!text.includes(from)) throw new Error(`${file} has no ${from}`);
  await writeFile(file, text.replace(from, to));
}

const browser = await chromium.launch({
  executablePath: "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
});
let failed = false;
try {
  const page = await browser.newPage({ viewport: { width: 1100, height: 800 } });
  await page.goto(base + "en/releases/2015/forum/", { waitUntil: "load" });
  // Wait until the live-reload stream is open before editing.
  await page.waitForFunction(() => performance.getEntriesByType("resource").some((e) => e.name.includes("/__pressroom/events")), null, { timeout: 10000 }).catch(() => {});
  await page.waitForTimeout(300);

  await edit(release, "ASTANA forum text", "ASTANA forum text, live");
  await page.waitForFunction(() => document.body.innerText.includes("ASTANA forum text, live"), null, { timeout: 15000 });
  console.log("serve-e2e: the page followed an edit without a manual reload");

  await page.waitForTimeout(300);
  await edit(release, "tags: [probation", "tags: [probaton");
  await page.waitForSelector("#pressroom-errors", { timeout: 15000 });
  const overlay = await page.textContent("#pressroom-errors");
  if (!/forum\.en\.md:5:\d+: error: the tag `probaton` is not in the tag registry/.test(overlay)) {
    throw new Error("the overlay does not show the error with its place:\n" + overlay);
  }
  if (!(await page.textContent("main")).includes("ASTANA forum text, live")) {
    throw new Error("the last good page is not under the overlay");
  }
  await page.screenshot({ path: join(shots, "serve-overlay.png") });
  console.log("serve-e2e: a broken file shows its error over the last good page");

  await edit(release, "tags: [probaton", "tags: [probation");
  await page.waitForFunction(() => !document.getElementById("pressroom-errors"), null, { timeout: 15000 });
  console.log("serve-e2e: fixing the file clears the overlay");

  await page.waitForTimeout(300);
  await page.evaluate(() => { window.__notReloaded = true; });
  const css = await readFile(stylesheet, "utf8");
  await writeFile(stylesheet, css + "\nbody { outline: 3px solid rgb(1, 2, 3); }\n");
  await page.waitForFunction(() => getComputedStyle(document.body).outlineColor === "rgb(1, 2, 3)", null, { timeout: 15000 });
  if (!(await page.evaluate(() => window.__notReloaded === true))) {
    throw new Error("a stylesheet change reloaded the whole page");
  }
  console.log("serve-e2e: a stylesheet change was swapped in without a reload");
} catch (e) {
  failed = true;
  console.error("serve-e2e: " + e.message);
  console.error(log.join("\n"));
} finally {
  await browser.close();
  server.kill("SIGINT");
}
process.exit(failed ? 1 : 0);
