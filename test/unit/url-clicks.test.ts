import { EntityKind, Playbook } from '../../src/domain/investigation.js';
import { ClickAction, Verdict } from '../../src/domain/telemetry.js';
import { clicksStep } from '../../src/playbooks/steps/url-clicks.step.js';
import { fakePorts } from './support/fake-ports.js';
import { runStep } from './support/run-steps.js';

const investigation = { playbook: Playbook.USER_SUBMITTED_MESSAGE };
const hunt = (urls: string[], messageExternalIds: string[]) => ({
  similar_messages: { clusters: [], messageExternalIds, urls, recipients: [], attachmentHashes: [] },
});
const click = (user: string, at: string, action = ClickAction.ALLOWED, url = 'https://evil.example/login?t=1') => ({
  url,
  user,
  at: new Date(at),
  action,
  messageExternalId: 'm1',
});

test('each clicker’s window opens at their own first allowed click, not at anyone’s', async () => {
  // Bob clicks two days after Alice: a rule Bob made the day after Alice's click predates his own.
  // Alice's click comes first, as the earliest click does when telemetry arrives in time order.
  const ports = fakePorts({
    clicks: [
      click('alice@contoso.example', '2025-03-01T09:00:00Z'),
      click('bob@contoso.example', '2025-03-04T08:00:00Z'),
      click('bob@contoso.example', '2025-03-03T10:00:00Z'),
      click('alice@contoso.example', '2025-03-02T09:00:00Z'),
    ],
  });
  const outcome = await runStep(clicksStep, ports, hunt([], ['m1']), investigation);
  expect(outcome.findings).toEqual({
    clicks: 4,
    blocked: 0,
    safeLinksMisses: 4,
    clickers: ['alice@contoso.example', 'bob@contoso.example'],
    firstClick: { 'alice@contoso.example': '2025-03-01T09:00:00.000Z', 'bob@contoso.example': '2025-03-03T10:00:00.000Z' },
  });
});

test('blocked clicks are counted but make no clicker; every clicked URL is a malicious URL entity', async () => {
  const ports = fakePorts({
    clicks: [
      click('carol@contoso.example', '2025-03-01T09:00:00Z', ClickAction.BLOCKED),
      // On a link of one of the messages, though not a URL the hunt listed.
      click('dave@contoso.example', '2025-03-01T10:00:00Z', ClickAction.ALLOWED, 'https://EVIL.example/login?utm_source=x'),
    ],
  });
  const outcome = await runStep(clicksStep, ports, hunt(['https://evil.example/login?t=1'], ['m1']), investigation);
  expect(outcome.findings).toMatchObject({ clicks: 2, blocked: 1, safeLinksMisses: 1, clickers: ['dave@contoso.example'] });
  expect(outcome.entities).toEqual([
    expect.objectContaining({ kind: EntityKind.USER, value: 'dave@contoso.example', verdict: Verdict.SUSPICIOUS }),
    expect.objectContaining({ kind: EntityKind.URL, value: 'https://evil.example/login?t=1', verdict: Verdict.MALICIOUS }),
    expect.objectContaining({ kind: EntityKind.URL, value: 'https://evil.example/login', verdict: Verdict.MALICIOUS }),
  ]);
  expect(outcome.edges).toEqual([
    {
      from: { kind: EntityKind.USER, value: 'dave@contoso.example' },
      to: { kind: EntityKind.URL, value: 'https://evil.example/login' },
      relation: 'clicked',
    },
  ]);
});

test('no malicious mail to follow: skipped', async () => {
  const outcome = await runStep(clicksStep, fakePorts({}), { similar_messages: {} }, investigation);
  expect(outcome).toEqual({ skipped: true, findings: {} });
});
