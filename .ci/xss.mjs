// Loads pages built from hostile front matter in headless Chromium and fails
// if any script the content tried to inject runs. Usage: node xss.mjs PUBLIC_DIR URL...
import { createServer } from "node:http";
import { readFile, stat } from "node:fs/promises";
import { join, normalize } from "node:path";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const { chromium } = require("playwright-core");
const [root, ...urls] = process.argv.slice(2);

const server = createServer(async (req, res) => {
  let file = join(root, normalize(decodeURIComponent(new URL(req.url, "http://x").pathname)).replace(/^(\.\.[/\\])+/, ""));
  try {
    if ((await stat(file)).isDirectory()) file = join(file, "index.html");
    res.writeHead(200, { "content-type": file.endsWith(".xml") ? "application/xml" : "text/html; charset=utf-8" });
    res.end(await readFile(file));
  } catch {
    res.writeHead(404);
    res.end();
  }
});
await new Promise((ok) => server.listen(0, "127.0.0.1", ok));
const base = `http://127.0.0.1:${server.address().port}`;
const browser = await chromium.launch({
  executablePath: "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
});
const page = await browser.newPage();
let dialogs = 0;
page.on("dialog", async (d) => {
  dialogs++;
  await d.dismiss();
});
let ran = 0;
for (const url of urls) {
  await page.goto(base + url, { waitUntil: "load" });
  await page.waitForTimeout(200);
  if (await page.evaluate(() => window.__pwned === 1)) {
    ran++;
    console.log(`${url}: injected script ran`);
  }
}
await browser.close();
server.close();
console.log(`xss: ${urls.length} pages loaded, ${ran + dialogs} injected scripts ran`);
process.exit(ran + dialogs === 0 ? 0 : 1);
