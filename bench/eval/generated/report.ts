/** Prints tenant scores as tables: one row per campaign, then the organisation-wide targets, with PASS/FAIL. */
import { TARGET, type Measure, type TenantScore } from './score.js';

const pct = (x: number | null) => (x === null ? '   —  ' : `${(x * 100).toFixed(1).padStart(5)}%`);
const verdict = (ok: boolean) => (ok ? 'PASS' : 'FAIL');
const cell = (m: Measure) => `${pct(m.recall)} ${pct(m.precision)} ${String(m.selected).padStart(6)}`;

export function printScore(s: TenantScore, say: (line: string) => void): void {
  say('');
  say(`== ${s.level} (tenant ${s.tenant}) ==`);
  say(
    `targets per campaign: recall ≥ ${TARGET.recall}, precision ≥ ${TARGET.precision} (MALICIOUS clusters and recommended deletions alike)`,
  );
  say(
    `${'shape'.padEnd(24)} ${'msgs'.padStart(6)} ${'reach'.padStart(6)} | ${'cluster: recall  prec  picked'.padEnd(28)} | ${'deletion: recall prec picked'.padEnd(28)} | ${'moved'.padStart(6)} | result | states`,
  );
  for (const c of s.campaigns)
    say(
      `${c.shape.padEnd(24)} ${String(c.messages).padStart(6)} ${String(c.inMailbox).padStart(6)} | ${cell(c.cluster).padEnd(28)} | ${cell(c.deletion).padEnd(28)} | ${String(c.remediated).padStart(6)} | ${verdict(c.pass).padEnd(6)} | ${c.states.join(', ')}`,
    );
  const m = s.macro;
  say(
    `macro over ${s.campaigns.length} campaigns: cluster recall ${pct(m.clusterRecall)} precision ${pct(m.clusterPrecision)}; deletion recall ${pct(m.deletionRecall)} precision ${pct(m.deletionPrecision)}`,
  );
  say(`legitimate messages recommended for deletion: ${s.legitimateRecommended}`);
  const by = Object.entries(s.legitimateRemediatedBy)
    .map(([k, v]) => `${k} ${v}`)
    .join(', ');
  say(
    `legitimate messages remediated (actions that ran): ${s.legitimateRemediated}${by ? ` (${by})` : ''} — target 0: ${verdict(s.legitimateRemediated === 0)}`,
  );
  say(
    `legitimate senders blocked: ${s.legitimateSendersBlocked.length}${s.legitimateSendersBlocked.length ? ` (${s.legitimateSendersBlocked.join(', ')})` : ''} — target 0: ${verdict(s.legitimateSendersBlocked.length === 0)}`,
  );
  if (s.otherBlocks.length) say(`other block-list entries: ${s.otherBlocks.join(', ')}`);
  const k = s.compromised;
  say(
    `compromised users found ${k.found.length}/${k.expected.length}${k.missed.length ? ` (missed ${k.missed.join(', ')})` : ''}, falsely flagged ${k.falselyFlagged.length}${k.falselyFlagged.length ? ` (${k.falselyFlagged.join(', ')})` : ''} — ${verdict(k.missed.length === 0 && k.falselyFlagged.length === 0)}`,
  );
  if (k.falselyFlaggedClickedPhish.length)
    say(`  of the falsely flagged, clicked a campaign link but were not compromised: ${k.falselyFlaggedClickedPhish.join(', ')}`);
  if (k.falselyFlaggedLegitimateClickers.length)
    say(
      `  of the falsely flagged, clicked only legitimate links (the announcement, real notifications): ${k.falselyFlaggedLegitimateClickers.join(', ')}`,
    );
  say(
    `campaign-wide 10,000 limit: ${s.overLimitAutomated.length ? `automation moved mail of ${s.overLimitAutomated.join(', ')}` : 'no campaign over the limit was remediated automatically'} — ${verdict(s.overLimitAutomated.length === 0)}`,
  );
  for (const b of s.benign)
    say(
      `benign ${b.kind} ${b.messageId ?? ''}: ${b.state}${b.merged ? ' (merged into another investigation)' : ''}, ${b.actions} actions — ${verdict(b.pass)}` +
        b.flagged.map((line) => `\n  flagged ${line}`).join(''),
    );
  say(`overall ${s.level}: ${verdict(s.pass)}`);
}
