/** Legitimate newsletters: near-identical bulk mail to many subscribers that belongs to no campaign. */

export interface Publisher {
  title: string;
  sender: string;
  domain: string;
  /** Share of mailboxes subscribed, before scaling to the newsletter budget. */
  subscribers: number;
  /** Weekdays (0 = Sunday) an issue goes out, and at what hour. */
  days: readonly number[];
  hour: number;
  blurb: string;
  headlines: readonly string[];
}
export const PUBLISHERS: readonly Publisher[] = [
  {
    title: 'Retail Insights Weekly',
    sender: 'digest@retail-insights.example',
    domain: 'retail-insights.example',
    subscribers: 0.35,
    days: [2],
    hour: 7,
    blurb: 'Retail Insights is read by more than 40,000 retail and supply-chain professionals every week.',
    headlines: [
      'Store footfall after the summer season',
      'Holiday demand outlook for consumer electronics',
      'What shoppers expect from same-day delivery',
      'Five retailers that rebuilt their loyalty programmes',
      'Inventory accuracy: the metric nobody owns',
      'Checkout-free stores one year on',
      'Returns are rising: how to price them',
      'Regional malls are adding medical clinics',
    ],
  },
  {
    title: 'Cloud Architecture Digest',
    sender: 'newsletter@cloudarch-digest.example',
    domain: 'cloudarch-digest.example',
    subscribers: 0.25,
    days: [1, 4],
    hour: 6,
    blurb: 'Cloud Architecture Digest collects the best engineering writing of the week, curated by practitioners.',
    headlines: [
      'Designing idempotent event consumers',
      'A field guide to multi-region failover',
      'PostgreSQL partitioning in practice',
      'Cost allocation tags that finance will actually read',
      'Zero-downtime schema migrations',
      'When to choose a queue over a stream',
      'Observability budgets for small teams',
      'Running stateful services on spot capacity',
    ],
  },
  {
    title: 'Industry Daily Brief',
    sender: 'brief@industry-daily.example',
    domain: 'industry-daily.example',
    subscribers: 0.5,
    days: [1, 2, 3, 4, 5],
    hour: 5,
    blurb: 'The Industry Daily Brief is an independent publication delivered every business morning.',
    headlines: [
      'Manufacturing orders rise for the third month',
      'Freight rates ease as port congestion clears',
      'Energy prices and the outlook for the winter',
      'Central banks hold rates steady',
      'Semiconductor supply improves for automotive buyers',
      'Commercial real estate vacancies reach a new high',
      'Logistics hiring slows ahead of the peak season',
      'Steel producers announce price increases',
    ],
  },
  {
    title: 'Benefits Bulletin',
    sender: 'bulletin@humongousinsurance.example',
    domain: 'humongousinsurance.example',
    subscribers: 0.6,
    days: [3],
    hour: 9,
    blurb: 'Benefits Bulletin is sent to members of employer plans administered by Humongous Insurance.',
    headlines: [
      'Five ways to get more from your wellness allowance',
      'Understanding your dental coverage',
      'How telehealth visits are billed',
      'Planning for retirement in your thirties',
      'Flu season: where to get vaccinated',
      'Your guide to dependant care accounts',
      'What changes in next year’s plan',
      'Mental health resources available to you',
    ],
  },
  {
    title: 'Margie’s Travel Deals',
    sender: 'deals@margiestravel.example',
    domain: 'margiestravel.example',
    subscribers: 0.15,
    days: [2, 5],
    hour: 8,
    blurb: 'Margie’s Travel negotiates corporate and leisure rates with more than 3,000 hotels and airlines.',
    headlines: [
      'City breaks under $400 this autumn',
      'Business class sale to Europe',
      'Last-minute ski chalets',
      'Weekend rail trips with kids',
      'Hotel loyalty points: when to spend them',
      'Sunshine in November: four islands to consider',
      'Conference season: where to stay',
      'New direct routes this winter',
    ],
  },
  {
    title: 'Fourth Coffee Community',
    sender: 'hello@fourthcoffee.example',
    domain: 'fourthcoffee.example',
    subscribers: 0.2,
    days: [4],
    hour: 10,
    blurb: 'Fourth Coffee roasts in small batches and delivers to more than 900 offices.',
    headlines: [
      'Meet the farmers behind our new Ethiopian roast',
      'Brewing guide: the office filter machine',
      'Autumn seasonal blend is back',
      'Why we switched to compostable pods',
      'Latte art workshop dates announced',
      'Decaf done right',
      'Our roastery is now powered by solar',
      'Cold brew for the winter months? Yes.',
    ],
  },
];
