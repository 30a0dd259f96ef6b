// Opens an org-map picture (GET /accounts/{id}/orgmap.svg) in headless
// Chromium and prints a JSON report: {status, contentType, texts, consoleErrors},
// texts being every <text> element Chromium laid out with a size, in order.
// graph/httpedge/orgmap_browser_test.go drives it; by hand:
//
//   node graph/e2e/orgmap.mjs http://localhost:8080/accounts/1/orgmap.svg [token]
import { chromium } from 'playwright-core';

const [url, token] = process.argv.slice(2);
if (!url) {
  console.error('usage: node orgmap.mjs <picture URL> [API token]');
  process.exit(2);
}

const report = { status: 0, contentType: '', texts: [], consoleErrors: [] };
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  // The same switches as graphiql.mjs: no sandbox (root in a container), no traffic but the page's.
  args: ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
let failure;
try {
  const context = await browser.newContext(token ? { extraHTTPHeaders: { Authorization: `Bearer ${token}` } } : {});
  const page = await context.newPage();
  page.setDefaultTimeout(30_000);
  page.on('console', (msg) => {
    if (msg.type() === 'error') report.consoleErrors.push(msg.text());
  });
  page.on('pageerror', (err) => report.consoleErrors.push(`uncaught: ${err.message}`));
  const response = await page.goto(url);
  report.status = response.status();
  report.contentType = response.headers()['content-type'] ?? '';
  // Drawn means laid out by the browser's SVG engine with a box of some size, not merely in the file.
  report.texts = await page.evaluate(() => [...document.querySelectorAll('text')]
    .filter((t) => { const b = t.getBBox(); return b.width > 0 && b.height > 0; })
    .map((t) => t.textContent));
} catch (err) {
  failure = err;
} finally {
  await browser.close();
}
console.log(JSON.stringify(report, null, 2));
if (failure) {
  console.error(`orgmap.mjs: ${failure.message}`);
  process.exit(1);
}
