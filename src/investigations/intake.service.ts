import { createHash } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Orm } from '../db/database.js';
import { tenantEntityManager } from '../context.js';
import { badInput, checked } from '../errors.js';
import { address, id, line, MAX_LENGTH, sha256, text, webUrl } from '../domain/input.js';
import { Alert } from '../alerts/alert.entity.js';
import { EmailMessage } from '../telemetry/email-message.entity.js';
import { estimateSimilarity } from '../telemetry/fingerprint.js';
import { ingestNdjson } from '../telemetry/ingest.service.js';
import type { JobQueue } from '../jobs/queue.js';
import type { Logger } from '../logger.js';
import { Investigation } from './investigation.entity.js';
import { InvestigatedEntity } from './investigated-entity.entity.js';
import { EntityKind, OPEN_STATES, type Playbook } from '../domain/investigation.js';
import { lockLifecycle, openInvestigation } from './lifecycle.service.js';
import { sql } from '../db/sql.js';
import { retryTransient } from '../db/transient.js';
import { ALERT_KINDS, AlertKind, defaultAlertTitle, missingAlertField, Severity } from '../domain/alert.js';

/**
 * Reports of one campaign belong to one investigation: near-identical own text (MinHash similarity) AND
 * shared campaign evidence — the same outside sender, a link or an attached file — never resemblance
 * alone (a reply quoting a benign mail, a real notification beside a phish copying its template).
 */
const SAME_CAMPAIGN_SIMILARITY = 0.5;
const REPORTED_FIELDS = ['id', 'externalId', 'subject', 'minhash', 'sender', 'urlKeys', 'domains', 'attachmentHashes'] as const;
type ReportedMessage = Pick<EmailMessage, (typeof REPORTED_FIELDS)[number]>;

/**
 * Whether a reported message joins the investigation of `root`: same content and shared campaign evidence,
 * and nothing the root lacks — a report linking another site or bringing another file is new evidence,
 * investigated itself.
 */
export function sameCampaign(root: ReportedMessage, reported: ReportedMessage): boolean {
  if (root.externalId === reported.externalId) return true;
  if (!root.minhash.length || estimateSimilarity(root.minhash, reported.minhash) < SAME_CAMPAIGN_SIMILARITY) return false;
  const shared =
    root.sender === reported.sender ||
    reported.urlKeys.some((k) => root.urlKeys.includes(k)) ||
    reported.domains.some((d) => root.domains.includes(d)) ||
    reported.attachmentHashes.some((h) => root.attachmentHashes.includes(h));
  // Another landing page of the same site is the same campaign; a link to another site, or another file, is not.
  const nothingNew =
    reported.domains.every((d) => root.domains.includes(d)) && reported.attachmentHashes.every((h) => root.attachmentHashes.includes(h));
  return shared && nothingNew;
}
/** How far back an open investigation can absorb a new alert. */
const MERGE_WINDOW_MS = 7 * 24 * 3600_000;

export interface AlertInput {
  kind: AlertKind;
  severity?: Severity;
  at?: Date;
  externalId?: string;
  messageExternalId?: string;
  url?: string;
  user?: string;
  sha256?: string;
  title?: string;
  /** For manual investigations: `message:<id>`, `user:<address>` or `url:<url>`. */
  subject?: string;
}

export interface IntakeResult {
  alert: Alert;
  investigation: Investigation;
  /** True when the alert joined an investigation already open about the same thing. */
  merged: boolean;
}

/**
 * Raise an alert: store it, then attach it to the open investigation about the same thing — the
 * same campaign for message alerts, the same user for correlated ones — or start the playbook its
 * kind calls for. All in one transaction, serialised per tenant, with the job enqueued in it: fifty
 * simultaneous reports of one campaign make one investigation with fifty alerts.
 */
