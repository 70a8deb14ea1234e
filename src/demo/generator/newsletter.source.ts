/** Newsletters: legitimate bulk mail that looks like a campaign in shape (same text to many, tracking links) but belongs to none. */
import type { MessageRecord } from '../../telemetry/ingest-record.types.js';
import { DAY, HOUR, iso, longDate, MINUTE } from './clock.js';
import { itemAt } from './list.js';
import { PUBLISHERS } from './newsletters.data.js';
import { SPAN_DAYS } from './organisation.options.js';
import type { Issue, Organisation } from './organisation.state.js';
import { OCTETS } from './places.data.js';
import { hash, ipFromHash, Random, shuffle, unit } from './random.js';
import { capitalise, slug } from './text.js';
import type { Task } from './timeline.js';

/**
 * Newsletter subscriptions come from a hash of (publisher, user), scaled so that the issues of the
 * 30 days add up to about the newsletter share of mail; the exact count is known before streaming.
 */
export function planNewsletters(org: Organisation, plan: Random, budget: number): number {
  const { mailboxes } = org.options;
  const schedule = PUBLISHERS.map((p) => {
    const days: number[] = [];
    for (let d = 0; d < SPAN_DAYS; d++) if (p.days.includes(new Date(org.start + d * DAY).getUTCDay())) days.push(d);
    return { p, days };
  });
  let natural = 0;
  for (const { p, days } of schedule) natural += p.subscribers * mailboxes * days.length;
  const scale = natural > budget ? budget / natural : 1;
  let total = 0;
  schedule.forEach(({ p, days }, i) => {
    const subs: number[] = [];
    for (let u = 0; u < mailboxes; u++) if (unit(hash(org.seed, u, 100 + i)) < p.subscribers * scale) subs.push(u);
    org.newsletters.push({ subscribers: Int32Array.from(subs), count: 0, samples: [] });
    if (subs.length === 0) return;
    days.forEach((d, k) => {
      const order = shuffle(p.headlines, plan);
      org.issues.push({
        publisher: i,
        number: 140 + k,
        at: org.start + d * DAY + p.hour * HOUR + plan.between(0, 20) * MINUTE,
        headlines: order.slice(0, 3),
        reported: org.issues.length === 0,
      });
      total += subs.length;
    });
  });
  return total;
}

/** One newsletter issue: the same text to every subscriber within minutes, personalised by name and tracking id. */
export function issueSource(org: Organisation, issue: Issue): Task {
  const publisher = itemAt(PUBLISHERS, issue.publisher);
  const tally = itemAt(org.newsletters, issue.publisher);
  const subs = tally.subscribers;
  const rng = new Random(org.seed, 10_000 + issue.publisher * 100 + issue.number);
  const ip = newsletterIp(org, issue.publisher);
  const campaign = `issue-${issue.number}`;
  const subject = `${publisher.title} #${issue.number}: ${issue.headlines[0]}`;
  const articles = issue.headlines.map((h) => `https://news.${publisher.domain}/${campaign}/${slug(h)}`);
  const head = `${publisher.title} | Issue ${issue.number} | ${longDate(issue.at)}\n\nHi `;
  const reportIndex = issue.reported ? Math.min(2, subs.length - 1) : -1;
  let next = 0;
  const task: Task = {
    at: issue.at,
    seq: 0,
    run: (out) => {
      const p = org.person(itemAt(subs, next));
      const id = org.nextId('msg');
      const sid = rng.token(10);
      const query = `?utm_source=newsletter&utm_medium=email&utm_campaign=${campaign}&sid=${sid}`;
      const urls = articles.map((a) => a + query);
      const unsubscribe = `https://news.${publisher.domain}/unsubscribe?sid=${sid}`;
      urls.push(unsubscribe);
      let body = `${head}${capitalise(p.first)},\n\nHere is what we are reading this week.\n\n`;
      for (let i = 0; i < issue.headlines.length; i++) body += `${i + 1}. ${issue.headlines[i]}\n   ${urls[i]}\n\n`;
      body += `${publisher.blurb}\n\nYou are receiving this email because ${p.address} is subscribed to ${publisher.title}.\nManage preferences or unsubscribe: ${unsubscribe}`;
      const record: MessageRecord = {
        type: 'message',
        id,
        recipient: p.address,
        sender: publisher.sender,
        senderIp: ip,
        returnPath: `bounces+${sid}@mail.${publisher.domain}`,
        subject,
        body,
        urls,
        receivedAt: iso(task.at),
        location: 'INBOX',
        verdict: 'CLEAN',
        auth: { spf: 'pass', dkim: 'pass', dmarc: 'pass' },
        direction: 'INBOUND',
        internetMessageId: `<${campaign}.${sid}@mail.${publisher.domain}>`,
      };
      org.messageCounts.newsletter++;
      tally.count++;
      if (tally.samples.length < 10) tally.samples.push(id);
      // Readers click newsletter links too: a click on bulk mail does not make a user suspicious.
      if (rng.chance(0.03)) {
        const at = task.at + rng.delay(120, 2, 2 * 24 * 60);
        const url = itemAt(urls, rng.int(issue.headlines.length));
        const make = () => ({
          type: 'url_click' as const,
          id: org.nextId('clk'),
          url,
          user: p.address,
          at: iso(at),
          action: 'ALLOWED' as const,
          messageId: id,
        });
        if (rng.chance(0.05)) out.push(make());
        else org.timeline.at(at, make);
      }
      out.push(record);
      if (next === reportIndex)
        org.alert(
          task.at + rng.between(1, 3) * HOUR,
          'USER_REPORTED',
          'INFORMATIONAL',
          null,
          { messageId: id, user: p.address },
          'NEWSLETTER',
        );
      next++;
      if (next >= subs.length) return false;
      task.at += rng.between(50, 400);
      return true;
    },
  };
  return task;
}

function newsletterIp(org: Organisation, publisher: number): string {
  return ipFromHash(OCTETS.mailServer, hash(org.seed, publisher, 200));
}
