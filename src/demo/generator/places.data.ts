/** Where people sign in from, and the address ranges every kind of sender uses. */

/** Where people work from; an office has two NAT addresses (TEST-NET-2, so they never clash with generated ones). */
export const HOME_COUNTRIES = ['US', 'GB', 'DE', 'IN'] as const;
export type HomeCountry = (typeof HOME_COUNTRIES)[number];
export const HOME_COUNTRY_WEIGHTS = [70, 15, 10, 5];
export const OFFICE_IPS: Record<HomeCountry, readonly [string, string]> = {
  US: ['198.51.100.10', '198.51.100.11'],
  GB: ['198.51.100.20', '198.51.100.21'],
  DE: ['198.51.100.30', '198.51.100.31'],
  IN: ['198.51.100.40', '198.51.100.41'],
};
/** Disjoint from home countries and from each other, so a compromise is always "a country new for this user". */
export const TRAVEL_COUNTRIES = ['FR', 'ES', 'IT', 'JP', 'CA', 'MX', 'NL', 'SG', 'AU', 'ZA'];
export const ATTACKER_COUNTRIES = ['NG', 'RU', 'VN', 'RO', 'UA', 'ID', 'BR'];
export const SPRAY_COUNTRIES = ['CN', 'IR', 'KZ', 'PK'];
/** Named in lure text ("a sign-in from Russia"). */
export const LURE_COUNTRY_NAMES = ['Nigeria', 'Russia', 'Vietnam', 'Brazil', 'Romania', 'Indonesia'];

/**
 * First octets by role, pairwise disjoint: a campaign's sender IP can never equal a partner's mail
 * server or a user's home address, so "same sender IP" hunting has no accidental matches.
 */
export const OCTETS = {
  residential: [24, 47, 50, 67, 68, 71, 73, 76, 81, 86, 90, 98, 99, 108, 174],
  hotel: [79, 82, 83, 84, 87, 88, 89, 92, 151],
  mailServer: [13, 20, 40, 52, 54, 104, 149, 159, 167, 168],
  campaign: [5, 31, 37, 45, 46, 62, 77, 80, 85, 91, 93, 94, 95, 103, 176, 178, 185, 188, 193, 194, 195, 212, 213, 217],
  attacker: [2, 23, 41, 102, 105, 109, 113, 116, 118, 154, 156, 196, 197],
  spray: [1, 14, 27, 36, 39, 42, 58, 59, 60, 61],
  spam: [49, 110, 111, 112, 114, 115, 117, 119, 120, 121, 122, 123, 124, 125],
} as const;
