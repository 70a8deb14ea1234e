/** Text helpers: padding, capitals, URL slugs, money, and `{name}` templates. */
import { THREE_DIGITS, TWO_DIGITS } from './clock.js';
import type { Random } from './random.js';

export const pad = (n: number, width: number) => String(n).padStart(width, '0');
/** Memoised: the inputs are a few hundred names and topics, and this ran for every message. */
const capitalised = new Map<string, string>();
export function capitalise(s: string): string {
  let c = capitalised.get(s);
  if (c === undefined) capitalised.set(s, (c = s.charAt(0).toUpperCase() + s.slice(1)));
  return c;
}
const slugs = new Map<string, string>();
/** URL path segment from a title; memoised like `capitalise` (topics and headlines repeat). */
export function slug(s: string): string {
  let out = slugs.get(s);
  if (out === undefined)
    slugs.set(
      s,
      (out = s
        .toLowerCase()
        .replace(/[^a-z0-9]+/g, '-')
        .replace(/^-|-$/g, '')),
    );
  return out;
}
export function money(rng: Random, lo: number, hi: number): string {
  const cents = rng.between(Math.round(lo * 100), Math.round(hi * 100));
  // Thousands separators by hand: toLocaleString was the slowest call in the ordinary-mail path.
  const dollars = Math.floor(cents / 100);
  const whole = dollars >= 1000 ? `${Math.floor(dollars / 1000)},${THREE_DIGITS[dollars % 1000]}` : String(dollars);
  return `$${whole}.${TWO_DIGITS[cents % 100]}`;
}

// Templates: `{name}` placeholders, compiled once into literal/name pairs.

export type Vars = Record<string, string>;
/** Alternating literal text and placeholder names: `['Dear ', 'first', ',']`. */
export type Template = readonly string[];
export const compile = (text: string): Template => text.split(/\{(\w+)\}/);
export function render(template: Template, vars: Vars): string {
  // split() on a capturing group gives an odd-length list, literals at even indexes and names at odd
  // ones, so template[0] and template[i + 1] below always exist.
  let s = template[0]!;
  for (let i = 1; i < template.length; i += 2) {
    const name = template[i]!;
    const value = vars[name];
    if (value === undefined) throw new Error(`template placeholder {${name}} has no value`);
    s += value + template[i + 1]!;
  }
  return s;
}
