/**
 * Indexing into the generator's own lists. Every index here comes from the plan (a slot's variant, a
 * person, a partner, a draw below the list's length), so one out of range is a bug in the generator:
 * `itemAt` throws rather than let `undefined` into a record. The lists never hold `undefined` itself.
 */
export function itemAt<T>(items: ArrayLike<T>, index: number): T {
  const item = items[index];
  if (item === undefined) throw new RangeError(`internal: index ${index} is outside a list of ${items.length}`);
  return item;
}
