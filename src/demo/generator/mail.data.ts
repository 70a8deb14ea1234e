/**
 * Ordinary mail's words: what colleagues and partners write about, vendors' invoices and spam. Texts
 * with `{name}` placeholders are templates (text.ts compiles them where they are used).
 */
import type { AuthResultsRecord } from '../../telemetry/ingest-record.types.js';

/** Colleagues' mail: what it is about, its subjects and sentences (`{t}` the topic, `{T}` capitalised). */
export const TOPICS = [
  'Q4 budget',
  'vendor onboarding checklist',
  'customer escalation',
  'hiring plan',
  'release 4.2',
  'sales forecast',
  'team offsite',
  'onboarding guide',
  'security training',
  'office move',
  'pricing update',
  'board deck',
  'product roadmap',
  'quarterly review',
  'support backlog',
  'marketing calendar',
  'partner programme',
  'travel policy',
  'website refresh',
  'data migration',
  'customer survey results',
  'holiday rota',
  'warehouse inventory',
  'contract renewal',
  'service level report',
  'training budget',
  'incident review',
  'expense policy',
  'trade show booth',
  'recruiting pipeline',
  'brand guidelines',
  'compliance audit',
  'sprint planning',
  'launch checklist',
  'capacity planning',
  'cost savings plan',
  'customer onboarding',
  'quarter close',
  'performance reviews',
  'procurement process',
];
export const INTERNAL_SUBJECTS = [
  '{T}',
  '{T} - next steps',
  'Quick question about the {t}',
  'Notes from the {t} meeting',
  'Updated {t}',
  'Review needed: {t}',
  '{T} follow-up',
  'FYI: {t}',
  'Draft {t} for comments',
  'Moving the {t} sync to {day}',
  'Input needed on the {t}',
  '{T}: status',
];
export const INTERNAL_SENTENCES = [
  'I have updated the {t} with the numbers from last week.',
  'Can we go through the {t} on {day}?',
  '{name} asked whether the {t} is ready to share with the wider team.',
  'Let me know if anything in the {t} looks off to you.',
  'I will be out on {day}, so please send comments before then.',
  'The latest version is in the team folder.',
  'We still need sign-off from {name} before we move ahead.',
  'Could you add your section by end of day {day}?',
  'I think we can close this out once the {t} is approved.',
  'There are two open questions that I have marked in the document.',
  'I moved our sync to {time} on {day} to avoid the clash.',
  'Thanks for pulling this together so quickly.',
  'The main change since the last draft is the timeline.',
  '{name} will present the {t} at the next all-hands.',
  'Happy to jump on a call if that is easier.',
  'I am not sure we have budget for all of it this quarter.',
  'Please check the figures in the second table.',
  'Let us keep the scope small for the first iteration.',
  'I have invited {name} to the next meeting as well.',
  'Could you confirm the dates with the customer?',
  'The {t} is on the agenda for {day} at {time}.',
  'We agreed to revisit this after the quarter close.',
  'Feedback on the {t} so far has been positive.',
  'I will circulate a summary after the meeting.',
  'Do you have the final numbers from {name}?',
  'Let me know if you need anything else from me.',
  'We may need to push the deadline by a week.',
  'I have left a few comments inline.',
  'This should not affect the rest of the {t}.',
  'Can you share the slides from {day}?',
  '{name} is covering for me while I am away.',
  'The room is booked for {time}.',
  'I will follow up with {name} separately.',
  'Let us aim to have a decision on the {t} by {day}.',
  'Good progress this week, thank you all.',
  'I will send the file once it is final.',
  'Please treat the {t} as a draft for now.',
  'Are you free for thirty minutes on {day}?',
];
export const REPLY_SENTENCES = [
  'Thanks, that works for me.',
  'Sounds good.',
  'I will take a look this afternoon.',
  'Agreed, let us go with the second option.',
  'Can you resend the link?',
  'Looks good to me.',
  'I have added my comments.',
  'Let us discuss on {day}.',
  'Thanks {name}, much appreciated.',
  'I can cover that part.',
  'Not sure, I will check with {name}.',
  'Done, see the updated version.',
  'Good catch, I have fixed it.',
  '{time} on {day} works.',
  'I will be there.',
  'Could we make it a bit later?',
  'Noted, thanks.',
  'Yes, please go ahead.',
  'I think we need more detail on the costs.',
  'Let me get back to you tomorrow.',
];
export const SIGN_OFFS = ['Thanks,', 'Best,', 'Cheers,', 'Regards,', 'Thank you,', 'Best regards,'];
export const MEETING_TIMES = ['9:30', '10:00', '11:00', '13:30', '14:00', '15:30', '16:00'];

/** The organisation's partners; some of them also send invoices (VENDORS). */
export interface Partner {
  name: string;
  domain: string;
  /** Some small partners never set up DKIM or DMARC: "none" alone is not a sign of phishing. */
  auth: AuthResultsRecord;
}
export const PARTNERS: readonly Partner[] = (
  [
    ['Fabrikam', 'fabrikam.example'],
    ['Adatum', 'adatum.example'],
    ['Litware', 'litware.example'],
    ['Tailspin Toys', 'tailspintoys.example'],
    ['Wingtip Toys', 'wingtiptoys.example'],
    ['Woodgrove Bank', 'woodgrovebank.example'],
    ['Proseware', 'proseware.example'],
    ['Lucerne Publishing', 'lucernepublishing.example'],
    ['Alpine Ski House', 'alpineskihouse.example'],
    ['Coho Winery', 'cohowinery.example'],
    ['Trey Research', 'treyresearch.example'],
    ['Relecloud', 'relecloud.example'],
    ['Northwind Traders', 'northwindtraders.example'],
    ['Wide World Importers', 'wideworldimporters.example'],
    ['Graphic Design Institute', 'graphicdesigninstitute.example'],
    ['Blue Yonder Airlines', 'blueyonderairlines.example'],
  ] as const
).map(([name, domain], i) => ({
  name,
  domain,
  auth: i % 7 === 4 ? { spf: 'pass', dkim: 'none', dmarc: 'none' } : { spf: 'pass', dkim: 'pass', dmarc: 'pass' },
}));

