/** What ordinary mail's writers share: the stream's RNG, recent threads to reply to, sentence and small-talk helpers. */
import { iso, WEEKDAYS } from './clock.js';
import { itemAt } from './list.js';
import { MEETING_TIMES, REPLY_SENTENCES as REPLY_TEXTS } from './mail.data.js';
import type { Organisation } from './organisation.state.js';
import type { Random } from './random.js';
import { capitalise, compile, render, type Template, type Vars } from './text.js';

/** Short answers, in internal and partner threads alike. */
export const REPLY_SENTENCES = REPLY_TEXTS.map(compile);

export interface Thread {
  subject: string;
  firstLine: string;
  imid: string;
  at: number;
  author: string;
  /** Internal threads: participants; external threads: the one user, and the partner contact. */
  people: number[];
  partner: number;
  contact: string;
  contactName: string;
}

export interface OrdinaryContext {
  rng: Random;
  /** Recent threads that replies continue (a ring: old threads fall out, memory stays flat). */
  internal: (Thread | undefined)[];
  external: (Thread | undefined)[];
  internalNext: number;
  externalNext: number;
}

/** `count` sentences, never the same one twice in a row. */
export function sentences(ctx: OrdinaryContext, pool: readonly Template[], count: number, vars: Vars): string {
  let s = '';
  let previous = -1;
  for (let i = 0; i < count; i++) {
    let k = ctx.rng.int(pool.length);
    if (k === previous) k = (k + 1) % pool.length;
    previous = k;
    s += (i > 0 ? ' ' : '') + render(itemAt(pool, k), vars);
  }
  return s;
}

/** The placeholders every ordinary line may use; writers add their own. */
export type SmallTalk = Vars & Record<'t' | 'T' | 'day' | 'time' | 'name' | 'org', string>;

/** Placeholder values for a line about `topic`: a weekday, a meeting time, a colleague's first name, the organisation. */
export function smallTalk(org: Organisation, ctx: OrdinaryContext, topic: string): SmallTalk {
  const rng = ctx.rng;
  return {
    t: topic,
    T: capitalise(topic),
    day: rng.pick(WEEKDAYS),
    time: rng.pick(MEETING_TIMES),
    name: capitalise(org.person(rng.int(org.people.length)).first),
    org: org.orgName,
  };
}

/** A reader follows a link in ordinary mail, a while after it arrived. */
export function ordinaryClick(org: Organisation, ctx: OrdinaryContext, url: string, user: string, at: number, messageId: string): void {
  const clickAt = at + ctx.rng.delay(60, 1, 600);
  org.timeline.at(clickAt, () => ({
    type: 'url_click',
    id: org.nextId('clk'),
    url,
    user,
    at: iso(clickAt),
    action: 'ALLOWED',
    messageId,
  }));
}
