import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { EXPLORER_CSS, EXPLORER_SCRIPT } from './explorer.page.js';

/** One file the explorer page loads, held in memory with its gzip form. */
export interface ExplorerAsset {
  readonly contentType: string;
  readonly body: Buffer;
  readonly gzipped: Buffer;
}

/**
 * The files the page loads, by the name it asks for under `/graphql/explorer/`. They are the npm packages'
 * own browser builds, read from `node_modules` and served by this server, so the explorer works with no
 * network beyond it (no CDN). GraphiQL 4 is the last line with a self-contained browser build
 * (`graphiql.min.js`, its fonts inlined in `graphiql.min.css`); 5 ships ES modules and Monaco workers that
 * need a bundler or esm.sh. It wants React 18's UMD builds (React 19 has none) as the globals `React` and
 * `ReactDOM`; its own bundle carries a graphql-ws client for subscriptions.
 */
const PACKAGE_FILES: Record<string, { pkg: string; file: string; contentType: string }> = {
  'react.production.min.js': { pkg: 'react', file: 'umd/react.production.min.js', contentType: 'text/javascript; charset=utf-8' },
  'react-dom.production.min.js': {
    pkg: 'react-dom',
    file: 'umd/react-dom.production.min.js',
    contentType: 'text/javascript; charset=utf-8',
  },
  'graphiql.min.js': { pkg: 'graphiql', file: 'graphiql.min.js', contentType: 'text/javascript; charset=utf-8' },
  'graphiql.min.css': { pkg: 'graphiql', file: 'graphiql.min.css', contentType: 'text/css; charset=utf-8' },
};

export const EXPLORER_ASSET_NAMES = [...Object.keys(PACKAGE_FILES), 'explorer.js', 'explorer.css'];

/** A package's directory: its `exports` hide the UMD files from `require.resolve`, but not its package.json. */
function packageDir(pkg: string): string {
  return path.dirname(createRequire(import.meta.url).resolve(`${pkg}/package.json`));
}

function asset(contentType: string, body: Buffer): ExplorerAsset {
  return Object.freeze({ contentType, body, gzipped: gzipSync(body) });
}

/** Read and compress every asset once (about 2.5 MB, 0.6 MB gzipped); a missing package fails here, at the first page view. */
export async function loadExplorerAssets(): Promise<ReadonlyMap<string, ExplorerAsset>> {
  const assets = new Map<string, ExplorerAsset>();
  for (const [name, { pkg, file, contentType }] of Object.entries(PACKAGE_FILES)) {
    assets.set(name, asset(contentType, await readFile(path.join(packageDir(pkg), file))));
  }
  assets.set('explorer.js', asset('text/javascript; charset=utf-8', Buffer.from(EXPLORER_SCRIPT)));
  assets.set('explorer.css', asset('text/css; charset=utf-8', Buffer.from(EXPLORER_CSS)));
  return assets;
}
