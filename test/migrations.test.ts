import { connectDatabase, type Orm } from '../src/db/database.js';
import { createTestDatabase } from './support/database.js';

let db: Awaited<ReturnType<typeof createTestDatabase>>;
let orm: Orm;
beforeAll(async () => {
  db = await createTestDatabase();
  orm = await connectDatabase(db.url);
});
afterAll(async () => {
  await orm.close();
  await db.drop();
});

test('the migrations create exactly what the entities declare (run `npm run migration:create` when this fails)', async () => {
  expect(await orm.migrator.getPending()).toEqual([]);
  expect(await orm.migrator.checkSchema()).toBe(false);
});

test('the audit trail refuses UPDATE, DELETE and TRUNCATE from anyone; the outbox refuses UPDATE', async () => {
  const sql = orm.em.getConnection();
  await sql.execute(
    `insert into audit_events (id, tenant_id, actor, actor_role, kind) values ('0190a000-0000-7000-8000-000000000001', '0190a000-0000-7000-8000-000000000002', 'a', 'SECURITY_ADMIN', 'ACTION_APPROVED')`,
  );
  await expect(sql.execute(`update audit_events set actor = 'mallory'`)).rejects.toThrow(/audit_events is append-only/);
  await expect(sql.execute(`delete from audit_events`)).rejects.toThrow(/audit_events is append-only/);
  await expect(sql.execute(`truncate audit_events`)).rejects.toThrow(/audit_events is append-only/);
  expect(await sql.execute(`select actor from audit_events`)).toEqual([{ actor: 'a' }]);

  await sql.execute(`insert into events (tenant_id, type, payload) values ('0190a000-0000-7000-8000-000000000002', 'x', '{}')`);
  await expect(sql.execute(`update events set type = 'y'`)).rejects.toThrow(/events is append-only/);
});
