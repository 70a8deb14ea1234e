/**
 * Who works at a generated organisation: name lists (every first × last pair is a unique address),
 * departments with their share of staff, and the words that make up small businesses' domains.
 */

export const FIRST_NAMES =
  'aaron abigail adam adele alan alex alice amir ana andrew anna ben beatrice carlos carmen chen chloe chris claire daniel david diana diego elena emma eric fatima felix grace hana hannah henry ian isabel ivan jack james jasmine jin john jose julia karen kenji laura leo lin lucas lucy maria mark martin maya megan michael mei nadia nina noah olivia omar oscar paul priya rachel rahul robert rosa ryan sam sara sofia thomas tom victor wei william yara yusuf zoe'.split(
    ' ',
  );
export const LAST_NAMES =
  'adams ahmed allen alvarez bailey baker banerjee bell bennett brooks brown campbell carter chen clark collins cook cooper cruz davies diaz edwards evans fischer flores foster garcia green hall harris hughes ito jackson james jensen johnson jones kaur kelly khan kim king lee lewis lopez martin mendes miller moore morgan murphy nguyen novak okafor olsen parker patel perez phillips price reed reyes richter roberts rossi russell santos schmidt scott silva singh smith sousa stewart sullivan tanaka taylor thomas turner walker wang ward weber white wilson wood wright young'.split(
    ' ',
  );
export const DEPARTMENTS = [
  'Sales',
  'Engineering',
  'Marketing',
  'Finance',
  'Human Resources',
  'Operations',
  'Legal',
  'IT',
  'Customer Support',
  'Executive',
  'Procurement',
  'Research',
];
/** Share of staff per department, in DEPARTMENTS order. */
export const DEPARTMENT_WEIGHTS = [18, 20, 8, 8, 5, 12, 3, 5, 12, 2, 4, 3];
/** Vendor invoices go to Finance. */
export const FINANCE = DEPARTMENTS.indexOf('Finance');

/** Parts of throwaway domains: spam senders, compromised small-business sites, mailers, feed entries. */
export const WORDS =
  'blue river north peak cedar maple stone bright swift harbor summit pixel delta nova lumen orbit atlas crest ember falcon garden bakery studio market dental motors print design farm yoga coffee willow'.split(
    ' ',
  );