export async function raiseAlert(orm: Orm, queue: JobQueue, tenantId: string, raw: AlertInput): Promise<IntakeResult> {
  const input = checkAlertInput(raw);
  validate(input);
  return tenantEntityManager(orm, tenantId).transactional(async (tx) => {
    await lockLifecycle(tx, tenantId);
    // Idempotent by alert id: the same alert raised again (or first stored by /ingest) answers what it started.
    const existing = input.externalId ? await tx.findOne(Alert, { externalId: input.externalId }) : null;
    if (existing?.investigationId) {
      return { alert: existing, investigation: await tx.findOneOrFail(Investigation, { id: existing.investigationId }), merged: true };
    }
    if (existing) {
      // Stored without an investigation (its message had not arrived): route it now, as it was stored.
      const stored = inputOf(existing);
      validate(stored);
      return route(tx, queue, existing, stored, await messageFor(tx, stored));
    }
    const message = await messageFor(tx, input);
    const alert = tx.create(Alert, {
      tenantId,
      externalId: input.externalId,
      kind: input.kind,
      severity: input.severity ?? ALERT_KINDS[input.kind].severity,
      title: input.title ?? defaultAlertTitle(input.kind, message?.subject ?? input.user ?? input.url ?? input.sha256),
      at: input.at ?? new Date(),
      messageExternalId: input.messageExternalId,
      url: input.url,
      user: input.user?.toLowerCase(),
      sha256: input.sha256?.toLowerCase(),
    });
    return route(tx, queue, alert, input, message);
  });
}

/**
 * Alerts that arrived through /ingest: route each to the investigation it starts or joins, as
 * raiseAlert does. One transaction per alert; an alert that cannot start a playbook (e.g. a report
 * of a message not ingested yet) stays stored without an investigation and the others go on.
 */
export async function routeStoredAlerts(orm: Orm, queue: JobQueue, tenantId: string, alertIds: string[], logger?: Logger) {
  for (const id of alertIds) {
    try {
      // A connection lost mid-way is retried here: the upload's own retry finds the alert stored and does
      // not route it again, so only the sweep (routeWaitingAlerts, a minute later) would.
      await retryTransient(() =>
        tenantEntityManager(orm, tenantId).transactional(async (tx) => {
          await lockLifecycle(tx, tenantId);
          const alert = await tx.findOne(Alert, { id });
          if (!alert || alert.investigationId) return;
          const input = inputOf(alert);
          validate(input);
          await route(tx, queue, alert, input, await messageFor(tx, input));
        }),
      );
    } catch (e) {
      logger?.warn({ alert: id, reason: e instanceof Error ? e.message : String(e) }, 'alert stored but starts no investigation');
    }
  }
}

/**
 * Alerts that arrived before the message they are about (records may come in any order) start their
 * playbook once the message is there: the lifecycle sweep calls this every minute. So do alerts whose
 * routing was cut off (the database went away between storing and routing them). Only alerts of the
 * merge window are looked at, oldest first; each is routed as if it had just arrived.
 */
export async function routeWaitingAlerts(orm: Orm, queue: JobQueue, logger?: Logger): Promise<number> {
  const waiting = await sql<{ tenant_id: string; id: string }>(
    orm.em.fork(),
    `select a.tenant_id, a.id from alerts a
     where a.investigation_id is null and a.at > ?
       and (a.message_external_id is null
            or exists (select 1 from email_messages m where m.tenant_id = a.tenant_id and m.external_id = a.message_external_id))
     order by a.at limit 500`,
    [new Date(Date.now() - MERGE_WINDOW_MS)],
  );
  const byTenant = new Map<string, string[]>();
  for (const r of waiting) byTenant.set(r.tenant_id, [...(byTenant.get(r.tenant_id) ?? []), r.id]);
  for (const [tenantId, ids] of byTenant) await routeStoredAlerts(orm, queue, tenantId, ids, logger);
  return waiting.length;
}

/** The message an alert is about; refused when the alert is about a message that has not been ingested yet. */
async function messageFor(tx: EntityManager, input: AlertInput) {
  if (!input.messageExternalId) return null;
  const message = await tx.findOne(EmailMessage, { externalId: input.messageExternalId }, { fields: [...REPORTED_FIELDS] as never });
  if (!message) throw badInput(`messageId: no message '${input.messageExternalId}' has been ingested`, 'messageId');
  return message;
}

