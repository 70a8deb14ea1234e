import fs from 'node:fs';
import path from 'node:path';
import { createMetrics } from '../../src/metrics.js';

/**
 * The metric catalogue stays true: docs/operations.md lists exactly the `air_*` metrics a server
 * registers, and the Grafana dashboard queries only metrics that exist (a renamed metric would leave a
 * panel silently empty).
 */
const root = path.resolve(import.meta.dirname, '../..');
const registered = () => {
  const metrics = createMetrics();
  const names = metrics.registry.getMetricsAsArray().map((m) => m.name);
  metrics.registry.clear();
  return names;
};
/** `air_x_bucket`, `air_x_count`, `air_x_sum` → `air_x` when `air_x` is a histogram. */
const base = (name: string, known: Set<string>) => {
  const stripped = name.replace(/_(bucket|count|sum)$/, '');
  return known.has(stripped) ? stripped : name;
};

test('docs/operations.md lists every air_* metric the server registers, and no other', () => {
  const ours = new Set(registered().filter((n) => n.startsWith('air_')));
  expect(ours.size).toBeGreaterThan(15);
  const section = fs.readFileSync(path.join(root, 'docs/operations.md'), 'utf8').split('\n## Metrics')[1]!.split('\n## ')[0]!;
  const rows = new Set([...section.matchAll(/^\| `(air_\w+)`/gm)].map((m) => m[1]!));
  expect([...rows].sort()).toEqual([...ours].sort());
});

test('docs/grafana-dashboard.json queries only metrics the server exports, and charts every air_* one', () => {
  const all = new Set(registered());
  const dashboard = JSON.parse(fs.readFileSync(path.join(root, 'docs/grafana-dashboard.json'), 'utf8')) as {
    panels: { type: string; targets?: { expr: string }[] }[];
  };
  const used = new Set(
    dashboard.panels.flatMap((p) =>
      (p.targets ?? []).flatMap((t) => [...t.expr.matchAll(/\b((?:air|process|nodejs)_\w+)/g)].map((m) => base(m[1]!, all))),
    ),
  );
  expect([...used].filter((n) => !all.has(n))).toEqual([]);
  const air = [...all].filter((n) => n.startsWith('air_'));
  // air_graphql_operation_seconds is the by-type view of air_graphql_named_operation_seconds, charted by name instead.
  expect(air.filter((n) => !used.has(n))).toEqual(['air_graphql_operation_seconds']);
});
