import type { Orm } from '../../src/db/database.js';
import { tenantEntityManager } from '../../src/context.js';
import { TenantDirectory } from '../../src/tenants/tenant.service.js';
import { Investigation } from '../../src/investigations/investigation.entity.js';
import { EmailCluster, EmailClusterMember } from '../../src/investigations/email-cluster.entity.js';
import { GraphEdge, InvestigatedEntity } from '../../src/investigations/investigated-entity.entity.js';
import { LogStep } from '../../src/investigations/log-step.entity.js';
import { Alert } from '../../src/alerts/alert.entity.js';
import { Action } from '../../src/actions/action.entity.js';
import { ActionStatus, ActionType } from '../../src/domain/action.js';
import { EmailMessage } from '../../src/telemetry/email-message.entity.js';
import { DeliveryLocation, DetectionVerdict, Verdict } from '../../src/domain/telemetry.js';
import { EntityKind, InvestigationState, Phase, Playbook, StepStatus, ClusterQuery } from '../../src/domain/investigation.js';
import { AlertKind, Severity } from '../../src/domain/alert.js';

export const tenantId = (orm: Orm, name: string) => new TenantDirectory(orm.em).idOf(name);

export interface InvestigationShape {
  playbook?: Playbook;
  state?: InvestigationState;
  createdAt?: Date;
  title?: string;
  entities?: number;
  users?: number;
  machines?: number;
  clusters?: number;
  membersPerCluster?: number;
  steps?: number;
  actions?: number;
  alerts?: number;
}

let serial = 0;

/**
 * Write one investigation with the given number of children straight through the ORM, as the
 * playbook engine would: the read API under test sees the rows it will see in production.
 */
export async function seedInvestigation(orm: Orm, tenant: string, shape: InvestigationShape = {}) {
  const tid = await tenantId(orm, tenant);
  const em = tenantEntityManager(orm, tid);
  const n = ++serial;
  const created = shape.createdAt ?? new Date(Date.now() - 60_000);
  const investigation = em.create(Investigation, {
    tenantId: tid,
    playbook: shape.playbook ?? Playbook.USER_SUBMITTED_MESSAGE,
    state: shape.state ?? InvestigationState.PENDING_ACTION,
    title: shape.title ?? `Investigation ${n}`,
    createdAt: created,
    startedAt: new Date(created.getTime() + 1000),
  });
  const alerts = Array.from({ length: Math.max(1, shape.alerts ?? 1) }, (_, i) =>
    em.create(Alert, {
      tenantId: tid,
      externalId: `alert-${n}-${i}`,
      kind: i === 0 ? AlertKind.USER_REPORTED : AlertKind.RISKY_SIGN_IN,
      severity: Severity.HIGH,
      title: `Alert ${i}`,
      at: new Date(created.getTime() + i),
      investigationId: investigation.id,
    }),
  );
  investigation.triggeringAlertId = alerts[0]!.id; // there is always at least one

  const entity = (kind: EntityKind, i: number) =>
    em.create(InvestigatedEntity, {
      tenantId: tid,
      investigationId: investigation.id,
      kind,
      value: `${kind.toLowerCase()}-${n}-${i}`,
      externalId: `${kind.toLowerCase()}-ext-${n}-${i}`,
      displayName: `${kind} ${i}`,
      verdict: i % 2 ? Verdict.MALICIOUS : Verdict.CLEAN,
      threats: i % 2 ? ['Phish'] : [],
      createdAt: new Date(created.getTime() + i),
    });
  const entities = [
    ...Array.from({ length: shape.entities ?? 3 }, (_, i) => entity(EntityKind.EMAIL, i)),
    ...Array.from({ length: shape.users ?? 1 }, (_, i) => entity(EntityKind.USER, i)),
    ...Array.from({ length: shape.machines ?? 1 }, (_, i) => entity(EntityKind.MACHINE, i)),
  ];
  const clusters = Array.from({ length: shape.clusters ?? 1 }, (_, c) => {
    const cluster = em.create(EmailCluster, {
      tenantId: tid,
      investigationId: investigation.id,
      name: `Cluster ${c}`,
      query: ClusterQuery.SIMILAR_CONTENT,
      queryValue: `q-${n}-${c}`,
      verdict: Verdict.MALICIOUS,
      messageCount: shape.membersPerCluster ?? 3,
      createdAt: new Date(created.getTime() + c),
    });
    const messages = Array.from({ length: shape.membersPerCluster ?? 3 }, (_, m) => {
      const message = em.create(EmailMessage, {
        tenantId: tid,
        externalId: `msg-${n}-${c}-${m}`,
        recipient: `user${m}@${tenant}.example`,
        sender: 'attacker@evil.example',
        subject: `Subject ${c}`,
        body: 'Please sign in',
        receivedAt: new Date(created.getTime() - 3600_000 + m),
        location: DeliveryLocation.INBOX,
        verdict: DetectionVerdict.PHISH,
      });
      em.create(EmailClusterMember, { tenantId: tid, clusterId: cluster.id, message, verdict: Verdict.MALICIOUS });
      return message;
    });
    return { cluster, messages };
  });
  for (const [i, e] of entities.entries()) {
    if (clusters[0])
      em.create(GraphEdge, {
        tenantId: tid,
        investigationId: investigation.id,
        fromNodeId: clusters[0].cluster.id,
        toNodeId: e.id,
        relation: `rel-${i}`,
      });
  }
  const steps = Array.from({ length: shape.steps ?? 3 }, (_, i) =>
    em.create(LogStep, {
      tenantId: tid,
      investigationId: investigation.id,
      seq: i,
      phase: [Phase.ROOT_INVESTIGATION, Phase.HUNTING, Phase.REMEDIATION][i % 3]!,
      key: `step-${i}`,
      name: `Step ${i}`,
      description: `Does thing ${i}`,
      status: StepStatus.COMPLETED,
      progress: 100,
      startedAt: new Date(created.getTime() + 1000 + i * 1000),
      endedAt: new Date(created.getTime() + 1500 + i * 1000),
    }),
  );
  const actions = Array.from({ length: shape.actions ?? 2 }, (_, i) =>
    em.create(Action, {
      tenantId: tid,
      investigationId: investigation.id,
      type: i % 2 ? ActionType.BLOCK_URL : ActionType.SOFT_DELETE_EMAILS,
      status: ActionStatus.PENDING_APPROVAL,
      clusterId: clusters[i % Math.max(1, clusters.length)]?.cluster.id,
      targets: [{ kind: EntityKind.URL, value: `https://evil.example/${i}` }],
      rationale: 'Malicious cluster',
      createdAt: new Date(created.getTime() + 5000 + i),
    }),
  );
  await em.flush();
  return { tenantId: tid, investigation, alerts, entities, clusters, steps, actions };
}
