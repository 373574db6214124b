import type { EntityManager } from '@mikro-orm/core';
import { currentAccess } from '../base/access.js';
import { DialbookError, notFound } from '../base/errors.js';
import { UserEntity } from '../accounts/entities.js';

/**
 * The seller the current request is limited to: a `user`'s own id; null for admin and staff (and
 * code outside a request), who see every seller's DIDs, campaigns and links.
 */
export function sellerScope(): string | null {
  const scope = currentAccess();
  return scope && scope.role === 'user' ? scope.userId : null;
}

/** 404 (never 403: ids of other sellers do not leak) unless the current scope may see a thing of `ownerId`. */
export function assertOwned(ownerId: string, what: string, id: string): void {
  const seller = sellerScope();
  if (seller && seller !== ownerId) throw notFound(what, id);
}

/**
 * The owner of a new DID or campaign: a seller's own id (naming another is 422, as if unknown);
 * for admin and staff the `ownerId` given (an existing user) or themselves.
 */
export async function ownerFor(em: EntityManager, requested: string | undefined): Promise<string> {
  const scope = currentAccess();
  const unknown = () => new DialbookError('DIALBOOK_ROUTING_OWNER_UNKNOWN', `user ${requested} does not exist`, { status: 422, field: 'ownerId' });
  if (scope?.role === 'user') {
    if (requested && requested !== scope.userId) throw unknown();
    return scope.userId!;
  }
  const owner = requested ?? scope?.userId;
  if (!owner) throw new DialbookError('DIALBOOK_VALIDATION', 'ownerId: name the seller (a user id)', { status: 422, field: 'ownerId' });
  if (!(await em.count(UserEntity, { id: owner }))) throw unknown();
  return owner;
}