const inputOf = (alert: Alert): AlertInput => ({
  kind: alert.kind,
  messageExternalId: alert.messageExternalId,
  url: alert.url,
  user: alert.user,
  sha256: alert.sha256,
  title: alert.title,
});

async function route(
  tx: EntityManager,
  queue: JobQueue,
  alert: Alert,
  input: AlertInput,
  message: ReportedMessage | null,
): Promise<IntakeResult> {
  const tenantId = alert.tenantId;
  const open = await openInvestigationFor(tx, input, message);
  if (open) {
    alert.investigationId = open.id;
    await tx.flush();
    return { alert, investigation: open, merged: true };
  }
  const investigation = await openInvestigation(tx, queue, {
    tenantId,
    playbook: ALERT_KINDS[input.kind].playbook,
    title: message?.subject ?? alert.title,
    subject: input.subject ?? (input.user && ALERT_KINDS[input.kind].correlated ? `user:${input.user.toLowerCase()}` : undefined),
    triggeringAlertId: alert.id,
  });
  alert.investigationId = investigation.id;
  await tx.flush();
  return { alert, investigation, merged: false };
}

const title = line(MAX_LENGTH.title, (s) => s.trim());

/**
 * The checks `/ingest` applies to an alert line (domain/input.ts), applied to a GraphQL alert: a bounded
 * id and title, an address for `user`, an http(s) URL, a SHA-256. Refused with BAD_USER_INPUT naming the
 * field, before anything is stored: an oversized value must never reach an index and fail a run later.
 */
function checkAlertInput(input: AlertInput): AlertInput {
  return {
    ...input,
    externalId: checked(id, input.externalId, 'id'),
    messageExternalId: checked(id, input.messageExternalId, 'messageId'),
    url: checked(webUrl, input.url, 'url'),
    user: checked(address, input.user, 'user'),
    sha256: checked(sha256, input.sha256, 'sha256'),
    title: checked(title, input.title, 'title'),
  };
}

/**
 * A manual investigation of exactly one of a message, a user or a URL, each checked like an alert's
 * field; the title names who asked for it.
 */
export async function startInvestigation(
  orm: Orm,
  queue: JobQueue,
  tenantId: string,
  requestedBy: string,
  input: { messageId?: string | null; user?: string | null; url?: string | null },
): Promise<IntakeResult> {
  const given = (['messageId', 'user', 'url'] as const).filter((k) => input[k] !== undefined && input[k] !== null && input[k] !== '');
  if (given.length !== 1)
    throw badInput(`give exactly one of messageId, user or url, but got ${given.length ? given.join(' and ') : 'none'}`, 'input');
  const messageId = checked(id, input.messageId, 'messageId');
  const user = checked(address, input.user, 'user');
  const url = checked(webUrl, input.url, 'url');
  const subject = messageId ? `message:${messageId}` : user ? `user:${user}` : `url:${url}`;
  return raiseAlert(orm, queue, tenantId, {
    kind: AlertKind.MANUAL,
    subject,
    title: `Manual investigation by ${requestedBy}: ${subject}`.slice(0, MAX_LENGTH.title),
    messageExternalId: messageId,
    user,
    url,
  });
}

function validate(input: AlertInput) {
  const missing = missingAlertField(input.kind, { messageId: input.messageExternalId, url: input.url, user: input.user });
  if (missing) throw badInput(missing.message, missing.field);
}

