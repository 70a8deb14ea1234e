/**
 * The explorer's page, its script and its style, as text: small enough to live here, and served from
 * memory like the packages' files (explorer.assets.ts). Every URL in them is relative (`graphql/explorer/…`
 * from the page at `/graphql`), so the page works behind a proxy that mounts the API under a prefix, and
 * nothing is fetched from another host.
 */

/** Where the page's files are served, relative to the page itself. */
export const EXPLORER_ASSET_DIR = 'graphql/explorer/';

/** What the editor shows on a first visit: who the token says you are, and the action centre's first page. */
const DEFAULT_QUERY = `# Paste a bearer token above (npm start prints two; npm run token -- --tenant demo --role SECURITY_READER
# makes one), then run this with the ▶ button or Ctrl-Enter. Subscriptions run over graphql-ws on this path.
{
  me {
    sub
    tenant
    roles
  }
  dashboard {
    investigations
    pendingActions
  }
  investigations(first: 5) {
    edges {
      node {
        id
        playbook
        state
        title
      }
    }
  }
}
`;

export const EXPLORER_HTML = `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>AIR server · GraphQL explorer</title>
    <link rel="stylesheet" href="${EXPLORER_ASSET_DIR}graphiql.min.css" />
    <link rel="stylesheet" href="${EXPLORER_ASSET_DIR}explorer.css" />
  </head>
  <body>
    <form id="air-token-bar" autocomplete="off">
      <label for="air-token">Bearer token</label>
      <input id="air-token" type="password" spellcheck="false" placeholder="eyJ… (kept in this tab only)" />
      <output id="air-token-status" for="air-token"></output>
    </form>
    <div id="graphiql">Loading the explorer…</div>
    <script src="${EXPLORER_ASSET_DIR}react.production.min.js"></script>
    <script src="${EXPLORER_ASSET_DIR}react-dom.production.min.js"></script>
    <script src="${EXPLORER_ASSET_DIR}graphiql.min.js"></script>
    <script src="${EXPLORER_ASSET_DIR}explorer.js"></script>
  </body>
</html>
`;

export const EXPLORER_CSS = `html, body { height: 100%; margin: 0; }
body { display: flex; flex-direction: column; font-family: system-ui, sans-serif; }
#air-token-bar { display: flex; gap: 0.5rem; align-items: center; padding: 0.4rem 0.75rem; border-bottom: 1px solid #d0d4dc; font-size: 0.85rem; }
#air-token { flex: 1; max-width: 48rem; font-family: ui-monospace, monospace; padding: 0.2rem 0.4rem; }
#air-token-status { color: #5a6270; }
#graphiql { flex: 1; min-height: 0; }
`;

/**
 * The browser script (no inline script on the page, so its Content-Security-Policy can forbid them).
 * The token lives in sessionStorage (this tab, until it closes) and goes in the `authorization` header
 * of every HTTP request and in graphql-ws `connection_init`; changing it remounts GraphiQL so the schema
 * is fetched again with it. Headers typed into GraphiQL's own headers editor are added to HTTP requests.
 */
export const EXPLORER_SCRIPT = `'use strict';
(function () {
  var TOKEN_KEY = 'air-explorer-token';
  var DEFAULT_QUERY = ${JSON.stringify(DEFAULT_QUERY)};
  var here = new URL(location.pathname, location.href);
  var httpUrl = here.href;
  var wsUrl = (here.protocol === 'https:' ? 'wss:' : 'ws:') + '//' + here.host + here.pathname;
  var input = document.getElementById('air-token');
  var status = document.getElementById('air-token-status');
  var root = ReactDOM.createRoot(document.getElementById('graphiql'));
  input.value = sessionStorage.getItem(TOKEN_KEY) || '';

  function authorization() {
    var value = input.value.trim();
    if (value === '') return undefined;
    return /^bearer\\s/i.test(value) ? value : 'Bearer ' + value;
  }

  function render() {
    var auth = authorization();
    var credentials = auth ? { authorization: auth } : {};
    var fetcher = GraphiQL.createFetcher({
      url: httpUrl,
      subscriptionUrl: wsUrl,
      headers: credentials,
      wsConnectionParams: credentials,
    });
    status.value = auth ? 'sent with every request and in connection_init' : 'none: requests are answered 401';
    root.render(
      React.createElement(GraphiQL, {
        key: auth || 'no-token',
        fetcher: fetcher,
        defaultQuery: DEFAULT_QUERY,
        defaultEditorToolsVisibility: true,
      }),
    );
  }

  input.addEventListener('change', function () {
    sessionStorage.setItem(TOKEN_KEY, input.value.trim());
    render();
  });
  document.getElementById('air-token-bar').addEventListener('submit', function (event) {
    event.preventDefault();
    input.dispatchEvent(new Event('change'));
  });
  render();
})();
`;
