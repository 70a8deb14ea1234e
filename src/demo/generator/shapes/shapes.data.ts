/**
 * The shapes' words: lures, the company-wide announcement, the hijacker's reply, and the template of a
 * fictitious e-signature service (Penwright: invented, not a real brand). `{name}` placeholders are
 * filled per copy (text.ts). Shapes draw from these; no rule anywhere may name them.
 */

export interface ShapeLure {
  name: string;
  senderLocals: readonly string[];
  senderName: string;
  subjects: readonly string[];
  paragraphs: readonly string[];
  signOff: string;
}

export const WRAPPED_LURE: ShapeLure = {
  name: 'Shared document behind rewritten links',
  senderLocals: ['no-reply', 'share', 'documents'],
  senderName: 'Document Share',
  subjects: ['{sharer} shared "{doc}" with you', 'Document shared with you: {doc}', 'You have a new shared file: {doc}'],
  paragraphs: [
    'Hi {first},',
    '{sharer} has shared a document with you for review: {doc}.',
    'Open document: {url}',
    'This link will expire in 72 hours. If you were not expecting this document you can ignore this email.',
  ],
  signOff: 'Sent by Document Share on behalf of {sharer}',
};

export const PARENT_LURE: ShapeLure = {
  name: 'Voicemail lure on a listed parent domain',
  senderLocals: ['voicemail', 'unified-messaging'],
  senderName: 'Voice Message Service',
  subjects: ['New voicemail from {phone} ({duration})', 'You have 1 new voice message', 'Missed call: {phone}'],
  paragraphs: [
    'Dear {first},',
    'You received a new voice message from {phone} on {date} (duration {duration}).',
    'Listen to the message: {url}',
    'Voice messages are kept for 7 days.',
  ],
  signOff: 'Unified Messaging',
};

export const IDN_LURE: ShapeLure = {
  name: 'Look-alike of the organisation domain (IDN)',
  senderLocals: ['it-helpdesk', 'servicedesk'],
  senderName: 'IT Service Desk',
  subjects: ['Your password expires today', 'Action required: password expiry for {address}', 'Password expiry notice'],
  paragraphs: [
    'Hello {first},',
    'The password for {address} expires today. To keep access to email and files, keep your current password here:',
    '{url}',
    'If you do not act within 24 hours your account will be locked and you will need to call the service desk.',
  ],
  signOff: '{org} IT Service Desk',
};

export const PARTIAL_LURE: ShapeLure = {
  name: 'Payroll update, partly cleaned already',
  senderLocals: ['payroll', 'hr-payroll', 'compensation'],
  senderName: 'Payroll Department',
  subjects: ['Payroll update: confirm your bank details', 'Salary adjustment letter for {first}', 'Action needed before payroll run {ymd}'],
  paragraphs: [
    'Dear {first},',
    'Your salary adjustment letter is ready. Before the next payroll run, please confirm your direct deposit details.',
    'Review and confirm: {url}',
    'Employees who have not confirmed will be paid by cheque this month.',
  ],
  signOff: 'Payroll Department',
};

export const WAVE_LURE: ShapeLure = {
  name: 'Mailbox quota wave',
  senderLocals: ['mailbox-admin', 'quota-alert', 'postmaster', 'storage-notice'],
  senderName: 'Mailbox Administrator',
  subjects: [
    'Your mailbox is almost full ({percent}%)',
    'Mailbox storage limit reached',
    'Final warning: incoming mail will be rejected',
    'Storage quota exceeded for {address}',
    'Action required: upgrade mailbox storage',
  ],
  paragraphs: [
    'Dear {first},',
    'Your mailbox {address} has used {percent}% of its storage. New messages will be held until storage is increased.',
    'Increase storage now: {url}',
    'This is an automated message from the mail system.',
  ],
  signOff: 'Mailbox Administrator',
};

