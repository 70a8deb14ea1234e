import { Arg, Ctx, Mutation, Resolver } from 'type-graphql';
import type { Context } from '../context.js';
import { AlertReceipt, RaiseAlertInput, ReportMessageInput, StartInvestigationInput } from './intake.types.js';
import { raiseAlert, reportMessage, startInvestigation, type IntakeResult } from './intake.service.js';

const receipt = (r: IntakeResult): AlertReceipt => ({
  alertId: r.alert.id,
  investigationId: r.investigation.id,
  investigationState: r.investigation.state,
  merged: r.merged,
});

@Resolver()
export class IntakeResolver {
  @Mutation(() => AlertReceipt, {
    description: 'A user reported a message (the Report Message add-in): starts or joins a user-submitted-message investigation.',
  })
  async reportMessage(@Arg('input', () => ReportMessageInput) input: ReportMessageInput, @Ctx() ctx: Context) {
    return receipt(await reportMessage(ctx.services.orm, ctx.services.queue, ctx.viewer.tenantId, input, ctx.log));
  }

  @Mutation(() => AlertReceipt, {
    description: 'Raise an alert: starts the playbook its kind calls for, or joins the open investigation it correlates with.',
  })
  async raiseAlert(@Arg('input', () => RaiseAlertInput) input: RaiseAlertInput, @Ctx() ctx: Context) {
    const { id, messageId, ...rest } = input;
    return receipt(
      await raiseAlert(ctx.services.orm, ctx.services.queue, ctx.viewer.tenantId, {
        ...rest,
        externalId: id,
        messageExternalId: messageId,
      }),
    );
  }

  @Mutation(() => AlertReceipt, { description: 'Start a manual investigation of a message, a user or a URL.' })
  async startInvestigation(@Arg('input', () => StartInvestigationInput) input: StartInvestigationInput, @Ctx() ctx: Context) {
    const { orm, queue } = ctx.services;
    const result = await startInvestigation(orm, queue, ctx.viewer.tenantId, ctx.viewer.sub, input);
    return receipt(result);
  }
}
