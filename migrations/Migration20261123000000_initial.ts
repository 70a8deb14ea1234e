import { Migration } from '@mikro-orm/migrations';

export class Migration20261123000000_initial extends Migration {

  override name = 'Migration20261123000000_initial';

  override up(): void | Promise<void> {
    this.addSql(`create type "delivery_location" as enum ('INBOX', 'JUNK', 'QUARANTINE', 'DELETED');`);
    this.addSql(`create type "detection_verdict" as enum ('CLEAN', 'SPAM', 'PHISH', 'MALWARE');`);
    this.addSql(`create type "mail_direction" as enum ('INBOUND', 'OUTBOUND', 'INTERNAL');`);
    this.addSql(`create type "indicator_kind" as enum ('URL', 'DOMAIN', 'IP', 'FILE', 'SENDER');`);
    this.addSql(`create type "verdict" as enum ('MALICIOUS', 'SUSPICIOUS', 'CLEAN', 'UNKNOWN');`);
    this.addSql(`create type "playbook" as enum ('USER_SUBMITTED_MESSAGE', 'URL_VERDICT_CHANGE', 'MANUAL_INVESTIGATION', 'ZAPPED_MALWARE', 'ZAPPED_PHISH', 'USER_COMPROMISED');`);
    this.addSql(`create type "investigation_state" as enum ('STARTING', 'RUNNING', 'QUEUED_BY_THROTTLING', 'TERMINATED_BY_THROTTLING', 'NO_THREATS_FOUND', 'PENDING_ACTION', 'PARTIALLY_INVESTIGATED', 'REMEDIATED', 'PARTIALLY_REMEDIATED', 'TERMINATED_BY_USER', 'TERMINATED_BY_SYSTEM', 'FAILED');`);
    this.addSql(`create type "entity_kind" as enum ('EMAIL', 'EMAIL_CLUSTER', 'USER', 'MACHINE', 'IP', 'URL', 'FILE', 'SENDER', 'DOMAIN', 'INBOX_RULE');`);
    this.addSql(`create type "cluster_query" as enum ('SIMILAR_CONTENT', 'SAME_SENDER', 'SAME_SENDER_IP_AND_SUBJECT', 'SAME_URL', 'SAME_DOMAIN', 'SAME_ATTACHMENT', 'SENT_BY_USER');`);
    this.addSql(`create type "alert_kind" as enum ('USER_REPORTED', 'URL_VERDICT_CHANGE', 'MALWARE_ZAPPED', 'PHISH_ZAPPED', 'USER_COMPROMISED', 'RISKY_SIGN_IN', 'SUSPICIOUS_INBOX_RULE', 'SUSPICIOUS_SENDING', 'MASS_DOWNLOAD', 'MANUAL');`);
    this.addSql(`create type "severity" as enum ('INFORMATIONAL', 'LOW', 'MEDIUM', 'HIGH');`);
    this.addSql(`create type "action_type" as enum ('SOFT_DELETE_EMAILS', 'HARD_DELETE_EMAILS', 'MOVE_TO_JUNK', 'BLOCK_URL', 'BLOCK_SENDER', 'BLOCK_FILE', 'REMOVE_INBOX_RULE', 'DISABLE_FORWARDING', 'RESET_PASSWORD', 'REVOKE_SESSIONS', 'SCAN_MACHINE', 'ISOLATE_MACHINE');`);
    this.addSql(`create type "action_status" as enum ('PENDING_APPROVAL', 'APPROVED', 'RUNNING', 'COMPLETED', 'FAILED', 'REJECTED', 'EXPIRED', 'UNDONE');`);
    this.addSql(`create type "action_source" as enum ('AUTOMATED', 'MANUAL');`);
    this.addSql(`create type "phase" as enum ('ROOT_INVESTIGATION', 'HUNTING', 'REMEDIATION');`);
    this.addSql(`create type "step_status" as enum ('PENDING', 'RUNNING', 'COMPLETED', 'FAILED', 'SKIPPED');`);
    this.addSql(`create type "sign_in_risk" as enum ('NONE', 'LOW', 'MEDIUM', 'HIGH');`);
    this.addSql(`create type "sign_in_result" as enum ('SUCCESS', 'FAILURE');`);
    this.addSql(`create type "automation_level" as enum ('APPROVAL_REQUIRED', 'SELECTED_ACTIONS', 'FULL');`);
    this.addSql(`create type "click_action" as enum ('ALLOWED', 'BLOCKED');`);
    this.addSql(`create type "zap_reason" as enum ('PHISH', 'MALWARE');`);
    this.addSql(`create table "audit_events" ("id" uuid not null, "tenant_id" uuid not null, "at" timestamptz not null default now(), "actor" text not null, "actor_role" text not null, "kind" text not null, "subject_id" uuid null, "comment" text null, "details" jsonb not null default '{}', primary key ("id"));`);
    this.addSql(`create index "audit_events_subject_id_index" on "audit_events" ("subject_id");`);
    this.addSql(`create index "audit_events_tenant_id_at_index" on "audit_events" ("tenant_id", "at");`);

    this.addSql(`create table "campaigns" ("id" uuid not null, "tenant_id" uuid not null, "name" text not null, "first_seen_at" timestamptz not null default now(), primary key ("id"));`);
    this.addSql(`alter table "campaigns" add constraint "campaigns_tenant_id_name_unique" unique ("tenant_id", "name");`);

    this.addSql(`create table "devices" ("id" uuid not null, "tenant_id" uuid not null, "external_id" text not null, "name" text not null, "user" text null, "os" text null, "scan_requested_at" timestamptz null, "isolated_at" timestamptz null, primary key ("id"));`);
    this.addSql(`create index "devices_tenant_id_user_index" on "devices" ("tenant_id", "user");`);
    this.addSql(`alter table "devices" add constraint "devices_tenant_id_external_id_unique" unique ("tenant_id", "external_id");`);

    this.addSql(`create table "device_files" ("id" uuid not null, "tenant_id" uuid not null, "external_id" text not null, "device_external_id" text not null, "sha256" text not null, "path" text null, "seen_at" timestamptz not null, primary key ("id"));`);
    this.addSql(`create index "device_files_tenant_id_sha256_index" on "device_files" ("tenant_id", "sha256");`);
    this.addSql(`alter table "device_files" add constraint "device_files_tenant_id_external_id_unique" unique ("tenant_id", "external_id");`);

    this.addSql(`create table "email_messages" ("id" uuid not null, "tenant_id" uuid not null, "external_id" text not null, "recipient" text not null, "sender" text not null, "sender_ip" inet null, "return_path" text null, "subject" text not null, "body" text not null, "urls" text[] not null default '{}', "attachments" jsonb not null default '[]', "received_at" timestamptz not null, "location" "delivery_location" not null, "verdict" "detection_verdict" null, "auth" jsonb null, "direction" "mail_direction" not null default 'INBOUND', "internet_message_id" text null, "zapped_at" timestamptz null, primary key ("id"));`);
    this.addSql(`create index "email_messages_tenant_id_recipient_received_at_index" on "email_messages" ("tenant_id", "recipient", "received_at");`);
    this.addSql(`alter table "email_messages" add constraint "email_messages_tenant_id_external_id_unique" unique ("tenant_id", "external_id");`);

    this.addSql(`create table "inbox_rules" ("id" uuid not null, "tenant_id" uuid not null, "external_id" text not null, "mailbox" text not null, "name" text not null, "forward_to" text null, "delete_messages" boolean not null default false, "move_to_folder" text null, "created_at" timestamptz not null, "created_from_ip" inet null, "enabled" boolean not null default true, primary key ("id"));`);
    this.addSql(`create index "inbox_rules_tenant_id_mailbox_index" on "inbox_rules" ("tenant_id", "mailbox");`);
    this.addSql(`alter table "inbox_rules" add constraint "inbox_rules_tenant_id_external_id_unique" unique ("tenant_id", "external_id");`);

    this.addSql(`create table "indicators" ("id" uuid not null, "tenant_id" uuid not null, "external_id" text not null, "kind" "indicator_kind" not null, "value" text not null, "verdict" "verdict" not null, "campaign" text null, "source" text null, primary key ("id"));`);
    this.addSql(`create index "indicators_tenant_id_kind_value_index" on "indicators" ("tenant_id", "kind", "value");`);
    this.addSql(`alter table "indicators" add constraint "indicators_tenant_id_external_id_unique" unique ("tenant_id", "external_id");`);

    this.addSql(`create table "investigations" ("id" uuid not null, "tenant_id" uuid not null, "playbook" "playbook" not null, "state" "investigation_state" not null default 'STARTING', "title" text not null, "triggering_alert_id" uuid null, "state_reason" text null, "subject" text null, "created_at" timestamptz not null default now(), "started_at" timestamptz null, "ended_at" timestamptz null, "updated_at" timestamptz not null default now(), primary key ("id"));`);
    this.addSql(`create index "investigations_tenant_id_state_created_at_index" on "investigations" ("tenant_id", "state", "created_at");`);
    this.addSql(`create index "investigations_tenant_id_created_at_id_index" on "investigations" ("tenant_id", "created_at", "id");`);

    this.addSql(`create table "investigation_entities" ("id" uuid not null, "tenant_id" uuid not null, "investigation_id" uuid not null, "kind" "entity_kind" not null, "value" text not null, "external_id" text null, "display_name" text not null, "verdict" "verdict" not null default 'UNKNOWN', "threats" text[] not null default '{}', "details" jsonb not null default '{}', "created_at" timestamptz not null default now(), primary key ("id"));`);
    this.addSql(`create index "investigation_entities_investigation_id_kind_index" on "investigation_entities" ("investigation_id", "kind");`);
    this.addSql(`alter table "investigation_entities" add constraint "investigation_entities_investigation_id_kind_value_unique" unique ("investigation_id", "kind", "value");`);

    this.addSql(`create table "investigation_edges" ("id" uuid not null, "tenant_id" uuid not null, "investigation_id" uuid not null, "from_node_id" uuid not null, "to_node_id" uuid not null, "relation" text not null, primary key ("id"));`);
    this.addSql(`alter table "investigation_edges" add constraint "investigation_edges_investigation_id_from_node_id_2e4dc_unique" unique ("investigation_id", "from_node_id", "to_node_id", "relation");`);

    this.addSql(`create table "email_clusters" ("id" uuid not null, "tenant_id" uuid not null, "investigation_id" uuid not null, "name" text not null, "query" "cluster_query" not null, "query_value" text not null, "verdict" "verdict" not null default 'UNKNOWN', "threats" text[] not null default '{}', "message_count" int not null default 0, "counts_by_verdict" jsonb not null default '{}', "counts_by_location" jsonb not null default '{}', "created_at" timestamptz not null default now(), "refreshed_at" timestamptz not null default now(), primary key ("id"));`);
    this.addSql(`create index "email_clusters_investigation_id_index" on "email_clusters" ("investigation_id");`);

    this.addSql(`create table "email_cluster_members" ("id" uuid not null, "tenant_id" uuid not null, "cluster_id" uuid not null, "message_id" uuid not null, primary key ("id"));`);
    this.addSql(`create index "email_cluster_members_message_id_index" on "email_cluster_members" ("message_id");`);
    this.addSql(`alter table "email_cluster_members" add constraint "email_cluster_members_cluster_id_message_id_unique" unique ("cluster_id", "message_id");`);

    this.addSql(`create table "alerts" ("id" uuid not null, "tenant_id" uuid not null, "external_id" text null, "kind" "alert_kind" not null, "severity" "severity" not null default 'MEDIUM', "title" text not null, "at" timestamptz not null, "message_external_id" text null, "url" text null, "user" text null, "sha256" text null, "investigation_id" uuid null, primary key ("id"));`);
    this.addSql(`create index "alerts_investigation_id_index" on "alerts" ("investigation_id");`);
    this.addSql(`create index "alerts_tenant_id_at_index" on "alerts" ("tenant_id", "at");`);
    this.addSql(`alter table "alerts" add constraint "alerts_tenant_id_external_id_unique" unique ("tenant_id", "external_id");`);

    this.addSql(`create table "actions" ("id" uuid not null, "tenant_id" uuid not null, "investigation_id" uuid not null, "type" "action_type" not null, "status" "action_status" not null default 'PENDING_APPROVAL', "source" "action_source" null, "cluster_id" uuid null, "targets" jsonb not null default '[]', "rationale" text not null, "evidence" jsonb not null default '{}', "created_at" timestamptz not null default now(), "expires_at" timestamptz null, "decided_by" text null, "decided_at" timestamptz null, "decision_comment" text null, "completed_at" timestamptz null, "result" jsonb null, "error" text null, primary key ("id"));`);
    this.addSql(`create index "actions_tenant_id_status_created_at_index" on "actions" ("tenant_id", "status", "created_at");`);
    this.addSql(`create index "actions_investigation_id_index" on "actions" ("investigation_id");`);

    this.addSql(`create table "log_steps" ("id" uuid not null, "tenant_id" uuid not null, "investigation_id" uuid not null, "seq" int not null, "phase" "phase" not null, "key" text not null, "name" text not null, "description" text not null, "status" "step_status" not null default 'PENDING', "progress" smallint not null default 0, "progress_message" text null, "started_at" timestamptz null, "ended_at" timestamptz null, "findings" jsonb not null default '{}', "error" text null, primary key ("id"));`);
    this.addSql(`alter table "log_steps" add constraint "log_steps_investigation_id_key_unique" unique ("investigation_id", "key");`);

    this.addSql(`create table "mailboxes" ("id" uuid not null, "tenant_id" uuid not null, "external_id" text not null, "address" text not null, "display_name" text null, "department" text null, "password_reset_required_at" timestamptz null, "sessions_revoked_at" timestamptz null, primary key ("id"));`);
    this.addSql(`create index "mailboxes_tenant_id_address_index" on "mailboxes" ("tenant_id", "address");`);
    this.addSql(`alter table "mailboxes" add constraint "mailboxes_tenant_id_external_id_unique" unique ("tenant_id", "external_id");`);

    this.addSql(`create table "events" ("id" bigserial primary key, "tenant_id" uuid not null, "investigation_id" uuid null, "type" text not null, "payload" jsonb not null, "created_at" timestamptz not null default now());`);
    this.addSql(`create index "events_investigation_id_id_index" on "events" ("investigation_id", "id");`);
    this.addSql(`create index "events_tenant_id_id_index" on "events" ("tenant_id", "id");`);

    this.addSql(`create table "sign_ins" ("id" uuid not null, "tenant_id" uuid not null, "external_id" text not null, "user" text not null, "ip" inet not null, "country" text null, "at" timestamptz not null, "risk" "sign_in_risk" not null default 'NONE', "result" "sign_in_result" not null, primary key ("id"));`);
    this.addSql(`create index "sign_ins_tenant_id_user_at_index" on "sign_ins" ("tenant_id", "user", "at");`);
    this.addSql(`alter table "sign_ins" add constraint "sign_ins_tenant_id_external_id_unique" unique ("tenant_id", "external_id");`);

    this.addSql(`create table "tenants" ("id" uuid not null, "name" text not null, "automation_level" "automation_level" not null default 'APPROVAL_REQUIRED', "automated_action_types" text[] not null default '{}', "max_pending_investigations" int not null default 50, "pending_action_ttl_hours" int not null default 168, "created_at" timestamptz not null default now(), primary key ("id"));`);
    this.addSql(`alter table "tenants" add constraint "tenants_name_unique" unique ("name");`);

    this.addSql(`create table "url_clicks" ("id" uuid not null, "tenant_id" uuid not null, "external_id" text not null, "url" text not null, "user" text not null, "at" timestamptz not null, "action" "click_action" not null, "message_external_id" text null, primary key ("id"));`);
    this.addSql(`create index "url_clicks_tenant_id_url_index" on "url_clicks" ("tenant_id", "url");`);
    this.addSql(`alter table "url_clicks" add constraint "url_clicks_tenant_id_external_id_unique" unique ("tenant_id", "external_id");`);

    this.addSql(`create table "zap_events" ("id" uuid not null, "tenant_id" uuid not null, "external_id" text not null, "message_external_id" text not null, "at" timestamptz not null, "reason" "zap_reason" not null, primary key ("id"));`);
    this.addSql(`create index "zap_events_tenant_id_message_external_id_index" on "zap_events" ("tenant_id", "message_external_id");`);
    this.addSql(`alter table "zap_events" add constraint "zap_events_tenant_id_external_id_unique" unique ("tenant_id", "external_id");`);

    this.addSql(`create or replace function "audit_events_no_truncate_fn"() returns trigger as \$\$ begin raise exception '% is append-only', tg_table_name using errcode = 'insufficient_privilege'; end; \$\$ language plpgsql;`);
    // Not declared on the entity: MikroORM's diff does not read statement triggers back (see AuditEvent).
    this.addSql(`create trigger "no_truncate" BEFORE TRUNCATE on "audit_events" for each STATEMENT execute function "audit_events_no_truncate_fn"();`);
    this.addSql(`create or replace function "audit_events_append_only_fn"() returns trigger as \$\$ begin raise exception '% is append-only', tg_table_name using errcode = 'insufficient_privilege'; end; \$\$ language plpgsql;`);
    this.addSql(`create trigger "append_only" BEFORE UPDATE OR DELETE on "audit_events" for each ROW execute function "audit_events_append_only_fn"();`);

    this.addSql(`alter table "investigations" add constraint "investigations_triggering_alert_id_foreign" foreign key ("triggering_alert_id") references "alerts" ("id") on delete set null deferrable initially deferred;`);

    this.addSql(`alter table "investigation_entities" add constraint "investigation_entities_investigation_id_foreign" foreign key ("investigation_id") references "investigations" ("id") on delete cascade;`);

    this.addSql(`alter table "investigation_edges" add constraint "investigation_edges_investigation_id_foreign" foreign key ("investigation_id") references "investigations" ("id") on delete cascade;`);

    this.addSql(`alter table "email_clusters" add constraint "email_clusters_investigation_id_foreign" foreign key ("investigation_id") references "investigations" ("id") on delete cascade;`);

    this.addSql(`alter table "email_cluster_members" add constraint "email_cluster_members_cluster_id_foreign" foreign key ("cluster_id") references "email_clusters" ("id") on delete cascade;`);
    this.addSql(`alter table "email_cluster_members" add constraint "email_cluster_members_message_id_foreign" foreign key ("message_id") references "email_messages" ("id") on delete cascade;`);

    this.addSql(`alter table "alerts" add constraint "alerts_investigation_id_foreign" foreign key ("investigation_id") references "investigations" ("id") on delete set null deferrable initially deferred;`);

    this.addSql(`alter table "actions" add constraint "actions_investigation_id_foreign" foreign key ("investigation_id") references "investigations" ("id") on delete cascade;`);
    this.addSql(`alter table "actions" add constraint "actions_cluster_id_foreign" foreign key ("cluster_id") references "email_clusters" ("id") on delete set null;`);

    this.addSql(`alter table "log_steps" add constraint "log_steps_investigation_id_foreign" foreign key ("investigation_id") references "investigations" ("id") on delete cascade;`);

    this.addSql(`create or replace function "events_append_only_fn"() returns trigger as \$\$ begin raise exception '% is append-only', tg_table_name using errcode = 'insufficient_privilege'; end; \$\$ language plpgsql;`);
    this.addSql(`create trigger "append_only" BEFORE UPDATE on "events" for each ROW execute function "events_append_only_fn"();`);
  }

