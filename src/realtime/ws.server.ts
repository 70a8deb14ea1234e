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
import { LRUCache } from 'lru-cache';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer, type WebSocket } from 'ws';
import type { Config } from '../config.js';
import type { Authenticate } from '../auth/authenticate.js';
import { hasAnyRole, type Viewer } from '../auth/viewer.js';
import { READ_ROLES } from '../domain/role.js';
import { createContext, type Context, type Services } from '../context.js';
import { AppError, coerceError, forbidden, logUnexpected } from '../errors.js';
import { responseSizeRefusal } from '../common/operation-limits.js';
import { costRefusals } from '../common/query-cost.js';
import { requestIdOf } from '../http/request.js';
import type { Logger } from '../logger.js';
import { ExpiryWheel, keepAlive } from './ws.liveness.js';
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
  /** The upgrade request: let go once the socket is authenticated (below). */
  readonly request: http.IncomingMessage;
  viewer?: Viewer;
  /** The upgrade request's id, which every line of the socket carries. */
  reqId?: string;
  /** A logger for the socket, made only when an operation or a failure needs one. */
  log?: Logger;
}

/** What every line about a socket carries: the upgrade request's id, then the tenant once authenticated. */
function socketBindings(extra: Extra) {
  extra.reqId ??= requestIdOf(extra.request);
  return { reqId: extra.reqId, transport: 'ws', ...(extra.viewer ? { tenant: extra.viewer.tenantId } : {}) };
}

/**
 * The socket's logger, made on first use. The opening and closing lines are written through the root
 * logger with the same bindings instead: a child logger per socket was kept for the socket's life.
 */
function socketLog(extra: Extra, root: Logger): Logger {
  extra.log ??= root.child(socketBindings(extra));
  return extra.log;
}

/** A close reason is at most 123 bytes (RFC 6455 §5.5). */
const closeReason = (text: string) => (Buffer.byteLength(text) <= 123 ? text : Buffer.from(text).subarray(0, 120).toString('utf8') + '…');

/** The client's input was wrong (syntax, validation, a query limit): the formatter reports BAD_USER_INPUT. */
const requestError = (e: GraphQLError) =>
  new GraphQLError(e.message, {
    nodes: e.nodes,
    source: e.source,
    positions: e.positions,
    extensions: { code: 'GRAPHQL_VALIDATION_FAILED' },
  });

/** What subscribeShared needs of a prepared document: its text and whether variables shape its result. */
const shapes = new WeakMap<DocumentNode, { shapeKey: string; variablesShape: boolean; keys?: Map<string, string> }>();

/** A subscribe message's document, parsed and validated; or why it cannot run. */
type Prepared =
  | {
      readonly document: DocumentNode;
      readonly errors?: undefined;
      readonly shapeKey: string;
      readonly variablesShape: boolean;
      keys?: Map<string, string>;
    }
  | { readonly errors: readonly GraphQLError[] };

/**
 * Documents already parsed and validated, by their text, as Apollo caches them over HTTP. Dashboards
 * send a handful of documents over thousands of sockets: parsing and validating each one again was
 * most of a subscription's set-up CPU, and each socket held its own copy of the same syntax tree.
 * Validation depends only on the document, the schema and the rules, all fixed for the server's life.
 */
