import { Field, Float, Int, ObjectType } from 'type-graphql';
import { InvestigationState, Playbook } from '../domain/investigation.js';

@ObjectType()
export class StateCount {
  @Field(() => InvestigationState)
  state!: InvestigationState;
  @Field(() => Int)
  count!: number;
}

@ObjectType()
export class PlaybookCount {
  @Field(() => Playbook)
  playbook!: Playbook;
  @Field(() => Int)
  count!: number;
}

@ObjectType({ description: 'The AIR widgets of the security dashboard.' })
export class Dashboard {
  @Field(() => Date, { description: 'Counts cover investigations created at or after this instant.' })
  since!: Date;
  @Field(() => Int)
  investigations!: number;
  @Field(() => [StateCount], { description: 'Every state, zero counts included.' })
  investigationsByState!: StateCount[];
  @Field(() => [PlaybookCount])
  investigationsByPlaybook!: PlaybookCount[];
  @Field(() => Int, { description: 'Actions awaiting approval now, whenever they were recommended.' })
  pendingActions!: number;
  @Field(() => Int, { description: 'Entities found malicious by investigations in the window.' })
  threatsFound!: number;
  @Field(() => Float, { nullable: true, description: 'Mean seconds from alert to REMEDIATED; null when none was remediated.' })
  meanTimeToRemediateSeconds?: number;
}
