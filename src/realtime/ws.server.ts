import type http from 'node:http';
import {
  createSourceEventStream,
  execute,
  getOperationAST,
  GraphQLError,
  parse,
  specifiedRules,
  validate,
  visit,
  type DocumentNode,
  type ExecutionArgs,
  type ExecutionResult,
  type GraphQLFormattedError,
  type GraphQLSchema,
  type ValidationRule,
} from 'graphql';
import { CloseCode } from 'graphql-ws';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer, type WebSocket } from 'ws';
import type { Config } from '../config.js';
import type { Authenticate } from '../auth/authenticate.js';
import { hasAnyRole, type Viewer } from '../auth/viewer.js';
import { READ_ROLES } from '../domain/role.js';
import { createContext, type Context, type Services } from '../context.js';
import { AppError, coerceError, forbidden, logUnexpected } from '../errors.js';
import { responseSizeRefusal } from '../common/operation-limits.js';
import { costRefusal } from '../common/query-cost.js';
import { requestIdOf } from '../http/request.js';
import { requestLogger, type Logger } from '../logger.js';
import { EventObjects } from './event-objects.service.js';

export interface GraphQLWsDeps {
  httpServer: http.Server;
  /** The served schema (shield applied). */
  schema: GraphQLSchema;
  services: Required<Services>;
  authenticate: Authenticate;
  config: Config;
  /** The document limits HTTP applies (graphql-armor's validation rules); cost, deadline and size come from `config.limits`. */
  validationRules: readonly ValidationRule[];
  formatError: (formatted: GraphQLFormattedError, error: unknown) => GraphQLFormattedError;
  logger: Logger;
}

export interface GraphQLWsServer {
  /** Sockets open now. */
  readonly connections: number;
  close(): Promise<void>;
}

interface Extra extends Record<PropertyKey, unknown> {
  readonly socket: WebSocket;
  readonly request: http.IncomingMessage;
  viewer?: Viewer;
  expiry?: NodeJS.Timeout;
  /** The socket's logger: the upgrade request's id, then the tenant once authenticated. */
  log?: Logger;
}

/** The socket's logger, made on first use (graphql-ws gives no hook before onConnect). */
function socketLog(extra: Extra, root: Logger): Logger {
  extra.log ??= requestLogger(root, requestIdOf(extra.request)).child({ transport: 'ws' });
  return extra.log;
}

/** A close reason is at most 123 bytes (RFC 6455 §5.5). */
const closeReason = (text: string) => (Buffer.byteLength(text) <= 123 ? text : Buffer.from(text).subarray(0, 120).toString('utf8') + '…');
/** setTimeout's longest delay (about 24.8 days); a later expiry is re-armed. */
const MAX_TIMER_MS = 2 ** 31 - 1;

function armExpiry(extra: Extra, viewer: Viewer) {
  const ms = viewer.expiresAt * 1000 - Date.now();
  extra.expiry = setTimeout(
    () => (ms > MAX_TIMER_MS ? armExpiry(extra, viewer) : extra.socket.close(CloseCode.Unauthorized, 'Not authenticated: token expired')),
    Math.max(0, Math.min(ms, MAX_TIMER_MS)),
  );
  extra.expiry.unref();
}

/** The client's input was wrong (syntax, validation, a query limit): the formatter reports BAD_USER_INPUT. */
const requestError = (e: GraphQLError) =>
  new GraphQLError(e.message, {
    nodes: e.nodes,
    source: e.source,
    positions: e.positions,
    extensions: { code: 'GRAPHQL_VALIDATION_FAILED' },
  });

/**
 * Whether an operation's result can depend on its variables below its root fields (a nested field
 * argument or a directive). When it cannot, every subscriber with the same document gets the same
 * bytes for an event, whatever its root arguments (investigation id, after) are.
 */
function variablesReachBelowRoot(document: DocumentNode): boolean {
  let depth = 0;
  let reaches = false;
  visit(document, {
    SelectionSet: { enter: () => void depth++, leave: () => void depth-- },
    Field(node) {
      if (depth > 1 && node.arguments?.length) reaches = true;
    },
    Directive() {
      reaches = true;
    },
    FragmentDefinition() {
      // Fragments may be spread at the root or below: be conservative.
      reaches = true;
    },
  });
  return reaches;
}

