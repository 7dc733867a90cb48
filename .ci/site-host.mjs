// What the Chromium checks over a built site share: the site served on
// loopback as a static host serves it (a directory gives its index.html, an
// unknown address /404.html with status 404), Chromium's flags, and a tally
// of the checks. Copied beside the script that imports it (a11y, languages,
// search).
import { createServer } from "node:http";
import { readFile, stat } from "node:fs/promises";
import { join, extname, normalize } from "node:path";

const types = { ".html": "text/html; charset=utf-8", ".css": "text/css", ".js": "text/javascript", ".json": "application/json", ".svg": "image/svg+xml", ".xml": "application/xml" };

/** Serves `root`; resolves to the server and its base URL. */
export async function serveSite(root) {
  const server = createServer(async (req, res) => {
    let path = decodeURIComponent(new URL(req.url, "http://x").pathname);
    path = normalize(path).replace(/^(\.\.[/\\])+/, "");
    let file = join(root, path);
    try {
      if ((await stat(file)).isDirectory()) file = join(file, "index.html");
      const body = await readFile(file);
      res.writeHead(200, { "content-type": types[extname(file)] ?? "application/octet-stream" });
      res.end(body);
    } catch {
      res.writeHead(404, { "content-type": types[".html"] });
      res.end(await readFile(join(root, "404.html")));
    }
  });
  await new Promise((ok) => server.listen(0, "127.0.0.1", ok));
  return { server, base: `http://127.0.0.1:${server.address().port}` };
}

/** The flags every headless Chromium of CI starts with. */
export const chromiumArgs = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"];

/** A tally of checks: `expect(ok, what)` logs each; `finish()` exits 1 on any failure. */
export function checks() {
  let failures = 0;
  let passed = 0;
  return {
    expect(ok, what) {
      if (ok) {
        passed++;
        console.log(`ok: ${what}`);
      } else {
        failures++;
        console.log(`FAILED: ${what}`);
      }
    },
    finish() {
      console.log(`${passed} passed, ${failures} failed`);
      process.exit(failures ? 1 : 0);
    },
  };
}
