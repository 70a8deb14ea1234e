import { Migration } from '@mikro-orm/migrations';

export class Migration20261125180000_evidence extends Migration {

  override name = 'Migration20261125180000_evidence';

  override up(): void | Promise<void> {
    // What impersonation signals read (display name, Reply-To); evidence behind each verdict; each
    // cluster member's own verdict (only MALICIOUS members are remediated); why automation may not run
    // an action; the sender-infrastructure hunting query.
    this.addSql(`alter table "email_messages" add "sender_name" text null, add "reply_to" text null;`);
    this.addSql(`alter table "investigation_entities" add "evidence" jsonb not null default '[]';`);
    this.addSql(
      `alter table "email_cluster_members" add "verdict" "verdict" not null default 'UNKNOWN', add "evidence" jsonb not null default '[]';`,
    );
    this.addSql(
      `update "email_cluster_members" cm set "verdict" = c."verdict" from "email_clusters" c where c."id" = cm."cluster_id";`,
    );
    this.addSql(`alter table "email_clusters" add "malicious_count" integer not null default 0;`);
    this.addSql(`update "email_clusters" set "malicious_count" = "message_count" where "verdict" = 'MALICIOUS';`);
    this.addSql(`alter table "actions" add "human_required" text null;`);
    this.addSql(`alter type "cluster_query" add value if not exists 'SAME_SENDER_INFRASTRUCTURE';`);
  }

  override down(): void | Promise<void> {
    this.addSql(`alter table "email_messages" drop column "sender_name", drop column "reply_to";`);
    this.addSql(`alter table "investigation_entities" drop column "evidence";`);
    this.addSql(`alter table "email_cluster_members" drop column "verdict", drop column "evidence";`);
    this.addSql(`alter table "email_clusters" drop column "malicious_count";`);
    this.addSql(`alter table "actions" drop column "human_required";`);
  }

}
