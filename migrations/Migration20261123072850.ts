import { Migration } from '@mikro-orm/migrations';

export class Migration20261123072850 extends Migration {

  override name = 'Migration20261123072850';

  override up(): void | Promise<void> {
    this.addSql(`drop trigger if exists "audit_events_append_only" on "audit_events";`);
    this.addSql(`drop function if exists "audit_events_audit_events_append_only_fn"();`);

    this.addSql(`drop trigger if exists "events_append_only" on "events";`);
    this.addSql(`drop function if exists "events_events_append_only_fn"();`);
  }

  override down(): void | Promise<void> {
    this.addSql(`create or replace function "audit_events_audit_events_append_only_fn"() returns trigger as \$\$ begin ; end; \$\$ language plpgsql;`);
    this.addSql(`create trigger "audit_events_append_only" BEFORE DELETE OR UPDATE on "audit_events" for each ROW execute function "audit_events_audit_events_append_only_fn"();`);

    this.addSql(`create or replace function "events_events_append_only_fn"() returns trigger as \$\$ begin ; end; \$\$ language plpgsql;`);
    this.addSql(`create trigger "events_append_only" BEFORE UPDATE on "events" for each ROW execute function "events_events_append_only_fn"();`);
  }

}