/**
 * Executes each event once per node per operation shape (document, operation name, and the
 * variables only when they can change the result), not once per socket: with 10,000 sockets on one
 * investigation, the field resolvers, shield's rules and the result object are shared. Keyed weakly
 * by the event object the outbox reader shares, so results go when the event does. A stream's end
 * (an error for one subscriber) is its own object and never shared.
 */
const sharedResults = new WeakMap<object, Map<string, Promise<ExecutionResult> | ExecutionResult>>();
function executeShared(args: ExecutionArgs, payload: unknown, key: string) {
  if (typeof payload !== 'object' || payload === null || !('cursor' in payload)) return execute({ ...args, rootValue: payload });
  let byShape = sharedResults.get(payload);
  if (!byShape) sharedResults.set(payload, (byShape = new Map()));
  let result = byShape.get(key);
  if (!result) {
    result = execute({ ...args, rootValue: payload, contextValue: contextPerEvent(args.contextValue as Context) });
    byShape.set(key, result);
  }
  return result;
}

/**
 * A fresh EntityManager fork and loaders for each event a subscription executes: the operation's own
 * would answer later events from what it cached for earlier ones (an investigation's log steps as
 * they were at the first event), and a normalised client cache would be patched with stale objects.
 */
function contextPerEvent(ctx: Context): Context {
  return createContext(ctx.services, ctx.viewer, ctx.log);
}

/** Map a source stream without an async generator: return() must reach the source at once, not after its next event. */
function mapStream<T, R>(source: AsyncIterator<T>, fn: (value: T) => R | Promise<R>): AsyncGenerator<R> {
  const iterator: AsyncGenerator<R> = {
    async next() {
      const r = await source.next();
      return r.done ? { value: undefined, done: true } : { value: await fn(r.value), done: false };
    },
    async return() {
      await source.return?.();
      return { value: undefined, done: true };
    },
    async throw(e: unknown) {
      await source.return?.();
      throw e;
    },
    [Symbol.asyncIterator]() {
      return iterator;
    },
    async [Symbol.asyncDispose]() {
      await source.return?.();
    },
  };
  return iterator;
}

async function subscribeShared(args: ExecutionArgs) {
  const source = await createSourceEventStream(args);
  if (!(Symbol.asyncIterator in source)) return source;
  const operation = getOperationAST(args.document, args.operationName);
  const body = args.document.loc?.source.body ?? '';
  const key =
    `${args.operationName ?? ''}\u0000${operation?.name?.value ?? ''}\u0000${body}` +
    (variablesReachBelowRoot(args.document) ? `\u0000${JSON.stringify(args.variableValues ?? {})}` : '');
  return mapStream(source[Symbol.asyncIterator](), (payload) => executeShared(args, payload, key));
}

/**
 * The JSON size of a result, measured once per result object: subscribers of one operation shape
 * share it (executeShared), so 10,000 sockets do not serialise it 10,000 more times to measure it.
 */
const sizes = new WeakMap<object, number>();
function serialisedSize(result: ExecutionResult): number {
  let size = sizes.get(result);
  if (size === undefined) sizes.set(result, (size = Buffer.byteLength(JSON.stringify(result))));
  return size;
}

/**
 * graphql-ws on the HTTP server's port and path. The bearer token comes in `connection_init`
 * (`{ authorization: "Bearer …" }`); without a valid one the socket closes with 4401 before any
 * operation runs, and it closes with 4401 when the token expires. Every operation passes the same
 * query limits as HTTP, runs against the shielded schema, and gets its own context (one
 * EntityManager fork per operation).
 */
