/** A piscina worker thread: parses, validates and fingerprints chunks of NDJSON lines (ingest.rows.ts). */
export { parseLines as default } from './ingest.rows.js';
