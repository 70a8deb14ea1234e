import type { ServerResponse } from 'node:http';
import type { Orm } from '../db/database.js';
import { migrationsApplied } from '../db/database.js';
import { coerceError } from '../errors.js';
import type { Route } from './request.js';
import { sendJson } from './respond.js';

/** The probe paths: their closing log lines are debug, since orchestrators poll them every few seconds. */
export const HEALTH_PATHS: ReadonlySet<string> = new Set(['/healthz', '/readyz', '/metrics']);

type Readiness = { ok: true } | { ok: false; reason: string };

/**
 * `/healthz` (the process is up) and `/readyz` (the pool can serve a statement and the migrations are
 * applied: 503 with the reason otherwise). `/metrics` is metrics.ts's (its own port and token when configured).
 *
 * `/readyz` answers within `readyTimeoutMs` whatever the pool does: when every connection was leaked
 * (issue 12) it used to hang with the rest of the API while `/healthz` said 200, so an orchestrator never
 * took the node out of rotation. The statement goes through the pool the API uses, so "ready" means a
 * request would get a connection now.
 */
export function createHealthRoutes(deps: { orm: Orm; readyTimeoutMs: number }): Record<string, Route> {
  // Once applied, migrations stay applied: only the pool's ability to serve is checked again.
  let migrated = false;
  async function check(): Promise<Readiness> {
    try {
      await deps.orm.em.getConnection().execute('select 1');
      if (!migrated) migrated = await migrationsApplied(deps.orm);
      return migrated ? { ok: true } : { ok: false, reason: 'migrations pending: run npm run migrate' };
    } catch (e) {
      // The driver's message can name the database, its user or host: the probe answers on the public port,
      // so it says only the error's code (ECONNREFUSED, 57P01, …) or that the pool timed out, which is
      // what an operator acts on.
      const error = coerceError(e);
      const code = (error as { code?: unknown }).code;
      const why = typeof code === 'string' ? code : /timeout|timed out/i.test(error.message) ? 'timeout acquiring a connection' : '';
      return { ok: false, reason: `database unreachable${why ? ` (${why})` : ''}` };
    }
  }
  async function readiness(): Promise<Readiness> {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<Readiness>((resolve) => {
      timer = setTimeout(
        () => resolve({ ok: false, reason: `the database pool did not serve a statement within ${deps.readyTimeoutMs} ms` }),
        deps.readyTimeoutMs,
      );
    });
    try {
      return await Promise.race([check(), late]);
    } finally {
      clearTimeout(timer);
    }
  }
  return {
    '/healthz': (_req, res) => sendJson(res, 200, { status: 'ok' }),
    '/readyz': async (_req, res: ServerResponse) => {
      const state = await readiness();
      // A probe's answer rather than a refused request: orchestrators read the status, people the reason.
      sendJson(res, state.ok ? 200 : 503, state.ok ? { status: 'ready' } : { status: 'not ready', reason: state.reason });
    },
  };
}
