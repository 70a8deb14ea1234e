import { Arg, Ctx, ID, Resolver, Root, Subscription } from 'type-graphql';
import type { Context } from '../context.js';
import { AppError, ErrorCode, forbidden, unauthenticated } from '../errors.js';
import { hasAnyRole } from '../auth/viewer.js';
import { watchableInvestigation } from '../investigations/investigation-watch.service.js';
import { InvestigationEvent, TenantEvent, TenantEventType, TENANT_EVENT_TYPES, viewOf, type LiveEvent } from './event.types.js';
import { type EventStream } from './event-stream.service.js';
import type { EventType } from './outbox.js';
import { READ_ROLES } from '../domain/role.js';
import { isStreamEnd, StreamEndReason, type Delivery } from './stream.types.js';

/**
 * graphql-shield does not guard subscriptions on its own, so the fine checks are here, at subscribe
 * time, with the same answers as queries: a reader role, and another tenant's investigation id
 * answered exactly like a missing one.
 */
function streamOf(ctx: Context): EventStream {
  if (!hasAnyRole(ctx.viewer, READ_ROLES)) throw forbidden('Watching investigations needs a security role');
  if (ctx.viewer.expiresAt * 1000 <= Date.now()) throw unauthenticated('token expired');
  if (!ctx.services.events) throw new Error('subscriptions are served over WebSocket only (ws://…/graphql, graphql-transport-ws)');
  return ctx.services.events;
}

/** An event, or the error that ends a stream the server had to stop. */
function resolveDelivery(delivery: Delivery, ctx: Context): LiveEvent {
  if (!isStreamEnd(delivery)) {
    // The stream filters by tenant already; this keeps another tenant's object out even if that ever broke.
    if (delivery.tenantId !== ctx.viewer.tenantId) throw new Error(`event ${delivery.cursor} reached a subscriber of another tenant`);
    return viewOf(delivery);
  }
  const resume = delivery.resumeAfter ? `after: "${delivery.resumeAfter}"` : 'the after you last used';
  if (delivery.end === StreamEndReason.TOKEN_EXPIRED) {
    throw new AppError(
      ErrorCode.UNAUTHENTICATED,
      `Not authenticated: token expired; reconnect with a fresh token and subscribe with ${resume}`,
      {
        resumeAfter: delivery.resumeAfter,
      },
    );
  }
  throw new AppError(
    ErrorCode.CONFLICT,
    `Events arrived faster than this subscription read them and its queue is full; subscribe again with ${resume} to resume where it stopped`,
    { reason: delivery.end, resumeAfter: delivery.resumeAfter },
  );
}

@Resolver()
export class SubscriptionResolver {
  @Subscription(() => InvestigationEvent, {
    description:
      'Everything that happens to one investigation, live. With `after` (a cursor you received), first everything since it, then live: in order, each event once.',
    subscribe: async ({ args, context }) => {
      const ctx = context as Context;
      const stream = streamOf(ctx);
      const { investigationId, after } = args as { investigationId: string; after?: string | null };
      // Not the request's loader: nothing of the context's database side is made for a subscription.
      const id = await watchableInvestigation(ctx.services.orm, ctx.viewer.tenantId, investigationId);
      return stream.subscribe({
        tenantId: ctx.viewer.tenantId,
        investigationId: id,
        after: after == null ? undefined : await stream.positionOf(ctx.viewer.tenantId, after),
        expiresAt: ctx.viewer.expiresAt,
      });
    },
  })
  investigationEvents(
    @Arg('investigationId', () => ID) _investigationId: string,
    @Arg('after', () => String, { nullable: true, description: 'A cursor received earlier; "0" replays every event kept.' })
    _after: string | null,
    @Root() delivery: Delivery,
    @Ctx() ctx: Context,
  ): LiveEvent {
    return resolveDelivery(delivery, ctx);
  }

  @Subscription(() => TenantEvent, {
    description:
      'New investigations, state changes and action recommendations and decisions of your whole tenant, live; `after` resumes like investigationEvents.',
    subscribe: async ({ args, context }) => {
      const ctx = context as Context;
      const stream = streamOf(ctx);
      const { after, types } = args as { after?: string | null; types?: TenantEventType[] | null };
      return stream.subscribe({
        tenantId: ctx.viewer.tenantId,
        types: (types?.length ? types : TENANT_EVENT_TYPES) as EventType[],
        after: after == null ? undefined : await stream.positionOf(ctx.viewer.tenantId, after),
        expiresAt: ctx.viewer.expiresAt,
      });
    },
  })
  tenantEvents(
    @Arg('after', () => String, { nullable: true }) _after: string | null,
    @Arg('types', () => [TenantEventType], { nullable: true, description: 'Only these; all four when absent or empty.' })
    _types: TenantEventType[] | null,
    @Root() delivery: Delivery,
    @Ctx() ctx: Context,
  ): LiveEvent {
    return resolveDelivery(delivery, ctx);
  }
}
