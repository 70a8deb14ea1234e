import { ArgsType, Field, InputType } from 'type-graphql';
import { PageArgs } from '../common/pagination.js';
import { AlertKind, Severity } from '../domain/alert.js';

@InputType()
export class AlertFilter {
  @Field(() => [AlertKind], { nullable: true })
  kinds?: AlertKind[];
  @Field(() => [Severity], { nullable: true })
  severities?: Severity[];
  @Field(() => Date, { nullable: true })
  after?: Date;
  @Field(() => Date, { nullable: true })
  before?: Date;
}

@ArgsType()
export class AlertsArgs extends PageArgs {
  @Field(() => AlertFilter, { nullable: true })
  filter?: AlertFilter;
}