/** Polymorphic malware: sentences drawn per copy, so no two bodies match. */
export const POLYMORPHIC = {
  name: 'Polymorphic remittance attachments',
  senderNames: ['Accounts Receivable', 'Remittance', 'Payments Team', 'Billing Department'],
  senderLocals: ['remittance', 'payments', 'ar', 'billing', 'accounts'],
  subjects: [
    'Remittance advice {ref}',
    'Payment confirmation #{ref}',
    'RE: outstanding invoice {ref}',
    'Your payment of {amount} was processed',
    'Remittance {ymd} - {ref}',
    'Transfer receipt {ref}',
  ],
  greetings: ['Hello,', 'Hi {first},', 'Dear {first},', 'Good day,', 'Dear customer,'],
  sentences: [
    'Please find attached the remittance advice for {amount}.',
    'Attached is the payment confirmation for invoice {ref}.',
    'The transfer was released today and should reach your account within two working days.',
    'Kindly review the attached document and confirm receipt.',
    'Our records show this payment settles the open balance on your account.',
    'Please open the attachment to view the payment breakdown.',
    'If the amount does not match your records, reply to this email.',
    'The document is protected; open it in your browser to view it.',
    'We apologise for the delay in processing this payment.',
  ],
  signOffs: ['Regards,\nAccounts', 'Thank you,\nPayments Team', 'Best,\nBilling', 'Kind regards,\nRemittance Desk'],
  attachmentNames: ['Remittance_{ref}.html', 'Payment_{ref}.htm', 'INV-{ref}.html', 'Receipt_{ymd}.shtml'],
} as const;

/** The fictitious e-signature service: the real notifications and the phish copy the same template. */
export const ESIGN = {
  service: 'Penwright',
  domain: 'penwright.example',
  notifyLocal: 'dse',
  subjects: ['{requester} sent you a document to review and sign', 'Please sign: {doc}', 'Completed: {doc}'],
  body: [
    '{requester} sent you a document to review and sign.',
    'REVIEW DOCUMENT\n{url}',
    '{requester}\n{requesterAddress}\n\n{note}',
    'Do Not Share This Email\nThis email contains a secure link to Penwright. Please do not share this email, link, or access code with others.',
    'About Penwright\nSign documents electronically in just minutes. It is safe, secure, and legally binding.',
    'Questions about the document?\nIf you need to modify the document or have questions, contact the sender by email directly.',
  ],
  notes: [
    'Please review and sign at your earliest convenience.',
    'Thanks, see the contract attached for signature.',
    'Signature needed for the renewal, thank you.',
    'Please sign by end of week.',
  ],
  documents: [
    'Master Services Agreement',
    'NDA - Mutual',
    'Statement of Work #{n}',
    'Renewal Order Form',
    'Vendor Onboarding Form',
    'Change Request {n}',
  ],
} as const;

/** The company-wide announcement and the compromised colleague's reply to it. */
export const ANNOUNCEMENT = {
  local: 'communications',
  senderName: '{org} Internal Communications',
  subject: 'Company update: new hybrid working policy from {month}',
  paragraphs: [
    'Dear colleagues,',
    'From {month}, our hybrid working policy changes. Teams will agree two anchor days a week in the office, and every office will keep bookable desks for everyone else.',
    'We listened to the survey many of you answered in the spring: you asked for predictable office days, quieter focus space and better video rooms. All three are part of this change.',
    'Managers will share their team anchor days by the end of the month. The full policy, the FAQ and the booking guide are on the intranet: {url}',
    'Thank you for your patience while the offices are refurbished.',
  ],
  signOff: 'Internal Communications\n{org}',
} as const;

export const HIJACK = {
  name: 'Reply-chain hijack of a company-wide announcement',
  paragraphs: [
    'Hi all,',
    'Following up on the announcement below: HR asked everyone to confirm their anchor days and desk preferences on the updated form before Friday, otherwise desks are assigned automatically.',
    'Form: {url}',
    'Thanks,\n{first}',
  ],
} as const;
