import { Tenant } from '../tenants/tenant.entity.js';
import { Mailbox } from '../telemetry/mailbox.entity.js';
import { EmailMessage } from '../telemetry/email-message.entity.js';
import { InboxRule, SignIn, UrlClick, ZapEvent } from '../telemetry/activity.entity.js';
import { Device, DeviceFile } from '../telemetry/device.entity.js';
import { Campaign, Indicator } from '../telemetry/indicator.entity.js';
import { Alert } from '../alerts/alert.entity.js';
import { Investigation } from '../investigations/investigation.entity.js';
import { GraphEdge, InvestigatedEntity } from '../investigations/investigated-entity.entity.js';
import { EmailCluster, EmailClusterMember } from '../investigations/email-cluster.entity.js';
import { LogStep } from '../investigations/log-step.entity.js';
import { BlockListEntry } from '../actions/block-list.entity.js';
import { Action } from '../actions/action.entity.js';
import { AuditEvent } from '../audit/audit-event.entity.js';
import { OutboxEvent } from '../realtime/outbox-event.entity.js';
import { AnalystVerdict } from '../intel/analyst-verdict.entity.js';
import { IngestedRecord, TenantOwned } from './base.entity.js';

/** Entities whose reads the `tenant` filter scopes. Every entity with a `tenantId` belongs here. */
export const TENANT_SCOPED = [
  Mailbox,
  EmailMessage,
  UrlClick,
  SignIn,
  InboxRule,
  ZapEvent,
  Device,
  DeviceFile,
  Indicator,
  Campaign,
  Alert,
  Investigation,
  InvestigatedEntity,
  GraphEdge,
  EmailCluster,
  EmailClusterMember,
  LogStep,
  Action,
  BlockListEntry,
  AuditEvent,
  OutboxEvent,
  AnalystVerdict,
] as const;

/** The explicit entity list: no folder scanning, so the compiled and the test build discover the same set. */
export const ENTITIES = [TenantOwned, IngestedRecord, Tenant, ...TENANT_SCOPED];
