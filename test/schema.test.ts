import fs from 'node:fs/promises';
import { isObjectType } from 'graphql';
import { buildBareSchema, printPossibleTypes, printSdl } from '../src/schema.js';
import { READABLE_TYPES, rules, SHARED_TYPES } from '../src/auth/permissions.js';

test('schema/schema.graphql is what the code emits (run `npm run schema` and commit it)', async () => {
  const emitted = printSdl(await buildBareSchema());
  const checkedIn = await fs.readFile('schema/schema.graphql', 'utf8');
  expect(checkedIn).toBe(emitted);
});

test('schema/possible-types.json is what the code emits, and names every event under LiveEvent and the unions', async () => {
  const schema = await buildBareSchema();
  const checkedIn = await fs.readFile('schema/possible-types.json', 'utf8');
  expect(checkedIn).toBe(printPossibleTypes(schema));
  const possibleTypes = JSON.parse(checkedIn) as Record<string, string[]>;
  const events = possibleTypes.InvestigationEvent!;
  expect(events).toHaveLength(11);
  expect(possibleTypes.LiveEvent).toEqual(events);
  expect(possibleTypes.TenantEvent!.every((t) => events.includes(t))).toBe(true);
});

test('every object type and root field has an authorization rule; nothing is left to the deny fallback by accident', async () => {
  const schema = await buildBareSchema();
  const ruled = new Set(Object.keys(rules));
  const objectTypes = Object.values(schema.getTypeMap()).filter((t) => isObjectType(t) && !t.name.startsWith('__'));
  const unruled = objectTypes
    .map((t) => t.name)
    .filter((name) => !['Query', 'Mutation', 'Subscription'].includes(name) && !ruled.has(name));
  expect(unruled).toEqual([]);
  for (const root of [schema.getQueryType()!, schema.getMutationType()!, schema.getSubscriptionType()!]) {
    const rootRules = (rules as Record<string, object | undefined>)[root.name];
    expect(rootRules).toBeDefined();
    const ruledFields = Object.keys(rootRules!);
    expect(Object.keys(root.getFields()).sort()).toEqual(ruledFields.sort());
  }
  // No type is in both lists: each has exactly one audience.
  expect(READABLE_TYPES.filter((t) => (SHARED_TYPES as readonly string[]).includes(t))).toEqual([]);
});
