/**
 * What a message's body says: its own text, the text it quotes, and its links. Pure functions over the
 * decoded parts mailparser gives: they run in /ingest's worker threads (WORKER-SAFE).
 *
 * mailparser converts HTML to text only for a root HTML part or one outside `multipart/alternative`
 * next to a text part: an HTML part inside `multipart/related` (inside `multipart/mixed`) with no text
 * part anywhere, the usual shape of HTML mail with inline images, came out as no text at all (15.7 % of
 * the real phishing corpus with ≥ 30 visible words). So the parser runs with `skipHtmlToText` and every
 * message's HTML (mailparser's `html`: all its inline HTML parts, however nested) is converted here,
 * once, by html.ts, which also reads the links and the quote markers in the same pass.
 */
import { readHtml } from './html.js';
import { linksOf, targetsOf, type MessageLink } from './links.js';
import { splitQuoted } from './quotes.js';

export { linksOfUrls, targetsOf, type MessageLink } from './links.js';
export { splitQuoted } from './quotes.js';

export interface MessageBody {
  /** The message's own text. */
  body: string;
  /** The text it quotes from earlier mail ('' when none). */
  quoted: string;
  links: MessageLink[];
  /** The distinct link targets (unwrapped): the `urls` hunting keys. */
  urls: string[];
  /** The HTML holds a `<form>`: a page to type into inside the mail itself. */
  hasForm: boolean;
}

const WORD = /[\p{L}\p{N}]+/gu;
/** Words in `s`, counting no further than `limit` (the comparison below needs no more). */
function wordCount(s: string, limit = Infinity): number {
  let n = 0;
  WORD.lastIndex = 0;
  while (n < limit && WORD.exec(s)) n++;
  WORD.lastIndex = 0;
  return n;
}
// eslint-disable-next-line no-control-regex -- html.ts's quote markers are control characters on purpose
const MARKERS = /[\u0001-\u0003]/g;

/**
 * The body of a message from its text parts (`text`, joined by mailparser) and its HTML parts (`html`).
 * The text part is the body unless it is a stub next to a real HTML body ("This message needs an HTML
 * viewer"): fewer than half the HTML's words; the HTML's links are read either way.
 */
export function readBody(text: string | undefined, html: string | undefined): MessageBody {
  const plain = text ? text.replace(MARKERS, '') : '';
  const converted = html ? readHtml(html) : undefined;
  const htmlText = converted?.text ?? '';
  const plainWords = wordCount(plain, 10_000);
  const useHtml =
    converted !== undefined && (plainWords === 0 || plainWords * 2 < wordCount(htmlText.replace(MARKERS, ' '), plainWords * 2 + 1));
  const { own, quoted } = splitQuoted(useHtml ? htmlText : plain);
  const links = linksOf(converted?.links ?? [], [plain, htmlText.replace(MARKERS, '\n')]);
  return { body: own, quoted, links, urls: targetsOf(links), hasForm: converted?.hasForm ?? false };
}
