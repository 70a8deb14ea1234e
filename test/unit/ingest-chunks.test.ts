import { messageIds, parseTasks, peekRecord, type Line } from '../../src/telemetry/ingest.chunks.js';

describe('peekRecord: the top-level type and id of a line, without parsing it', () => {
  test('agrees with JSON.parse on what it answers', () => {
    const lines = [
      { type: 'raw_message', id: 'm-1', emlBase64: 'QUJD'.repeat(1000) },
      { emlBase64: 'QUJD', id: 'last', recipient: 'a@b', type: 'raw_message' },
      { type: 'message', id: 'quote " and \\ backslash', body: 'a "quoted" \\"id\\": "not-me" body' },
      { type: 'message', nested: { id: 'inner', type: 'inner' }, list: [{ id: 'x' }, 'id'], id: 'outer' },
      { type: 'mailbox', id: 'ü-ñ-\u2028' },
    ].map((r) => JSON.stringify(r));
    for (const line of lines) {
      const parsed = JSON.parse(line) as { type: string; id: string };
      expect(peekRecord(line)).toEqual({ type: parsed.type, id: parsed.id });
    }
    // Like JSON.parse, the last of a repeated key wins.
    expect(peekRecord('{"type":"message","id":"a","id":"b"}')).toEqual({ type: 'message', id: 'b' });
  });

  test('answers nothing it is unsure of: the line is then parsed (and reported) as usual', () => {
    for (const line of [
      '',
      'not json',
      '[{"type":"message","id":"a"}]',
      '{"type":"message","id":"a"',
      '{"type":"message","id":"a"} trailing',
      '{"type":"message","id":7}',
      '{"type":"message"}',
      '{"type":"message","id":"unterminated}',
    ]) {
      expect(peekRecord(line)).toBeUndefined();
    }
  });

  test('messageIds picks the lines stored in email_messages', () => {
    const lines: Line[] = [
      [1, JSON.stringify({ type: 'raw_message', id: 'r' })],
      [2, JSON.stringify({ type: 'mailbox', id: 'mb' })],
      [3, 123],
      [4, JSON.stringify({ type: 'message', id: 'm' })],
    ];
    expect([...messageIds(lines)]).toEqual([
      [0, 'r'],
      [3, 'm'],
    ]);
  });
});

describe('parseTasks', () => {
  test('cuts by lines and by characters, keeping order, never an empty task', () => {
    const line = (n: number, chars: number): Line => [n, 'x'.repeat(chars)];
    const lines = [line(1, 10), line(2, 10), line(3, 100), line(4, 10), line(5, 10)];
    const numbers = (tasks: Line[][]) => tasks.map((task) => task.map(([n]) => n));
    expect(numbers(parseTasks(lines, 2, 1000))).toEqual([[1, 2], [3, 4], [5]]);
    expect(numbers(parseTasks(lines, 100, 50))).toEqual([[1, 2], [3], [4, 5]]);
    expect(parseTasks([], 2, 50)).toEqual([]);
  });
});
