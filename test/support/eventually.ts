/**
 * Wait for something the system reaches asynchronously (a worker finishing, a pool draining): call
 * `probe` every `intervalMs` until it returns a truthy value, and return that value. After
 * `timeoutMs` fail naming `what`, with `explain()`'s diagnosis when given. An error thrown by the
 * probe fails at once: a probe answers "not yet" by returning a falsy value.
 */
export async function eventually<T>(
  what: string,
  probe: () => T | Promise<T>,
  {
    timeoutMs = 30_000,
    intervalMs = 50,
    explain,
  }: {
    /** @default 30000 */
    timeoutMs?: number;
    /** @default 50 */
    intervalMs?: number;
    /** What to add to the timeout error: the state that kept the condition from holding. */
    explain?: () => unknown;
  } = {},
): Promise<Exclude<Awaited<T>, false | 0 | '' | null | undefined>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value as Exclude<Awaited<T>, false | 0 | '' | null | undefined>;
    if (Date.now() >= deadline) {
      const diagnosis = explain ? `\n${JSON.stringify(await explain(), null, 2)}` : '';
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${diagnosis}`);
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
