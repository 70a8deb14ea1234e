/**
 * Text folded for matching phrases and names: the forms phishing uses to slip past word filters read as
 * the plain words a person sees. WORKER-SAFE.
 */
import unhomoglyph from 'unhomoglyph';

/** Invisible characters inserted inside words (zero-width spaces and joiners, soft hyphen, word joiner, BOM, CGJ). */
const INVISIBLE = /[\u00ad\u200b-\u200f\u2060-\u2064\ufeff]|\u034f/g;

/**
 * Lower-case, compatibility forms unfolded (NFKC: `𝗡𝘂𝘁𝗲𝗹𝗹𝗮` → `Nutella`, full-width letters → ASCII),
 * diacritics removed (`bestätigen` → `bestatigen`), invisible characters dropped, typographic apostrophes
 * made ASCII, whitespace collapsed.
 */
export function foldText(text: string): string {
  return text
    .normalize('NFKC')
    .replace(INVISIBLE, '')
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
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