/** Partners' mail. */
export const EXTERNAL_TOPICS = [
  'contract renewal',
  'delivery schedule',
  'quarterly business review',
  'support case',
  'pricing proposal',
  'project kickoff',
  'statement of work',
  'purchase order',
  'integration timeline',
  'service review',
  'training session',
  'renewal quote',
];
export const EXTERNAL_SUBJECTS = [
  '{T}',
  '{T} - {org}',
  'Following up on the {t}',
  '{T}: next steps',
  'Question about the {t}',
  'Our {t} for {org}',
];
export const EXTERNAL_SENTENCES = [
  'Thank you for your time on the call last week.',
  'As discussed, I am sending over the details of the {t}.',
  'Please let me know if the proposed dates work for your team.',
  'Our team is available on {day} if you would like to review it together.',
  'I have copied {name}, who will be your main point of contact.',
  'We look forward to working with {org} on this.',
  'Could you confirm who should receive the final version?',
  'The updated terms are summarised below.',
  'We have made the changes you requested.',
  'Let me know if you have any questions.',
  'Our delivery team expects to finish by the end of the month.',
  'We would appreciate your feedback by {day}.',
  'You can find more information on our website.',
  'I will send a calendar invitation shortly.',
  'Please share the purchase order number when available.',
  'We are happy to adjust the scope of the {t} if needed.',
];

export interface Vendor {
  /** Index into PARTNERS. */
  partner: number;
  /** Local part of the address invoices come from. */
  mailbox: string;
  /** Which of INVOICE_BODIES the vendor writes, and the first of its two INVOICE_SUBJECTS; style 1 links a customer portal. */
  style: 0 | 1 | 2;
}
export const INVOICE_BODIES: readonly [string, string, string] = [
  'Dear customer,\n\nPlease find attached invoice {inv} dated {date} for {amount}.\nPayment terms: net 30. Please quote the invoice number with your payment.\n\nIf you have any questions about this invoice, reply to this email or contact our accounts team.\n\nThank you for your business.\n{vendor} Accounts Receivable',
  'Hello,\n\nYour invoice {inv} from {vendor} is attached.\nAmount due: {amount}\nDue date: {date}\n\nYou can also view and pay your invoices in the customer portal: {portal}\n\nKind regards,\n{vendor} Billing',
  'Hi,\n\nAttached is our invoice {inv} for services delivered in {month}, total {amount}.\nPlease process it by {date}. Our bank details have not changed.\n\nMany thanks,\nFinance team, {vendor}',
];
export const INVOICE_SUBJECTS: readonly [string, string, string] = [
  'Invoice {inv} from {vendor}',
  '{vendor} invoice {inv}',
  'Your {vendor} invoice {inv} is ready',
];
export const VENDORS: readonly Vendor[] = [
  { partner: 0, mailbox: 'invoices', style: 0 },
  { partner: 2, mailbox: 'billing', style: 1 },
  { partner: 6, mailbox: 'ar', style: 2 },
  { partner: 12, mailbox: 'accounts', style: 0 },
  { partner: 11, mailbox: 'billing', style: 1 },
  { partner: 13, mailbox: 'invoicing', style: 2 },
];

/** Junk that the filter already moved to the junk folder; `path` is the landing page on a throwaway domain. */
export const SPAM: readonly { subject: string; body: string; path: string }[] = [
  {
    subject: 'Congratulations! You were selected for a {amount} reward',
    body: 'Dear winner,\n\nYour email address was selected in our monthly customer draw. Claim your {amount} reward before it expires: {url}\n\nTerms apply. To stop receiving offers, reply STOP.',
    path: '/claim',
  },
  {
    subject: 'Printer ink at 80% off - today only',
    body: 'Hello,\n\nStock up on compatible ink and toner for all major brands at up to 80% off. Free shipping on orders over $30.\n\nShop now: {url}\n\nYou received this message because you are on our mailing list.',
    path: '/ink-sale',
  },
  {
    subject: 'Grow your savings with automated trading',
    body: 'Our members earned an average of 14% last month with zero experience. Start with as little as $250.\n\nJoin now: {url}\n\nInvesting involves risk.',
    path: '/start',
  },
  {
    subject: 'Work from home and earn {amount} a week',
    body: 'Hi,\n\nWe are looking for motivated people to process online orders from home. No experience needed, flexible hours, weekly pay of up to {amount}.\n\nApply here: {url}',
    path: '/apply',
  },
  {
    subject: 'Your SEO ranking report',
    body: 'Hello,\n\nI checked your website and found 27 problems that keep it off the first page of search results. We can fix them for a one-time fee.\n\nSee the report: {url}\n\nBest regards,\nDigital Growth Team',
    path: '/report',
  },
  {
    subject: 'Luxury watches - clearance sale',
    body: 'Exclusive designer watches at prices you will not find anywhere else. Limited stock, order today.\n\n{url}\n\nUnsubscribe by replying to this email.',
    path: '/watches',
  },
];
