import { ANONYMOUS_OPERATION, OperationNames, OTHER_OPERATION, OTHER_ROUTE, routeLabel, statusLabel } from '../../src/metrics.labels.js';

const FIXED = new Set(['/graphql', '/ingest', '/healthz', '/readyz', '/metrics']);

describe('routeLabel: one series per route, never one per path a client invents', () => {
  test('a fixed route is its path', () => {
    for (const path of FIXED) expect(routeLabel(path, FIXED)).toBe(path);
  });

  test("an export's id becomes :id", () => {
    expect(routeLabel('/export/investigations.csv', FIXED)).toBe('/export/investigations.csv');
    expect(routeLabel('/export/investigations/0190a000-0000-7000-8000-000000000001/log.csv', FIXED)).toBe(
      '/export/investigations/:id/log.csv',
    );
    expect(routeLabel('/export/investigations/anything-at-all/actions.csv', FIXED)).toBe('/export/investigations/:id/actions.csv');
  });

  test('every other path is "other": scanners, typos, near misses', () => {
    for (const path of [
      '/',
      '/wp-login.php',
      '/graphql/',
      '/GRAPHQL',
      '/export/investigations/a/b/log.csv',
      '/export/other.csv',
      '/metricsx',
    ]) {
      expect(routeLabel(path, FIXED)).toBe(OTHER_ROUTE);
    }
  });

  test('a status is its code, or "aborted" when no response head went out', () => {
    expect(statusLabel(200)).toBe('200');
    expect(statusLabel(503)).toBe('503');
    expect(statusLabel(undefined)).toBe('aborted');
  });
});

describe('OperationNames: the first names keep their series, later ones share "(other)"', () => {
  test('names up to the cap are kept, and stay kept', () => {
    const names = new OperationNames(3);
    expect(['A', 'B', 'A', 'C'].map((n) => names.label(n))).toEqual(['A', 'B', 'A', 'C']);
    expect(names.label('D')).toBe(OTHER_OPERATION);
    expect(names.label('E')).toBe(OTHER_OPERATION);
    // A kept name keeps its series after the cap is reached.
    expect(names.label('B')).toBe('B');
  });

  test('10,000 distinct names cost the cap and one "(other)" series', () => {
    const names = new OperationNames(200);
    const labels = new Set(Array.from({ length: 10_000 }, (_, i) => names.label(`Spray${i}`)));
    expect(labels.size).toBe(201);
    expect(labels.has(OTHER_OPERATION)).toBe(true);
  });

  test('an anonymous operation has its own label, and takes no slot', () => {
    const names = new OperationNames(1);
    expect(names.label(undefined)).toBe(ANONYMOUS_OPERATION);
    expect(names.label(null)).toBe(ANONYMOUS_OPERATION);
    expect(names.label('')).toBe(ANONYMOUS_OPERATION);
    expect(names.label('Kept')).toBe('Kept');
  });

  test('an absurdly long name is "(other)" and takes no slot', () => {
    const names = new OperationNames(1);
    expect(names.label('Q'.repeat(101))).toBe(OTHER_OPERATION);
    expect(names.label('Q'.repeat(100))).toBe('Q'.repeat(100));
  });

  test('"(other)" cannot be an operation\'s own name (GraphQL names have no parentheses)', () => {
    expect(/^[_A-Za-z][_0-9A-Za-z]*$/.test(OTHER_OPERATION)).toBe(false);
    expect(/^[_A-Za-z][_0-9A-Za-z]*$/.test(ANONYMOUS_OPERATION)).toBe(false);
  });
});
