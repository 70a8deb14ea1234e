/**
 * Text folded for matching phrases and names: the forms phishing uses to slip past word filters read as
 * the plain words a person sees. WORKER-SAFE.
 */
import unhomoglyph from 'unhomoglyph';

/**
 * Invisible characters inserted inside words: zero-width spaces and joiners, soft hyphen, word joiner,
 * BOM, CGJ, variation selectors and tag characters.
 */
// eslint-disable-next-line no-misleading-character-class -- a class of invisible joiners and selectors is the point
const INVISIBLE = /[\u00ad\u200b-\u200f\u2060-\u2064\ufeff\ufe00-\ufe0f\u{e0000}-\u{e007f}\u{e0100}-\u{e01ef}]|\u034f/gu;
/** Letters outside ASCII that Unicode's confusables map to an ASCII letter (Cyrillic `е`, Greek `ο`, Cherokee `Ꮇ`). */
const NON_ASCII_LETTER = /[^\t\n\r -~]/g;
const asAscii = (c: string) => {
  const prototype = unhomoglyph(c);
  return /^[a-z]$/i.test(prototype) ? prototype : c;
};

/**
 * Lower-case, compatibility forms unfolded (NFKC: `𝗡𝘂𝘁𝗲𝗹𝗹𝗮` → `Nutella`, full-width letters → ASCII),
 * diacritics removed (`bestätigen` → `bestatigen`), look-alike letters of other scripts read as the ASCII
 * letter they pass for (`Vеrіfy` with Cyrillic letters → `verify`), invisible characters dropped,
 * typographic apostrophes made ASCII, whitespace collapsed.
 */
export function foldText(text: string): string {
  return text
    .normalize('NFKC')
    .replace(INVISIBLE, '')
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .replace(NON_ASCII_LETTER, asAscii)
    .toLowerCase()
    .replace(/[\u2018\u2019\u02bc`´]/g, "'")
    .replace(/\s+/g, ' ')
    .trim();
}

/**
 * A name folded like {@link foldText}, then by Unicode's confusables (UTS #39 prototypes, lower-cased):
 * `Місrоsоft` with Cyrillic letters and `Micr0soft` both read `microsoft`. Only for comparing names with
 * names folded the same way: it turns `rn` into `m`.
 */
export function foldName(name: string): string {
  return unhomoglyph(foldText(name)).toLowerCase().replace(/\s+/g, ' ');
}
