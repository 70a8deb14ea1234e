import { Migration } from '@mikro-orm/migrations';

export class Migration20261125150000_investigation_updated_at extends Migration {

  override name = 'Migration20261125150000_investigation_updated_at';

  override up(): void | Promise<void> {
    // Every transition is a native UPDATE (one conditional statement, so that it is race-free), which
    // the ORM's `onUpdate` never sees: the database keeps `updated_at` true for every writer instead.
    this.addSql(`create function air_touch_updated_at() returns trigger language plpgsql as $$
      begin new.updated_at := now(); return new; end $$;`);
    this.addSql(`create trigger investigations_touch_updated_at before update on "investigations"
      for each row execute function air_touch_updated_at();`);
    this.addSql(`update "investigations" set "updated_at" = greatest("updated_at", coalesce("ended_at", "started_at", "created_at"));`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop trigger investigations_touch_updated_at on "investigations";`);
    this.addSql(`drop function air_touch_updated_at();`);
  }

}
