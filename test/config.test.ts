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
  [{ AIR_METRICS_TOKEN: 'short' }, /AIR_METRICS_TOKEN must be at least 16 characters/],
  [{ AIR_METRICS_PORT: 'ninety' }, /AIR_METRICS_PORT must be an integer between 0 and 65535/],
  [{ AIR_INTROSPECTION: 'sometimes' }, /AIR_INTROSPECTION must be 1\/0/],
  [{ AIR_LOG_LEVEL: 'verbose' }, /AIR_LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent, but got 'verbose'/],
])('%j fails fast: %s', (env, message) => {
  expect(() => loadConfig(env)).toThrow(ConfigError);
  expect(() => loadConfig(env)).toThrow(message);
});

test('production changes the defaults that would expose or seed anything; each can still be set', () => {
  const secret = { AIR_JWT_SECRET: 'x'.repeat(32) };
  expect(loadConfig({})).toMatchObject({
    demo: true,
    graphql: { introspection: true, suggestions: false },
    metrics: { port: undefined, host: '127.0.0.1', token: undefined },
  });
  expect(loadConfig({ NODE_ENV: 'production', ...secret })).toMatchObject({
    demo: false,
    graphql: { introspection: false, suggestions: false },
  });
  expect(
    loadConfig({ NODE_ENV: 'production', ...secret, AIR_DEMO: '1', AIR_INTROSPECTION: 'true', AIR_FIELD_SUGGESTIONS: 'on' }),
  ).toMatchObject({ demo: true, graphql: { introspection: true, suggestions: true } });
  expect(loadConfig({ AIR_METRICS_PORT: '9464', AIR_METRICS_HOST: '10.0.0.5' }).metrics).toMatchObject({ port: 9464, host: '10.0.0.5' });
});

test('AIR_CORS_ORIGINS: loopback pages on any port outside production, no origin in production unless listed', () => {
  const secret = { AIR_JWT_SECRET: 'x'.repeat(32) };
  expect(loadConfig({}).http.corsOrigins.allows('http://localhost:5173')).toBe(true);
  expect(loadConfig({ NODE_ENV: 'production', ...secret }).http.corsOrigins.entries).toEqual([]);
  const listed = loadConfig({ NODE_ENV: 'production', ...secret, AIR_CORS_ORIGINS: 'https://soc.example.com' }).http.corsOrigins;
  expect(listed.allows('https://soc.example.com')).toBe(true);
  expect(listed.allows('http://localhost:5173')).toBe(false);
  // Set but empty: no origin, in development too.
  expect(loadConfig({ AIR_CORS_ORIGINS: '' }).http.corsOrigins.entries).toEqual([]);
  expect(() => loadConfig({ AIR_CORS_ORIGINS: 'https://soc.example.com/app' })).toThrow(
    /^AIR_CORS_ORIGINS: 'https:\/\/soc.example.com\/app' is not an origin/,
  );
});
