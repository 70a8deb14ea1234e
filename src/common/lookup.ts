import type { EntityClass } from '@mikro-orm/core';
import { notFound } from '../errors.js';
import type { Loaders } from './loaders.js';
import { isUuid } from '../domain/input.js';

/** Whether a string is a UUID (any case): the one check for ids arriving from outside (domain/input.ts). */
export { isUuid };

/**
 * Load one row of the viewer's tenant by id, or throw NOT_FOUND. A malformed id, an id that never
 * existed and another tenant's id all get the same answer, so ids reveal nothing across tenants.
 */
export async function findOrNotFound<T extends { id: string }>(
  loaders: Loaders,
  entity: EntityClass<T>,
  id: string,
  kind: string,
): Promise<T> {
  const row = isUuid(id) ? await loaders.byId(entity as EntityClass<T & Record<string, unknown>>).load(id.toLowerCase()) : undefined;
  if (!row) throw notFound(kind, id);
  return row;
}
