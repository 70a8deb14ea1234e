import { getNamedType, getNullableType, GraphQLError, isListType, type DocumentNode, type GraphQLSchema } from 'graphql';
import { createRequire } from 'node:module';
import type { ComplexityEstimator } from 'graphql-query-complexity';
import { LRUCache } from 'lru-cache';
import { AppError, badInput, ErrorCode } from '../errors.js';
import { DEFAULT_PAGE_SIZE } from './pagination.js';

/**
 * The CommonJS build: its ESM build imports `graphql/index.mjs`, a second copy of graphql beside the
 * CommonJS one that `import 'graphql'` resolves to, and refuses our schema ("from another module or realm").
 */
const { fieldExtensionsEstimator, getComplexity } = createRequire(import.meta.url)(
  'graphql-query-complexity',
) as typeof import('graphql-query-complexity');

/**
 * The cost model: about one point per value the response will hold. A field costs 1 plus what it
 * selects; a list costs its selection once per item it can hold. The item count is the page size a
 * connection will really use — a literal `first`, a variable's value, or the default page when `first`
 * is left out — so `first: $n` and an omitted `first` cost what they fetch (graphql-armor's cost rule
 * multiplied only literal `first`: one reader request of nested default pages returned 27 MB).
 *
 * Computed from the operation and its variable values after validation, not as a validation rule:
 * Apollo validates each distinct document once and caches it, while the cost changes with the variables.
 */

/** `@Field(() => [T], { complexity: listOf(n) })`: a list that never holds more than `n` items. */
export const listOf =
  (n: number): ComplexityEstimator =>
  ({ childComplexity }) =>
    1 + n * childComplexity;

/**
 * A Relay connection (`…Connection` with a `first` argument): its page size times what it selects.
 * A `first` above the maximum page size is counted as sent, so the refusal names what was asked for;
 * the resolver would refuse it anyway.
 */
const connectionEstimator: ComplexityEstimator = ({ field, args, childComplexity }) => {
  if (!getNamedType(field.type).name.endsWith('Connection') || !field.args.some((a) => a.name === 'first')) return undefined;
  const first: unknown = args.first;
  const items = typeof first === 'number' && Number.isFinite(first) ? Math.max(0, first) : DEFAULT_PAGE_SIZE;
  return 1 + items * childComplexity;
};

/** A connection's `edges`: once, as its connection already multiplied what it selects by the page size. */
const edgesEstimator: ComplexityEstimator = ({ type, field, childComplexity }) =>
  field.name === 'edges' && type.name.endsWith('Connection') ? 1 + childComplexity : undefined;

/** A list of objects that declares no bound of its own counts as one default page. */
const undeclaredListEstimator: ComplexityEstimator = ({ field, childComplexity }) =>
  isListType(getNullableType(field.type)) && childComplexity > 0 ? 1 + DEFAULT_PAGE_SIZE * childComplexity : undefined;

/**
 * `__schema` and `__type` cost one point whatever they select: their answer is bounded by the schema,
 * not by data (the full introspection query GraphiQL sends counted 347,053 through its nested lists and
 * was refused, so the explorer had no schema), and the depth, alias and response-size limits still apply.
 */
const introspectionEstimator: ComplexityEstimator = ({ field }) => (field.name === '__schema' || field.name === '__type' ? 1 : undefined);

const fieldEstimator: ComplexityEstimator = ({ childComplexity }) => 1 + childComplexity;

const estimators = [
  introspectionEstimator,
  connectionEstimator,
  edgesEstimator,
  fieldExtensionsEstimator(),
  undeclaredListEstimator,
  fieldEstimator,
];

export interface CostedOperation {
  schema: GraphQLSchema;
  /** A validated document. */
  document: DocumentNode;
  operationName?: string | null;
  variables?: Record<string, unknown> | null;
}

/**
 * The operation's cost, or the error that stops it: variables that do not coerce are refused here with
 * graphql's own message (execution would say the same).
 */
export function queryCost({ schema, document, operationName, variables }: CostedOperation): number | GraphQLError {
  try {
    return getComplexity({ schema, query: document, operationName: operationName ?? undefined, variables: variables ?? {}, estimators });
  } catch (e) {
    if (e instanceof GraphQLError) return e;
    throw e;
  }
}

const count = (n: number) => n.toLocaleString('en-US');

/** The refusal of an operation over the cost limit (undefined when it fits), for HTTP and WebSocket alike. */
export function costRefusal(operation: CostedOperation, maxCost: number): AppError | undefined {
  const cost = queryCost(operation);
  if (cost instanceof GraphQLError) return badInput(cost.message);
  if (cost <= maxCost) return undefined;
  return new AppError(
    ErrorCode.BAD_USER_INPUT,
    `query cost ${count(cost)} exceeds the limit of ${count(maxCost)}: ask for fewer items (first) or fewer nested lists`,
    { cost, maxCost },
  );
}

/**
 * `costRefusal`, remembered by query text, operation name and variables — all the cost depends on, the
 * schema and limit being fixed for a server's life. The cost walk was the largest share of a
 * subscription's set-up once documents were cached (bench:subscriptions); over HTTP the saving was within
 * the noise (bench:reads, 20k messages, CPU per request 2.03 → 2.08 ms and 3.65 → 3.53 ms on the two
 * pages), so it is kept there only as the one rule both transports share. Bounded by entries and by the
 * keys' size.
 */
export function costRefusals(schema: GraphQLSchema, maxCost: number) {
  const remembered = new LRUCache<string, { refusal: AppError | undefined }>({
    max: 1000,
    maxSize: 16 * 2 ** 20,
    sizeCalculation: (_v, key) => key.length + 1,
  });
  return (
    query: string,
    document: DocumentNode,
    operationName: string | null | undefined,
    variables: Record<string, unknown> | null | undefined,
  ): AppError | undefined => {
    const key = `${operationName ?? ''}\u0000${JSON.stringify(variables ?? {})}\u0000${query}`;
    let cost = remembered.get(key);
    if (!cost) remembered.set(key, (cost = { refusal: costRefusal({ schema, document, operationName, variables }, maxCost) }));
    return cost.refusal;
  };
}
