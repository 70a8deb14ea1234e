/**
 * `eval:detection`'s generated-organisation section: the campaign shapes of issue 11 (src/demo/generator/
 * shapes) on one generated organisation, ingested into two tenants — APPROVAL_REQUIRED and FULL — of the
 * same AIR server the real-mail section uses, the scenario's alerts raised one by one, and scored against
 * the ground truth. The scenario, raising and scoring are eval:generated's own (bench/eval/generated/):
 * this file only runs them on `ctx.air` and reports through the section seam.
 */
import { Role } from '../../../src/domain/role.js';
import { raiseAll, type Sql } from '../generated/raise.js';
import { printScore } from '../generated/report.js';
import { buildScenario, scenarioOptions } from '../generated/scenario.js';
import { scoreTenant, type TenantScore } from '../generated/score.js';
import type { Section, Target } from './section.js';

export interface GeneratedOptions {
  seed: number;
  /** 1: 1,500 mailboxes, 40,000 messages, a 12,000-message wave; 0.1 for a quick run. */
  scale: number;
}

const numbered = (query: string) => {
  let n = 0;
  return query.replace(/\?/g, () => `$${++n}`);
};

const TENANTS = [
  { name: 'detection-gen-approval', level: 'APPROVAL_REQUIRED' },
  { name: 'detection-gen-full', level: 'FULL' },
] as const;

export function generatedSection(opts: GeneratedOptions): Section {
  return {
    name: 'generated organisation',
    async run({ air, say }) {
      const scenario = buildScenario(scenarioOptions(opts.seed, opts.scale, 0));
      say(
        `generated organisation: seed ${opts.seed}, scale ${opts.scale}, ${scenario.lines.length} records, ${scenario.alerts.length} alerts`,
      );
      for (const tenant of TENANTS) {
        const report = await air.ingest(
          tenant.name,
          scenario.lines.map((line) => JSON.parse(line) as object),
        );
        say(`  ${tenant.name}: ingested ${report.stored}, rejected ${report.failed}`);
      }
      await air.graphql(
        TENANTS[1].name,
        `mutation { updateAutomationSettings(input: { level: FULL, comment: "eval:detection" }) { name } }`,
      );
      // eval:generated's statements are written with `?` placeholders (src/db/sql.ts's convention); the
      // server process runs read-back SQL on a bare pg pool, which numbers them.
      const sql: Sql = (query, params) => air.sql<Record<string, unknown>>(numbered(query), params);
      const raised = await Promise.all(
        TENANTS.map(async (t) => raiseAll(air.graphqlUrl, await air.token(t.name, Role.GLOBAL_ADMIN), sql, t.name, scenario.alerts)),
      );
      const lines: string[] = [];
      const targets: Target[] = [];
      const scores: TenantScore[] = [];
      for (const [i, tenant] of TENANTS.entries()) {
        const [row] = await air.sql<{ id: string }>(`select id from tenants where name = $1`, [tenant.name]);
        if (!row) throw new Error(`tenant ${tenant.name} was not created by its ingestion`);
        const score = await scoreTenant(sql, { id: row.id, ...tenant }, scenario, raised[i]!);
        printScore(score, (line) => lines.push(line));
        scores.push(score);
        const at = `generated / ${tenant.level}`;
        const failing = score.campaigns.filter((c) => !c.pass).map((c) => c.shape);
        targets.push(
          {
            name: `${at}: campaigns meeting recall ≥ 0.98 and precision ≥ 0.99`,
            value: `${score.campaigns.length - failing.length} of ${score.campaigns.length}${failing.length ? ` (not ${failing.join(', ')})` : ''}`,
            target: 'all',
            pass: failing.length === 0,
          },
          {
            name: `${at}: legitimate messages remediated`,
            value: String(score.legitimateRemediated),
            target: '0',
            pass: score.legitimateRemediated === 0,
          },
          {
            name: `${at}: legitimate senders blocked`,
            value: String(score.legitimateSendersBlocked.length),
            target: '0',
            pass: score.legitimateSendersBlocked.length === 0,
          },
          {
            name: `${at}: compromised users found / falsely flagged`,
            value: `${score.compromised.found.length} of ${score.compromised.expected.length} / ${score.compromised.falselyFlagged.length}`,
            target: 'all / 0',
            pass: score.compromised.missed.length === 0 && score.compromised.falselyFlagged.length === 0,
          },
        );
      }
      return { title: 'Detection on a generated organisation', text: lines.join('\n'), targets, json: scores };
    },
  };
}