/** The open investigation this alert is about too, if any. */
async function openInvestigationFor(tx: EntityManager, input: AlertInput, message: ReportedMessage | null): Promise<Investigation | null> {
  const since = new Date(Date.now() - MERGE_WINDOW_MS);
  if (input.kind === AlertKind.MANUAL) return null;
  if (ALERT_KINDS[input.kind].correlated) {
    const user = input.user!.toLowerCase();
    // An open investigation that already found this user, or one about this user.
    const entity = await tx.findOne(
      InvestigatedEntity,
      { kind: EntityKind.USER, value: user, createdAt: { $gte: since } },
      { orderBy: { createdAt: 'desc' } },
    );
    const candidates = await tx.find(
      Investigation,
      {
        state: { $in: [...OPEN_STATES] },
        createdAt: { $gte: since },
        $or: [{ subject: `user:${user}` }, ...(entity ? [{ id: entity.investigationId }] : [])],
      },
      { orderBy: { createdAt: 'desc' }, limit: 1 },
    );
    return candidates[0] ?? null;
  }
  const playbook = ALERT_KINDS[input.kind].playbook;
  if (input.kind === AlertKind.URL_VERDICT_CHANGE) {
    const alerts = await tx.find(
      Alert,
      { kind: input.kind, url: input.url, investigationId: { $ne: null }, at: { $gte: since } },
      { limit: 20 },
    );
    return firstOpen(
      tx,
      alerts.map((a) => a.investigationId!),
      playbook,
    );
  }
  if (!message) return null;
  // Same campaign: an open investigation of the same playbook whose reported message is a near-duplicate.
  const open = await tx.find(
    Investigation,
    { playbook, state: { $in: [...OPEN_STATES] }, createdAt: { $gte: since } },
    { orderBy: { createdAt: 'desc' }, limit: 500 },
  );
  if (!open.length) return null;
  const triggers = await tx.find(Alert, { id: { $in: open.flatMap((i) => (i.triggeringAlertId ? [i.triggeringAlertId] : [])) } });
  const roots = await tx.find(
    EmailMessage,
    { externalId: { $in: triggers.flatMap((a) => (a.messageExternalId ? [a.messageExternalId] : [])) } },
    { fields: [...REPORTED_FIELDS] as never },
  );
  const similar = new Set(roots.filter((r) => sameCampaign(r, message)).map((r) => r.externalId));
  const alertIds = new Set(triggers.filter((a) => a.messageExternalId && similar.has(a.messageExternalId)).map((a) => a.id));
  return open.find((i) => i.triggeringAlertId && alertIds.has(i.triggeringAlertId)) ?? null;
}

async function firstOpen(tx: EntityManager, ids: string[], playbook?: Playbook) {
  if (!ids.length) return null;
  return tx.findOne(
    Investigation,
    { id: { $in: ids }, state: { $in: [...OPEN_STATES] }, ...(playbook ? { playbook } : {}) },
    { orderBy: { createdAt: 'desc' } },
  );
}

/**
 * The Report Message add-in's call: exactly one of an ingested message's id, or the raw RFC 5322
 * message (ingested here, through the same path as /ingest, under an id derived from its content so
 * that the same message reported twice is stored once).
 */
export async function reportMessage(
  orm: Orm,
  queue: JobQueue,
  tenantId: string,
  input: { messageId?: string | null; raw?: string | null; reportedBy: string },
  log?: Logger,
): Promise<IntakeResult> {
  const reportedBy = checked(address, input.reportedBy, 'reportedBy')!;
  if (!input.messageId === !input.raw)
    throw badInput('give exactly one of messageId (an ingested message) or raw (the RFC 5322 message)', 'messageId');
  let messageId = checked(id, input.messageId, 'messageId');
  checked(text, input.raw, 'raw');
  if (input.raw) {
    messageId = `reported-${createHash('sha256').update(input.raw).digest('hex').slice(0, 32)}`;
    const line = JSON.stringify({
      type: 'raw_message',
      id: messageId,
      recipient: reportedBy,
      receivedAt: new Date().toISOString(),
      eml: input.raw,
    });
    const report = await ingestNdjson(orm, tenantId, [line], { log });
    if (report.failed) throw badInput(`raw: ${report.errors[0]?.message.replace(/^line 1: /, '') ?? 'not a message'}`, 'raw');
  }
  return raiseAlert(orm, queue, tenantId, {
    kind: AlertKind.USER_REPORTED,
    messageExternalId: messageId,
    user: reportedBy,
    severity: Severity.MEDIUM,
  });
}
