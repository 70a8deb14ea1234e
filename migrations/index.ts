import { Migration20261123000000_initial } from './Migration20261123000000_initial.js';
import { Migration20261123075721_fingerprints } from './Migration20261123075721_fingerprints.js';
import { Migration20261123105153_remediation } from './Migration20261123105153_remediation.js';
import { Migration20261124090000_outbox_commit_order } from './Migration20261124090000_outbox_commit_order.js';
import { Migration20261125150909_investigation_updated_at } from './Migration20261125150909_investigation_updated_at.js';
import { Migration20261125155417_mail_headers } from './Migration20261125155417_mail_headers.js';
import { Migration20261125155657_message_links_quoted } from './Migration20261125155657_message_links_quoted.js';
import { Migration20261125173500_analyst_verdicts } from './Migration20261125173500_analyst_verdicts.js';
import { Migration20261125180000_evidence } from './Migration20261125180000_evidence.js';

/** Every migration, in order. Listed explicitly so the compiled server and the tests run the same set. */
export const MIGRATIONS = [
  { name: 'Migration20261123000000_initial', class: Migration20261123000000_initial },
  { name: 'Migration20261123075721_fingerprints', class: Migration20261123075721_fingerprints },
  { name: 'Migration20261123105153_remediation', class: Migration20261123105153_remediation },
  { name: 'Migration20261124090000_outbox_commit_order', class: Migration20261124090000_outbox_commit_order },
  { name: 'Migration20261125150909_investigation_updated_at', class: Migration20261125150909_investigation_updated_at },
  { name: 'Migration20261125155417_mail_headers', class: Migration20261125155417_mail_headers },
  { name: 'Migration20261125155657_message_links_quoted', class: Migration20261125155657_message_links_quoted },
  { name: 'Migration20261125173500_analyst_verdicts', class: Migration20261125173500_analyst_verdicts },
  { name: 'Migration20261125180000_evidence', class: Migration20261125180000_evidence },
];
