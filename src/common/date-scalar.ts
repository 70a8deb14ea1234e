import { GraphQLScalarType, Kind, print } from 'graphql';
import { GraphQLDateTimeISO } from 'graphql-scalars';
import { describe, parseInstant } from '../domain/input.js';

const EXPECTED = 'an ISO 8601 date-time with a zone, years 0001–9999 (2026-01-31T09:30:00Z)';

function parse(value: unknown, shown: string): Date {
  const date = typeof value === 'string' ? parseInstant(value) : undefined;
  // A plain error, not a GraphQLError: graphql-js then prefixes where it was (`Variable "$since" got invalid
  // value …`, `Expected value of type "DateTimeISO", found …`), so the message names the argument.
  if (!date) throw new TypeError(`expects ${EXPECTED}, but got ${shown}`);
  return date;
}

/**
 * `DateTimeISO`, type-graphql's scalar for `Date` (graphql-scalars'), with the strict parsing of every
 * other door (domain/input.ts): graphql-scalars took year 0, which PostgreSQL does not have, and the query
 * then failed as "Unexpected error."; a variable or literal outside years 0001–9999, a day that does not
 * exist (2026-02-30) or a time without its zone is the client's BAD_USER_INPUT instead. Output is unchanged.
 */
export const DateTimeScalar = new GraphQLScalarType<Date, string>({
  name: 'DateTimeISO',
  description: GraphQLDateTimeISO.description,
  serialize: (value) => GraphQLDateTimeISO.serialize(value) as string,
  parseValue: (value) => parse(value, describe(value)),
  parseLiteral: (ast) => parse(ast.kind === Kind.STRING ? ast.value : undefined, print(ast)),
});
