/**
 * An HTML body as text, with its links and its quoted part marked, in one html-to-text pass
 * (WORKER-SAFE). html-to-text (htmlparser2 underneath) is the converter mailparser itself uses; here it
 * runs with formatters of our own so that one walk of the DOM yields:
 * - the visible text, without html-to-text's `text [href]` link suffixes (they glued two URLs together
 *   when the text was searched for links again: `…/logo.png]https://…`);
 * - every link target with the text it displays (`href` of `a` and `area`, `action` of `form`): the
 *   display text is what a reader trusts, the target is where the click goes. Image sources are not
 *   links: most are logos on a CDN or tracking pixels, which would join unrelated mail on "same URL" and
 *   "same domain"; an image that is a link is an `a` around an `img`, and its `href` is kept;
 * - quoted text between markers (see {@link QUOTE_OPEN}): `blockquote` (Gmail's `gmail_quote`,
 *   Thunderbird's `type=cite`, Apple Mail), Gmail's `gmail_quote` container with its "On … wrote:" line,
 *   and everything from Outlook's reply header (`divRplyFwdMsg`) to the end.
 */
import { decodeHTML } from 'entities';
import { compile, type DomNode, type FormatCallback } from 'html-to-text';

/**
 * Control characters marking quoted text in the converted output; quotes.ts splits on them. Control
 * characters because html-to-text drops private-use ones, and no text part carries these (they are
 * removed from the HTML first).
 */
export const QUOTE_OPEN = '\u0001';
export const QUOTE_CLOSE = '\u0002';
/** Everything after this marker is quoted (Outlook puts the quoted message after its header block, not inside it). */
export const QUOTE_REST = '\u0003';
// eslint-disable-next-line no-control-regex -- the markers are control characters on purpose
const MARKERS = /[\u0001-\u0003]/g;

export interface HtmlLink {
  url: string;
  /** The link's visible text (or an image link's `alt`), whitespace collapsed; absent when it shows none. */
  text?: string;
}

/** Past this many characters the HTML is cut: a 2 MB HTML body is an attack on the parser, not a message. */
const MAX_HTML = 2_000_000;
const MAX_TEXT_OF_LINK = 500;

/** The links found by the formatters of the conversion in progress (conversions are synchronous). */
let collected: HtmlLink[] = [];
/** Whether the conversion in progress met a `<form>` (a form in a mail body asks the reader to type something in). */
let formSeen = false;

function textOf(nodes: DomNode[] | undefined, out: string[]): void {
  for (const n of nodes ?? []) {
    if (n.type === 'text' && n.data) out.push(n.data);
    else if (n.type === 'tag' && n.name === 'img' && n.attribs?.alt) out.push(String(n.attribs.alt));
    else if (n.type === 'tag' && n.name !== 'style' && n.name !== 'script') textOf(n.children, out);
  }
}

