/**
 * Wrapped and redirected links, unwrapped to the URL they lead to. Mail security gateways rewrite every
 * link (Microsoft Safe Links, Proofpoint URL Defense, Symantec click-time protection) and well-known
 * services redirect through a URL of their own (Google's `/url?q=`, Gmail's image proxy); hunting,
 * indicators and clusters must see the real target, or two copies of one campaign received through
 * different gateways share no URL. WORKER-SAFE.
 *
 * Only the redirectors below are unwrapped, and only when the parameter (the proxy's fragment) holds an
 * absolute http(s) URL: an arbitrary tracking link whose parameter happens to be a URL is the sender's
 * own infrastructure, itself evidence, and stays what it is.
 */

/** How many wrappers deep a link is followed (Safe Links around Proofpoint around Google is three). */
const MAX_DEPTH = 5;

interface Redirector {
  /** Matched against the lower-case host. */
  host: RegExp;
  /** Matched against the path; any path when absent. */
  path?: RegExp;
  /** The query parameters that may hold the target, in order of preference. */
  params: string[];
  /** Turns the parameter's value (already percent-decoded once by URLSearchParams) into the target. */
  decode?: (value: string) => string;
}

const REDIRECTORS: Redirector[] = [
  // Microsoft Defender for Office 365 Safe Links: https://nam02.safelinks.protection.outlook.com/?url=…&data=…
  { host: /(?:^|\.)safelinks\.protection\.outlook\.com$/, params: ['url'] },
  // Proofpoint URL Defense v1 (`u` percent-encoded) and v2 (`u` with `-` for `%` and `_` for `/`).
  { host: /^urldefense\.proofpoint\.com$/, path: /^\/v1\/url$/, params: ['u'] },
  { host: /^urldefense\.proofpoint\.com$/, path: /^\/v2\/url$/, params: ['u'], decode: decodeProofpointV2 },
  // Google's click redirect on search results, Gmail and Docs: https://www.google.com/url?q=…
  { host: /^(?:www\.)?google\.[a-z.]{2,6}$/, path: /^\/url$/, params: ['q', 'url'] },
  // Other services' published outbound-link redirectors.
  { host: /^(?:l|lm)\.facebook\.com$/, path: /^\/l\.php$/, params: ['u'] },
  { host: /^l\.instagram\.com$/, params: ['u'] },
  { host: /^(?:www\.)?youtube\.com$/, path: /^\/redirect$/, params: ['q'] },
  { host: /^(?:www\.)?linkedin\.com$/, path: /^\/redir\/redirect/, params: ['url'] },
  { host: /^slack-redir\.net$/, path: /^\/link$/, params: ['url'] },
  { host: /^steamcommunity\.com$/, path: /^\/linkfilter\/?$/, params: ['url', 'u'] },
  { host: /^linkprotect\.cudasvc\.com$/, path: /^\/url$/, params: ['a'] },
  { host: /\.trendmicro\.com$/, path: /\/clicktime\/v1\/query$/, params: ['url'] },
  // Symantec (Broadcom) Email Security.cloud click-time URL protection: https://clicktime.symantec.com/…?u=…
  { host: /^clicktime\.symantec\.com$/, params: ['u'] },
  // Bing's click redirect: `u` is `a1` and the target in base64url.
  { host: /^(?:www\.)?bing\.com$/, path: /^\/ck\/a$/, params: ['u'], decode: decodeBing },
];

function decodeBing(value: string): string {
  return value.startsWith('a1') ? Buffer.from(value.slice(2), 'base64url').toString('utf8') : value;
}

function decodeProofpointV2(value: string): string {
  try {
    return decodeURIComponent(value.replace(/-/g, '%').replace(/_/g, '/'));
  } catch {
    return value;
  }
}

const V3_RUN_LENGTHS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/**
 * Proofpoint URL Defense v3: `https://urldefense.com/v3/__<url>__;<base64url>!!<ids>$`. Characters of
 * the URL that Proofpoint replaced are `*` (one character) or `**X` (a run of X's index + 2 characters)
 * in the URL, taken in order from the base64url-decoded replacement string. After Proofpoint's own
 * published decoder (urldecoder.py).
 */
function decodeProofpointV3(url: string): string | undefined {
  const m = /^https?:\/\/urldefense\.com\/v3\/__(.+?)__;([^!]*)!/i.exec(url);
  if (!m) return undefined;
  let encoded: string;
  try {
    encoded = decodeURIComponent(m[1]!);
  } catch {
    encoded = m[1]!;
  }
  const replacements = [...Buffer.from(m[2]!, 'base64url').toString('utf8')];
  let next = 0;
  return encoded.replace(/\*(\*.)?/g, (token: string) => {
    const run = token.length === 1 ? 1 : V3_RUN_LENGTHS.indexOf(token.charAt(2)) + 2;
    const taken = replacements.slice(next, next + Math.max(run, 1)).join('');
    next += Math.max(run, 1);
    return taken;
  });
}

const ABSOLUTE_HTTP = /^https?:\/\/[^\s/?#]+/i;

/**
 * Gmail's image proxy: `https://ci3.googleusercontent.com/meips/<token>=s0-d-e1-ft#<original URL>` (`/proxy/`
 * before 2023). Gmail rewrites every image of a message it shows; a forwarded or saved copy carries the
 * proxy address with the original URL as its fragment.
 */
const GOOGLE_IMAGE_PROXY = /^https?:\/\/ci\d*\.googleusercontent\.com\/(?:meips|proxy)\/[^#]*#(https?:\/\/.+)$/i;

/** The target of one wrapper, or undefined when `url` is not a known wrapper around an http(s) URL. */
function unwrapOnce(url: string): string | undefined {
  if (/^https?:\/\/urldefense\.com\/v3\//i.test(url)) {
    const target = decodeProofpointV3(url);
    return target && ABSOLUTE_HTTP.test(target) ? target : undefined;
  }
  const proxied = GOOGLE_IMAGE_PROXY.exec(url);
  if (proxied) return ABSOLUTE_HTTP.test(proxied[1]!) ? proxied[1] : undefined;
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return undefined;
  }
  const host = u.hostname.toLowerCase();
  for (const r of REDIRECTORS) {
    if (!r.host.test(host) || (r.path && !r.path.test(u.pathname))) continue;
    for (const name of r.params) {
      const value = u.searchParams.get(name);
      if (!value) continue;
      const target = (r.decode ? r.decode(value) : value).trim();
      if (ABSOLUTE_HTTP.test(target)) return target;
    }
  }
  return undefined;
}

/** Cheap pre-check: every wrapper above has one of these in its host, so most links cost one regex test. */
const MAYBE_WRAPPED =
  /safelinks|urldefense|google\.|googleusercontent|symantec|facebook\.com|instagram\.com|youtube\.com|linkedin\.com|slack-redir|steamcommunity|cudasvc|trendmicro|bing\.com/i;

/**
 * The URL a link leads to, through known wrappers and redirectors, to the end (at most {@link MAX_DEPTH}
 * deep); `wrapped` is the link as written when it was a wrapper.
 */
export function unwrapUrl(url: string): { url: string; wrapped?: string } {
  if (!MAYBE_WRAPPED.test(url)) return { url };
  let current = url;
  for (let depth = 0; depth < MAX_DEPTH; depth++) {
    const target = unwrapOnce(current);
    if (!target || target === current) break;
    current = target;
  }
  return current === url ? { url } : { url: current, wrapped: url };
}
