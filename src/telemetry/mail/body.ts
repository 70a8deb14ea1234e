/**
 * What a message's body says: its text and its links. Pure functions over the decoded parts: they run
 * in /ingest's worker threads (WORKER-SAFE).
 */

const URL_IN_TEXT = /\bhttps?:\/\/[^\s<>"'`]+/gi;
const HREF = /\bhref\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))/gi;

function decodeEntities(s: string): string {
  return s
    .replace(/&amp;/gi, '&')
    .replace(/&#(\d+);/g, (_, d: string) => String.fromCodePoint(Number(d)))
    .replace(/&#x([0-9a-f]+);/gi, (_, h: string) => String.fromCodePoint(parseInt(h, 16)))
    .replace(/&quot;/gi, '"')
    .replace(/&#39;|&apos;/gi, "'");
}

/** Every http(s) URL of the message: the text body's, and the HTML's hrefs (which may differ from the visible text). */
export function urlsOf(text: string, html: string | undefined): string[] {
  const urls = new Set<string>();
  for (const m of text.matchAll(URL_IN_TEXT)) urls.add(m[0].replace(/[.,;:!?)\]]+$/, ''));
  if (html) {
    for (const m of html.matchAll(HREF)) {
      const href = decodeEntities((m[1] ?? m[2] ?? m[3] ?? '').trim());
      if (/^https?:\/\//i.test(href)) urls.add(href);
    }
    for (const m of html.replace(/<[^>]*>/g, ' ').matchAll(URL_IN_TEXT)) urls.add(decodeEntities(m[0]).replace(/[.,;:!?)\]]+$/, ''));
  }
  return [...urls];
}
