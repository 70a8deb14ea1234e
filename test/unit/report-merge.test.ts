import { sameCampaign } from '../../src/investigations/intake.service.js';

/*
 * Reports merge into an open investigation only on shared campaign evidence with nothing new: the same
 * own text (MinHash) is necessary, never sufficient.
 */
const signature = Array.from({ length: 40 }, (_, i) => i);
const reported = (over: Partial<Parameters<typeof sameCampaign>[1]> = {}) => ({
  id: 'r',
  externalId: 'reported',
  subject: 'Your mailbox is full',
  minhash: signature,
  sender: 'it-desk@mailbox-quota.example',
  urlKeys: ['https://mailbox-quota.example/upgrade'],
  domains: ['mailbox-quota.example'],
  attachmentHashes: [] as string[],
  ...over,
});
const root = reported({ id: 'root', externalId: 'root' });

test.each<[string, ReturnType<typeof reported>, boolean]>([
  ['the same message reported twice', reported({ externalId: 'root' }), true],
  ['same text, same sender and link', reported(), true],
  ['same text and link from another sender', reported({ sender: 'helpdesk@elsewhere.example' }), true],
  ['same text and sender, another page of the same site', reported({ urlKeys: ['https://mailbox-quota.example/login'] }), true],
  [
    'same text, nothing shared (a reply quoting it, a real notification beside a copy of its template)',
    reported({ sender: 'colleague@contoso.example', urlKeys: [], domains: [] }),
    false,
  ],
  [
    'same text and sender, but a link to another site: new evidence, investigated itself',
    reported({ urlKeys: ['https://other-landing.example/x'], domains: ['mailbox-quota.example', 'other-landing.example'] }),
    false,
  ],
  ['same sender and link, other text', reported({ minhash: signature.map((x) => x + 100) }), false],
  ['a new attached file', reported({ attachmentHashes: ['f00d'] }), false],
])('%s → merges: %s', (_, message, merges) => {
  expect(sameCampaign(root, message)).toBe(merges);
});
