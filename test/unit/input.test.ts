import { address, InputError, parseInstant, prose, time, webUrl } from '../../src/domain/input.js';

/** domain/input.ts: the checks /ingest lines, GraphQL intake, date variables, cursors and export filters share. */
describe('parseInstant: strict ISO 8601', () => {
  test.each([
    ['2026-01-31T09:30:00Z', '2026-01-31T09:30:00.000Z'],
    ['2026-01-31 09:30Z', '2026-01-31T09:30:00.000Z'],
    ['2024-02-29T23:00:00-01:00', '2024-03-01T00:00:00.000Z'],
    ['2026-01-31T09:30:00.123456789+0530', '2026-01-31T04:00:00.123Z'],
    ['0001-01-01T00:00:00Z', '0001-01-01T00:00:00.000Z'],
    ['9999-12-31T23:59:59.999Z', '9999-12-31T23:59:59.999Z'],
  ])('%s is %s', (value, iso) => {
    expect(parseInstant(value)?.toISOString()).toBe(iso);
  });

  test.each([
    '2026-02-30T00:00:00Z',
    '2025-02-29T00:00:00Z',
    '2026-04-31T00:00:00Z',
    '2026-13-01T00:00:00Z',
    '2026-00-10T00:00:00Z',
    '2026-01-01T24:00:00Z',
    '2026-01-01T10:60:00Z',
    '2026-01-01T10:00:60Z',
    '2026-01-01T10:00:00+24:00',
    '2026-01-01T10:00:00',
    '0000-01-01T00:00:00Z',
    '0001-01-01T00:00:00+01:00',
    '9999-12-31T23:59:59-01:00',
    '+275760-09-13T00:00:00Z',
    '2026-01-01',
    'yesterday',
  ])('%s is refused', (value) => {
    expect(parseInstant(value)).toBeUndefined();
  });

  test('a calendar date only where asked for', () => {
    expect(parseInstant('2026-11-23', { dateOnly: true })?.toISOString()).toBe('2026-11-23T00:00:00.000Z');
    expect(parseInstant('2026-11-31', { dateOnly: true })).toBeUndefined();
  });
});

test('each check names the field and what arrived', () => {
  const message = (f: () => unknown) => {
    try {
      f();
    } catch (e) {
      expect(e).toBeInstanceOf(InputError);
      return `${(e as InputError).field}: ${(e as Error).message}`;
    }
    throw new Error('not refused');
  };
  expect(message(() => time('2026-02-30T10:00:00Z', 'at'))).toMatch(
    /^at: at must be an ISO 8601 time with a zone.*but got "2026-02-30T10:00:00Z"$/,
  );
  expect(message(() => webUrl('javascript:alert(1)', 'url'))).toBe(
    'url: url must be an absolute http(s) URL, but got "javascript:alert(1)"',
  );
  expect(message(() => webUrl('ftp://files.example/x', 'url'))).toMatch(/absolute http\(s\) URL/);
  expect(message(() => address('a'.repeat(2000), 'user'))).toBe('user: user must be at most 1024 characters long, but got 2000 characters');
  expect(message(() => prose(10)('a\u0007b', 'comment'))).toBe(
    'comment: comment must be free of control characters, but got U+0007 at character 2',
  );
  expect(message(() => address(`${'€'.repeat(700)}@evil.test`, 'user'))).toBe(
    'user: user must be at most 2000 bytes of UTF-8, but got 2110 bytes',
  );
  expect(address(' Ann@Example.COM ', 'user')).toBe('ann@example.com');
  expect(prose(10)('a\nb\tc', 'comment')).toBe('a\nb\tc');
});
