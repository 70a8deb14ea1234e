/**
 * Raises a scenario's alerts on one tenant through the public API, in time order, each after the
 * previous one's investigation has finished (and, under FULL, its actions have run): as in a real
 * organisation, where alerts come hours apart, a later alert sees what an earlier one did.
 */
import type { ScenarioAlert } from '../../../src/demo/generator/organisation.generator.js';

export type Sql = (query: string, params: unknown[]) => Promise<Record<string, unknown>[]>;

export interface Raised {
  alert: ScenarioAlert;
  investigationId: string | null;
  merged: boolean;
  /** The investigation's state once it settled, or the error that stopped the alert. */
  state: string;
  seconds: number;
}

const REPORT = `mutation($input: ReportMessageInput!) { reportMessage(input: $input) { investigationId merged } }`;
const RAISE = `mutation($input: RaiseAlertInput!) { raiseAlert(input: $input) { investigationId merged } }`;
const START = `mutation($input: StartInvestigationInput!) { startInvestigation(input: $input) { investigationId merged } }`;
const SETTLING = ['STARTING', 'RUNNING', 'QUEUED_BY_THROTTLING'];

export async function raiseAll(
  url: string,
  token: string,
  sql: Sql,
  tenantName: string,
  alerts: readonly ScenarioAlert[],
  timeoutMs = 300_000,
): Promise<Raised[]> {
  const raised: Raised[] = [];
  for (const alert of alerts) {
    const start = performance.now();
    let investigationId: string | null = null;
    let merged = false;
    let state: string;
    try {
      ({ investigationId, merged } = await raiseOne(url, token, tenantName, alert));
      state = await settled(sql, investigationId, timeoutMs);
    } catch (e) {
      state = `ERROR: ${(e as Error).message}`;
    }
    raised.push({ alert, investigationId, merged, state, seconds: (performance.now() - start) / 1000 });
  }
  return raised;
}

async function raiseOne(
  url: string,
  token: string,
  tenantName: string,
  a: ScenarioAlert,
): Promise<{ investigationId: string; merged: boolean }> {
  switch (a.raise) {
    case 'REPORT':
      return gql(url, token, REPORT, { input: { messageId: a.messageId, reportedBy: a.user } });
    case 'INVESTIGATE_USER':
      return gql(url, token, START, { input: { user: a.user } });
    case 'ALERT': {
      const input: Record<string, unknown> = { id: `${tenantName}-${a.id}`, kind: a.kind, severity: a.severity };
      for (const field of ['messageId', 'url', 'user', 'sha256'] as const) if (a[field] !== undefined) input[field] = a[field];
      return gql(url, token, RAISE, { input });
    }
  }
}

async function gql(url: string, token: string, query: string, variables: object): Promise<{ investigationId: string; merged: boolean }> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query, variables }),
  });
  const json = (await res.json()) as {
    data?: Record<string, { investigationId: string; merged: boolean }>;
    errors?: { message: string }[];
  };
  if (json.errors) throw new Error(json.errors.map((e) => e.message).join('; '));
  const [result] = Object.values(json.data ?? {});
  if (!result) throw new Error(`the response has no data: ${JSON.stringify(json)}`);
  return result;
}

/** Waits until the investigation has left the running states and none of its approved actions is still to run. */
async function settled(sql: Sql, investigationId: string, timeoutMs: number): Promise<string> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const [row] = await sql(
      `select i.state::text as state,
              (select count(*)::int from actions a where a.investigation_id = i.id and a.status in ('APPROVED', 'RUNNING')) as running
         from investigations i where i.id = ?`,
      [investigationId],
    );
    const state = String(row?.state ?? 'MISSING');
    if (!SETTLING.includes(state) && Number(row?.running ?? 0) === 0) return state;
    if (performance.now() > deadline) return `TIMEOUT (${state})`;
    await new Promise((r) => setTimeout(r, 100));
  }
}
