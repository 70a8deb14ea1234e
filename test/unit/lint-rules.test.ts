import { ESLint } from 'eslint';
import fs from 'node:fs/promises';

/**
 * The house rules lint enforces (eslint.config.js), proved on the real configuration: an import cycle,
 * and an ORM, GraphQL or server import in a WORKER-SAFE file, fail `npm run lint`.
 */
/**
 * Lint `code` as if it were `filePath`, with the project's configuration; the rule ids reported. One ESLint
 * in this process for every case: four `eslint --stdin` processes each loaded the TypeScript resolver
 * again (10 s of the unit project's 13 s).
 */
let eslint: ESLint | undefined;
async function lintStdin(filePath: string, code: string): Promise<string[]> {
  eslint ??= new ESLint({ cwd: process.cwd() });
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? []).map((m) => String(m.ruleId));
}

test('an import cycle is a lint error', async () => {
  // lifecycle.service imports actions/decide; decide importing it back closes a cycle.
  const decide = await fs.readFile('src/actions/decide.ts', 'utf8');
  const rules = await lintStdin('src/actions/decide.ts', `${decide}\nimport '../investigations/lifecycle.service.js';\n`);
  expect(rules).toContain('import-x/no-cycle');
}, 60_000);

test('an ORM, GraphQL or server import in a WORKER-SAFE file is a lint error', async () => {
  const probe = (up: string) =>
    [
      `import { Entity } from '@mikro-orm/core';`,
      `import { GraphQLError } from 'graphql';`,
      `import { Investigation } from '${up}investigations/investigation.entity.js';`,
      `export const probe = [Entity, GraphQLError, Investigation];`,
    ].join('\n');
  for (const [file, up] of [
    ['src/domain/probe.ts', '../'],
    ['src/playbooks/steps/probe.step.ts', '../../'],
    ['src/telemetry/ingest.rows.ts', '../'],
  ] as const) {
    const rules = await lintStdin(file, probe(up));
    expect({ file, rules: [...new Set(rules)].sort() }).toEqual({
      file,
      rules: ['import-x/no-restricted-paths', 'no-restricted-imports'],
    });
  }
  // The same imports are fine outside the zones.
  expect(await lintStdin('src/investigations/probe.service.ts', probe('../'))).toEqual([]);
}, 60_000);
