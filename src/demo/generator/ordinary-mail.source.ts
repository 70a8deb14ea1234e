/**
 * Ordinary mail: the rest of the message budget, spread over the hours by a working-week volume curve
 * (counts by cumulative rounding, so they add up exactly) and written by internal-mail.ts and external-mail.ts.
 */
import type { IngestRecord } from '../../telemetry/ingest-record.types.js';
import { HOUR, mailVolume, SECOND } from './clock.js';
import { externalNew, externalReply, invoice, spam } from './external-mail.js';
import { internalNew, internalReply } from './internal-mail.js';
import { itemAt } from './list.js';
import { SPAN_DAYS } from './organisation.options.js';
import type { Organisation } from './organisation.state.js';
import type { OrdinaryContext, Thread } from './ordinary-mail.context.js';
import { Random } from './random.js';
import type { Task } from './timeline.js';

export function ordinarySource(org: Organisation): Task {
  const rng = new Random(org.seed, 4);
  const hours = SPAN_DAYS * 24;
  // Records per hour by cumulative rounding, so they add up to the budget exactly.
  const weights = Array.from({ length: hours }, (_, h) => mailVolume(org.start + h * HOUR));
  const weightSum = weights.reduce((a, b) => a + b, 0);
  let cumulative = 0;
  let assigned = 0;
  const perHour = Int32Array.from(weights, (w) => {
    cumulative += w;
    const upTo = Math.round((org.ordinaryBudget * cumulative) / weightSum);
    const count = upTo - assigned;
    assigned = upTo;
    return count;
  });
  let hour = 0;
  let used = 0;
  let remaining = org.ordinaryBudget;
  const advance = () => {
    while (hour < hours && used >= itemAt(perHour, hour)) {
      used -= itemAt(perHour, hour);
      hour++;
    }
  };
  // Sum of perHour is the budget, so while messages remain `hour` stays in range and perHour[hour] > used ≥ 0.
  const place = () => org.start + hour * HOUR + Math.floor(((used + rng.next()) / itemAt(perHour, hour)) * HOUR);
  const ctx: OrdinaryContext = {
    rng,
    internal: new Array<Thread | undefined>(512),
    external: new Array<Thread | undefined>(256),
    internalNext: 0,
    externalNext: 0,
  };
  advance();
  const task: Task = {
    at: place(),
    seq: 0,
    run: (out) => {
      const made = emitOrdinary(org, ctx, task.at, remaining, out);
      remaining -= made;
      used += made;
      if (remaining <= 0) return false;
      advance();
      task.at = hour < hours ? Math.max(task.at, place()) : task.at + SECOND;
      return true;
    },
  };
  return task;
}

/** One ordinary email (several records when it has several recipients); returns how many message records. */
function emitOrdinary(org: Organisation, ctx: OrdinaryContext, at: number, remaining: number, out: IngestRecord[]): number {
  const r = ctx.rng.next();
  if (r < 0.33) return internalNew(org, ctx, at, remaining, out);
  if (r < 0.6) return internalReply(org, ctx, at, remaining, out);
  if (r < 0.8) return externalNew(org, ctx, at, out);
  if (r < 0.91) return externalReply(org, ctx, at, out);
  if (r < 0.97) return invoice(org, ctx, at, out);
  return spam(org, ctx, at, out);
}
