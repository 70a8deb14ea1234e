import { ArgsType, Field, InputType } from 'type-graphql';
import { ConnectionType, PageArgs } from '../common/pagination.js';
import { AnalystVerdictKind } from '../domain/analyst-verdict.js';
import { Verdict } from '../domain/telemetry.js';
import { AnalystVerdict } from './analyst-verdict.entity.js';

@InputType({ description: "An analyst's verdict: what is judged, and how." })
export class AnalystVerdictInput {
  @Field(() => AnalystVerdictKind)
  kind!: AnalystVerdictKind;
  @Field(() => String, {
    description:
      'A message’s ingested `id`, a sender address, an http(s) URL, a host name, a SHA-256 or an IP address. Normalised as investigations compare it.',
  })
  value!: string;
  @Field(() => Verdict, { description: 'MALICIOUS, SUSPICIOUS or CLEAN. A later verdict on the same value replaces this one.' })
  verdict!: Verdict;
  @Field(() => String, { nullable: true, description: 'Why; kept with the verdict and in the audit trail.' })
  comment?: string;
}

@InputType({ description: 'Filters of the analyst verdict list. Omitted fields do not filter.' })
export class AnalystVerdictFilter {
  @Field(() => [AnalystVerdictKind], { nullable: true })
  kinds?: AnalystVerdictKind[];
  @Field(() => [Verdict], { nullable: true })
  verdicts?: Verdict[];
  @Field(() => String, {
    nullable: true,
    description: 'Exactly this value: normalised like the input when `kinds` names one kind, else compared as given.',
  })
  value?: string;
}

@ArgsType()
export class AnalystVerdictsArgs extends PageArgs {
  @Field(() => AnalystVerdictFilter, { nullable: true })
  filter?: AnalystVerdictFilter;
}

export const AnalystVerdictConnection = ConnectionType(AnalystVerdict, 'AnalystVerdict');
