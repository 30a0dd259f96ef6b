// Starts GraphiQL. It lives in its own file, not inline in the page, so the
// page's Content-Security-Policy can allow only scripts from its own origin.
(function () {
  'use strict';

  const root = document.getElementById('graphiql');
  const endpoint = root.dataset.endpoint;

  // Every connection needs first or last, so the example pages explicitly.
  const defaultQuery = `# Every list needs first or last (at most 100).
# Press Ctrl-Enter (or the run button) to execute.
{
  accounts(first: 10, orderBy: [{field: NAME}]) {
    totalCount
    edges {
      node {
        id
        name
        tier
        annualRevenue
        currency
      }
    }
  }
}
`;

  // A plain fetcher rather than GraphiQL.createFetcher, which asks for
  // multipart/mixed (incremental delivery) that this API does not speak.
  // Lower-case names, so headers typed in the headers editor replace them.
  // Subscriptions run as Server-Sent Events (a POST that accepts
  // text/event-stream); GraphiQL shows each event as it arrives.
  function fetcher(params, opts) {
    if (/^\s*subscription\b/m.test(stripComments(params.query || ''))) {
      return subscribe(params, opts);
    }
    return request(params, opts);
  }

  function stripComments(query) {
    return query.replace(/#[^\n]*/g, '');
  }

  async function* subscribe(params, opts) {
    const controller = new AbortController();
    const res = await fetch(endpoint, {
      method: 'POST',
      headers: Object.assign({
        'content-type': 'application/json',
        'accept': 'text/event-stream',
      }, opts && opts.headers),
      body: JSON.stringify(params),
      signal: controller.signal,
    });
    if (!/event-stream/.test(res.headers.get('content-type') || '')) {
      yield await res.json();
      return;
    }
    const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = '';
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        buffer += value;
        let end;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          if (block.startsWith('event: complete')) return;
          const data = block.split('\n').find((line) => line.startsWith('data: '));
          if (block.startsWith('event: next') && data) yield JSON.parse(data.slice(6));
        }
      }
    } finally {
      controller.abort(); // GraphiQL's stop button ends the stream
    }
  }

  async function request(params, opts) {
    const res = await fetch(endpoint, {
      method: 'POST',
      headers: Object.assign({
        'content-type': 'application/json',
        'accept': 'application/graphql-response+json, application/json',
      }, opts && opts.headers),
      body: JSON.stringify(params),
    });
    // GraphQL errors come back as JSON, with a 4xx status for
    // application/graphql-response+json; anything else is a transport failure.
    if (!/json/.test(res.headers.get('content-type') || '')) {
      throw new Error(`${res.status} ${res.statusText}: ${await res.text()}`);
    }
    return res.json();
  }

  ReactDOM.createRoot(root).render(
    React.createElement(GraphiQL, { fetcher, defaultQuery }),
  );
})();
