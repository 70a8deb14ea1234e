/**
 * Sign-ins: every working day's logins from the office or home, a few trips abroad (LOW risk), and
 * night-time password sprays (MEDIUM risk failures) — odd in isolation, benign all the same.
 */
import type { IngestRecord } from '../../telemetry/ingest-record.types.js';
import { DAY, HOUR, iso, isWeekend, MINUTE, SECOND } from './clock.js';
import { SPAN_DAYS } from './organisation.options.js';
import type { Organisation } from './organisation.state.js';
import { OCTETS, OFFICE_IPS, SPRAY_COUNTRIES, TRAVEL_COUNTRIES } from './places.data.js';
import { itemAt } from './list.js';
import { hash, ipFromHash, Random, unit } from './random.js';
import type { Task } from './timeline.js';

/** A day of ordinary sign-ins, sorted by time when the day begins (one day's worth in memory). */
export function signInDay(org: Organisation, day: number): Task {
  const dayStart = org.start + day * DAY;
  const rng = new Random(org.seed, 20_000 + day);
  let times: Float64Array | undefined;
  let users: Int32Array | undefined;
  let order: Uint32Array | undefined;
  let next = 0;
  const task: Task = {
    at: dayStart,
    seq: 0,
    run: (out) => {
      if (!order) {
        const weekend = isWeekend(dayStart);
        const t: number[] = [];
        const us: number[] = [];
        for (let u = 0; u < org.people.length; u++) {
          if (weekend) {
            if (rng.chance(0.1)) {
              t.push(dayStart + rng.between(9 * HOUR, 20 * HOUR));
              us.push(u);
            }
            continue;
          }
          t.push(dayStart + rng.between(7 * HOUR, 9 * HOUR + 30 * MINUTE));
          us.push(u);
          if (rng.chance(0.25)) {
            t.push(dayStart + rng.between(12 * HOUR, 17 * HOUR));
            us.push(u);
          }
        }
        times = Float64Array.from(t);
        users = Int32Array.from(us);
        const tt = times;
        order = Uint32Array.from(t.keys()).sort((a, b) => itemAt(tt, a) - itemAt(tt, b));
        if (order.length === 0) return false;
        task.at = itemAt(times, itemAt(order, 0));
        return true;
      }
      const i = itemAt(order, next);
      emitSignIn(org, itemAt(users!, i), itemAt(times!, i), day, rng, out);
      next++;
      if (next >= order.length) {
        times = users = order = undefined;
        return false;
      }
      task.at = itemAt(times!, itemAt(order, next));
      return true;
    },
  };
  return task;
}

function emitSignIn(org: Organisation, u: number, at: number, day: number, rng: Random, out: IngestRecord[]): void {
  const p = org.person(u);
  // About 2 % of people travel once in the month, for three to five days: new country, LOW risk, success.
  const h = hash(org.seed, u, 7);
  const travels = unit(h) < 0.02;
  const tripStart = (h >>> 8) % (SPAN_DAYS - 5);
  let ip: string;
  let country: string;
  let risk: 'NONE' | 'LOW';
  if (travels && day >= tripStart && day < tripStart + 3 + ((h >>> 16) % 3)) {
    country = itemAt(TRAVEL_COUNTRIES, (h >>> 20) % TRAVEL_COUNTRIES.length);
    ip = ipFromHash(OCTETS.hotel, hash(org.seed, u, 8));
    risk = 'LOW';
  } else {
    country = p.country;
    ip = rng.chance(0.7) ? OFFICE_IPS[p.country][u & 1 ? 1 : 0] : ipFromHash(OCTETS.residential, hash(org.seed, u, 9));
    risk = 'NONE';
  }
  if (rng.chance(0.02))
    out.push({
      type: 'sign_in',
      id: org.nextId('sgn'),
      user: p.address,
      ip,
      country,
      at: iso(at - rng.between(10, 60) * SECOND),
      risk,
      result: 'FAILURE',
    });
  out.push({ type: 'sign_in', id: org.nextId('sgn'), user: p.address, ip, country, at: iso(at), risk, result: 'SUCCESS' });
}

/** A password spray at night: failures only, MEDIUM risk, from countries no campaign attacker uses. */
export function passwordSpray(org: Organisation, at: number, rng: Random): Task {
  const targets = Math.min(300, Math.max(3, Math.round(org.people.length * 0.015)));
  const ips = [ipFromHash(OCTETS.spray, rng.u32()), ipFromHash(OCTETS.spray, rng.u32())] as const;
  const country = rng.pick(SPRAY_COUNTRIES);
  let done = 0;
  const task: Task = {
    at,
    seq: 0,
    run: (out) => {
      const p = org.person(rng.int(org.people.length));
      out.push({
        type: 'sign_in',
        id: org.nextId('sgn'),
        user: p.address,
        ip: ips[done & 1 ? 1 : 0],
        country,
        at: iso(task.at),
        risk: 'MEDIUM',
        result: 'FAILURE',
      });
      if (++done >= targets) return false;
      task.at += rng.between(2 * SECOND, 40 * SECOND);
      return true;
    },
  };
  return task;
}
