/**
 * Top-level domains where most registrations observed in mail are abuse: cheap or free, little checking.
 * DATA for links.signal.ts. A link or sender on one of them is weak evidence (legitimate small businesses
 * use some of them), weighted accordingly in weights.ts.
 *
 * Where it comes from: Spamhaus' "The World's Most Abused TLDs" (spamhaus.org/reputation-statistics/
 * cctlds-gtlds), Interisle Consulting's yearly Phishing Landscape reports and Netcraft's TLD abuse
 * rankings (2022–2025): the TLDs each of them lists in its top 25 by share of abusive domains. Freenom's
 * former free TLDs (.tk .ml .ga .cf .gq) stay: their old registrations are still in use. Country codes
 * with much legitimate mail (.ru, .cn, .br) are left out on purpose: what they host is judged by the other
 * signals. To extend: add a TLD that two of these rankings list, without the dot.
 */
// prettier-ignore
export const ABUSED_TLDS: ReadonlySet<string> = new Set([
  'tk', 'ml', 'ga', 'cf', 'gq', 'top', 'xyz', 'icu', 'buzz', 'cyou', 'rest', 'bond', 'sbs', 'cfd', 'click', 'link', 'work',
  'fit', 'monster', 'quest', 'zip', 'mov', 'loan', 'win', 'bid', 'date', 'review', 'racing', 'download', 'stream', 'gdn',
  'men', 'party', 'kim', 'country', 'cam', 'beauty', 'hair', 'makeup', 'skin', 'boats', 'autos', 'yachts', 'homes', 'lat',
  'pw', 'surf', 'today', 'support', 'help', 'uno', 'mom', 'lol', 'pics', 'tokyo', 'accountant', 'science', 'trade', 'webcam',
  'faith', 'cricket', 'ren', 'wang', 'ooo', 'sbs', 'best', 'space', 'fun', 'digital',
]);