function collect(url: unknown, text: string | undefined): void {
  if (typeof url !== 'string') return;
  // Browsers drop tabs and line breaks inside a URL; quoted-printable soft breaks leave some there.
  const href = url.replace(/[\t\r\n]/g, '').trim();
  if (!/^https?:\/\//i.test(href)) return;
  const t = text?.replace(/\s+/g, ' ').trim().slice(0, MAX_TEXT_OF_LINK);
  collected.push(t ? { url: href, text: t } : { url: href });
}

const anchor: FormatCallback = (elem, walk, builder) => {
  const parts: string[] = [];
  textOf(elem.children, parts);
  collect(elem.attribs?.href, parts.join(''));
  walk(elem.children, builder);
};

const area: FormatCallback = (elem) => collect(elem.attribs?.href, elem.attribs?.alt);

const form: FormatCallback = (elem, walk, builder) => {
  formSeen = true;
  collect(elem.attribs?.action, undefined);
  builder.openBlock({ leadingLineBreaks: 1 });
  walk(elem.children, builder);
  builder.closeBlock({ trailingLineBreaks: 1 });
};

const quoted: FormatCallback = (elem, walk, builder) => {
  builder.openBlock({ leadingLineBreaks: 2 });
  builder.addLiteral(QUOTE_OPEN);
  walk(elem.children, builder);
  builder.addLiteral(QUOTE_CLOSE);
  builder.closeBlock({ trailingLineBreaks: 2 });
};

const quotedRest: FormatCallback = (elem, walk, builder) => {
  builder.openBlock({ leadingLineBreaks: 2 });
  builder.addLiteral(QUOTE_REST);
  walk(elem.children, builder);
  builder.closeBlock({ trailingLineBreaks: 2 });
};

/**
 * A textarea shows its content as text, character references decoded (RCDATA); htmlparser2 leaves them
 * encoded there, and a kit that never closes its `<textarea>` shows the rest of the mail in it, links as
 * text (`…?a=1&amp;b=2` must read `…?a=1&b=2`).
 */
const textarea: FormatCallback = (elem, _walk, builder) => {
  const parts: string[] = [];
  textOf(elem.children, parts);
  builder.openBlock({ leadingLineBreaks: 1 });
  builder.addInline(decodeHTML(parts.join('')));
  builder.closeBlock({ trailingLineBreaks: 1 });
};

const cell: FormatCallback = (elem, walk, builder) => {
  builder.addInline(' ');
  walk(elem.children, builder);
  builder.addInline(' ');
};

const skip = { format: 'skip' } as const;
const convert = compile({
  wordwrap: false,
  // html-to-text converts only <body> by default; mail puts links and text outside it (a link around the
  // whole document, footers after </html>, several HTML parts joined). A selector no element matches
  // makes it convert the whole document (returnDomByDefault); title, style and script are skipped below.
  baseElements: { selectors: ['air-whole-document'], returnDomByDefault: true },
  formatters: { anchor, area, form, quoted, quotedRest, cell, textarea },
  limits: { maxDepth: 200, ellipsis: '' },
  selectors: [
    { selector: 'a', format: 'anchor' },
    { selector: 'area', format: 'area' },
    { selector: 'form', format: 'form' },
    { selector: 'textarea', format: 'textarea' },
    { selector: 'img', ...skip },
    { selector: 'style', ...skip },
    { selector: 'script', ...skip },
    { selector: 'title', ...skip },
    { selector: 'blockquote', format: 'quoted' },
    { selector: 'div.gmail_quote', format: 'quoted' },
    { selector: 'div.yahoo_quoted', format: 'quoted' },
    { selector: '#divRplyFwdMsg', format: 'quotedRest' },
    // html-to-text's defaults upper-case headings and table headers; the text is compared, not displayed.
    ...(['h1', 'h2', 'h3', 'h4', 'h5', 'h6'] as const).map((h) => ({ selector: h, options: { uppercase: false } })),
    // Layout tables (most HTML mail) stay blocks; cells are separated by a space, never glued.
    { selector: 'td', format: 'cell' },
    { selector: 'th', format: 'cell' },
  ],
});

/** The text of an HTML body (quoted parts between markers), its links in document order, and whether it holds a form. */
export function readHtml(html: string): { text: string; links: HtmlLink[]; hasForm: boolean } {
  collected = [];
  formSeen = false;
  let source = html.length > MAX_HTML ? html.slice(0, MAX_HTML) : html;
  if (source.includes(QUOTE_OPEN) || source.includes(QUOTE_CLOSE) || source.includes(QUOTE_REST)) source = source.replace(MARKERS, '');
  // A kit that never closes <head> puts its body there; browsers end the head at the first element that
  // does not belong in one, the converter would skip the rest of the document (and a `<body>` further on
  // does not help when a `<thead>` or `<a>` came first). Without its head tags a document's head elements
  // (style, script, title, meta) are still skipped by the selectors, and the rest is read.
  source = source.replace(/<\/?head\b[^>]*>/gi, ' ');
  try {
    const text = convert(source);
    return { text, links: collected, hasForm: formSeen };
  } finally {
    collected = [];
    formSeen = false;
  }
}
