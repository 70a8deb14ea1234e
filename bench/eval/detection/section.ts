/**
 * What every part of `eval:detection` shares: a section (real mail; generated organisations) runs
 * against the one AIR server, and answers its figures as columns printed side by side, the targets it
 * checked, and a machine-readable form for `--json`. detection.eval.ts runs the sections in turn and sums
 * their targets, so adding a section is one file and one line there.
 */
import type { Air } from './air.js';

export interface CommonOptions {
  /** First N messages (or records) of each set. @default Infinity */
  limit: number;
  /** Reports in flight at once. @default 4 */
  concurrency: number;
  /** Give up waiting on one report after this many milliseconds. @default 300000 */
  timeoutMs: number;
}

export interface SectionContext {
  air: Air;
  options: CommonOptions;
  /** Progress and results for people: stdout, or stderr under --json. */
  say: (line: string) => void;
}

/** A figure checked against the target. */
export interface Target {
  /** e.g. "real phish / FULL: judged a threat with recommended actions". */
  name: string;
  value: string;
  target: string;
  pass: boolean;
}

export interface SectionResult {
  title: string;
  /** Everything to print for people, already laid out. */
  text: string;
  targets: Target[];
  json: unknown;
}

export interface Section {
  name: string;
  run(ctx: SectionContext): Promise<SectionResult>;
}

export interface Column {
  title: string;
  cells: Map<string, string>;
}

/** Rows (figure names, in order) × columns (runs), each column as wide as its widest cell. */
export function sideBySide(rows: string[], columns: Column[]): string {
  const head = Math.max(...rows.map((r) => r.length), 6);
  const widths = columns.map((c) => Math.max(c.title.length, ...rows.map((r) => c.cells.get(r)?.length ?? 1)));
  const line = (label: string, cells: string[]) =>
    [label.padEnd(head), ...cells.map((cell, i) => cell.padStart(widths[i]!))].join('  ').trimEnd();
  return [
    line(
      '',
      columns.map((c) => c.title),
    ),
    line(
      '-'.repeat(head),
      widths.map((w) => '-'.repeat(w)),
    ),
    ...rows.map((r) =>
      line(
        r,
        columns.map((c) => c.cells.get(r) ?? '–'),
      ),
    ),
  ].join('\n');
}

export const pct = (n: number, of: number) => (of ? `${((100 * n) / of).toFixed(1)} %` : 'n/a');

/** Nearest-rank quantile of milliseconds, printed in seconds. */
export function quantiles(ms: number[]): { median: number | null; p95: number | null; text: string } {
  const s = [...ms].sort((a, b) => a - b);
  const at = (q: number) => (s.length ? s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)]! : null);
  const median = at(0.5);
  const p95 = at(0.95);
  const sec = (v: number | null) => (v === null ? 'n/a' : `${(v / 1000).toFixed(2)} s`);
  return { median, p95, text: `${sec(median)} / ${sec(p95)}` };
}
