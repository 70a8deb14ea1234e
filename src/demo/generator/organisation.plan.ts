/**
 * Everything decided before the first record: people and their devices, partners' mail servers,
 * installed software, campaigns and newsletter issues, and so how many messages are left for
 * ordinary mail. The order of the draws below is part of the output: moving one changes every seed.
 */
import { planCampaigns } from './campaign.plan.js';
import { PARTNERS, VENDORS } from './mail.data.js';
import { DEPARTMENT_WEIGHTS, DEPARTMENTS, FIRST_NAMES, LAST_NAMES } from './names.data.js';
import { planNewsletters } from './newsletter.source.js';
import { NEWSLETTER_SHARE, type OrganisationOptions } from './organisation.options.js';
import { Organisation } from './organisation.state.js';
import { HOME_COUNTRIES, HOME_COUNTRY_WEIGHTS, OCTETS } from './places.data.js';
import { itemAt } from './list.js';
import { hash, ipFromHash, pickWeighted, Random, unit } from './random.js';
import { capitalise } from './text.js';

export function planOrganisation(options: Readonly<Required<OrganisationOptions>>): Organisation {
  const org = new Organisation(options);
  const { messages, seed } = options;
  org.deviceCount = planPeople(org);
  const plan = new Random(seed, 1);
  for (let i = 0; i < PARTNERS.length; i++)
    org.partnerIps.push([ipFromHash(OCTETS.mailServer, plan.u32()), ipFromHash(OCTETS.mailServer, plan.u32())]);
  for (const name of ['Teams.exe', 'OneDriveSetup.exe', 'AcroRd32.exe', 'chrome.exe', 'zoom.exe']) {
    const app = name.replace(/\.exe$/, '');
    org.commonFiles.push({
      sha256: plan.sha256(),
      windows: `C:\\Program Files\\${app}\\${name}`,
      mac: `/Applications/${app}.app/Contents/MacOS/${app}`,
    });
  }
  for (let v = 0; v < VENDORS.length; v++) org.invoices.push({ count: 0, samples: [] });
  const campaignMessages = planCampaigns(org, plan);
  const newsletterMessages = planNewsletters(org, plan, Math.round(messages * NEWSLETTER_SHARE));
  org.ordinaryBudget = messages - campaignMessages - newsletterMessages;
  if (org.ordinaryBudget < 0) throw new Error('internal: the message budget does not cover campaigns and newsletters');
  return org;
}

/** People get unique addresses from a stride through first × last names (no set of taken names needed); returns the device count. */
function planPeople(org: Organisation): number {
  const { seed, domain, mailboxes } = org.options;
  const combos = FIRST_NAMES.length * LAST_NAMES.length;
  const offset = seed % combos;
  let devices = 0;
  for (let u = 0; u < mailboxes; u++) {
    // 7919 is prime and does not divide `combos`, so u → combo is a bijection within each round.
    const combo = (offset + u * 7919) % combos;
    const round = Math.floor(u / combos);
    const first = itemAt(FIRST_NAMES, combo % FIRST_NAMES.length);
    const last = itemAt(LAST_NAMES, Math.floor(combo / FIRST_NAMES.length));
    const local = `${first}.${last}${round > 0 ? round + 1 : ''}`;
    const h = hash(seed, u, 1);
    const department = pickWeighted(DEPARTMENTS.length, DEPARTMENT_WEIGHTS, unit(h));
    const country = itemAt(HOME_COUNTRIES, pickWeighted(HOME_COUNTRIES.length, HOME_COUNTRY_WEIGHTS, unit(hash(seed, u, 2))));
    devices++;
    const laptop = org.id('dev', devices, 6);
    if (unit(hash(seed, u, 3)) < 0.4) devices++; // a phone
    org.people.push({
      address: `${local}@${domain}`,
      local,
      first,
      last,
      displayName: `${capitalise(first)} ${capitalise(last)}`,
      department,
      country,
      laptop,
      laptopIsMac: unit(hash(seed, u, 4)) < 0.2,
    });
  }
  return devices;
}
