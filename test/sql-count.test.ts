import { gql, startTestApp, type TestApp } from './support/app.js';
import { seedInvestigation } from './support/fixtures.js';
import { InvestigationPageDocument, InvestigationsDocument } from './generated/graphql.js';
import { Role } from '../src/domain/role.js';

let t: TestApp;
const statements: string[] = [];

beforeAll(async () => {
  t = await startTestApp({ onQuery: (sql) => statements.push(sql) });
});
afterAll(() => t.stop());

async function statementsFor(run: () => Promise<unknown>): Promise<string[]> {
  const from = statements.length;
  await run();
  return statements.slice(from);
}

test('a full investigation page costs the same number of SQL statements however much it holds', async () => {
  const token = await t.token('acme', Role.SECURITY_READER);
  const small = await seedInvestigation(t.app.orm, 'acme', {
    entities: 1,
    users: 1,
    machines: 1,
    clusters: 1,
    membersPerCluster: 1,
    steps: 3,
    actions: 1,
    alerts: 1,
  });
  const large = await seedInvestigation(t.app.orm, 'acme', {
    entities: 40,
    users: 12,
    machines: 9,
    clusters: 15,
    membersPerCluster: 12,
    steps: 24,
    actions: 30,
    alerts: 10,
  });
  const page = (id: string) => async () => {
    const res = await gql(t.url, token, InvestigationPageDocument, { id });
    expect(res.errors).toBeUndefined();
    return res;
  };
  await page(small.investigation.id)(); // warm-up: the tenant lookup is cached after the first request

  const smallSql = await statementsFor(page(small.investigation.id));
  const largeSql = await statementsFor(page(large.investigation.id));
  const shape = (sql: string[]) => sql.map((q) => q.replace(/'[^']*'/g, '?').replace(/\?(, \?)*/g, '?')).sort();
  expect(shape(largeSql)).toEqual(shape(smallSql));
  expect(largeSql.length).toBe(smallSql.length);
  // …and that number is small: one statement per kind of thing on the page, not per row.
  expect(largeSql.length).toBeLessThanOrEqual(25);
});

test('a page of investigations with nested fields does not grow with the page size', async () => {
  const token = await t.token('listco', Role.SECURITY_READER);
  for (let i = 0; i < 30; i++) await seedInvestigation(t.app.orm, 'listco', { entities: 2, clusters: 1, membersPerCluster: 2, actions: 2 });
  const list = (first: number) => async () => {
    const res = await gql(
      t.url,
      token,
      `query($first: Int) { investigations(first: $first) { edges { node { id triggeringAlert { id } logSteps { key }
        entities(first: 5) { totalCount edges { node { id } } } actions(first: 5) { edges { node { id cluster { id } messages(first: 2) { edges { node { id } } } } } } } } } }`,
      { first },
    );
    expect(res.errors).toBeUndefined();
  };
  await list(1)();
  const two = await statementsFor(list(2));
  const thirty = await statementsFor(list(30));
  expect(thirty.length).toBe(two.length);
});

test("totalCount is only computed when asked for, and then in the page's own statement", async () => {
  const token = await t.token('acme', Role.SECURITY_READER);
  const without = await statementsFor(() => gql(t.url, token, '{ investigations(first: 5) { edges { node { id } } } }'));
  const withCount = await statementsFor(() => gql(t.url, token, InvestigationsDocument, { first: 5 }));
  expect(withCount.length).toBe(without.length);
  const counts = (sql: string[]) => sql.filter((q) => /count\(\*\)/i.test(q)).length;
  expect(counts(without)).toBe(0);
  expect(counts(withCount)).toBe(1);
});
