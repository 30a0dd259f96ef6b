// Opens GraphiQL in headless Chromium, runs the default query and prints a
// JSON report: {requests, result, consoleErrors}. graph/graphiql/browser_test.go
// drives it; by hand:
//
//   node graph/e2e/graphiql.mjs http://localhost:8080/ ["text the result must contain"]
//
// Set GRAPHIQL_SCREENSHOT=file.png to save a screenshot of the page at the end.
import { chromium } from 'playwright-core';

const [url, expected = '"data"'] = process.argv.slice(2);
if (!url) {
  console.error('usage: node graphiql.mjs <server URL> [text the result must contain]');
  process.exit(2);
}

const report = { requests: [], result: '', consoleErrors: [] };
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  // No sandbox: tests often run as root in a container. The rest keep
  // Chromium from talking to anything but the page under test.
  args: ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
let failure;
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  page.setDefaultTimeout(30_000);
  page.on('request', (req) => report.requests.push(req.url()));
  page.on('requestfailed', (req) => report.consoleErrors.push(`request failed: ${req.url()}: ${req.failure()?.errorText}`));
  // CSP and SRI violations are reported as console errors too.
  page.on('console', (msg) => {
    if (msg.type() === 'error') report.consoleErrors.push(`${msg.text()} (${msg.location().url})`);
  });
  page.on('pageerror', (err) => report.consoleErrors.push(`uncaught: ${err.message}`));

  await page.goto(url);
  // The query editor is the sign that React, GraphiQL and the init code all ran.
  await page.locator('.graphiql-query-editor .CodeMirror').waitFor();
  await page.locator('.graphiql-execute-button').click();

  // The result pane is a CodeMirror editor; read its whole value, not the
  // rendered lines (CodeMirror renders only the visible ones).
  try {
    await page.waitForFunction((want) => document.querySelector('.result-window .CodeMirror')
      ?.CodeMirror.getValue().includes(want), expected);
  } catch (err) {
    throw new Error(`the result pane never showed ${JSON.stringify(expected)}: ${err.message}`);
  } finally {
    report.result = await page.evaluate(() => document.querySelector('.result-window .CodeMirror')?.CodeMirror.getValue() ?? '').catch(() => '');
    if (process.env.GRAPHIQL_SCREENSHOT) await page.screenshot({ path: process.env.GRAPHIQL_SCREENSHOT });
  }
} catch (err) {
  failure = err;
} finally {
  await browser.close();
}
console.log(JSON.stringify(report, null, 2));
if (failure) {
  console.error(`graphiql.mjs: ${failure.message}`);
  process.exit(1);
}
