import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';
import importX from 'eslint-plugin-import-x';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';

/**
 * WORKER-SAFE zones: code that runs in /ingest's worker threads, and the playbook steps with the signal
 * library they judge messages with (playbooks/signals), which must be testable without a database. They
 * import `src/domain/` and each other, never the ORM, GraphQL or a database driver (the ingest worker
 * loaded MikroORM, type-graphql and graphql — 434 module resolutions — for a parser that needs 73).
 */
const INGEST_WORKER = [
  'telemetry/ingest.worker.ts',
  'telemetry/ingest.rows.ts',
  'telemetry/ingest.records.ts',
  'telemetry/ingest-record.types.ts',
  'telemetry/fingerprint.ts',
  'telemetry/raw-message.ts',
  'telemetry/mail',
];
const STEPS = ['playbooks/steps', 'playbooks/signals', 'playbooks/playbook.types.ts', 'playbooks/ports.ts'];
const SERVER_PACKAGES = {
  group: ['@mikro-orm/*', 'type-graphql', 'graphql', 'graphql-*', '@apollo/*', 'pg', 'pg-*', 'kysely', 'dataloader', 'ws'],
  message: 'WORKER-SAFE file: no ORM, GraphQL or database driver here (docs/architecture.md, "Rooms").',
};

export default tseslint.config(
  { ignores: ['dist/', 'dist-bench/', 'node_modules/', 'test/generated/', 'coverage/', 'migrations/Migration*.ts'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' },
      ],
      '@typescript-eslint/no-explicit-any': 'error',
      'no-console': 'off',
    },
  },
  {
    files: ['**/*.ts'],
    plugins: { 'import-x': importX },
    settings: {
      ...importX.flatConfigs.typescript.settings,
      'import-x/resolver-next': [createTypeScriptImportResolver({ project: './tsconfig.json' })],
    },
    rules: {
      'import-x/no-cycle': 'error',
      'import-x/no-restricted-paths': [
        'error',
        {
          zones: [
            {
              target: './src/domain',
              from: './src',
              except: ['./domain'],
              message: 'domain/ is plain TypeScript: it imports nothing of src.',
            },
            ...INGEST_WORKER.map((file) => ({
              target: `./src/${file}`,
              from: './src',
              except: ['./domain', ...INGEST_WORKER.map((f) => `./${f}`)],
              message: 'runs in /ingest worker threads: it may import domain/ and the other worker files only.',
            })),
            ...STEPS.map((path) => ({
              target: `./src/${path}`,
              from: './src',
              except: ['./domain', ...STEPS.map((p) => `./${p}`)],
              message: 'playbook steps see ports, never the ORM: they may import domain/ and each other only.',
            })),
          ],
        },
      ],
    },
  },
  {
    files: [
      'src/domain/**/*.ts',
      ...INGEST_WORKER.map((f) => `src/${f}`),
      ...STEPS.map((p) => (p.endsWith('.ts') ? `src/${p}` : `src/${p}/**/*.ts`)),
    ],
    rules: { 'no-restricted-imports': ['error', { patterns: [SERVER_PACKAGES] }] },
  },
);
