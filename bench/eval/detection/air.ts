/**
 * The AIR server an evaluation talks to: air-node.ts in a child process (a real bootstrap() on a fresh
 * embedded PostgreSQL, with real investigation workers), and the client half — GraphQL over HTTP, NDJSON
 * to `POST /ingest`, tokens it signs, and the read-back SQL for what the API does not expose (where each
 * ingested message is now). Every section of `eval:detection` drives the server through this one handle.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { Role } from '../../../src/domain/role.js';

export interface AirOptions {
  /** Investigation workers in the server (AIR_WORKERS). @default the server's own default */
  workers?: number;
  /** Leave the data directory behind on stop. @default false */
  keep?: boolean;
}

export interface IngestReport {
  stored: number;
  duplicates: number;
  failed: number;
  errors: { line: number; message: string }[];
}

interface Reply {
  id?: number;
  rows?: unknown[];
  token?: string;
  error?: string;
}

export class Air {
  private nextId = 1;
  private readonly waiting = new Map<number, (reply: Reply) => void>();
  private readonly tokens = new Map<string, Promise<string>>();

  private constructor(
    private readonly child: ChildProcess,
    readonly graphqlUrl: string,
    readonly ingestUrl: string,
    readonly dataDir: string,
  ) {
    child.on('message', (reply: Reply) => {
      if (reply.id === undefined) return;
      this.waiting.get(reply.id)?.(reply);
      this.waiting.delete(reply.id);
    });
  }

  static async start(options: AirOptions = {}): Promise<Air> {
    const script = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'air-node.js');
    const child = fork(script, [], {
      env: {
        ...process.env,
        ...(options.workers !== undefined ? { EVAL_WORKERS: String(options.workers) } : {}),
        ...(options.keep ? { EVAL_KEEP: '1' } : {}),
      },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const [hello] = (await Promise.race([
      once(child, 'message'),
      once(child, 'exit').then(([code]) => {
        throw new Error(`the AIR node exited with code ${String(code)} before it was up`);
      }),
    ])) as [{ url: string; dataDir: string }];
    return new Air(child, hello.url.replace(/\/ingest$/, '/graphql'), hello.url, hello.dataDir);
  }

  private request(message: object): Promise<Reply> {
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.waiting.set(id, resolve);
      this.child.send({ ...message, id });
    });
  }

  /** Read-back SQL, run by the server process on its own pool. */
  async sql<T>(sql: string, params: unknown[] = []): Promise<T[]> {
    const reply = await this.request({ sql, params });
    if (reply.error) throw new Error(`read-back SQL failed: ${reply.error}`);
    return reply.rows as T[];
  }

  /** A token for `tenant` (created on first use, as any tenant named by a valid token is). */
  token(tenant: string, role: Role): Promise<string> {
    const key = `${tenant}\n${role}`;
    let token = this.tokens.get(key);
    if (!token) {
      token = this.request({ token: { tenant, roles: [role] } }).then((r) => r.token!);
      this.tokens.set(key, token);
    }
    return token;
  }

  /** One GraphQL operation as an admin of `tenant`; errors are thrown with the operation's first line. */
  async graphql<T>(tenant: string, query: string, variables: object = {}): Promise<T> {
    const token = await this.token(tenant, Role.GLOBAL_ADMIN);
    const res = await fetch(this.graphqlUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query, variables }),
    });
    const json = (await res.json()) as { data?: T; errors?: { message: string }[] };
    if (json.errors?.length || !json.data) {
      const op = /^\s*(?:query|mutation)\s+(\w+)/.exec(query)?.[1] ?? 'GraphQL';
      throw new Error(`${op}: ${json.errors?.map((e) => e.message).join('; ') ?? `HTTP ${res.status}, no data`}`);
    }
    return json.data;
  }

  /** Stream NDJSON records to `POST /ingest` as the tenant's SERVICE identity. */
  async ingest(tenant: string, records: AsyncIterable<object> | Iterable<object>): Promise<IngestReport> {
    const token = await this.token(tenant, Role.SERVICE);
    const body = Readable.from(
      (async function* () {
        let chunk = '';
        for await (const record of records) {
          chunk += JSON.stringify(record) + '\n';
          if (chunk.length > 1 << 20) {
            yield chunk;
            chunk = '';
          }
        }
        if (chunk) yield chunk;
      })(),
    );
    const res = await fetch(this.ingestUrl, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/x-ndjson' },
      body: Readable.toWeb(body) as ReadableStream,
      duplex: 'half',
    } as RequestInit);
    const text = await res.text();
    if (res.status >= 500) throw new Error(`POST /ingest answered ${res.status}: ${text.slice(0, 500)}`);
    return JSON.parse(text) as IngestReport;
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null) return;
    this.child.send('stop');
    await once(this.child, 'exit');
  }
}
