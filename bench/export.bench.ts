/**
 * `npm run bench:export [-- --rows 100000]`
 *
 * Time and memory of `GET /export/investigations.csv` for one tenant of `--rows` investigations: start
 * the server through bootstrap() on a fresh embedded PostgreSQL (or DATABASE_URL), insert the rows with
 * one INSERT … SELECT generate_series (untimed), then download the export with curl in another process
 * (timed), so the figures are the server's alone. Prints rows/s and the server process's peak RSS before
 * and after the export. Figures, not assertions.
 */
import 'reflect-metadata';
import { execFile } from 'node:child_process';
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { parseArgs } from 'node:util';
import { bootstrap } from '../src/app.js';
import { benchConfig, machineLine } from './support.js';
import { TenantDirectory } from '../src/tenants/tenant.service.js';
import { Role } from '../src/domain/role.js';
import { createLogger, LogLevel } from '../src/logger.js';

const { values } = parseArgs({ options: { rows: { type: 'string', default: '100000' } } });
const rows = Number(values.rows);
const quiet = createLogger({ level: LogLevel.WARN });
const dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'air-bench-'));
await fsp.chmod(dir, 0o755);
const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MiB`;
// resourceUsage().maxRSS is in KiB: the process's peak so far.
const peakRss = () => process.resourceUsage().maxRSS * 1024;

console.log(machineLine());
const config = benchConfig(dir);
const app = await bootstrap(config, quiet);
try {
  const tenant = `bench-${Date.now()}`;
  const tenantId = await new TenantDirectory(app.orm.em).idOf(tenant);
  await app.orm.em.getConnection().execute(
    `insert into investigations (id, tenant_id, playbook, state, title, created_at, updated_at)
     select gen_random_uuid(), '${tenantId}', 'ZAPPED_PHISH', 'NO_THREATS_FOUND', 'Bench investigation ' || g,
            now() - make_interval(secs => g), now()
     from generate_series(1, ${rows}) g`,
  );
  const token = await app.signer!.sign({ sub: 'bench', tenant, roles: [Role.SECURITY_READER], ttlSeconds: 3600 });
  global.gc?.();
  const before = peakRss();
  const heapBefore = process.memoryUsage().heapUsed;
  let heapPeak = heapBefore;
  const sampler = setInterval(() => (heapPeak = Math.max(heapPeak, process.memoryUsage().heapUsed)), 10);
  const url = app.url.replace(/\/graphql$/, '/export/investigations.csv');
  const start = process.hrtime.bigint();
  const { stdout } = await promisify(execFile)('curl', [
    '-sS',
    '--fail',
    '-o',
    '/dev/null',
    '-w',
    '%{size_download}',
    '-H',
    `authorization: Bearer ${token}`,
    url,
  ]);
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  clearInterval(sampler);
  const bytes = Number(stdout);
  console.log(`exported ${rows.toLocaleString('en-US')} investigations, ${mib(bytes)} of CSV, in ${seconds.toFixed(2)} s`);
  console.log(`  ${Math.round(rows / seconds).toLocaleString('en-US')} rows/s, ${mib(bytes / seconds)}/s`);
  console.log(`  server peak RSS: ${mib(before)} before the export, ${mib(peakRss())} after`);
  console.log(`  server heap: ${mib(heapBefore)} before, ${mib(heapPeak)} at its sampled peak (garbage included)`);
} finally {
  await app.stop();
  await fsp.rm(dir, { recursive: true, force: true });
}
