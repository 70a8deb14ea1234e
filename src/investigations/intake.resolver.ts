import { Arg, Ctx, Mutation, Resolver } from 'type-graphql';
import type { Context } from '../context.js';
import { badInput } from '../errors.js';
import { AlertReceipt, RaiseAlertInput, ReportMessageInput, StartInvestigationInput } from './intake.types.js';
import { raiseAlert, reportMessage, type IntakeResult } from './intake.service.js';
import { AlertKind } from '../domain/alert.js';

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
    return receipt(await reportMessage(ctx.services.orm, ctx.services.queue, ctx.viewer.tenantId, input));
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
    const given = (['messageId', 'user', 'url'] as const).filter((k) => input[k]);
    if (given.length !== 1)
      throw badInput(`give exactly one of messageId, user or url, but got ${given.length ? given.join(' and ') : 'none'}`, 'input');
    const subject = input.messageId ? `message:${input.messageId}` : input.user ? `user:${input.user.toLowerCase()}` : `url:${input.url}`;
    const result = await raiseAlert(ctx.services.orm, ctx.services.queue, ctx.viewer.tenantId, {
      kind: AlertKind.MANUAL,
      subject,
      title: `Manual investigation by ${ctx.viewer.sub}: ${subject}`,
      messageExternalId: input.messageId,
      user: input.user,
      url: input.url,
    });
    return receipt(result);
  }
}
