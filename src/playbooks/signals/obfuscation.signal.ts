/**
 * OBFUSCATED_TEXT: words disguised so that word filters miss them while a reader sees them plainly.
 * WORKER-SAFE. Three tricks, each with no innocent use inside a word of Latin text:
 * - look-alike letters of another script in a Latin word (`Vеrіfy` with Cyrillic `е` `і`, `Ꮇicrosoft`
 *   with a Cherokee `Ꮇ`): only letters Unicode's confusables map to an ASCII letter count, so mojibake
 *   (`пїЅ`) and words of Cyrillic, Greek or CJK text with a Latin brand name in them do not;
 * - invisible characters between two letters (zero-width spaces and joiners, tag characters, variation
 *   selectors): between emoji or in Persian text they are spelling, between two Latin letters they are not;
 * - combining overlays between letters (`Fa̷lha` with U+0337 strokes).
 */
import unhomoglyph from 'unhomoglyph';
import { Signal, type Evidence } from '../../domain/evidence.js';
import type { SignalMessage } from './message.types.js';
import { evidence } from './weights.js';

const MAX_TEXT = 20_000;
const LATIN = /\p{Script=Latin}/u;
/** Letters of scripts whose look-alikes of Latin letters phishing uses. */
const FOREIGN = /[\p{Script=Cyrillic}\p{Script=Greek}\p{Script=Cherokee}\p{Script=Armenian}\p{Script=Coptic}\p{Script=Lisu}]/u;
/* eslint-disable no-misleading-character-class -- classes of invisible joiners and selectors are the point */
const WORD = /[\p{L}\p{M}\u200b-\u200d\u2060\ufe00-\ufe0f\u{e0000}-\u{e007f}\u{e0100}-\u{e01ef}]+/gu;
const INVISIBLE_INSIDE = /\p{Script=Latin}[\u200b-\u200d\u2060\ufe00-\ufe0f\u{e0000}-\u{e007f}\u{e0100}-\u{e01ef}]+\p{Script=Latin}/u;
const HIDDEN = /[\u200b-\u200d\u2060\ufe00-\ufe0f\u{e0000}-\u{e007f}\u{e0100}-\u{e01ef}]/gu;
const OVERLAY_INSIDE = /\p{Script=Latin}[\u0334-\u0338\u20d2\u20d3\u20e5\u20e6]/u;
/* eslint-enable no-misleading-character-class */

/** The disguised words of a text, at most `limit`. */
export function disguisedWords(text: string, limit = 3): string[] {
  const out: string[] = [];
  for (const [word] of text.matchAll(WORD)) {
    if (out.length >= limit) break;
    if (INVISIBLE_INSIDE.test(word) || OVERLAY_INSIDE.test(word)) {
      out.push(word);
      continue;
    }
    const letters = [...word];
    const latin = letters.filter((c) => LATIN.test(c)).length;
    const foreign = letters.filter((c) => FOREIGN.test(c));
    // A Latin word (Latin letters at least as many as the others) whose foreign letters all pass for ASCII.
    if (latin >= 2 && foreign.length > 0 && latin >= foreign.length && foreign.every((c) => /^[a-z]$/i.test(unhomoglyph(c))))
      out.push(word);
  }
  return out;
}

/** One piece when the display name, the subject or the body disguises words. */
export function obfuscationEvidence(m: SignalMessage): Evidence[] {
  const words = disguisedWords(`${m.senderName ?? ''}\n${m.subject}\n${(m.body ?? '').slice(0, MAX_TEXT)}`);
  if (!words.length) return [];
  // Hidden characters are left out of the detail: they would hide there too.
  const shown = words.map((w) => `“${w.replace(HIDDEN, '')}”`).join(', ');
  return [evidence(Signal.OBFUSCATED_TEXT, `Words written with look-alike or hidden characters: ${shown}`)];
}