function documentCache(schema: GraphQLSchema, rules: readonly ValidationRule[], maxTokens: number) {
  const cache = new LRUCache<string, Prepared>({ max: 1000, maxSize: 16 * 2 ** 20, sizeCalculation: (_v, query) => query.length + 1 });
  return (query: string): Prepared => {
    let prepared = cache.get(query);
    if (prepared) return prepared;
    let document: DocumentNode | undefined;
    try {
      document = parse(query, { maxTokens });
    } catch (e) {
      prepared = { errors: [requestError(e instanceof GraphQLError ? e : new GraphQLError(coerceError(e).message))] };
    }
    if (document) {
      const errors = validate(schema, document, rules);
      if (errors.length) prepared = { errors: errors.map(requestError) };
      else {
        prepared = { document, shapeKey: query, variablesShape: variablesReachBelowRoot(document) };
        shapes.set(document, prepared);
      }
    }
    cache.set(query, prepared!);
    return prepared!;
  };
}

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
  const shape = shapes.get(args.document);
  const body = shape?.shapeKey ?? args.document.loc?.source.body ?? '';
  const variablesShape = shape?.variablesShape ?? variablesReachBelowRoot(args.document);
  // Without variables in it, the key is the same string for every socket of the document: kept once.
  let key = `${args.operationName ?? ''}\u0000${body}`;
  if (variablesShape) key += `\u0000${JSON.stringify(args.variableValues ?? {})}`;
  else if (shape) key = (shape.keys ??= new Map()).get(key) ?? (shape.keys.set(key, key), key);
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
  const prepare = documentCache(schema, [...specifiedRules, ...deps.validationRules], limits.maxTokens);
  const costOf = costRefusals(schema, limits.maxCost);
  const expiries = new ExpiryWheel((socket) => socket.close(CloseCode.Unauthorized, 'Not authenticated: token expired'));
  const wss = new WebSocketServer({ server: deps.httpServer, path: '/graphql', maxPayload: config.limits.maxBodyBytes });

  useServer<Record<string, unknown>, Extra>(
    {
      schema,
      async onConnect(ctx) {
        const params = ctx.connectionParams ?? {};
        const header = params.authorization ?? params.Authorization;
        try {
          const viewer = await authenticate(typeof header === 'string' ? header : undefined);
          ctx.extra.viewer = viewer;
          logger.info(socketBindings(ctx.extra), 'socket opened');
          expiries.add(ctx.extra.socket, viewer.expiresAt);
          // Nothing reads the upgrade request or the connection parameters again: held for the
          // socket's life they were about 1.5 KB of each socket (its headers, the bearer token).
          (ctx.extra as { request?: unknown }).request = undefined;
          (ctx as { connectionParams?: unknown }).connectionParams = undefined;
          return true;
        } catch (e) {
          const log = socketLog(ctx.extra, logger);
          if (e instanceof AppError) log.info({ reason: e.message }, 'socket refused');
          else log.error({ err: coerceError(e) }, 'WebSocket authentication failed');
          const reason = e instanceof AppError ? e.message : 'Not authenticated';
          // 4401 rather than graphql-ws's 4403 for `false`: the client should fetch a token, not give up.
          ctx.extra.socket.close(CloseCode.Unauthorized, closeReason(reason));
          return false;
        }
      },
      onClose(ctx, code, reason) {
        if (ctx.extra.viewer) expiries.remove(ctx.extra.socket, ctx.extra.viewer.expiresAt);
        // Closing is how a WebSocket conversation ends, whoever ends it: no error, and no stack.
        logger.info({ ...socketBindings(ctx.extra), code, reason: reason || undefined }, 'socket closed');
      },
      onSubscribe(ctx, id, payload) {
        const viewer = ctx.extra.viewer!;
        const prepared = prepare(payload.query);
        if (prepared.errors) return [...prepared.errors];
        const { document } = prepared;
        const operation = getOperationAST(document, payload.operationName);
        if (!operation) return [requestError(new GraphQLError('Unable to identify the operation: name one with operationName'))];
        const tooCostly = costOf(payload.query, document, payload.operationName, payload.variables);
        if (tooCostly) return [tooCostly];
        if (operation.operation === 'subscription' && !hasAnyRole(viewer, READ_ROLES)) {
          return [forbidden('Watching investigations needs a security role')];
        }
        // The operation's logger is made when something logs: most subscriptions never do.
        const operationLog = () =>
          socketLog(ctx.extra, logger).child({ operation: operation.name?.value ?? `(anonymous ${operation.operation})`, opId: id });
        if (logger.isLevelEnabled('debug')) operationLog().debug('operation started');
        return {
          schema,
          document,
          operationName: payload.operationName,
          variableValues: payload.variables,
          contextValue: createContext(services, viewer, operationLog),
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
    // Keep-alive is ours (ws.liveness.ts): one timer for every socket instead of two per socket.
    0,
  );
  const stopKeepAlive = keepAlive(wss, config.realtime.keepAliveMs);
  wss.on('error', (err) => logger.error({ err }, 'WebSocket server error'));

  return {
    get connections() {
      return wss.clients.size;
    },
    async close() {
      stopKeepAlive();
      expiries.stop();
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
