import type { IncomingMessage, ServerResponse } from 'node:http';
import { ApolloServer, HeaderMap, type ApolloServerPlugin, type HTTPGraphQLResponse } from '@apollo/server';
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { ApolloArmor } from '@escape.tech/graphql-armor';
import { GraphQLError, type GraphQLFormattedError, type GraphQLSchema } from 'graphql';
import type { Config } from '../config.js';
import { responseSizeRefusal } from '../common/operation-limits.js';
import { costRefusals } from '../common/query-cost.js';
import type { Authenticate } from '../auth/authenticate.js';
import { createContext, type Context, type Services } from '../context.js';
import { AppError, badInput, logUnexpected } from '../errors.js';
import type { Logger } from '../logger.js';
import type { Metrics } from '../metrics.js';
import { readBody } from './body.js';
import type { RequestScope, Route } from './request.js';
import { sendError } from './respond.js';
import { isDatabaseUnavailable, unavailableStatusPlugin } from './unavailable.js';

/**
 * graphql-armor's limits that need only the document, shared by HTTP and WebSocket operations: depth,
 * aliases, directives. Suggestions are the error formatter's (errors.ts: it also reaches variable errors,
 * which armor's validation-only plugin never sees). Its cost rule is replaced by `query-cost.ts` (it multiplied
 * only literal `first`), its token rule by graphql's own `maxTokens` at parse time (armor's throws out
 * of Apollo's parser as a 500).
 */
export function createArmor(limits: Config['limits']) {
  // The limits stay private (exposeLimits: false); the messages still say what to change.
  return new ApolloArmor({
    maxDepth: {
      n: limits.maxDepth,
      exposeLimits: false,
      flattenFragments: true,
      errorMessage: 'Query is too deep: request fewer nested levels',
    },
    maxAliases: { n: limits.maxAliases, exposeLimits: false, errorMessage: 'Query has too many aliases: split it into several requests' },
    costLimit: { enabled: false },
    maxTokens: { enabled: false },
    maxDirectives: { n: 20, exposeLimits: false, errorMessage: 'Query has too many directives' },
    blockFieldSuggestion: { enabled: false },
  }).protect();
}

/**
 * Refuses an operation over the cost limit once Apollo knows the operation and its variables (the
 * cost depends on them; validation rules run once per cached document). 400, as for armor's limits.
 */
function costLimitPlugin(maxCost: number): ApolloServerPlugin<Context> {
  let refusals: ReturnType<typeof costRefusals> | undefined;
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ schema, document, operationName, request, source }) {
          refusals ??= costRefusals(schema, maxCost);
          const refusal = refusals(source, document, operationName, request.variables);
          if (refusal) {
            throw new GraphQLError(refusal.message, {
              originalError: refusal,
              extensions: { ...refusal.extensions, http: { status: 400 } },
            });
          }
        },
      };
    },
  };
}

/**
 * A subscription sent over HTTP is refused as the client's mistake (400), naming where subscriptions
 * are served: Apollo would run it and fail with "Unexpected error.".
 */
const subscriptionsOverWebSocket: ApolloServerPlugin<Context> = {
  async requestDidStart() {
    return {
      async didResolveOperation({ operation }) {
        if (operation?.operation !== 'subscription') return;
        const refusal = badInput('subscriptions are served over WebSocket (graphql-transport-ws) on this path, not over HTTP POST');
        throw new GraphQLError(refusal.message, { originalError: refusal, extensions: { ...refusal.extensions, http: { status: 400 } } });
      },
    };
  },
};

/**
 * The request's logger learns the operation's name once Apollo has resolved it, and logs what will
 * be masked as "Unexpected error." with its stack: formatError, which masks, has no context to log with.
 */
const requestLogPlugin: ApolloServerPlugin<Context> = {
  async requestDidStart() {
    return {
      async didResolveOperation({ contextValue, operationName, operation }) {
        contextValue.log.setBindings({ operation: operationName ?? `(anonymous ${operation?.operation ?? 'operation'})` });
      },
      async didEncounterErrors({ contextValue, errors }) {
        for (const error of errors) {
          // The database's momentary absence is a degraded, self-healing state (SERVICE_UNAVAILABLE), not our bug.
          if (isDatabaseUnavailable(error)) contextValue.log.warn({ reason: error.message }, 'database unavailable');
          else logUnexpected(contextValue.log, error);
        }
      },
    };
  },
};

/** Headers whose presence proves a request went through a CORS preflight (Apollo's recommended two, and the bearer token). */
export const CSRF_PREFLIGHT_HEADERS = ['x-apollo-operation-name', 'apollo-require-preflight', 'authorization'] as const;

export interface ApolloOptions {
  schema: GraphQLSchema;
  armor: ReturnType<typeof createArmor>;
  formatError: (formatted: GraphQLFormattedError, error: unknown) => GraphQLFormattedError;
  metrics: Metrics;
  logger: Logger;
  limits: Config['limits'];
  graphql: Config['graphql'];
}

