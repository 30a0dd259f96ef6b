// A page subscribed over Server-Sent Events sees a change made by another
// client. Opens the server's GraphiQL page in headless Chromium (for its
// origin), subscribes from the page with fetch (accountChanged, signed in with
// the token), then, as another client (this Node process, through the other
// server's URL), renames the account, and prints a JSON report:
// {event, latencyMs, consoleErrors}. graph/httpedge/live_browser_test.go drives it:
//
//   node graph/e2e/live.mjs <page server URL> <other server URL> <token> <account ID>
import { chromium } from 'playwright-core';

const [pageURL, otherURL, token, accountID] = process.argv.slice(2);
if (!accountID) {
  console.error('usage: node live.mjs <page server URL> <other server URL> <token> <account ID>');
  process.exit(2);
}
const report = { event: null, latencyMs: null, consoleErrors: [] };
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
let failure;
try {
  const page = await browser.newPage();
  page.setDefaultTimeout(30_000);
  page.on('console', (msg) => {
    // The plain page at /healthz has no favicon; that 404 is not the test's business.
    if (msg.type() === 'error' && !msg.location().url.endsWith('/favicon.ico')) report.consoleErrors.push(msg.text());
  });
  page.on('pageerror', (err) => report.consoleErrors.push(`uncaught: ${err.message}`));
  await page.goto(pageURL + '/healthz');
  // What a screen does: POST the subscription, read the stream as it arrives.
  await page.evaluate(async ({ token, accountID }) => {
    window.liveEvents = [];
    const res = await fetch('/query', {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'text/event-stream', authorization: `Bearer ${token}` },
      body: JSON.stringify({
        query: 'subscription($id: ID!) { accountChanged(accountID: $id) { cursor node { operation fields { field new } } } }',
        variables: { id: accountID },
      }),
    });
    if (res.status !== 200) throw new Error(`HTTP ${res.status}: ${await res.text()}`);
    const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = '';
    let opened;
    const open = new Promise((resolve) => { opened = resolve; });
    (async () => {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        buffer += value;
        let end;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          opened(); // the first block is the server's opening comment
          const data = block.split('\n').find((l) => l.startsWith('data: '));
          if (block.startsWith('event: next') && data) {
            window.liveEvents.push({ at: Date.now(), data: JSON.parse(data.slice(6)) });
          }
        }
      }
    })();
    await open;
  }, { token, accountID });

  // Another client changes the account through the other server.
  const started = Date.now();
  const res = await fetch(otherURL + '/query', {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({
      query: 'mutation($id: ID!) { updateAccount(id: $id, input: {name: "Renamed Live"}) { id } }',
      variables: { id: accountID },
    }),
  });
  const answer = await res.json();
  if (answer.errors) throw new Error(`the change failed: ${JSON.stringify(answer.errors)}`);
  await page.waitForFunction(() => window.liveEvents.length > 0, null, { timeout: 10_000 });
  const [event] = await page.evaluate(() => window.liveEvents);
  report.event = event.data;
  report.latencyMs = event.at - started;
} catch (err) {
  failure = err;
} finally {
  await browser.close();
}
console.log(JSON.stringify(report, null, 2));
if (failure) {
  console.error(`live.mjs: ${failure.message}`);
  process.exit(1);
}
