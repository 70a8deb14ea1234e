/**
 * Writing what a step produced — entities, clusters and their members, graph edges, recommended actions
 * — and the step's completion, all in the caller's transaction: the engine's durability rests on that
 * (a step's effects exist exactly when its log says COMPLETED).
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import { v7 as uuidv7 } from 'uuid';
import { sql } from '../db/sql.js';
import type { Investigation } from '../investigations/investigation.entity.js';
import { LogStep } from '../investigations/log-step.entity.js';
import { InvestigatedEntity, GraphEdge } from '../investigations/investigated-entity.entity.js';
import { EmailCluster, EmailClusterMember } from '../investigations/email-cluster.entity.js';
import { StepStatus } from '../domain/investigation.js';
import { Verdict } from '../domain/telemetry.js';
import { Action } from '../actions/action.entity.js';
import { Tenant } from '../tenants/tenant.entity.js';
import { appendEvents, EventType, type EventInput } from '../realtime/outbox.js';
import type { EntityFinding, NodeRef, StepOutcome } from './playbook.types.js';

/** The automation policy, run in the transaction that recommends actions (see EngineDeps.approveByPolicy). */
export type ApproveByPolicy = (tx: EntityManager, tenantId: string, actionIds: string[]) => Promise<unknown>;

/** Everything a step produced, and its completion, in the caller's transaction. */
export async function persistOutcome(
  tx: EntityManager,
  investigation: Investigation,
  log: LogStep,
  startedAt: Date,
  outcome: StepOutcome,
  approveByPolicy?: ApproveByPolicy,
) {
  const { tenantId, id: investigationId } = investigation;
  const events: EventInput[] = [];
  const nodeIds = new Map<string, string>();
  const entityKey = (kind: string, value: string) => `${kind}\u0000${value}`;

  // One row per (kind, value): a step may report an entity twice (a sender that is also an
  // indicator); the later report refines the earlier, threats accumulate.
  const unique = new Map<string, EntityFinding>();
  for (const e of outcome.entities ?? []) {
    const key = entityKey(e.kind, e.value);
    const prev = unique.get(key);
    unique.set(
      key,
      prev
        ? {
            ...prev,
            ...e,
            threats: [...new Set([...(prev.threats ?? []), ...(e.threats ?? [])])],
            evidence: e.evidence ?? prev.evidence,
            details: { ...prev.details, ...e.details },
          }
        : e,
    );
  }
  const entities = [...unique.values()];
  if (entities.length) {
    // Later findings about the same entity refine it: verdict, threats and details are merged.
    const rows = await tx.upsertMany(
      InvestigatedEntity,
      entities.map((e) => ({
        id: uuidv7(),
        tenantId,
        investigationId,
        kind: e.kind,
        value: e.value,
        externalId: e.externalId,
        displayName: e.displayName,
        verdict: e.verdict,
        threats: e.threats ?? [],
        evidence: e.evidence ?? [],
        details: e.details ?? {},
        createdAt: new Date(),
      })),
      {
        onConflictFields: ['investigationId', 'kind', 'value'],
        onConflictAction: 'merge',
        onConflictMergeFields: ['verdict', 'threats', 'evidence', 'details', 'displayName'],
      },
    );
    for (const row of rows) {
      nodeIds.set(entityKey(row.kind, row.value), row.id);
      events.push({
        tenantId,
        investigationId,
        type: EventType.ENTITY_FOUND,
        payload: { id: row.id, kind: row.kind, value: row.value, verdict: row.verdict },
      });
    }
  }

  const clusterIds = new Map<string, string>();
  for (const c of outcome.clusters ?? []) {
    const cluster = tx.create(EmailCluster, {
      tenantId,
      investigationId,
      name: c.name,
      query: c.query,
      queryValue: c.queryValue,
      verdict: c.verdict,
      threats: c.threats ?? [],
      messageCount: new Set(c.messageIds).size,
      maliciousCount: new Set(c.messageIds.filter((id) => (c.members?.[id]?.verdict ?? c.verdict) === Verdict.MALICIOUS)).size,
      createdAt: new Date(),
      refreshedAt: new Date(),
    });
    clusterIds.set(c.key, cluster.id);
    events.push({
      tenantId,
      investigationId,
      type: EventType.CLUSTER_FOUND,
      payload: { id: cluster.id, name: c.name, verdict: c.verdict, messageCount: cluster.messageCount },
    });
  }
  await tx.flush();
  for (const c of outcome.clusters ?? []) {
    const clusterId = clusterIds.get(c.key)!;
    const messageIds = [...new Set(c.messageIds)];
    if (messageIds.length) {
      await tx.insertMany(
        EmailClusterMember,
        messageIds.map((messageId) => ({
          id: uuidv7(),
          tenantId,
          clusterId,
          message: messageId,
          verdict: c.members?.[messageId]?.verdict ?? c.verdict,
          evidence: c.members?.[messageId]?.evidence ?? [],
        })),
      );
    }
    // Counts by verdict and location come from the members themselves, in one aggregate.
    await sql(
      tx,
      `update email_clusters c set
         counts_by_verdict = coalesce((select jsonb_object_agg(v, n) from (select coalesce(m.verdict::text, 'UNKNOWN') v, count(*) n
           from email_cluster_members cm join email_messages m on m.id = cm.message_id where cm.cluster_id = c.id group by 1) s), '{}'),
         counts_by_location = coalesce((select jsonb_object_agg(l, n) from (select m.location::text l, count(*) n
           from email_cluster_members cm join email_messages m on m.id = cm.message_id where cm.cluster_id = c.id group by 1) s), '{}')
       where c.id = ? and c.tenant_id = ?`,
      [clusterId, tenantId],
    );
  }

  const resolve = async (ref: NodeRef): Promise<string | undefined> => {
    if ('cluster' in ref) return clusterIds.get(ref.cluster);
    const key = entityKey(ref.kind, ref.value);
    if (!nodeIds.has(key)) {
      const found = await tx.findOne(InvestigatedEntity, { investigationId, kind: ref.kind, value: ref.value });
      if (found) nodeIds.set(key, found.id);
    }
    return nodeIds.get(key);
  };
  const edges = [];
  for (const edge of outcome.edges ?? []) {
    const [from, to] = [await resolve(edge.from), await resolve(edge.to)];
    if (from && to) edges.push({ id: uuidv7(), tenantId, investigationId, fromNodeId: from, toNodeId: to, relation: edge.relation });
  }
  if (edges.length)
    await tx.upsertMany(GraphEdge, edges, {
      onConflictFields: ['investigationId', 'fromNodeId', 'toNodeId', 'relation'],
      onConflictAction: 'ignore',
    });

  const recommended: string[] = [];
  if (outcome.actions?.length) {
    const tenant = await tx.findOneOrFail(Tenant, { id: tenantId });
    const expiresAt = new Date(Date.now() + tenant.pendingActionTtlHours * 3600_000);
    for (const a of outcome.actions) {
      const earlier = a.clusterRef
        ? await tx.findOne(EmailCluster, { investigationId, query: a.clusterRef.query, queryValue: a.clusterRef.queryValue })
        : null;
      const action = tx.create(Action, {
        tenantId,
        investigationId,
        type: a.type,
        clusterId: a.cluster ? clusterIds.get(a.cluster) : earlier?.id,
        targets: a.targets ?? [],
        rationale: a.rationale,
        evidence: a.evidence ?? {},
        humanRequired: a.humanRequired,
        createdAt: new Date(),
        expiresAt,
      });
      events.push({
        tenantId,
        investigationId,
        type: EventType.ACTION_RECOMMENDED,
        payload: { id: action.id, type: a.type, rationale: a.rationale },
      });
      recommended.push(action.id);
    }
    await tx.flush();
  }

  const endedAt = new Date();
  const status = outcome.skipped ? StepStatus.SKIPPED : StepStatus.COMPLETED;
  await tx.nativeUpdate(LogStep, { id: log.id, tenantId }, { status, progress: 100, endedAt, findings: outcome.findings ?? {} });
  // durationMs: this run of the step (a resumed step's earlier attempt is not counted).
  const durationMs = endedAt.getTime() - startedAt.getTime();
  events.push({
    tenantId,
    investigationId,
    type: EventType.STEP_COMPLETED,
    payload: { stepId: log.id, key: log.key, status, endedAt, durationMs },
  });
  await appendEvents(tx, events);
  // After the ACTION_RECOMMENDED events, so a watcher sees each action recommended before it is decided.
  if (recommended.length && approveByPolicy) await approveByPolicy(tx, tenantId, recommended);
}
