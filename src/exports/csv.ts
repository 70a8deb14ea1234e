import { stringify, type Stringifier } from 'csv-stringify';

/** One CSV cell: text, or empty when the value is absent. */
export type Cell = string | undefined;

/**
 * An RFC 4180 stringifier (CRLF between records, fields quoted when they hold a comma, a quote, CR or
 * LF) that writes the header row even when no record follows.
 *
 * `escape_formulas` is csv-stringify's implementation of the OWASP CSV-injection advice: a cell that
 * begins with `=`, `+`, `-`, `@`, tab or carriage return (and their full-width forms, which Apple
 * Numbers normalises) gets a leading `'`, so a spreadsheet shows it as text instead of running it.
 * Titles, subjects, comments and targets come from reported mail and attacker-chosen URLs, so every
 * cell goes through it; cells are always strings here (csv-stringify exempts only numbers from the
 * `-` rule).
 *
 * The UTF-8 byte-order mark is there for Excel, which otherwise reads the file as the system code page
 * and garbles every non-ASCII subject; RFC 4180 parsers (csv-parse `bom: true`, Python's `utf-8-sig`,
 * LibreOffice, Google Sheets) skip it.
 */
export function csvStringifier(header: readonly string[]): Stringifier {
  return stringify({
    header: true,
    columns: header.map((name) => ({ key: name, header: name })),
    record_delimiter: 'windows',
    escape_formulas: true,
    bom: true,
  });
}

export const textCell = (value: string | null | undefined): Cell => value ?? undefined;

/** A decimal from PostgreSQL (`0.500000`) as people write it (`0.5`). */
export const decimalCell = (value: string | null | undefined): Cell =>
  value === null || value === undefined ? undefined : String(Number(value));
