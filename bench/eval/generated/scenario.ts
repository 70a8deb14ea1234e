/**
 * The organisation `eval:generated` measures: every campaign shape, sized by `--scale` (1 = 1,500
 * mailboxes, a 12,000-message wave, 60-copy campaigns, 240 real e-signature notifications), as NDJSON
 * lines without the generator's alert records — the harness raises the scenario's alerts itself, one by
 * one, to know which investigation each started.
 */
import { OrgGenerator, type GroundTruth, type OrganisationOptions } from '../../../src/demo/generator/organisation.generator.js';

export interface Scenario {
  options: OrganisationOptions;
  lines: string[];
  truth: GroundTruth;
}

export function scenarioOptions(seed: number, scale: number, campaigns: number): OrganisationOptions {
  const at = (base: number, min: number) => Math.max(min, Math.round(base * scale));
  const mailboxes = at(1_500, 50);
  const waveSize = at(12_000, 200);
  // Room for the shapes, a fifth of mail as newsletters, and ordinary mail around them.
  const messages = Math.max(at(40_000, 2_000), campaigns * 80 + Math.ceil((waveSize + mailboxes + 1_000 * scale) * 2));
  return {
    mailboxes,
    messages,
    campaigns,
    seed,
    shapes: { waveSize, campaignSize: at(60, 20), notifications: at(240, 12) },
  };
}

export function buildScenario(options: OrganisationOptions): Scenario {
  const generator = new OrgGenerator(options);
  const lines: string[] = [];
  for (const record of generator.records()) if (record.type !== 'alert') lines.push(JSON.stringify(record));
  return { options, lines, truth: generator.truth() };
}
