import 'reflect-metadata';
import './schema.enums.js';
import { isAbstractType, lexicographicSortSchema, printSchema, type GraphQLSchema } from 'graphql';
import { buildSchema } from 'type-graphql';
import { permissions } from './auth/permissions.js';
import { applyMiddleware } from './auth/shield.js';
import { deadlineMiddleware } from './common/operation-limits.js';
import { DateTimeScalar } from './common/date-scalar.js';
import { ViewerResolver } from './auth/viewer.resolver.js';
import { AlertResolver } from './alerts/alert.resolver.js';
import { ActionResolver } from './actions/action.resolver.js';
import { ActionPreviewResolver } from './actions/preview.resolver.js';
import { DecisionResolver } from './actions/decision.resolver.js';
import { DashboardResolver } from './dashboard/dashboard.resolver.js';
import { EmailClusterResolver, InvestigationResolver, LogStepResolver } from './investigations/investigation.resolver.js';
import { IntakeResolver } from './investigations/intake.resolver.js';
import { SubscriptionResolver } from './realtime/subscription.resolver.js';
import { AuditResolver } from './audit/audit.resolver.js';
import { TenantResolver } from './tenants/tenant.resolver.js';
import { AnalystVerdictResolver } from './intel/analyst-verdict.resolver.js';

/** The schema as code declares it, before authorization: what `schema/schema.graphql` records. */
export function buildBareSchema(): Promise<GraphQLSchema> {
  return buildSchema({
    resolvers: [
      ViewerResolver,
      DecisionResolver,
      InvestigationResolver,
      EmailClusterResolver,
      LogStepResolver,
      AlertResolver,
      ActionResolver,
      ActionPreviewResolver,
      DashboardResolver,
      IntakeResolver,
      SubscriptionResolver,
      AuditResolver,
      TenantResolver,
      AnalystVerdictResolver,
    ],
    // Subscriptions bring their own streams (the outbox reader, `subscribe` on each field); type-graphql
    // still insists on a PubSub, which nothing publishes to.
    pubSub: {
      publish: () => {
        throw new Error('nothing publishes through type-graphql: events come from the outbox');
      },
      subscribe: () => {
        throw new Error('subscriptions declare their own subscribe');
      },
    },
    // Input validation is done by the services, with messages that name the field.
    validate: false,
    scalarsMap: [{ type: Date, scalar: DateTimeScalar }],
  });
}

/** The served schema: every field behind the operation's deadline, then graphql-shield, deny by default. */
export async function buildAirSchema(): Promise<GraphQLSchema> {
  return applyMiddleware(await buildBareSchema(), deadlineMiddleware, permissions);
}

/** SDL, sorted so that the checked-in file only changes when the schema does. */
export const printSdl = (schema: GraphQLSchema) => printSchema(lexicographicSortSchema(schema)) + '\n';

/**
 * `schema/possible-types.json`: each interface and union with the object types that implement it, in
 * the shape Apollo Client's `possibleTypes` and urql graphcache's `possibleTypes` take. Without it
 * Apollo cannot tell which objects match a fragment on `LiveEvent` and silently drops its fields.
 */
export function printPossibleTypes(schema: GraphQLSchema): string {
  const sorted = lexicographicSortSchema(schema);
  const possibleTypes: Record<string, string[]> = {};
  for (const type of Object.values(sorted.getTypeMap())) {
    if (isAbstractType(type) && !type.name.startsWith('__')) possibleTypes[type.name] = sorted.getPossibleTypes(type).map((t) => t.name);
  }
  return JSON.stringify(possibleTypes, null, 2) + '\n';
}
