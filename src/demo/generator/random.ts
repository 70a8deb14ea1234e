/**
 * Every choice the generator makes comes from here: seeded sfc32 streams, or a hash of (seed, entity)
 * for a draw that needs no stored state. No Math.random, no clock.
 */
import { fmix32 } from '../../telemetry/fingerprint.js';
import { MINUTE } from './clock.js';
import { itemAt } from './list.js';

/** sfc32 (Chris Doty-Humphrey's Small Fast Counting generator): 128-bit state, passes PractRand, ~2 ns a draw. */
export class Random {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: number, stream: number) {
    this.a = seed >>> 0;
    this.b = mix(stream + 0x632be5ab);
    this.c = mix(seed ^ 0x85ebca6b);
    this.d = 1;
    for (let i = 0; i < 15; i++) this.u32();
  }

  u32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }
  /** [0, 1) */
  next(): number {
    return this.u32() / 4294967296;
  }
  /** 0 … n-1 */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  /** lo … hi, both included. */
  between(lo: number, hi: number): number {
    return lo + this.int(hi - lo + 1);
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  /** One of `items`; throws on an empty list (after the draw, so the stream's sequence is the same either way). */
  pick<T>(items: readonly T[]): T {
    return itemAt(items, this.int(items.length));
  }
  /** Picks by weight; `weights` need not sum to 1. */
  weighted<T>(items: readonly T[], weights: readonly number[]): T {
    let total = 0;
    for (const w of weights) total += w;
    let r = this.next() * total;
    for (let i = 0; i < items.length; i++) if ((r -= itemAt(weights, i)) < 0) return itemAt(items, i);
    return itemAt(items, items.length - 1);
  }
  /** Minutes as milliseconds, exponentially distributed around `mean`, clamped to [min, max]. */
  delay(meanMinutes: number, minMinutes: number, maxMinutes: number): number {
    const m = Math.min(maxMinutes, Math.max(minMinutes, -Math.log(1 - this.next()) * meanMinutes));
    return Math.round(m * MINUTE);
  }
  /** Lower-case base-36 token, e.g. a tracking id. */
  token(length: number): string {
    let s = '';
    let x = 0;
    for (let i = 0; i < length; i++) {
      if (i % 6 === 0) x = this.u32(); // 36^6 < 2^32: six digits a draw
      s += BASE36.charAt(x % 36);
      x = Math.floor(x / 36);
    }
    return s;
  }
  /** 64 hex digits, shaped like a SHA-256 (the files have no content to hash). */
  sha256(): string {
    let s = '';
    for (let i = 0; i < 8; i++) s += this.u32().toString(16).padStart(8, '0');
    return s;
  }
}

const BASE36 = '0123456789abcdefghijklmnopqrstuvwxyz';

/** Murmur3's finaliser: a cheap, well-spread 32-bit hash step. */
const mix = fmix32;
/** A stable per-entity draw (e.g. "does user 17 subscribe to newsletter 3?") that needs no stored state. */
export function hash(seed: number, a: number, b: number): number {
  return mix(mix(mix(seed ^ 0x9e3779b9) ^ a) + Math.imul(b, 0x27d4eb2d));
}
export const unit = (h: number) => h / 4294967296;

/** An IPv4 address from a hash, its first octet from `firstOctets` (places.data.ts keeps each role's octets apart). */
export function ipFromHash(firstOctets: readonly number[], h: number): string {
  return `${itemAt(firstOctets, h % firstOctets.length)}.${(h >>> 8) & 255}.${(h >>> 16) & 255}.${1 + ((h >>> 24) % 254)}`;
}

/** Index drawn by weight for `r` in [0, 1), when the draw must come from a hash rather than a stream. */
export function pickWeighted(length: number, weights: readonly number[], r: number): number {
  let total = 0;
  for (let i = 0; i < length; i++) total += itemAt(weights, i);
  let x = r * total;
  for (let i = 0; i < length; i++) if ((x -= itemAt(weights, i)) < 0) return i;
  return length - 1;
}

/** A seeded Fisher–Yates shuffle into a new array. */
export function shuffle<T>(items: readonly T[], rng: Random): T[] {
  const a = items.slice();
  for (let i = a.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [a[i], a[j]] = [itemAt(a, j), itemAt(a, i)];
  }
  return a;
}
