/** Process entry: config → database → server; SIGINT/SIGTERM → ordered stop. Nothing imports this file. */
import { bootstrap } from './app.js';
import { ConfigError, loadConfig } from './config.js';
import { coerceError } from './errors.js';
import { createLogger } from './logger.js';
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

const app = await bootstrap(config, logger).catch((e: unknown) => {
  logger.fatal({ err: coerceError(e) }, 'AIR server failed to start');
  process.exit(1);
});

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
  await app.stop();
  logger.info('stopped');
  process.exit(0);
}
process.on('SIGINT', () => void shutdown('SIGINT'));
process.on('SIGTERM', () => void shutdown('SIGTERM'));