export function attachGraphQLWs(deps: GraphQLWsDeps): GraphQLWsServer {
  const { config, schema, services, authenticate, logger, formatError } = deps;
  const { limits } = config;
  // Every event carries the object it changed, loaded once per batch on this node for all its subscribers.
  services.events.attachObjects(new EventObjects(services.orm));
  const rules = [...specifiedRules, ...deps.validationRules];
  const wss = new WebSocketServer({ server: deps.httpServer, path: '/graphql', maxPayload: config.limits.maxBodyBytes });

  useServer<Record<string, unknown>, Extra>(
    {
      schema,
      async onConnect(ctx) {
        const params = ctx.connectionParams ?? {};
        const header = params.authorization ?? params.Authorization;
        const log = socketLog(ctx.extra, logger);
        try {
          const viewer = await authenticate(typeof header === 'string' ? header : undefined);
          ctx.extra.viewer = viewer;
          log.setBindings({ tenant: viewer.tenantId });
          log.info('socket opened');
          armExpiry(ctx.extra, viewer);
          return true;
        } catch (e) {
          if (e instanceof AppError) log.info({ reason: e.message }, 'socket refused');
          else log.error({ err: coerceError(e) }, 'WebSocket authentication failed');
          const reason = e instanceof AppError ? e.message : 'Not authenticated';
          // 4401 rather than graphql-ws's 4403 for `false`: the client should fetch a token, not give up.
          ctx.extra.socket.close(CloseCode.Unauthorized, closeReason(reason));
          return false;
        }
      },
      onClose(ctx, code, reason) {
        clearTimeout(ctx.extra.expiry);
        // Closing is how a WebSocket conversation ends, whoever ends it: no error, and no stack.
        socketLog(ctx.extra, logger).info({ code, reason: reason || undefined }, 'socket closed');
      },
      onSubscribe(ctx, id, payload) {
        const viewer = ctx.extra.viewer!;
        let document: DocumentNode;
        try {
          document = parse(payload.query, { maxTokens: limits.maxTokens });
        } catch (e) {
          const error = e instanceof GraphQLError ? e : new GraphQLError(coerceError(e).message);
          return [requestError(error)];
        }
        const errors = validate(schema, document, rules);
        if (errors.length) return errors.map(requestError);
        const operation = getOperationAST(document, payload.operationName);
        if (!operation) return [requestError(new GraphQLError('Unable to identify the operation: name one with operationName'))];
        const tooCostly = costRefusal(
          { schema, document, operationName: payload.operationName, variables: payload.variables },
          limits.maxCost,
        );
        if (tooCostly) return [tooCostly];
        if (operation.operation === 'subscription' && !hasAnyRole(viewer, READ_ROLES)) {
          return [forbidden('Watching investigations needs a security role')];
        }
        const log = socketLog(ctx.extra, logger).child({
          operation: operation.name?.value ?? `(anonymous ${operation.operation})`,
          opId: id,
        });
        log.debug('operation started');
        return {
          schema,
          document,
          operationName: payload.operationName,
          variableValues: payload.variables,
          contextValue: createContext(services, viewer, log),
        };
      },
      // Queries and mutations run under the operation's deadline; a subscription's stream has none.
      async execute(args) {
        try {
          return await (args.contextValue as Context).deadline.run(limits.maxExecutionMs, async () => execute(args));
        } catch (e) {
          if (e instanceof AppError) return { errors: [e] };
          throw e;
        }
      },
      subscribe: subscribeShared,
      onNext(_ctx, _id, _payload, args, result) {
        const tooLarge = responseSizeRefusal(serialisedSize(result), limits.maxResponseBytes);
        if (tooLarge) return { errors: [formatError(tooLarge.toJSON(), tooLarge)] };
        if (!result.errors?.length) return undefined;
        for (const e of result.errors) logUnexpected((args.contextValue as Context).log, e);
        return { ...result, errors: result.errors.map((e) => formatError(e.toJSON(), e)) };
      },
      onError(ctx, id, payload, errors) {
        const log = socketLog(ctx.extra, logger).child({ operation: payload.operationName ?? undefined, opId: id });
        // Suggestions ("did you mean") are cut by the formatter when the configuration hides them, as over HTTP.
        return errors.map((e) => {
          logUnexpected(log, e);
          return formatError(e.toJSON(), e);
        });
      },
    },
    wss,
    config.realtime.keepAliveMs,
  );
  wss.on('error', (err) => logger.error({ err }, 'WebSocket server error'));

  return {
    get connections() {
      return wss.clients.size;
    },
    async close() {
      for (const socket of wss.clients) socket.close(1001, 'Going away');
      // A client that does not finish the closing handshake promptly is cut off.
      const deadline = setTimeout(() => {
        for (const socket of wss.clients) socket.terminate();
      }, 1000);
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      clearTimeout(deadline);
    },
  };
}
