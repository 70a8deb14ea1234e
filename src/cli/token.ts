/**
 * `npm run token -- --tenant <name> --role <ROLE> [--role <ROLE>…] [--sub <id>] [--ttl <seconds>]`
 * Prints a token signed with the configured development key, alone on the last line of stdout.
 */
import { parseArgs } from 'node:util';
import { loadConfig } from '../config.js';
import { createHmacSigner, loadSigningSecret } from '../auth/token.service.js';
import { Role } from '../domain/role.js';

function fail(message: string): never {
  console.error(`token: ${message}`);
  console.error('usage: npm run token -- --tenant <name> --role <ROLE> [--sub <id>] [--ttl <seconds>]');
  process.exit(2);
}

let values;
try {
  ({ values } = parseArgs({
    options: {
      tenant: { type: 'string' },
      role: { type: 'string', multiple: true },
      sub: { type: 'string' },
      ttl: { type: 'string', default: '3600' },
    },
  }));
} catch (e) {
  fail((e as Error).message);
}
const roles = values.role ?? [];
if (!values.tenant) fail('--tenant is required');
if (!/^[a-z0-9][a-z0-9._-]{0,62}$/.test(values.tenant))
  fail(`--tenant must be a tenant name (a-z, 0-9, . _ -), but got '${values.tenant}'`);
if (roles.length === 0) fail(`--role is required, one of ${Object.values(Role).join(', ')}`);
for (const r of roles) if (!(r in Role)) fail(`--role must be one of ${Object.values(Role).join(', ')}, but got '${r}'`);
const ttl = Number(values.ttl);
if (!Number.isInteger(ttl) || ttl <= 0 || ttl > 365 * 24 * 3600)
  fail(`--ttl must be a whole number of seconds up to a year, but got '${values.ttl}'`);

const config = loadConfig();
if (config.auth.oidcIssuer) fail('AIR_OIDC_ISSUER is set: tokens come from your identity provider, not from this key');
const signer = createHmacSigner(await loadSigningSecret(config));
const token = await signer.sign({
  sub: values.sub ?? `${String(roles[0]).toLowerCase()}@${values.tenant}`,
  tenant: values.tenant,
  roles: roles as Role[],
  ttlSeconds: ttl,
});
process.stdout.write(token + '\n');
