// Run axe-core's WCAG 2.0/2.1/2.2 A and AA rules on one HTML file in headless Chromium and
// print the violations as JSON (an empty list when there are none).
// Usage: node axe_report.js NODE_MODULES CHROMIUM FILE.html
// Nothing is fetched: Chromium is the system's (playwright-core's executablePath), axe-core is
// read from NODE_MODULES, and the page is a self-contained local file.
"use strict";
const path = require("path");

const [modules, executable, file] = process.argv.slice(2);
const { chromium } = require(path.join(modules, "playwright-core"));
const axeSource = path.join(modules, "axe-core", "axe.min.js");
const TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"];

(async () => {
  const browser = await chromium.launch({
    executablePath: executable,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
    ],
  });
  try {
    const violations = [];
    const requests = [];
    let passes = 0;
    // A desktop and a phone width: tables scroll sideways only on the narrow one.
    for (const width of [1280, 375]) {
      const page = await browser.newPage({ viewport: { width, height: 900 } });
      const result = await check(page, requests);
      passes += result.passes.length;
      for (const v of result.violations) {
        violations.push({
          width,
          id: v.id,
          impact: v.impact,
          help: v.help,
          nodes: v.nodes.map((n) => ({ target: n.target, summary: n.failureSummary })),
        });
      }
      await page.close();
    }
    process.stdout.write(JSON.stringify({ violations, requests, passes }));
  } finally {
    await browser.close();
  }
})().catch((err) => {
  process.stderr.write(String(err && err.stack ? err.stack : err) + "\n");
  process.exit(2);
});

async function check(page, requests) {
  // Any request other than the file itself (and its data: URIs) fails the run.
  await page.route("**/*", (route) => {
    const url = route.request().url();
    if (url.startsWith("file:") || url.startsWith("data:")) return route.continue();
    requests.push(url);
    return route.abort();
  });
  await page.goto("file://" + path.resolve(file));
  await page.addScriptTag({ path: axeSource });
  return page.evaluate(
    (tags) => window.axe.run(document, { runOnly: { type: "tag", values: tags } }),
    TAGS,
  );
}
