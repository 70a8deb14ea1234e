/**
 * The built-in executors: remediation applied to the organisation data this server holds (the system of
 * record for its telemetry). Every statement names the tenant; every one is conditional, so running an
 * executor twice changes nothing the second time.
 */
import { ActionType, BlockKind, EMAIL_ACTION_DESTINATION, movedFrom } from '../domain/action.js';
import { type ActionExecutor, type ExecutionContext, type ExecutorRegistry } from './executor.js';
import { sql } from '../db/sql.js';
import { actedOnMemberSql } from '../investigations/email-cluster.entity.js';

/**
 * Move the cluster's messages still in mailboxes (domain `movedFrom`: the same set `Action.messages`
 * lists) to the type's destination. The cluster's query is re-run here, at execution: mail that a user
 * deleted or a ZAP quarantined since the recommendation is left alone. The previous locations go into
 * the result, so an undo puts each message back where it was.
 */
function moveClusterMessages(type: ActionType, location: string): ActionExecutor {
  const to = EMAIL_ACTION_DESTINATION[type]!;
  const from = movedFrom(type);
  return {
    async run({ tx, tenantId, action }: ExecutionContext) {
      if (!action.clusterId) throw new Error(`${action.type} needs a cluster, and action ${action.id} has none`);
      const moved = await sql<{ id: string; from: string }>(
        tx,
        `with target as (
           select m.id, m.location::text as from_location from email_cluster_members c
             join email_clusters cl on cl.id = c.cluster_id and cl.tenant_id = c.tenant_id
             join email_messages m on m.id = c.message_id and m.tenant_id = c.tenant_id
           where c.tenant_id = ? and c.cluster_id = ? and ${actedOnMemberSql('c', 'cl')} and m.location = any(?::delivery_location[]) for update of m)
         update email_messages m set location = ?::delivery_location from target
         where m.tenant_id = ? and m.id = target.id returning m.id, target.from_location as "from"`,
        [tenantId, action.clusterId, from, to, tenantId],
      );
      return { moved: moved.length, location, restore: moved.map((m) => [m.id, m.from]) };
    },
    async undo({ tx, tenantId }: ExecutionContext, result) {
      const restore = (result.restore ?? []) as [string, string][];
      if (restore.length === 0) return { restored: 0 };
      // Only messages still where the action put them: a message a user moved since is theirs to keep.
      const rows = await sql(
        tx,
        `update email_messages m set location = r.loc::delivery_location from unnest(?::uuid[], ?::text[]) as r(id, loc)
         where m.tenant_id = ? and m.id = r.id and m.location = ?::delivery_location returning m.id`,
        [restore.map((r) => r[0]), restore.map((r) => r[1]), tenantId, to],
      );
      return { restored: rows.length };
    },
  };
}

function block(kind: BlockKind): ActionExecutor {
  return {
    async run({ tx, tenantId, action }) {
      const values = action.targets.map((t) => t.value);
      const rows = await sql<{ value: string }>(
        tx,
        `insert into block_list_entries (id, tenant_id, kind, value, action_id, created_at)
         select gen_random_uuid(), ?, ?::block_kind, v, ?, now() from unnest(?::text[]) as v
         where not exists (select 1 from block_list_entries b where b.tenant_id = ? and b.kind = ?::block_kind and b.value = v and b.lifted_at is null)
         returning value`,
        [tenantId, kind, action.id, values, tenantId, kind],
      );
      return { blocked: values, added: rows.length };
    },
    async undo({ tx, tenantId, action }) {
      const rows = await sql(
        tx,
        `update block_list_entries set lifted_at = now() where tenant_id = ? and action_id = ? and lifted_at is null returning id`,
        [tenantId, action.id],
      );
      return { lifted: rows.length };
    },
  };
}

/** Disable the target inbox rules (by ingested id); DISABLE_FORWARDING disables the user's forwarding rules. */
function disableRules(forwardingOnly: boolean): ActionExecutor {
  const where = forwardingOnly ? `mailbox = any(?::text[]) and forward_to is not null` : `external_id = any(?::text[])`;
  return {
    async run({ tx, tenantId, action }) {
      const keys = action.targets.map((t) => t.externalId ?? t.value);
      const rows = await sql<{ id: string }>(
        tx,
        `update inbox_rules set enabled = false where tenant_id = ? and ${where} and enabled returning id`,
        [tenantId, keys],
      );
      return { disabled: rows.length, ruleIds: rows.map((r) => r.id) };
    },
    async undo({ tx, tenantId }, result) {
      const ids = (result.ruleIds ?? []) as string[];
      const rows = await sql(
        tx,
        `update inbox_rules set enabled = true where tenant_id = ? and id = any(?::uuid[]) and not enabled returning id`,
        [tenantId, ids],
      );
      return { enabled: rows.length };
    },
  };
}

/** Mark the users (mailboxes) or machines and record the request; the identity provider or EDR acts on it. */
function mark(table: 'mailboxes' | 'devices', column: string, match: string, undoable: boolean): ActionExecutor {
  const executor: ActionExecutor = {
    async run({ tx, tenantId, action }) {
      const values = action.targets.map((t) => t.value);
      const rows = await sql<{ id: string }>(
        tx,
        `update ${table} set ${column} = coalesce(${column}, now()) where tenant_id = ? and ${match} = any(?::text[]) returning id`,
        [tenantId, values],
      );
      return { requested: values, marked: rows.length, ids: rows.map((r) => r.id) };
    },
  };
  if (undoable)
    executor.undo = async ({ tx, tenantId }, result) => {
      const rows = await sql(tx, `update ${table} set ${column} = null where tenant_id = ? and id = any(?::uuid[]) returning id`, [
        tenantId,
        (result.ids ?? []) as string[],
      ]);
      return { released: rows.length };
    };
  return executor;
}

export const BUILTIN_EXECUTORS: ExecutorRegistry = {
  [ActionType.SOFT_DELETE_EMAILS]: moveClusterMessages(ActionType.SOFT_DELETE_EMAILS, 'Deleted Items'),
  // Hard delete removes the messages from the user's reach; here it is the same move without an undo.
  [ActionType.HARD_DELETE_EMAILS]: { run: moveClusterMessages(ActionType.HARD_DELETE_EMAILS, 'purged').run },
  [ActionType.MOVE_TO_JUNK]: moveClusterMessages(ActionType.MOVE_TO_JUNK, 'Junk Email'),
  [ActionType.BLOCK_URL]: block(BlockKind.URL),
  [ActionType.BLOCK_SENDER]: block(BlockKind.SENDER),
  [ActionType.BLOCK_FILE]: block(BlockKind.FILE),
  [ActionType.REMOVE_INBOX_RULE]: disableRules(false),
  [ActionType.DISABLE_FORWARDING]: disableRules(true),
  [ActionType.RESET_PASSWORD]: mark('mailboxes', 'password_reset_required_at', 'address', false),
  [ActionType.REVOKE_SESSIONS]: mark('mailboxes', 'sessions_revoked_at', 'address', false),
  [ActionType.SCAN_MACHINE]: mark('devices', 'scan_requested_at', 'name', false),
  [ActionType.ISOLATE_MACHINE]: mark('devices', 'isolated_at', 'name', true),
};
