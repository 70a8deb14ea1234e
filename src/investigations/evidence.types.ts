import { Field, Float, ObjectType } from 'type-graphql';
import { Signal, type Evidence as EvidenceFacts } from '../domain/evidence.js';

@ObjectType({ description: 'One piece of evidence behind a verdict: the signal, its weight, and what exactly was seen.' })
export class Evidence implements EvidenceFacts {
  @Field(() => Signal)
  signal!: Signal;
  @Field(() => Float, {
    description: 'What it adds to the verdict: the verdict is MALICIOUS from 1.0, SUSPICIOUS from 0.5; negative is evidence of legitimacy.',
  })
  weight!: number;
  @Field(() => String, {
    description: 'One line for the analyst, e.g. "Reply-To is on another domain (gmail.com) than From (contoso-billing.com)".',
  })
  detail!: string;
}
