/** How eval:generated counts: recall over what a remediation could still reach, precision over all it selected. */
import { measure } from '../../bench/eval/generated/score.js';

const set = (...ids: string[]) => new Set(ids);

test('recall counts only the campaign messages still reachable; precision counts every selected message', () => {
  const campaign = set('a', 'b', 'c', 'd');
  const reachable = set('a', 'b');
  // 'c' is already quarantined: selecting it is correct, missing it costs no recall.
  expect(measure(set('a', 'c', 'legit'), campaign, reachable)).toEqual({ selected: 3, correct: 2, precision: 2 / 3, recall: 1 / 2 });
});

test('nothing selected leaves precision undefined (a failure), not perfect', () => {
  expect(measure(set(), set('a'), set('a'))).toEqual({ selected: 0, correct: 0, precision: null, recall: 0 });
});

test('a campaign with nothing left to reach has nothing to recall', () => {
  expect(measure(set('a'), set('a'), set()).recall).toBe(1);
});
