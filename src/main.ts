/** Process entry: config → database → server; SIGINT/SIGTERM/SIGHUP → ordered stop. Nothing imports this file. */
import { bootstrap } from './app.js';
import { ConfigError, loadConfig } from './config.js';
import { coerceError } from './errors.js';
import { createLogger } from './logger.js';
import { PortInUseError } from './http/port.js';
import { Role } from './domain/role.js';

const DEMO_TOKEN_TTL_SECONDS = 12 * 3600;

let config;
try {
  config = loadConfig();
} catch (e) {
  if (e instanceof ConfigError) {
    console.error(`configuration error: ${e.message}`);
    process.exit(2);
  }
  throw e;
}

// The one root logger: JSON lines in production, pretty ones in development (JSON where pino-pretty is absent).
const logger = createLogger({ level: config.logLevel, pretty: config.env === 'development' });

const starting = bootstrap(config, logger).catch((e: unknown) => {
  // A taken port is the operator's to fix, and the message says how: no stack trace.
  if (e instanceof PortInUseError) logger.fatal(`AIR server cannot start: ${e.message}`);
  else logger.fatal({ err: coerceError(e) }, 'AIR server failed to start');
  process.exit(1);
});

let stopping = false;
async function shutdown(signal: string) {
  if (stopping) return;
  stopping = true;
  logger.info({ signal }, 'stopping');
  const force = setTimeout(() => {
    logger.error('shutdown took longer than 20 s; exiting');
    process.exit(1);
  }, 20_000);
  force.unref();
  // A signal during start-up stops what has started once it has (a half-made app has nothing to stop in order).
  await (await starting).stop();
  logger.info('stopped');
  process.exit(0);
}
// Listening from the first moment: until a listener exists, SIGINT's default action kills the process at
// once (the lifecycle test sent Ctrl-C right after "ready" and, on a loaded machine, beat the listener).
// The embedded PostgreSQL runs in its own process group (src/db/embedded.ts): a terminal's Ctrl-C, or its
// closing (SIGHUP), reaches only this process, which stops PostgreSQL last.
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => void shutdown(signal));

const app = await starting;

logger.info({ url: app.url }, `AIR server ready at ${app.url}`);
// Demo tokens are a development convenience: in production they would be credentials signed with the
// production key, printed into whatever collects the logs. There `npm run token` issues one on request.
if (app.signer && config.demo && config.env !== 'production') {
  const admin = await app.signer.sign({
    sub: 'demo-admin',
    tenant: 'demo',
    roles: [Role.SECURITY_ADMIN],
    ttlSeconds: DEMO_TOKEN_TTL_SECONDS,
  });
  const reader = await app.signer.sign({
    sub: 'demo-reader',
    tenant: 'demo',
    roles: [Role.SECURITY_READER],
    ttlSeconds: DEMO_TOKEN_TTL_SECONDS,
  });
  console.log(`\nTokens for the demo tenant (valid ${DEMO_TOKEN_TTL_SECONDS / 3600} h; more with npm run token):`);
  console.log(`  SECURITY_ADMIN:  ${admin}`);
  console.log(`  SECURITY_READER: ${reader}`);
  console.log(`\nTry: curl -s ${app.url} -H "authorization: Bearer $TOKEN" -H 'content-type: application/json' \\`);
  console.log(`       -d '{"query":"{ investigations(first: 5) { edges { node { id playbook state title } } } }"}'`);
}
