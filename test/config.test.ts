import { ConfigError, loadConfig } from '../src/config.js';

test('defaults', () => {
  const c = loadConfig({});
  expect(c).toMatchObject({ env: 'development', port: 4000, demo: true, databaseUrl: undefined, embeddedPgPort: 54329 });
  expect(c.dataDir).toMatch(/\.air$/);
  expect(Object.isFrozen(c)).toBe(true);
  expect(c.logLevel).toBe('info');
  expect(loadConfig({ AIR_LOG_LEVEL: 'Debug' }).logLevel).toBe('debug');
});

test.each([
  [{ PORT: 'eighty' }, /PORT must be an integer between 0 and 65535, but got 'eighty'/],
  [{ PORT: '70000' }, /PORT must be an integer/],
  [{ AIR_DEMO: 'maybe' }, /AIR_DEMO must be 1\/0/],
  [{ NODE_ENV: 'staging' }, /NODE_ENV must be development, production or test/],
  [{ DATABASE_URL: 'mysql://x' }, /DATABASE_URL must start with postgres/],
  [{ AIR_JWT_SECRET: 'short' }, /at least 32 characters/],
  [{ AIR_OIDC_ISSUER: 'https://idp.example' }, /AIR_OIDC_AUDIENCE is required/],
  [{ NODE_ENV: 'production' }, /production needs AIR_OIDC_ISSUER/],
  [{ AIR_LOG_LEVEL: 'verbose' }, /AIR_LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent, but got 'verbose'/],
])('%j fails fast: %s', (env, message) => {
  expect(() => loadConfig(env)).toThrow(ConfigError);
  expect(() => loadConfig(env)).toThrow(message);
});
