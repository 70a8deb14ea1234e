/**
 * CREDENTIAL_WORDING and PAYMENT_URGENCY: the lure in the message's own words (subject and body, quoted
 * replies excluded by the parser), by the phrase lists of data/phrases.data.ts. WORKER-SAFE.
 */
import { Signal, type Evidence } from '../../domain/evidence.js';
import { CREDENTIAL_PHRASES, PAYMENT_PHRASES, REWARD_PHRASES } from './data/phrases.data.js';
import { foldText } from './text.fold.js';
import { evidence, GRADES } from './weights.js';

/** Lures sit at the top; a long body is a newsletter or a thread, and scanning it all costs time for nothing. */
const MAX_TEXT = 20_000;

/** One regular expression a list: one scan of the text each, whatever the number of phrases. */
const phrases = (list: readonly string[]) => new RegExp(`(?<![\\w'])(?:${list.join('|')})(?![\\w'])`, 'g');
const CREDENTIAL = phrases(CREDENTIAL_PHRASES);
const PAYMENT = phrases([...PAYMENT_PHRASES, ...REWARD_PHRASES]);

/** The distinct phrases of a list found in a folded text, in order. */
function found(re: RegExp, text: string): string[] {
  return [...new Set([...text.matchAll(re)].map((m) => m[0]))];
}

const quote = (hits: string[]) =>
  hits
    .slice(0, 3)
    .map((h) => `“${h}”`)
    .join(', ');

/** The wording evidence of a subject and body: one piece a signal, stronger when two or more distinct phrases agree. */
export function wordingEvidence(subject: string, body: string | undefined): Evidence[] {
  const text = foldText(`${subject}\n${(body ?? '').slice(0, MAX_TEXT)}`);
  const out: Evidence[] = [];
  const credential = found(CREDENTIAL, text);
  if (credential.length)
    out.push(
      evidence(
        Signal.CREDENTIAL_WORDING,
        `Asks for sign-in or account details: ${quote(credential)}`,
        credential.length > 1 ? GRADES.WORDING_REPEATED : undefined,
      ),
    );
  const payment = found(PAYMENT, text);
  if (payment.length)
    out.push(
      evidence(
        Signal.PAYMENT_URGENCY,
        `Payment, urgency or reward lure: ${quote(payment)}`,
        payment.length > 1 ? GRADES.WORDING_REPEATED : undefined,
      ),
    );
  return out;
}