export async function startApollo({
  schema,
  armor,
  formatError,
  metrics,
  logger,
  limits,
  graphql,
}: ApolloOptions): Promise<ApolloServer<Context>> {
  const apollo = new ApolloServer<Context>({
    schema,
    formatError,
    includeStacktraceInErrorResponses: false,
    allowBatchedHttpRequests: false,
    // Off in production unless AIR_INTROSPECTION says otherwise; the "did you mean" suggestions that name
    // fields and types go with it (Apollo's hideSchemaDetailsFromClientErrors for validation, errors.ts for the rest).
    introspection: graphql.introspection,
    hideSchemaDetailsFromClientErrors: !graphql.suggestions,
    // Apollo's CSRF prevention refuses a GET (or a form-encoded POST) that would not have needed a CORS
    // preflight. A request carrying `Authorization` always needs one, and no browser attaches a bearer token
    // by itself (it can replay cached Basic credentials, but the route has already refused anything but a
    // valid Bearer token before Apollo runs: authenticate() above), so such a request is no forgery: urql's
    // default, short queries as GET, is then served. The recommended headers still count for the rest.
    csrfPrevention: { requestHeaders: [...CSRF_PREFLIGHT_HEADERS] },
    // Shutdown is ours (main.ts: HTTP, then the pool, then PostgreSQL). Apollo's own SIGINT/SIGTERM
    // handler would stop it first and re-raise the signal, leaving our ordered stop waiting.
    stopOnTerminationSignals: false,
    parseOptions: { maxTokens: limits.maxTokens },
    validationRules: armor.validationRules,
    plugins: [
      ...(armor.plugins as ApolloServerPlugin<Context>[]),
      costLimitPlugin(limits.maxCost),
      subscriptionsOverWebSocket,
      metrics.apolloPlugin,
      requestLogPlugin,
      unavailableStatusPlugin as ApolloServerPlugin<Context>,
      ApolloServerPluginLandingPageDisabled(),
      // Apollo installs its cache-control plugin by default: a `willResolveField` hook on every field of
      // every response, for `cache-control` hints this API never gives (its answers are per viewer).
      ApolloServerPluginCacheControlDisabled(),
    ],
    logger: {
      debug: (m) => logger.debug(String(m)),
      info: (m) => logger.debug(String(m)),
      warn: (m) => logger.warn(String(m)),
      error: (m) => logger.error(String(m)),
    },
  });
  await apollo.start();
  return apollo;
}

export interface GraphQLRouteDeps {
  apollo: ApolloServer<Context>;
  services: Services;
  authenticate: Authenticate;
  limits: Pick<Config['limits'], 'maxBodyBytes' | 'maxExecutionMs' | 'maxResponseBytes'>;
}

/**
 * `/graphql` over HTTP: the body is capped before parsing, the token read before Apollo runs, the
 * operation answered with DEADLINE_EXCEEDED when it runs past its deadline, and a result larger than
 * the response bound refused instead of sent.
 */
export function graphqlRoute({ apollo, services, authenticate, limits }: GraphQLRouteDeps): Route {
  return async (req: IncomingMessage, res: ServerResponse, { url, log }: RequestScope) => {
    let rawBody = '';
    let context: Context;
    try {
      if (req.method === 'POST') rawBody = await readBody(req, limits.maxBodyBytes);
      const viewer = await authenticate(req.headers.authorization);
      log.setBindings({ tenant: viewer.tenantId });
      context = createContext(services, viewer, log);
    } catch (e) {
      if (e instanceof AppError) return sendError(res, e);
      throw e;
    }
    let body: unknown = undefined;
    const contentType = req.headers['content-type'] ?? '';
    if (req.method === 'POST' && contentType.includes('application/json')) {
      try {
        body = rawBody === '' ? undefined : JSON.parse(rawBody);
      } catch {
        return sendError(res, badInput('request body is not valid JSON'));
      }
    } else if (req.method === 'POST') {
      body = rawBody;
    }
    const headers = new HeaderMap();
    for (const [key, value] of Object.entries(req.headers)) {
      if (value !== undefined) headers.set(key, Array.isArray(value) ? value.join(', ') : value);
    }
    let result: HTTPGraphQLResponse;
    try {
      result = await context.deadline.run(limits.maxExecutionMs, () =>
        apollo.executeHTTPGraphQLRequest({
          httpGraphQLRequest: { method: req.method ?? 'GET', headers, search: url.search, body },
          context: async () => context,
        }),
      );
    } catch (e) {
      if (e instanceof AppError) return sendError(res, e);
      throw e;
    }
    if (result.body.kind === 'complete') {
      const tooLarge = responseSizeRefusal(Buffer.byteLength(result.body.string), limits.maxResponseBytes);
      if (tooLarge) return sendError(res, tooLarge);
    }
    for (const [key, value] of result.headers) {
      // Apollo's `vary` joins the one CORS set (Origin) rather than replacing it.
      const before = key === 'vary' ? res.getHeader('vary') : undefined;
      res.setHeader(key, before === undefined ? value : `${String(before)}, ${value}`);
    }
    res.statusCode = result.status ?? 200;
    if (result.body.kind === 'complete') {
      res.end(result.body.string);
    } else {
      for await (const chunk of result.body.asyncIterator) res.write(chunk);
      res.end();
    }
  };
}
