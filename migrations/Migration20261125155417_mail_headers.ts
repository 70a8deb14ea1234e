import { Migration } from '@mikro-orm/migrations';

export class Migration20261125155417_mail_headers extends Migration {

  override name = 'Migration20261125155417_mail_headers';

  override up(): void | Promise<void> {
    // Which header the sender came from, and the receiving service's own verdicts (src/domain/upstream.ts).
    // A constant default: PostgreSQL adds the column without rewriting the table.
    this.addSql(`create type "sender_source" as enum ('FROM', 'SENDER', 'RETURN_PATH');`);
    this.addSql(`alter table "email_messages" add "sender_source" "sender_source" null, add "upstream" jsonb not null default '[]';`);
  }

  override down(): void | Promise<void> {
    this.addSql(`alter table "email_messages" drop column "sender_source", drop column "upstream";`);

    this.addSql(`drop type "sender_source";`);
  }

}
