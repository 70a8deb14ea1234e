import type { ServerResponse } from 'node:http';
import type { Orm } from '../db/database.js';
import { migrationsApplied } from '../db/database.js';
import { coerceError } from '../errors.js';
import type { Route } from './request.js';
import { sendJson } from './respond.js';

/** The probe paths: their closing log lines are debug, since orchestrators poll them every few seconds. */
export const HEALTH_PATHS: ReadonlySet<string> = new Set(['/healthz', '/readyz', '/metrics']);

/**
 * `/healthz` (the process is up) and `/readyz` (the database answers and the migrations are applied:
 * 503 with the reason otherwise). `/metrics` is metrics.ts's (its own port and token when configured).
 */
export function createHealthRoutes(deps: { orm: Orm }): Record<string, Route> {
  // Once applied, migrations stay applied: only the database's reachability is checked again.
  let migrated = false;
  async function readiness(): Promise<{ ok: true } | { ok: false; reason: string }> {
    try {
      await deps.orm.em.getConnection().execute('select 1');
      if (!migrated) migrated = await migrationsApplied(deps.orm);
      return migrated ? { ok: true } : { ok: false, reason: 'migrations pending: run npm run migrate' };
    } catch (e) {
      return { ok: false, reason: `database unreachable: ${coerceError(e).message}` };
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
