/** The admin check both servers run on admin-only routes before validating anything. */

import type { PublicUser } from 'tickwork';
import { TickworkError } from 'tickwork';

/**
 * Throws `FORBIDDEN` unless `actor` is an admin. The services check again (they are the authority); this
 * earlier check makes a non-admin's request a 403 before the body or the parameters are validated, so a
 * refused caller never learns which fields an admin route takes.
 */
export function assertAdmin(actor: PublicUser): void {
  if (actor.role !== 'admin') throw new TickworkError('FORBIDDEN', 'Only an admin may do this');
}
