import fs from 'node:fs/promises';

export default async function globalTeardown() {
  const state = globalThis.__AIR_TEST_PG__;
  if (!state) return;
  await state.db.stop();
  await fs.rm(state.dir, { recursive: true, force: true });
}
