/**
 * Which browser origins may call the API (AIR_CORS_ORIGINS): pure parsing and matching, so config.ts
 * can refuse a bad list at start-up and the CORS handler (cors.ts) only asks `allows(origin)`.
 *
 * An entry is `*` (any origin), an exact origin (`https://soc.example.com`, `http://localhost:5173`), or
 * an origin with any port (`http://localhost:*`): a development server picks its port, and Vite, webpack
 * and Storybook each pick a different one.
 */
export interface OriginAllowList {
  /** The entries as configured, normalised (lower case, no default port, no trailing slash). */
  readonly entries: readonly string[];
  allows(origin: string | undefined): boolean;
}

/** What `npm start` allows outside production: any page served from this machine, on any port. */
export const DEVELOPMENT_CORS_ORIGINS = 'http://localhost:*,http://127.0.0.1:*,http://[::1]:*';

/** Parse a comma list; throws an Error naming the entry that is not an origin. An empty list allows no origin. */
export function parseOriginAllowList(list: string): OriginAllowList {
  const entries = list
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '')
    .map(normaliseEntry);
  const any = entries.includes('*');
  const exact = new Set(entries.filter((entry) => !entry.endsWith(':*')));
  // `http://localhost:*` → the origin without its port, which must then end there or continue with `:digits`.
  const anyPort = entries.filter((entry) => entry.endsWith(':*')).map((entry) => entry.slice(0, -2));
  return Object.freeze({
    entries: Object.freeze(entries),
    allows(origin: string | undefined): boolean {
      if (origin === undefined || origin === '') return false;
      if (any) return true;
      const given = origin.toLowerCase();
      if (exact.has(given)) return true;
      return anyPort.some(
        (prefix) => given === prefix || (given.startsWith(`${prefix}:`) && /^\d{1,5}$/.test(given.slice(prefix.length + 1))),
      );
    },
  });
}

function normaliseEntry(entry: string): string {
  if (entry === '*') return entry;
  const wildcardPort = entry.endsWith(':*');
  // A placeholder port lets URL parse the rest; it is replaced by the wildcard again below.
  const parsed = tryUrl(wildcardPort ? `${entry.slice(0, -2)}:1` : entry);
  // URL accepts `*` in a host name; no browser sends one, so `https://*.example.com` would silently match nothing.
  if (!parsed || (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') || parsed.hostname.includes('*')) {
    throw new Error(`'${entry}' is not an origin: expected scheme://host[:port] with http or https, '*', or scheme://host:* for any port`);
  }
  const origin = wildcardPort ? `${parsed.protocol}//${parsed.host.replace(/:1$/, '')}:*` : parsed.origin;
  // An origin is scheme, host and port only: a path, query or credentials here is a mistake that would never match.
  const bare = entry.replace(/\/$/, '').toLowerCase();
  if (bare !== origin && !(bare === `${origin}:${parsed.protocol === 'https:' ? 443 : 80}`)) {
    throw new Error(`'${entry}' is not an origin: only scheme://host[:port], without a path, query or user (did you mean '${origin}'?)`);
  }
  return origin;
}

function tryUrl(text: string): URL | undefined {
  try {
    return new URL(text);
  } catch {
    return undefined;
  }
}
