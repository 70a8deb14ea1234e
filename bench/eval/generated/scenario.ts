/**
 * The organisation `eval:generated` measures: every campaign shape, sized by `--scale` (1 = 1,500
 * mailboxes, a 12,000-message wave, 60-copy campaigns, 240 real e-signature notifications), plus
 * `--campaigns` classic ones, as NDJSON lines without the generator's alert records — the harness raises
 * the scenario's alerts itself, one by one, to know which investigation each started.
 */
import {
  OrgGenerator,
  type GroundTruth,
  type OrganisationOptions,
  type ScenarioAlert,
} from '../../../src/demo/generator/organisation.generator.js';
import type { AlertRecord } from '../../../src/telemetry/ingest-record.types.js';

export interface Scenario {
  options: OrganisationOptions;
  lines: string[];
  truth: GroundTruth;
  /** The shapes' alerts and the classic campaigns' (and benign reports), in time order. */
  alerts: ScenarioAlert[];
  /** Classic campaigns: their messages still in INBOX or JUNK (the shapes' truth lists these itself). */
  classicInMailbox: Map<string, string[]>;
}

export function scenarioOptions(seed: number, scale: number, campaigns: number): OrganisationOptions {
  const at = (base: number, min: number) => Math.max(min, Math.round(base * scale));
  const mailboxes = at(1_500, 50);
  const waveSize = at(12_000, 200);
  // Room for the shapes, a fifth of mail as newsletters, and ordinary mail around them.
  const messages = Math.max(at(40_000, 2_000), campaigns * 400 + Math.ceil((waveSize + mailboxes + 1_000 * scale) * 2));
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
  const alertRecords = new Map<string, AlertRecord>();
  const location = new Map<string, string>();
  for (const record of generator.records()) {
    if (record.type === 'alert') alertRecords.set(record.id, record);
    else lines.push(JSON.stringify(record));
    if (record.type === 'message') location.set(record.id, record.location);
  }
  const truth = generator.truth();
  const shapeAlerts = new Set((truth.shapes?.alerts ?? []).map((a) => a.id));
  // The classic campaigns' alerts, as the stream carried them: a user report is raised as a report.
  const classic: ScenarioAlert[] = truth.alerts.flatMap((a) => {
    const r = alertRecords.get(a.id);
    if (!r || shapeAlerts.has(a.id)) return [];
    const refs = {
      ...(r.messageId ? { messageId: r.messageId } : {}),
      ...(r.user ? { user: r.user } : {}),
      ...(r.url ? { url: r.url } : {}),
      ...(r.sha256 ? { sha256: r.sha256 } : {}),
    };
    return [
      {
        id: r.id,
        raise: r.kind === 'USER_REPORTED' ? 'REPORT' : 'ALERT',
        kind: r.kind,
        severity: r.severity ?? 'MEDIUM',
        at: r.at,
        campaign: a.campaign,
        ...refs,
      },
    ];
  });
  const alerts = [...(truth.shapes?.alerts ?? []), ...classic].sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
  const classicInMailbox = new Map(
    truth.campaigns.map((c) => [c.name, c.messageIds.filter((id) => ['INBOX', 'JUNK'].includes(location.get(id) ?? ''))]),
  );
  return { options, lines, truth, alerts, classicInMailbox };
}
