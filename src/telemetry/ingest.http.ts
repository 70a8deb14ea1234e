import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Orm } from '../db/database.js';
import type { Authenticate } from '../auth/authenticate.js';
import { AppError, ErrorCode, forbidden } from '../errors.js';
import type { RequestScope } from '../http/request.js';
import { sendError, sendJson, sendMethodNotAllowed } from '../http/respond.js';
import { ingestNdjson, type IngestOptions, type IngestReport } from './ingest.service.js';
import { Role } from '../domain/role.js';

const ACCEPTED_TYPES = ['application/x-ndjson', 'application/json', 'text/plain'];

export interface IngestHttpDeps {
  orm: Orm;
  authenticate: Authenticate;
  ingest?: Omit<IngestOptions, 'maxErrors' | 'onAlertsStored' | 'log'>;
  /** Start or join investigations for the alerts a batch stored (the intake's routeStoredAlerts). */
  routeAlerts?: (tenantId: string, alertIds: string[]) => Promise<void>;
  /** Every upload's report, once it is answered (the metrics). */
  onIngested?: (report: IngestReport) => void;
}

/**
 * `POST /ingest`: NDJSON telemetry for the token's tenant, SERVICE role only. The body streams line by
 * line into batched writes (no total size cap; each line is capped); the answer is the IngestReport,
 * 200 even when some lines failed, 400 only when no line could be used at all.
 */
export async function handleIngest(req: IncomingMessage, res: ServerResponse, { log }: RequestScope, deps: IngestHttpDeps): Promise<void> {
  // An early refusal does not read the upload: close the connection rather than drain a large body.
  const refuse = (error: AppError, status?: number) => {
    res.setHeader('connection', 'close');
    sendError(res, error, { status });
  };
  if (req.method !== 'POST') return sendMethodNotAllowed(res, '/ingest', req.method, 'POST');
  let viewer;
  try {
    viewer = await deps.authenticate(req.headers.authorization);
  } catch (e) {
    if (e instanceof AppError) return refuse(e);
    throw e;
  }
  log.setBindings({ tenant: viewer.tenantId });
  if (!viewer.roles.includes(Role.SERVICE)) return refuse(forbidden('Only a SERVICE token may ingest telemetry'));
  const mediaType = (req.headers['content-type'] ?? '').split(';', 1)[0]!.trim().toLowerCase();
  if (!ACCEPTED_TYPES.includes(mediaType)) {
    const error = new AppError(
      ErrorCode.BAD_USER_INPUT,
      `/ingest takes ${ACCEPTED_TYPES.join(', ')} (one JSON record a line), but got ${mediaType ? `'${mediaType}'` : 'no content-type'}`,
    );
    return refuse(error, 415);
  }
  const tenantId = viewer.tenantId;
  const report = await ingestNdjson(deps.orm, tenantId, req, {
    ...deps.ingest,
    log,
    onAlertsStored: deps.routeAlerts && ((alertIds) => deps.routeAlerts!(tenantId, alertIds)),
  });
  deps.onIngested?.(report);
  const usable = report.stored + report.duplicates;
  log.info({ received: report.received, stored: report.stored, duplicates: report.duplicates, failed: report.failed }, 'ingested');
  if (report.received === 0) report.errors.push({ line: 0, message: 'the body has no records (one JSON object a line)' });
  sendJson(res, usable === 0 ? 400 : 200, report);
}
