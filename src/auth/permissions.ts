import { rule, shield } from './shield.js';
import type { IRules } from 'graphql-shield';
import type { Context } from '../context.js';
import { forbidden } from '../errors.js';
import { hasAnyRole } from './viewer.js';
import { APPROVE_ROLES, READ_ROLES, Role } from '../domain/role.js';

// Rule names are unique: shield caches a rule's result per request under its name.
const isAuthenticated = rule('isAuthenticated', { cache: 'contextual' })((_parent, _args, ctx: Context) => Boolean(ctx.viewer));
const canRead = rule('canRead', { cache: 'contextual' })((_parent, _args, ctx: Context) =>
  ctx.viewer ? hasAnyRole(ctx.viewer, READ_ROLES) || forbidden('Reading investigations needs a security role') : false,
);

const canRaiseAlerts = rule('canRaiseAlerts', { cache: 'contextual' })((_parent, _args, ctx: Context) =>
  ctx.viewer
    ? hasAnyRole(ctx.viewer, [...APPROVE_ROLES, Role.SERVICE]) || forbidden('Raising alerts needs the SERVICE role or an admin role')
    : false,
);
/**
 * Starting investigations, deciding actions, changing settings, giving analyst verdicts (they steer what
 * automation deletes) and reading the audit trail: the seed's admins.
 */
const isAdmin = rule('isAdmin', { cache: 'contextual' })((_parent, _args, ctx: Context) =>
  ctx.viewer ? hasAnyRole(ctx.viewer, APPROVE_ROLES) || forbidden('This needs SECURITY_ADMIN or GLOBAL_ADMIN') : false,
);

/**
 * Object types analysts read. Every type here is readable by GLOBAL_ADMIN, SECURITY_ADMIN and
 * SECURITY_READER, and by nobody else; a type missing from every list is denied to everyone
 * (the fallback), and a test fails for it so nobody adds a type without deciding who reads it.
 */
export const READABLE_TYPES = [
  'Investigation',
  'InvestigationConnection',
  'InvestigationEdge',
  'InvestigationTimings',
  'PhaseTiming',
  'InvestigationGraph',
  'GraphNode',
  'GraphLink',
  'InvestigationEntity',
  'InvestigationEntityConnection',
  'InvestigationEntityEdge',
  'Evidence',
  'ClusterMember',
  'ClusterMemberConnection',
  'ClusterMemberEdge',
  'EmailCluster',
  'EmailClusterConnection',
  'EmailClusterEdge',
  'EmailMessage',
  'EmailMessageConnection',
  'EmailMessageEdge',
  'Attachment',
  'AuthenticationResults',
  'MessageLink',
  'UpstreamFilterResult',
  'LogStep',
  'Alert',
  'AlertConnection',
  'AlertEdge',
  'Action',
  'ActionConnection',
  'ActionEdge',
  'ActionTarget',
  'ActionDecisionResult',
  'ActionPreview',
  'PreviewCount',
  'AuditEvent',
  'AuditEventConnection',
  'AuditEventEdge',
  'Tenant',
  'Dashboard',
  'StateCount',
  'PlaybookCount',
  'AnalystVerdict',
  'AnalystVerdictConnection',
  'AnalystVerdictEdge',
  // Live events (src/realtime/event.types.ts)
  'InvestigationCreatedEvent',
  'InvestigationStateChangedEvent',
  'StepStartedEvent',
  'StepProgressEvent',
  'StepCompletedEvent',
  'StepFailedEvent',
  'EntityFoundEvent',
  'ClusterFoundEvent',
  'ActionRecommendedEvent',
  'ActionDecidedEvent',
  'ActionExecutedEvent',
] as const;

/** Types every authenticated caller, the SERVICE identity included, may read. */
export const SHARED_TYPES = ['Viewer', 'PageInfo'] as const;

export const rules: IRules = {
  Query: {
    me: isAuthenticated,
    investigations: canRead,
    investigation: canRead,
    alerts: canRead,
    pendingActions: canRead,
    dashboard: canRead,
    actionHistory: canRead,
    organisation: canRead,
    auditEvents: isAdmin,
    analystVerdicts: canRead,
  },
  Mutation: {
    reportMessage: canRaiseAlerts,
    raiseAlert: canRaiseAlerts,
    startInvestigation: isAdmin,
    approveActions: isAdmin,
    rejectActions: isAdmin,
    undoAction: isAdmin,
    cancelInvestigation: isAdmin,
    updateAutomationSettings: isAdmin,
    submitAnalystVerdict: isAdmin,
  },
  // Checked again where it matters: graphql-ws onSubscribe and the subscription resolver (shield only
  // wraps the field's subscribe function, and not every server runs it).
  Subscription: {
    investigationEvents: canRead,
    tenantEvents: canRead,
  },
  AlertReceipt: canRaiseAlerts,
  ...Object.fromEntries(READABLE_TYPES.map((t) => [t, canRead])),
  ...Object.fromEntries(SHARED_TYPES.map((t) => [t, isAuthenticated])),
};

/**
 * The coarse gate. graphql-shield's own default is allow: here the fallback is deny, so a field
 * nobody listed is refused. Errors pass through to our formatter (allowExternalErrors), which
 * masks anything that is not an AppError.
 */
export const permissions = shield(rules, {
  fallbackRule: rule('denyUnlisted')(() => false),
  fallbackError: () => forbidden(),
  allowExternalErrors: true,
  debug: false,
});
