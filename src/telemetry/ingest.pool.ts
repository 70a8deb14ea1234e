/**
 * The piscina worker-thread pool that parses, validates and fingerprints ingested lines
 * (ingest.worker.ts → ingest.rows.ts) so the event loop keeps answering while an upload is parsed, and
 * parsing overlaps PostgreSQL's writes. One pool per process, created by bootstrap().
 */
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Piscina } from 'piscina';
import type { LineParser } from './ingest.service.js';
import type { ParsedBatch, ParseTask } from './ingest.rows.js';

export interface IngestPool {
  parse: LineParser;
  close(): Promise<void>;
}

/** The compiled worker. Under Jest this module runs from src/*.ts, and a worker thread cannot load TypeScript: use dist/ (global setup builds it). */
function workerFile(): string {
  const here = fileURLToPath(import.meta.url);
  const compiled = here.endsWith('.ts')
    ? here.replace(/\/src\/telemetry\/[^/]+\.ts$/, '/dist/src/telemetry/ingest.worker.js')
    : here.replace(/ingest\.pool\.js$/, 'ingest.worker.js');
  if (!fs.existsSync(compiled)) throw new Error(`ingest worker not found at ${compiled}: run npm run build`);
  return compiled;
}

/**
 * Old-generation heap of each parser thread, in MB: without a limit V8 lets each thread's heap fill with
 * garbage (large strings live in old space until a full GC). Measured on 2 cores with `npm run
 * eval:parse` (2 threads): 60 messages of ~10 MB (`--synthetic 60 --attachment-mb 5.4`) peaked at
 * 939 MiB unlimited, 718 MiB at 512, 674 MiB at 256; but the phishing corpus ×3 cost 14.1 s of CPU
 * unlimited, 15.3 s at 512 and 17.6 s at 256 (more full GCs). A 10 MiB line (the most a line may have)
 * parses well within 512.
 */
export const PARSER_HEAP_MB = 512;

export function createIngestPool(threads: number, heapMb = PARSER_HEAP_MB): IngestPool {
  const piscina = new Piscina<ParseTask, ParsedBatch>({
    filename: workerFile(),
    minThreads: threads,
    maxThreads: threads,
    // An idle pool keeps its threads: starting one costs ~50 ms of module loading, more than a small upload.
    idleTimeout: Infinity,
    // The young generation set as V8 sizes it without a limit (3 × 16 MB semi-spaces): derived from a
    // 512 MB heap it is smaller, and the corpus ×3 cost 23.5 s of CPU instead of 19.9 s (more scavenges).
    resourceLimits: { maxOldGenerationSizeMb: heapMb, maxYoungGenerationSizeMb: 48 },
  });
  const parse = Object.assign((task: ParseTask) => piscina.run(task), { threads });
  return { parse, close: () => piscina.destroy() };
}
