import { Migration } from '@mikro-orm/migrations';

export class Migration20261123075721_fingerprints extends Migration {

  override name = 'Migration20261123075721_fingerprints';

  override up(): void | Promise<void> {
    // btree_gin: scalar columns (tenant_id, sender, …) in the one hunting GIN index (see EmailMessage).
    this.addSql(`create extension if not exists btree_gin;`);
    this.addSql(`alter table "email_messages" add "lsh_bands" text[] not null default '{}', add "minhash" int[] not null default '{}', add "url_keys" text[] not null default '{}', add "domains" text[] not null default '{}', add "attachment_hashes" text[] not null default '{}', add "sender_domain" text not null default '', add "subject_key" text not null default '';`);
    this.addSql(`create index "email_messages_hunting_gin" on "email_messages" using gin ("tenant_id", "sender", "sender_domain", "sender_ip", "subject_key", "lsh_bands", "url_keys", "domains", "attachment_hashes") with (gin_pending_list_limit = 65536);`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop index "email_messages_hunting_gin";`);
    this.addSql(`alter table "email_messages" drop column "lsh_bands", drop column "minhash", drop column "url_keys", drop column "domains", drop column "attachment_hashes", drop column "sender_domain", drop column "subject_key";`);
  }

}
