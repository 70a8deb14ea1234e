import { Migration } from '@mikro-orm/migrations';

export class Migration20261124090000_outbox_commit_order extends Migration {

  override name = 'Migration20261124090000_outbox_commit_order';

  override up(): void | Promise<void> {
    // The writer's transaction id: readers order by (tx_id, id) and read only below the oldest
    // transaction still in flight, so an id taken early and committed late is never skipped.
    this.addSql(`alter table "events" add "tx_id" xid8 not null default pg_current_xact_id();`);
    this.addSql(`drop index "events_investigation_id_id_index";`);
    this.addSql(`drop index "events_tenant_id_id_index";`);
    this.addSql(`create index "events_tx_id_id_index" on "events" ("tx_id", "id");`);
    this.addSql(`create index "events_tenant_id_tx_id_id_index" on "events" ("tenant_id", "tx_id", "id");`);
    this.addSql(`create index "events_investigation_id_tx_id_id_index" on "events" ("investigation_id", "tx_id", "id");`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop index "events_tx_id_id_index";`);
    this.addSql(`drop index "events_tenant_id_tx_id_id_index";`);
    this.addSql(`drop index "events_investigation_id_tx_id_id_index";`);
    this.addSql(`alter table "events" drop column "tx_id";`);
    this.addSql(`create index "events_investigation_id_id_index" on "events" ("investigation_id", "id");`);
    this.addSql(`create index "events_tenant_id_id_index" on "events" ("tenant_id", "id");`);
  }

}
