import type { Orm } from '../db/database.js';
import type { Logger } from '../logger.js';
import type { JobQueue } from '../jobs/queue.js';
import { tenantEntityManager } from '../context.js';
import type { TenantDirectory } from '../tenants/tenant.service.js';
import { EmailMessage } from '../telemetry/email-message.entity.js';
import { ingestNdjson } from '../telemetry/ingest.service.js';
import { OrgGenerator } from './generator/organisation.generator.js';
import { routeStoredAlerts } from '../investigations/intake.service.js';

export const DEMO_TENANT = 'demo';
/** Small enough to load in a few seconds on first start, large enough to show every page. */
const DEMO_ORGANISATION = { mailboxes: 60, messages: 4_000, campaigns: 4, seed: 2019 };

/**
 * The demo tenant: a generated organisation (mail, clicks, sign-ins, rules, devices, threat
 * intelligence, alerts) loaded through the ingestion path, whose alerts start the playbooks like any
 * tenant's — so its investigations are real runs, not inserted rows. Skipped when the tenant already
 * has mail, so a second start (or a second API node) adds nothing.
 */
export async function seedDemoTenant(orm: Orm, tenants: TenantDirectory, queue: JobQueue, logger: Logger): Promise<void> {
  const tenantId = await tenants.idOf(DEMO_TENANT);
  if ((await tenantEntityManager(orm, tenantId).count(EmailMessage, {})) > 0) return;
  const generator = new OrgGenerator(DEMO_ORGANISATION);
  const lines = (function* () {
    for (const record of generator.records()) yield JSON.stringify(record);
  })();
  // Ingestion is idempotent by record id: two nodes seeding at once store each record once.
  const report = await ingestNdjson(orm, tenantId, lines, {
    log: logger,
    onAlertsStored: (alertIds) => routeStoredAlerts(orm, queue, tenantId, alertIds, logger),
  });
  logger.info(
    { tenant: tenantId, records: report.stored, messages: DEMO_ORGANISATION.messages, campaigns: DEMO_ORGANISATION.campaigns },
    'demo tenant seeded; its alerts are being investigated',
  );
}
