/** The timeline: a min-heap of sources and pending follow-ups, popped in time order. */
import type { IngestRecord } from '../../telemetry/ingest-record.types.js';

/**
 * Something that emits records at `at`. `run` appends records to `out` and returns true to be
 * scheduled again (after moving `at` forward), false when it is done.
 */
export interface Task {
  at: number;
  seq: number;
  run(out: IngestRecord[]): boolean;
}

/** Ties break by insertion order, which keeps the stream deterministic. */
export class Timeline {
  private readonly heap: Task[] = [];
  private seq = 0;

  get size(): number {
    return this.heap.length;
  }
  push(task: Task): void {
    task.seq = this.seq++;
    const heap = this.heap;
    let i = heap.push(task) - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const above = heap[parent]!; // parent < i < heap.length
      if (!before(task, above)) break;
      heap[i] = above;
      i = parent;
    }
    heap[i] = task;
  }
  /** Schedules one follow-up record, built when it is due (so ids follow stream order). */
  at(at: number, make: () => IngestRecord): void {
    this.push({
      at,
      seq: 0,
      run(out) {
        out.push(make());
        return false;
      },
    });
  }
  pop(): Task {
    const heap = this.heap;
    const top = heap[0];
    const last = heap.pop();
    if (top === undefined || last === undefined) throw new Error('internal: pop() on an empty timeline');
    if (heap.length > 0) {
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= heap.length) break;
        // Each child's index is checked against heap.length before it is read.
        const child = l + 1 < heap.length && before(heap[l + 1]!, heap[l]!) ? l + 1 : l;
        const smaller = heap[child]!;
        if (!before(smaller, last)) break;
        heap[i] = smaller;
        i = child;
      }
      heap[i] = last;
    }
    return top;
  }
}
const before = (a: Task, b: Task) => a.at < b.at || (a.at === b.at && a.seq < b.seq);
