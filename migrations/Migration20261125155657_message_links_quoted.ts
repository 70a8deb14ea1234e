import { Migration } from '@mikro-orm/migrations';

export class Migration20261125155657_message_links_quoted extends Migration {

  override name = 'Migration20261125155657_message_links_quoted';

  override up(): void | Promise<void> {
    // A message's quoted text and its links with display text (telemetry/mail/). Rows ingested before
    // keep their whole text in body and no links: splitting them needs the parser, not SQL.
    this.addSql(`alter table "email_messages" add "quoted" text not null default '', add "links" jsonb not null default '[]';`);
  }

  override down(): void | Promise<void> {
    this.addSql(`alter table "email_messages" drop column "quoted", drop column "links";`);
  }

}
