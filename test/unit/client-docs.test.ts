import fs from 'node:fs/promises';
import { Kind, parse, print, visit, type DocumentNode, type OperationDefinitionNode, type SelectionSetNode } from 'graphql';
import { buildBareSchema } from '../../src/schema.js';
import { queryCost } from '../../src/common/query-cost.js';
import { loadConfig } from '../../src/config.js';

/**
 * docs/clients.md is what a front-end team copies: its operations must be the ones the client tests
 * run (test/clients/documents.graphql), its set-up code the code they run (test/clients/*.setup.ts),
 * and its cost table what the server computes for each operation as Apollo Client and urql send it,
 * with `__typename` in every selection set — within the default limits.
 */
const doc = await fs.readFile('docs/clients.md', 'utf8');
const blocks = (lang: string) => [...doc.matchAll(new RegExp('```' + lang + '\\n([\\s\\S]*?)```', 'g'))].map((m) => m[1]!);

/** What Apollo Client and urql send: `__typename` added to every selection set. */
const withTypename = (document: DocumentNode) =>
  visit(document, {
    SelectionSet(node) {
      if (node.selections.some((s) => s.kind === Kind.FIELD && s.name.value === '__typename')) return undefined;
      return { ...node, selections: [...node.selections, { kind: Kind.FIELD, name: { kind: Kind.NAME, value: '__typename' } }] };
    },
  });

/** Nesting of fields, as graphql-armor's depth limit counts it (inline fragments add no level). */
function depthOf(set: SelectionSetNode | undefined): number {
  if (!set) return 0;
  let deepest = 0;
  for (const s of set.selections) {
    if (s.kind === Kind.FIELD) deepest = Math.max(deepest, s.selectionSet ? 1 + depthOf(s.selectionSet) : 0);
    if (s.kind === Kind.INLINE_FRAGMENT) deepest = Math.max(deepest, depthOf(s.selectionSet));
  }
  return deepest;
}

const operations = (text: string) =>
  parse(text).definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);

test('the documented operations are the ones the client tests run', async () => {
  const tested = operations(await fs.readFile('test/clients/documents.graphql', 'utf8'));
  const documented = blocks('graphql').flatMap(operations);
  expect(documented.map((o) => print(o))).toEqual(tested.map((o) => print(o)));
});

test('the documented set-ups are the code the client tests run', async () => {
  const ts = blocks('ts');
  for (const file of ['test/clients/apollo.setup.ts', 'test/clients/urql.setup.ts']) {
    expect(ts).toContain(await fs.readFile(file, 'utf8'));
  }
});

test('each documented operation, __typename everywhere, costs what the table says and fits the default limits', async () => {
  const schema = await buildBareSchema();
  const { limits } = loadConfig({ NODE_ENV: 'test', AIR_JWT_SECRET: 'x'.repeat(32) });
  const table = new Map([...doc.matchAll(/^\| `(\w+)` +\| ([\d,]+) +\|/gm)].map((m) => [m[1]!, Number(m[2]!.replace(/,/g, ''))]));
  const documented = blocks('graphql').flatMap(operations);
  expect([...table.keys()].sort()).toEqual(documented.map((o) => o.name!.value).sort());
  const costs = new Map<string, number>();
  for (const operation of documented) {
    const sent = withTypename({ kind: Kind.DOCUMENT, definitions: [operation] });
    const cost = queryCost({ schema, document: sent, variables: { id: '0190a000-0000-7000-8000-000000000001' } });
    if (typeof cost !== 'number') throw cost;
    costs.set(operation.name!.value, cost);
    expect(cost).toBeLessThanOrEqual(limits.maxCost);
    expect(depthOf((sent.definitions[0] as OperationDefinitionNode).selectionSet)).toBeLessThanOrEqual(limits.maxDepth);
    // parse() throws past the token limit, as the server's parse does.
    expect(() => parse(print(sent), { maxTokens: limits.maxTokens })).not.toThrow();
  }
  expect(Object.fromEntries(costs)).toEqual(Object.fromEntries(table));
});
