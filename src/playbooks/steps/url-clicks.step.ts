import { EntityKind, Phase } from '../../domain/investigation.js';
import { ClickAction, Verdict } from '../../domain/telemetry.js';
import { domainOf, normaliseUrl } from '../../domain/url.js';
import { registrableDomainOf } from '../../domain/host.js';
import type { EntityFinding } from '../playbook.types.js';
import { defineStep } from './step.js';

/** Hunting: clicks on the malicious mail's links, and Safe-Links misses. */
export const clicksStep = defineStep({
  key: 'url_clicks',
  name: 'Find clicks',
  description:
    'Who clicked the links of the malicious messages, and which clicks were allowed although the URL is now known bad (Safe Links misses).',
  phase: Phase.HUNTING,
  dependsOn: ['similar_messages'],
  async run(ctx) {
    const hunt = ctx.results('similar_messages');
    if (!hunt.messageExternalIds?.length) return { skipped: true, findings: {} };
    // A link to the organisation's own site is not the threat, even inside a malicious message (a hijacked
    // reply quotes the announcement's intranet link): its clickers are not victims.
    const internal = await ctx.mail.internalDomains();
    const own = (url: string) => internal.has(registrableDomainOf(domainOf(url)) ?? domainOf(url));
    const clicks = (
      await ctx.mail.clicksOn(
        (hunt.urls ?? []).filter((u) => !own(u)),
        hunt.messageExternalIds,
      )
    ).filter((c) => !own(c.url));
    const allowed = clicks.filter((c) => c.action === ClickAction.ALLOWED);
    const users = [...new Set(allowed.map((c) => c.user))];
    const entities: EntityFinding[] = [
      ...users.map((u) => ({
        kind: EntityKind.USER,
        value: u,
        displayName: u,
        verdict: Verdict.SUSPICIOUS,
        threats: ['Clicked a malicious link'],
        details: { clicks: allowed.filter((c) => c.user === u).map((c) => ({ url: c.url, at: c.at })) },
      })),
      ...[...new Set(clicks.map((c) => normaliseUrl(c.url)))].map((u) => ({
        kind: EntityKind.URL,
        value: u,
        displayName: u,
        verdict: Verdict.MALICIOUS,
        threats: ['Malicious URL'],
      })),
    ];
    // Each user's compromise window opens at their own earliest allowed click: seeding it with anyone's
    // (the first click of the campaign) would count a later clicker's rules made before their click.
    const firstClick = Object.fromEntries(
      users.map((u) => {
        // Never empty: users are the clickers of `allowed`.
        const own = allowed.filter((c) => c.user === u).map((c) => c.at);
        return [u, own.reduce((min, at) => (at < min ? at : min)).toISOString()];
      }),
    );
    return {
      findings: {
        clicks: clicks.length,
        blocked: clicks.length - allowed.length,
        safeLinksMisses: allowed.length,
        clickers: users,
        firstClick,
      },
      entities,
      edges: users.map((u) => ({
        from: { kind: EntityKind.USER, value: u },
        to: { kind: EntityKind.URL, value: normaliseUrl(allowed.find((c) => c.user === u)!.url) },
        relation: 'clicked',
      })),
    };
  },
});