  override down(): void | Promise<void> {
    this.addSql(`alter table "email_cluster_members" drop constraint "email_cluster_members_message_id_foreign";`);
    this.addSql(`alter table "investigation_entities" drop constraint "investigation_entities_investigation_id_foreign";`);
    this.addSql(`alter table "investigation_edges" drop constraint "investigation_edges_investigation_id_foreign";`);
    this.addSql(`alter table "email_clusters" drop constraint "email_clusters_investigation_id_foreign";`);
    this.addSql(`alter table "alerts" drop constraint "alerts_investigation_id_foreign";`);
    this.addSql(`alter table "actions" drop constraint "actions_investigation_id_foreign";`);
    this.addSql(`alter table "log_steps" drop constraint "log_steps_investigation_id_foreign";`);
    this.addSql(`alter table "email_cluster_members" drop constraint "email_cluster_members_cluster_id_foreign";`);
    this.addSql(`alter table "actions" drop constraint "actions_cluster_id_foreign";`);
    this.addSql(`alter table "investigations" drop constraint "investigations_triggering_alert_id_foreign";`);

    this.addSql(`drop trigger if exists "no_truncate" on "audit_events";`);
    this.addSql(`drop function if exists "audit_events_no_truncate_fn"();`);
    this.addSql(`drop trigger if exists "append_only" on "audit_events";`);
    this.addSql(`drop function if exists "audit_events_append_only_fn"();`);
    this.addSql(`drop table if exists "audit_events" cascade;`);
    this.addSql(`drop table if exists "campaigns" cascade;`);
    this.addSql(`drop table if exists "devices" cascade;`);
    this.addSql(`drop table if exists "device_files" cascade;`);
    this.addSql(`drop table if exists "email_messages" cascade;`);
    this.addSql(`drop table if exists "inbox_rules" cascade;`);
    this.addSql(`drop table if exists "indicators" cascade;`);
    this.addSql(`drop table if exists "investigations" cascade;`);
    this.addSql(`drop table if exists "investigation_entities" cascade;`);
    this.addSql(`drop table if exists "investigation_edges" cascade;`);
    this.addSql(`drop table if exists "email_clusters" cascade;`);
    this.addSql(`drop table if exists "email_cluster_members" cascade;`);
    this.addSql(`drop table if exists "alerts" cascade;`);
    this.addSql(`drop table if exists "actions" cascade;`);
    this.addSql(`drop table if exists "log_steps" cascade;`);
    this.addSql(`drop table if exists "mailboxes" cascade;`);
    this.addSql(`drop trigger if exists "append_only" on "events";`);
    this.addSql(`drop function if exists "events_append_only_fn"();`);
    this.addSql(`drop table if exists "events" cascade;`);
    this.addSql(`drop table if exists "sign_ins" cascade;`);
    this.addSql(`drop table if exists "tenants" cascade;`);
    this.addSql(`drop table if exists "url_clicks" cascade;`);
    this.addSql(`drop table if exists "zap_events" cascade;`);

    this.addSql(`drop type "delivery_location";`);
    this.addSql(`drop type "detection_verdict";`);
    this.addSql(`drop type "mail_direction";`);
    this.addSql(`drop type "indicator_kind";`);
    this.addSql(`drop type "verdict";`);
    this.addSql(`drop type "playbook";`);
    this.addSql(`drop type "investigation_state";`);
    this.addSql(`drop type "entity_kind";`);
    this.addSql(`drop type "cluster_query";`);
    this.addSql(`drop type "alert_kind";`);
    this.addSql(`drop type "severity";`);
    this.addSql(`drop type "action_type";`);
    this.addSql(`drop type "action_status";`);
    this.addSql(`drop type "action_source";`);
    this.addSql(`drop type "phase";`);
    this.addSql(`drop type "step_status";`);
    this.addSql(`drop type "sign_in_risk";`);
    this.addSql(`drop type "sign_in_result";`);
    this.addSql(`drop type "automation_level";`);
    this.addSql(`drop type "click_action";`);
    this.addSql(`drop type "zap_reason";`);
  }

}
