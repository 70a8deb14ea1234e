/** What the benchmark scripts share: the machine line they print, and the config of the server they measure. */
import crypto from 'node:crypto';
import os from 'node:os';
import { Readable } from 'node:stream';
import { loadConfig, type Config } from '../src/config.js';
import type { OrgGenerator } from '../src/demo/generator/organisation.generator.js';

/** Figures mean little without the machine: every benchmark prints this first. */
export const machineLine = () =>
  `machine: ${os.cpus().length} cores (${os.cpus()[0]?.model.trim()}), ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB memory, node ${process.version}`;

/**
 * A production-mode server on a random loopback port, over DATABASE_URL or a fresh embedded PostgreSQL in
 * `dataDir`, with no demo tenant, no workers (unless `env` says so) and a throwaway signing key.
 */
export function benchConfig(dataDir: string, env: Record<string, string> = {}): Config {
  return loadConfig({
    NODE_ENV: 'production',
    ...(process.env.DATABASE_URL ? { DATABASE_URL: process.env.DATABASE_URL } : {}),
    PORT: '0',
    HOST: '127.0.0.1',
    AIR_DEMO: '0',
    AIR_WORKERS: '0',
    AIR_DATA_DIR: dataDir,
    AIR_PG_PORT: String(15000 + (process.pid % 1000)), // below the ephemeral range (32768–60999)
    AIR_JWT_SECRET: crypto.randomBytes(32).toString('hex'),
    ...env,
  });
}

/**
 * Streams a generated organisation to a server's `POST /ingest` (64 KiB chunks, constant memory), without
 * its alert records: the benchmarks raise their own reports. `graphqlUrl` is the server's `/graphql`.
 */
export async function ingestGenerated(
  graphqlUrl: string,
  serviceToken: string,
  generator: OrgGenerator,
): Promise<{ stored: number; failed: number }> {
  const body = Readable.from(
    (function* () {
      let chunk = '';
      for (const record of generator.records()) {
        if (record.type === 'alert') continue;
        chunk += JSON.stringify(record) + '\n';
        if (chunk.length > 1 << 16) {
          yield chunk;
          chunk = '';
        }
      }
      if (chunk) yield chunk;
    })(),
  );
  const res = await fetch(graphqlUrl.replace('/graphql', '/ingest'), {
    method: 'POST',
    headers: { authorization: `Bearer ${serviceToken}`, 'content-type': 'application/x-ndjson' },
    body: Readable.toWeb(body) as ReadableStream,
    duplex: 'half',
  } as RequestInit);
  return (await res.json()) as { stored: number; failed: number };
}
