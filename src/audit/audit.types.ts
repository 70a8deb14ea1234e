import { ArgsType, Field, ID, InputType } from 'type-graphql';
import { ConnectionType, PageArgs } from '../common/pagination.js';
import { TimePeriod } from '../domain/action.js';
import { AuditEvent } from './audit-event.entity.js';

@InputType()
export class AuditEventFilter {
  @Field(() => [String], { nullable: true, description: 'e.g. ACTION_APPROVED, AUTOMATION_CHANGED.' })
  kinds?: string[];
  @Field(() => ID, { nullable: true, description: 'The action, investigation or tenant acted on.' })
  subjectId?: string;
  @Field(() => TimePeriod, { nullable: true })
  period?: TimePeriod;
}

@ArgsType()
export class AuditEventsArgs extends PageArgs {
  @Field(() => AuditEventFilter, { nullable: true })
  filter?: AuditEventFilter;
}

export const AuditEventConnection = ConnectionType(AuditEvent, 'AuditEvent');
