import type { IncomingMessage, ServerResponse } from 'node:http';
import { pipeline } from 'node:stream/promises';
import type { Orm } from '../db/database.js';
import type { Authenticate } from '../auth/authenticate.js';
import { hasAnyRole } from '../auth/viewer.js';
import { AppError, badInput, coerceError, forbidden, notFound } from '../errors.js';
import type { RequestScope } from '../http/request.js';
import { isDisconnect, sendError, sendMethodNotAllowed, sendNoRoute } from '../http/respond.js';
import type { Logger } from '../logger.js';
import { InvestigationState, Playbook } from '../domain/investigation.js';
import type { InvestigationFilter } from '../investigations/investigation.types.js';
import { csvStringifier } from './csv.js';
import { actionsExport, cursorRows, investigationExists, investigationsExport, logExport, type CsvExport } from './export.service.js';
import { isUuid } from '../common/lookup.js';
import { READ_ROLES } from '../domain/role.js';
import { parseInstant } from '../domain/input.js';

export interface ExportHttpDeps {
  orm: Orm;
  authenticate: Authenticate;
}

const INVESTIGATION_FILE = /^\/export\/investigations\/([^/]+)\/(log|actions)\.csv$/;
const ROUTES = '/export/investigations.csv, /export/investigations/:id/log.csv, /export/investigations/:id/actions.csv';
const FILTER_PARAMETERS = ['states', 'playbooks', 'createdAfter', 'createdBefore'];
/** What arrived, quoted and cut short, for error messages. */
const shown = (value: string) => `'${value.length > 60 ? `${value.slice(0, 60)}…` : value}'`;

function enumList<T extends string>(params: URLSearchParams, name: string, allowed: Record<string, T>): T[] | undefined {
  const values = params
    .getAll(name)
    .flatMap((v) => v.split(','))
    .map((v) => v.trim())
    .filter((v) => v !== '');
  const known = Object.values(allowed);
  for (const value of values) {
    if (!known.includes(value as T)) throw badInput(`${name}: ${shown(value)} is not one of ${known.join(', ')}`, name);
  }
  return values.length ? [...new Set(values as T[])] : undefined;
}

function instant(params: URLSearchParams, name: string): Date | undefined {
  const values = params.getAll(name);
  if (values.length > 1) throw badInput(`${name}: expects one value, but got ${values.length}`, name);
  const [value] = values;
  if (value === undefined || value === '') return undefined;
  // A calendar date (UTC midnight) or a date-time with its offset, strictly (domain/input.ts): V8 would
  // roll 2026-11-31 over to December 1st, and a bare local time would mean the server's zone.
  const date = parseInstant(value, { dateOnly: true });
  if (!date) {
    throw badInput(`${name}: expects an ISO 8601 date or date-time with offset (2026-11-23T08:00:00Z), but got ${shown(value)}`, name);
  }
  return date;
}

/**
 * The `investigations` query's filter from a query string. Unknown parameters are refused: a typo
 * (`state=FAILED`) would otherwise export every investigation as if it had been filtered.
 */
export function parseInvestigationFilter(params: URLSearchParams): InvestigationFilter {
  for (const name of new Set(params.keys())) {
    if (!FILTER_PARAMETERS.includes(name)) {
      throw badInput(`${shown(name)} is not a parameter of this export; it takes ${FILTER_PARAMETERS.join(', ')}`, name);
    }
  }
  const filter: InvestigationFilter = {
    states: enumList(params, 'states', InvestigationState),
    playbooks: enumList(params, 'playbooks', Playbook),
    createdAfter: instant(params, 'createdAfter'),
    createdBefore: instant(params, 'createdBefore'),
  };
  if (filter.createdAfter && filter.createdBefore && filter.createdAfter >= filter.createdBefore) {
    throw badInput('createdAfter must be earlier than createdBefore', 'createdAfter');
  }
  return filter;
}

/**
 * `GET /export/investigations.csv` and `/export/investigations/:id/{log,actions}.csv`: the viewer's
 * tenant only, for the roles that read investigations. Errors before the first byte answer JSON in
 * the one error shape (http/respond.ts); a failure after it cuts the connection, so a client never
 * takes a truncated file for a whole one.
 */
export async function handleExport(
  req: IncomingMessage,
  res: ServerResponse,
  { url, log }: RequestScope,
  deps: ExportHttpDeps,
): Promise<void> {
  const perInvestigation = INVESTIGATION_FILE.exec(url.pathname);
  if (url.pathname !== '/export/investigations.csv' && !perInvestigation) {
    return sendNoRoute(res, url.pathname, `the exports are ${ROUTES}`);
  }
  if (req.method !== 'GET') return sendMethodNotAllowed(res, url.pathname, req.method, 'GET');
  let csv: CsvExport<never>;
  try {
    const viewer = await deps.authenticate(req.headers.authorization);
    log.setBindings({ tenant: viewer.tenantId });
    if (!hasAnyRole(viewer, READ_ROLES)) throw forbidden('Exporting investigations needs a security role');
    if (perInvestigation) {
      // Left encoded: a UUID has nothing to decode, and whatever else arrived is not found either way.
      const [, id = '', file] = perInvestigation;
      if ([...url.searchParams.keys()].length) throw badInput(`${url.pathname} takes no parameters`);
      // A malformed id, a missing one and another tenant's all get the same answer.
      if (!isUuid(id) || !(await investigationExists(deps.orm, viewer.tenantId, id.toLowerCase()))) {
        throw notFound('Investigation', id);
      }
      csv = (file === 'log' ? logExport : actionsExport)(viewer.tenantId, id.toLowerCase()) as CsvExport<never>;
    } else {
      csv = investigationsExport(viewer.tenantId, parseInvestigationFilter(url.searchParams)) as CsvExport<never>;
    }
  } catch (e) {
    if (e instanceof AppError) return sendError(res, e);
    throw e;
  }
  await streamCsv(res, csv, deps.orm, log);
}

async function streamCsv(res: ServerResponse, csv: CsvExport<never>, orm: Orm, log: Logger): Promise<void> {
  const rows = cursorRows<never>(orm, csv.query);
  try {
    // The query runs before the status line goes out, so a failing query still answers a 500.
    const first = await rows.next();
    res.writeHead(200, {
      'content-type': 'text/csv; charset=utf-8',
      'content-disposition': `attachment; filename="${csv.filename}"`,
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
    });
    // Rows handed to the CSV writer, for the log line: close to what the client got when it leaves early.
    let rowsSent = 0;
    const records = async function* () {
      if (first.done) return;
      rowsSent++;
      yield csv.toRecord(first.value);
      for await (const row of rows) {
        rowsSent++;
        yield csv.toRecord(row);
      }
    };
    // pipeline waits on the socket's backpressure and destroys every stage when the client goes away.
    await pipeline(records, csvStringifier(csv.header), res).then(
      () => log.info({ file: csv.filename, rows: rowsSent }, 'export sent'),
      (e: unknown) => {
        if (isDisconnect(e))
          return log.info({ file: csv.filename, rows: rowsSent }, 'export cut short: the client went away before the end');
        const err = coerceError(e);
        log.error({ err, file: csv.filename, rows: rowsSent }, 'export failed mid-stream');
        res.destroy(err);
      },
    );
  } finally {
    // Closes the cursor and releases the connection however the pipeline ended, even if it never
    // started to pull (an async generator that was never iterated does not run its finally by itself).
    await rows.return();
  }
}
