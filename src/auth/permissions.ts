import type { GraphQLSchema } from 'graphql';
import type { IMiddlewareFunction } from 'graphql-middleware';
import { middleware, rule, shield } from './shield.js';
import type { IRules } from 'graphql-shield';
import type { Context } from '../context.js';
import { forbidden } from '../errors.js';
import { hasAnyRole } from './viewer.js';
import { APPROVE_ROLES, READ_ROLES, Role } from '../domain/role.js';

/**
 * What each rule checks, from the viewer alone: true allows, an error (or false) denies. Rule names are
 * unique: shield caches a rule's result per request under its name, and `permissions` looks them up here.
 */
const CHECKS: Record<string, (ctx: Context) => boolean | Error> = {
  isAuthenticated: (ctx) => Boolean(ctx.viewer),
  canRead: (ctx) => (ctx.viewer ? hasAnyRole(ctx.viewer, READ_ROLES) || forbidden('Reading investigations needs a security role') : false),
  canRaiseAlerts: (ctx) =>
    ctx.viewer
      ? hasAnyRole(ctx.viewer, [...APPROVE_ROLES, Role.SERVICE]) || forbidden('Raising alerts needs the SERVICE role or an admin role')
      : false,
  /**
   * Starting investigations, deciding actions, changing settings, giving analyst verdicts (they steer what
   * automation deletes) and reading the audit trail: the seed's admins.
   */
  isAdmin: (ctx) => (ctx.viewer ? hasAnyRole(ctx.viewer, APPROVE_ROLES) || forbidden('This needs SECURITY_ADMIN or GLOBAL_ADMIN') : false),
};
const checkRule = (name: keyof typeof CHECKS & string) =>
  rule(name, { cache: 'contextual' })((_parent, _args, ctx: Context) => CHECKS[name]!(ctx));
const isAuthenticated = checkRule('isAuthenticated');
const canRead = checkRule('canRead');
const canRaiseAlerts = checkRule('canRaiseAlerts');
const isAdmin = checkRule('isAdmin');

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

const denyUnlisted = rule('denyUnlisted')(() => false);

/**
 * The coarse gate. graphql-shield's own default is allow: here the fallback is deny, so a field
 * nobody listed is refused. Errors pass through to our formatter (allowExternalErrors), which
 * masks anything that is not an AppError.
 */
const shieldGate = shield(rules, {
  fallbackRule: denyUnlisted,
  fallbackError: () => forbidden(),
  allowExternalErrors: true,
  debug: false,
});

/** The rule that governs a field, as shield resolves it: the field's own, else its type's, else the fallback. */
type Named = { name: string };
/** graphql-middleware's function form (its type for it is not exported). */
type Resolver = Extract<IMiddlewareFunction, (...args: never[]) => unknown>;
function ruleOf(typeName: string, fieldName: string): Named {
  const forType = (rules as Record<string, Named | Record<string, Named> | undefined>)[typeName];
  if (!forType) return denyUnlisted;
  if (typeof forType.name === 'string' && 'resolve' in forType) return forType as unknown as Named;
  return (forType as Record<string, Named>)[fieldName] ?? denyUnlisted;
}

/**
 * Authorization by type, with shield's answers. Shield's own middleware awaits its rule on every field
 * of every object (a `Promise` per scalar: 13 % of the investigation page's CPU when it was removed, issue
 * 14), although every rule here depends on the viewer alone. So each field's rule is found once, when the
 * schema is built; a field whose rule allows the viewer resolves at once, synchronously; anything else
 * (a denial, the deny-by-default fallback, a subscription's `subscribe`) goes through shield's middleware,
 * which answers exactly as before: the same errors, the same partial results.
 */
export const permissions = middleware((schema: GraphQLSchema) => {
  const generated = shieldGate.generate(schema) as Record<string, Record<string, unknown>>;
  for (const [typeName, fields] of Object.entries(generated)) {
    if (typeName === schema.getSubscriptionType()?.name) continue;
    for (const [fieldName, shielded] of Object.entries(fields)) {
      const check = CHECKS[ruleOf(typeName, fieldName).name];
      if (typeof shielded !== 'function' || !check) continue;
      const byShield = shielded as Resolver;
      const gate: Resolver = (resolve, parent, args, ctx, info) =>
        ctx && check(ctx) === true ? resolve(parent, args, ctx, info) : byShield(resolve, parent, args, ctx, info);
      fields[fieldName] = gate;
    }
  }
  return generated as never;
});
