import { Migration } from '@mikro-orm/migrations';

export class Migration20261125173500_analyst_verdicts extends Migration {

  override name = 'Migration20261125173500_analyst_verdicts';

  override up(): void | Promise<void> {
    // Analysts' verdicts (intel/analyst-verdict.entity.ts): tenant intelligence, one row per judged value.
    this.addSql(`create type "analyst_verdict_kind" as enum ('MESSAGE', 'SENDER', 'URL', 'DOMAIN', 'FILE', 'IP');`);
    this.addSql(`create table "analyst_verdicts" ("id" uuid not null, "tenant_id" uuid not null, "kind" "analyst_verdict_kind" not null, "value" text not null, "verdict" "verdict" not null, "comment" text null, "decided_by" text not null, "decided_at" timestamptz not null, "created_at" timestamptz not null default now(), primary key ("id"));`);
    this.addSql(`create index "analyst_verdicts_tenant_id_decided_at_index" on "analyst_verdicts" ("tenant_id", "decided_at");`);
    this.addSql(`alter table "analyst_verdicts" add constraint "analyst_verdicts_tenant_id_kind_value_unique" unique ("tenant_id", "kind", "value");`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "analyst_verdicts" cascade;`);
    this.addSql(`drop type "analyst_verdict_kind";`);
  }

}
