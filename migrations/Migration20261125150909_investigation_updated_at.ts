import { Migration } from '@mikro-orm/migrations';

export class Migration20261125150909_investigation_updated_at extends Migration {

  override name = 'Migration20261125150909_investigation_updated_at';

  override up(): void | Promise<void> {
    // updated_at kept by the database: transitions are native UPDATEs the ORM's onUpdate never sees.
    this.addSql(`create or replace function "investigations_touch_updated_at_fn"() returns trigger as \$\$ begin new.updated_at := clock_timestamp(); return new; end; \$\$ language plpgsql;`);
    this.addSql(`create trigger "touch_updated_at" BEFORE UPDATE on "investigations" for each ROW execute function "investigations_touch_updated_at_fn"();`);
    this.addSql(`update "investigations" set "updated_at" = greatest("updated_at", coalesce("ended_at", "started_at", "created_at"));`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop trigger if exists "touch_updated_at" on "investigations";`);
    this.addSql(`drop function if exists "investigations_touch_updated_at_fn"();`);
  }

}
