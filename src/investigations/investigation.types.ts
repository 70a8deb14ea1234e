import { Field, Float, InputType, Int, ObjectType, ArgsType } from 'type-graphql';
import { ConnectionType, PageArgs } from '../common/pagination.js';
import { Verdict } from '../domain/telemetry.js';
import { EmailMessage } from '../telemetry/email-message.entity.js';
import { EntityKind, InvestigationState, Phase, Playbook } from '../domain/investigation.js';
import { Investigation } from './investigation.entity.js';
import { InvestigatedEntity } from './investigated-entity.entity.js';
import { EmailCluster, EmailClusterMember } from './email-cluster.entity.js';
import { Alert } from '../alerts/alert.entity.js';
import { Action } from '../actions/action.entity.js';
import { listOf } from '../common/query-cost.js';

/** Past this many nodes the graph page points to the entity tabs instead of drawing everything. */
export const GRAPH_NODE_LIMIT = 500;
/** Edges read for one graph. */
export const GRAPH_EDGE_LIMIT = GRAPH_NODE_LIMIT * 4;

@InputType({ description: 'Filters of the main investigation page. Omitted fields do not filter.' })
export class InvestigationFilter {
  @Field(() => [InvestigationState], { nullable: true })
  states?: InvestigationState[];

  @Field(() => [Playbook], { nullable: true })
  playbooks?: Playbook[];

  @Field(() => Date, { nullable: true, description: 'Created at or after this instant.' })
  createdAfter?: Date;

  @Field(() => Date, { nullable: true, description: 'Created strictly before this instant.' })
  createdBefore?: Date;
}

@ArgsType()
export class InvestigationsArgs extends PageArgs {
  @Field(() => InvestigationFilter, { nullable: true })
  filter?: InvestigationFilter;
}

@ArgsType()
export class EntitiesArgs extends PageArgs {
  @Field(() => [EntityKind], { nullable: true })
  kinds?: EntityKind[];

  @Field(() => [Verdict], { nullable: true })
  verdicts?: Verdict[];
}

@ObjectType({ description: 'How long one phase took.' })
export class PhaseTiming {
  @Field(() => Phase)
  phase!: Phase;
  @Field(() => Date, { nullable: true })
  startedAt?: Date;
  @Field(() => Date, { nullable: true })
  endedAt?: Date;
  @Field(() => Float, { nullable: true, description: 'Seconds; null while the phase has not ended.' })
  durationSeconds?: number;
}

@ObjectType({ description: 'The investigation summary timings of the graph page.' })
export class InvestigationTimings {
  @Field(() => [PhaseTiming], { complexity: listOf(Object.keys(Phase).length) })
  phases!: PhaseTiming[];
  @Field(() => Float, { nullable: true, description: 'Seconds from creation to the end; null while running.' })
  totalSeconds?: number;
  @Field(() => Float, { nullable: true, description: 'Seconds from creation to the start of work (queueing, throttling).' })
  queuedSeconds?: number;
}

@ObjectType()
export class GraphNode {
  @Field(() => String, { description: 'The entity or email cluster id.' })
  id!: string;
  @Field(() => EntityKind)
  kind!: EntityKind;
  @Field(() => String)
  label!: string;
  @Field(() => Verdict)
  verdict!: Verdict;
}

@ObjectType()
export class GraphLink {
  @Field(() => String)
  from!: string;
  @Field(() => String)
  to!: string;
  @Field(() => String)
  relation!: string;
}

@ObjectType({ description: 'Everything the investigation touched and how it connects, for the graph page.' })
export class InvestigationGraph {
  @Field(() => [GraphNode], { complexity: listOf(GRAPH_NODE_LIMIT) })
  nodes!: GraphNode[];
  @Field(() => [GraphLink], { complexity: listOf(GRAPH_EDGE_LIMIT) })
  edges!: GraphLink[];
  @Field(() => Boolean, { description: 'True when the graph was cut at its node limit; use the entity tabs for the rest.' })
  truncated!: boolean;
}

@ObjectType({ description: 'Counts by verdict.' })
export class VerdictCount {
  @Field(() => Verdict)
  verdict!: Verdict;
  @Field(() => Int)
  count!: number;
}

export const InvestigationConnection = ConnectionType(Investigation, 'Investigation');
export const InvestigationEntityConnection = ConnectionType(InvestigatedEntity, 'InvestigationEntity');
export const EmailClusterConnection = ConnectionType(EmailCluster, 'EmailCluster');
export const EmailMessageConnection = ConnectionType(EmailMessage, 'EmailMessage');
export const ClusterMemberConnection = ConnectionType(EmailClusterMember, 'ClusterMember');

@ArgsType()
export class ClusterMembersArgs extends PageArgs {
  @Field(() => [Verdict], { nullable: true, description: 'Only members with one of these verdicts.' })
  verdicts?: Verdict[];
}
export const AlertConnection = ConnectionType(Alert, 'Alert');
export const ActionConnection = ConnectionType(Action, 'Action');
