/** Mail between colleagues: new threads to one or a few people, and replies to recent threads. */
import type { IngestRecord, MessageRecord } from '../../telemetry/ingest-record.types.js';
import { iso, longDate } from './clock.js';
import { INTERNAL_SENTENCES as SENTENCE_TEXTS, INTERNAL_SUBJECTS as SUBJECT_TEXTS, SIGN_OFFS, TOPICS } from './mail.data.js';
import { itemAt } from './list.js';
import { DEPARTMENTS } from './names.data.js';
import type { Organisation } from './organisation.state.js';
import { ordinaryClick, REPLY_SENTENCES, sentences, smallTalk, type OrdinaryContext } from './ordinary-mail.context.js';
import { capitalise, compile, render, slug } from './text.js';

const INTERNAL_SUBJECTS = SUBJECT_TEXTS.map(compile);
const INTERNAL_SENTENCES = SENTENCE_TEXTS.map(compile);

export function internalNew(org: Organisation, ctx: OrdinaryContext, at: number, remaining: number, out: IngestRecord[]): number {
  const rng = ctx.rng;
  const people = org.people.length;
  const author = rng.int(people);
  const count = Math.min(remaining, rng.weighted([1, 2, 3, 4], [60, 25, 10, 5]));
  const recipients: number[] = [];
  while (recipients.length < count) {
    const u = (author + 1 + rng.int(people - 1)) % people;
    if (!recipients.includes(u)) recipients.push(u);
  }
  const vars = smallTalk(org, ctx, rng.pick(TOPICS));
  const subject = render(rng.pick(INTERNAL_SUBJECTS), vars);
  const firstLine = sentences(ctx, INTERNAL_SENTENCES, 1, vars);
  const text = `${firstLine} ${sentences(ctx, INTERNAL_SENTENCES, rng.between(1, 3), vars)}`;
  const greeting =
    count === 1 ? `Hi ${capitalise(org.person(itemAt(recipients, 0)).first)},` : rng.pick(['Hi all,', 'Hi team,', 'Hello everyone,']);
  const a = org.person(author);
  let body = `${greeting}\n\n${text}\n\n${rng.pick(SIGN_OFFS)}\n${capitalise(a.first)}`;
  let urls: string[] | undefined;
  if (rng.chance(0.15)) {
    const link = `https://files.${org.options.domain}/sites/${slug(itemAt(DEPARTMENTS, a.department))}/${slug(vars.t)}-v${rng.between(1, 9)}.docx`;
    urls = [link];
    body += `\n\nLink: ${link}`;
  }
  const imid = `<${rng.token(14)}@${org.options.domain}>`;
  ctx.internal[ctx.internalNext++ % ctx.internal.length] = {
    subject,
    firstLine,
    imid,
    at,
    author: capitalise(a.first),
    people: [author, ...recipients],
    partner: -1,
    contact: '',
    contactName: '',
  };
  internalCopies(org, ctx, at, a.address, recipients, subject, body, urls, imid, out);
  return count;
}

export function internalReply(org: Organisation, ctx: OrdinaryContext, at: number, remaining: number, out: IngestRecord[]): number {
  const rng = ctx.rng;
  const thread = ctx.internal[rng.int(Math.min(ctx.internalNext, ctx.internal.length))];
  if (!thread) return internalNew(org, ctx, at, remaining, out);
  const author = rng.pick(thread.people);
  const recipients = thread.people.filter((u) => u !== author).slice(0, remaining);
  const a = org.person(author);
  const vars = smallTalk(org, ctx, 'plan');
  const body =
    `${sentences(ctx, REPLY_SENTENCES, rng.between(1, 2), vars)}\n\n${capitalise(a.first)}\n\n` +
    `On ${longDate(thread.at)}, ${thread.author} wrote:\n> ${thread.firstLine}`;
  internalCopies(
    org,
    ctx,
    at,
    a.address,
    recipients,
    `RE: ${thread.subject}`,
    body,
    undefined,
    `<${rng.token(14)}@${org.options.domain}>`,
    out,
  );
  return recipients.length;
}

function internalCopies(
  org: Organisation,
  ctx: OrdinaryContext,
  at: number,
  sender: string,
  recipients: number[],
  subject: string,
  body: string,
  urls: string[] | undefined,
  imid: string,
  out: IngestRecord[],
): void {
  const rng = ctx.rng;
  const receivedAt = iso(at);
  for (const u of recipients) {
    const p = org.person(u);
    const id = org.nextId('msg');
    const record: MessageRecord = {
      type: 'message',
      id,
      recipient: p.address,
      sender,
      subject,
      body,
      receivedAt,
      location: rng.chance(0.02) ? 'DELETED' : 'INBOX',
      verdict: 'CLEAN',
      direction: 'INTERNAL',
      internetMessageId: imid,
    };
    if (urls) {
      record.urls = urls;
      if (rng.chance(0.08)) ordinaryClick(org, ctx, itemAt(urls, 0), p.address, at, id);
    }
    out.push(record);
    org.messageCounts.internal++;
  }
}
