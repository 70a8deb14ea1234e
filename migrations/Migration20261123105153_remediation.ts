import { Migration } from '@mikro-orm/migrations';

export class Migration20261123105153_remediation extends Migration {

  override name = 'Migration20261123105153_remediation';

  override up(): void | Promise<void> {
    this.addSql(`create type "block_kind" as enum ('URL', 'SENDER', 'FILE');`);
    this.addSql(`create table "block_list_entries" ("id" uuid not null, "tenant_id" uuid not null, "kind" "block_kind" not null, "value" text not null, "action_id" uuid not null, "created_at" timestamptz not null default now(), "lifted_at" timestamptz null, primary key ("id"));`);
    this.addSql(`create index "block_list_entries_tenant_id_kind_value_index" on "block_list_entries" ("tenant_id", "kind", "value");`);

    this.addSql(`alter table "actions" add "remediation_key" text null;`);
    this.addSql(`create index "actions_tenant_id_remediation_key_completed_at_index" on "actions" ("tenant_id", "remediation_key", "completed_at");`);
    this.addSql(`create index "actions_tenant_id_decided_at_index" on "actions" ("tenant_id", "decided_at");`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "block_list_entries" cascade;`);

    this.addSql(`drop index "actions_tenant_id_remediation_key_completed_at_index";`);
    this.addSql(`drop index "actions_tenant_id_decided_at_index";`);
    this.addSql(`alter table "actions" drop column "remediation_key";`);

    this.addSql(`drop type "block_kind";`);
  }

}
