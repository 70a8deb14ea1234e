/**
 * A message's own text apart from the text it quotes (WORKER-SAFE). Similarity must compare what a
 * message says, not what it quotes: a hijacked reply that quotes a company announcement is not the
 * announcement, and two replies in one thread are not near-duplicates because they quote the same mail.
 *
 * Quoted text is recognised by the shapes mail clients write:
 * - lines starting with `>` (every plain-text client);
 * - an attribution line, "On <date>, <name> wrote:" (Gmail, Apple Mail, Thunderbird; and the usual
 *   translations), and everything after it;
 * - a separator, "-----Original Message-----", "---------- Forwarded message ---------",
 *   "Begin forwarded message:", and everything after it;
 * - Outlook's header block, a "From:" line followed within a few lines by two of "Sent:"/"Date:",
 *   "To:", "Subject:" (or their translations), and everything after it;
 * - in converted HTML, the markers html.ts puts around `blockquote`/`gmail_quote` and before Outlook's
 *   `divRplyFwdMsg`.
 */
import { QUOTE_CLOSE, QUOTE_OPEN, QUOTE_REST } from './html.js';

export interface SplitText {
  /** What the message itself says. */
  own: string;
  /** What it quotes from earlier mail ('' when nothing). */
  quoted: string;
}

const ATTRIBUTION =
  /^\s*(?:on|le|am|el|il|op|em|den|på|w dniu)\b.{0,300}?\b(?:wrote|a écrit|schrieb|escribió|ha scritto|schreef|escreveu|skrev|napisał)\s*:\s*$/i;
/** The start of an attribution split over lines ("On Mon, 1 Jan 2024 at 10:00, Jane Doe <" / "jane@example.com> wrote:"). */
const ATTRIBUTION_START = /^\s*(?:on|le|am|el|il|op|em)\s+\S.{0,200}$/i;
const ATTRIBUTION_END = /\b(?:wrote|a écrit|schrieb|escribió|ha scritto|schreef|escreveu|skrev|napisał)\s*:\s*$/i;
const SEPARATOR =
  /^\s*(?:-{2,}\s*(?:original message|forwarded message|message d'origine|ursprüngliche nachricht|mensaje original|messaggio originale|oorspronkelijk bericht|mensagem original)\s*-{2,}|begin forwarded message:)\s*$/i;
const HEADER_FROM = /^\s*\*?(?:from|de|von|da|van|från|od)\s*:\*?\s*\S/i;
const HEADER_OTHER =
  /^\s*\*?(?:sent|date|to|cc|subject|envoyé|à|objet|gesendet|an|betreff|enviado|para|asunto|inviato|a|oggetto|verzonden|aan|onderwerp|assunto|skickat|till|ämne|data|temat)\s*:\*?/i;
/** Outlook's plain-text rule above its header block, and underscores or dashes alone on a line. */
const RULE_LINE = /^\s*(?:_{8,}|-{8,})\s*$/;

// eslint-disable-next-line no-control-regex -- html.ts's markers are control characters on purpose
const MARKERS = /[\u0001-\u0003]/g;

function isOutlookHeader(lines: string[], i: number): boolean {
  if (!HEADER_FROM.test(lines[i]!)) return false;
  let others = 0;
  for (let j = i + 1; j < lines.length && j <= i + 6; j++) {
    if (HEADER_OTHER.test(lines[j]!)) others++;
    else if (lines[j]!.trim() !== '') break;
  }
  return others >= 2;
}

/** Whether everything from line `i` on is quoted: a separator, an attribution or Outlook's header block starts there. */
function restQuotedFrom(lines: string[], i: number): boolean {
  const line = lines[i]!;
  if (SEPARATOR.test(line) || ATTRIBUTION.test(line)) return true;
  if (ATTRIBUTION_START.test(line) && i + 1 < lines.length && ATTRIBUTION_END.test(lines[i + 1]!)) return true;
  return isOutlookHeader(lines, i);
}

function tidy(parts: string[]): string {
  return parts
    .join('\n')
    .replace(/[ \t]+\n/g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

/** Split text (plain, or converted from HTML with quote markers) into its own and its quoted part. */
export function splitQuoted(text: string): SplitText {
  if (!text) return { own: '', quoted: '' };
  const own: string[] = [];
  const quoted: string[] = [];
  let depth = 0;
  let rest = false;
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (rest) {
      quoted.push(line.replace(MARKERS, ''));
      continue;
    }
    // Markers from html.ts: text between OPEN and CLOSE (nested) is quoted, everything after REST is.
    if (line.includes(QUOTE_OPEN) || line.includes(QUOTE_CLOSE) || line.includes(QUOTE_REST)) {
      let mine = '';
      let theirs = '';
      for (const c of line) {
        if (c === QUOTE_OPEN) depth++;
        else if (c === QUOTE_CLOSE) depth = Math.max(0, depth - 1);
        else if (c === QUOTE_REST) rest = true;
        else if (depth > 0 || rest) theirs += c;
        else mine += c;
      }
      if (mine.trim()) own.push(mine);
      if (theirs.trim()) quoted.push(theirs);
      continue;
    }
    if (depth > 0) {
      quoted.push(line);
      continue;
    }
    if (/^\s*>/.test(line)) {
      quoted.push(line);
      continue;
    }
    if (restQuotedFrom(lines, i)) {
      rest = true;
      quoted.push(line);
      continue;
    }
    own.push(line);
  }
  // A rule (Outlook's `<hr>` or underscores) left at the end of the own text separated it from the quote.
  if (quoted.length) while (own.length && (RULE_LINE.test(own[own.length - 1]!) || own[own.length - 1]!.trim() === '')) own.pop();
  return { own: tidy(own), quoted: tidy(quoted) };
}
