/**
 * AUTHENTICATION_FAILED and DETECTED_ON_ARRIVAL and UPSTREAM_VERDICT: what the receiving service itself
 * established about the message before this server saw it. WORKER-SAFE.
 */
import { Signal, type Evidence } from '../../domain/evidence.js';
import { DetectionVerdict } from '../../domain/telemetry.js';
import { UpstreamSource, UpstreamVerdict, type UpstreamVerdictFacts } from '../../domain/upstream.js';
import { evidence, GRADES } from './weights.js';
import type { SignalMessage } from './message.types.js';

/**
 * The receiver's authentication results, graded by the strongest failure. A missing result is no
 * failure (most mail systems outside Microsoft 365 and Google record none), nor are `none`, `neutral`,
 * `temperror` and `permerror` (a broken record is the owner's mistake, not a forgery). When DMARC or
 * compauth passed, SPF and DKIM failures are left out: forwarding and mailing lists break them while
 * the aligned pass shows the domain's owner sent it.
 */
export function authenticationEvidence(auth: SignalMessage['auth']): Evidence[] {
  if (!auth) return [];
  const r = (v: string | undefined) => v?.toLowerCase();
  const failures: [number, string][] = [];
  if (r(auth.dmarc) === 'fail') failures.push([GRADES.AUTH_DMARC_FAIL, 'DMARC fail']);
  if (r(auth.compauth) === 'fail')
    failures.push([GRADES.AUTH_DMARC_FAIL, `compauth fail${auth.compauthReason ? ` (reason ${auth.compauthReason})` : ''}`]);
  if (r(auth.compauth) === 'softfail') failures.push([GRADES.AUTH_COMPAUTH_SOFTFAIL, 'compauth softfail']);
  const aligned = r(auth.dmarc) === 'pass' || r(auth.compauth) === 'pass';
  if (!aligned) {
    if (r(auth.spf) === 'fail') failures.push([GRADES.AUTH_SPF_FAIL, 'SPF fail']);
    if (r(auth.spf) === 'softfail') failures.push([GRADES.AUTH_SPF_SOFTFAIL, 'SPF softfail']);
    if (r(auth.dkim) === 'fail') failures.push([GRADES.AUTH_DKIM_FAIL, 'DKIM fail']);
  }
  if (!failures.length) return [];
  const weight = Math.max(...failures.map(([w]) => w));
  return [evidence(Signal.AUTHENTICATION_FAILED, `Receiver's authentication: ${failures.map(([, d]) => d).join(', ')}`, weight)];
}

/** The mail filter's own detection on arrival: phish or malware is strong evidence; spam is the upstream verdict's business. */
export function detectionEvidence(detection: string | undefined): Evidence[] {
  if (detection !== DetectionVerdict.PHISH && detection !== DetectionVerdict.MALWARE) return [];
  return [evidence(Signal.DETECTED_ON_ARRIVAL, `The mail filter detected it as ${detection.toLowerCase()} on arrival`)];
}

const SOURCE_NAME: Record<UpstreamSource, string> = {
  [UpstreamSource.MICROSOFT]: 'Microsoft 365',
  [UpstreamSource.SPAMASSASSIN]: 'SpamAssassin',
  [UpstreamSource.RSPAMD]: 'rspamd',
  [UpstreamSource.GMAIL]: 'Gmail',
};

/** Microsoft's legacy phishing confidence level from which it calls a message likely phishing (4–8). */
const LIKELY_PHISH_PCL = 4;

/** The grade of one filter's verdict; 0 when it adds nothing (clean, skipped). */
function verdictGradeOf(v: UpstreamVerdictFacts): [number, string] {
  const scl = v.scl !== undefined ? `SCL ${v.scl}` : v.score !== undefined ? `score ${v.score}` : '';
  const facts = [v.category && `CAT ${v.category}`, scl, v.bcl !== undefined && v.bcl > 0 && `BCL ${v.bcl}`].filter(Boolean).join(', ');
  const said = (what: string) => `${SOURCE_NAME[v.source]}: ${what}${facts ? ` (${facts})` : ''}`;
  switch (v.verdict) {
    case UpstreamVerdict.HIGH_CONFIDENCE_PHISH:
      return [GRADES.UPSTREAM_HIGH_CONFIDENCE_PHISH, said('high-confidence phish')];
    case UpstreamVerdict.MALWARE:
      return [GRADES.UPSTREAM_MALWARE, said('malware')];
    case UpstreamVerdict.PHISH:
      return [GRADES.UPSTREAM_PHISH, said('phish')];
    case UpstreamVerdict.HIGH_CONFIDENCE_SPAM:
      return [GRADES.UPSTREAM_HIGH_CONFIDENCE_SPAM, said('high-confidence spam')];
    case UpstreamVerdict.SPAM:
      return [GRADES.UPSTREAM_SPAM, said('spam')];
    case UpstreamVerdict.BULK:
      return [GRADES.UPSTREAM_BULK, said('bulk mail')];
    default:
      // CLEAN and SKIPPED: nothing either way (an allow-list entry can make a filter skip a spoof).
      return [0, ''];
  }
}

/** One filter's grade: its verdict's, or its phishing confidence level's when that says more (PCL speaks of phishing whatever the spam verdict). */
function gradeOf(v: UpstreamVerdictFacts): [number, string] {
  const byVerdict = verdictGradeOf(v);
  if (v.pcl !== undefined && v.pcl >= LIKELY_PHISH_PCL && GRADES.UPSTREAM_PHISH > byVerdict[0])
    return [GRADES.UPSTREAM_PHISH, `${SOURCE_NAME[v.source]}: likely phishing (PCL ${v.pcl})`];
  return byVerdict;
}

/** The receiving service's verdicts: one piece, the strongest filter's, naming it. */
export function upstreamEvidence(upstream: readonly UpstreamVerdictFacts[]): Evidence[] {
  let best: [number, string] = [0, ''];
  for (const v of upstream) {
    const graded = gradeOf(v);
    if (graded[0] > best[0]) best = graded;
  }
  return best[0] > 0 ? [evidence(Signal.UPSTREAM_VERDICT, best[1], best[0])] : [];
}
