/**
 * The bootstrap admin of an example server: created on the first start from `ADMIN_EMAIL` and `ADMIN_PASSWORD`
 * (or a generated password), found again on later starts. Registration is open, so the services refuse to
 * promote an account someone else registered under that email, and the start fails with that reason.
 */
import { randomBytes } from 'node:crypto';
import type { Services } from 'tickwork';
import { isTickworkError } from 'tickwork';
import type { ExampleConfig } from './config.js';
import type { ExampleLogger } from './logger.js';

/**
 * Where the admin's working password comes from, as the banner tells it: `generated` (created now, printed
 * once), `environment` (`ADMIN_PASSWORD` signs in), or `unchanged` (the account existed and `ADMIN_PASSWORD`,
 * if set, does not sign in: the password it was created with still does).
 */
export type AdminPasswordSource = 'generated' | 'environment' | 'unchanged';

/** What {@link bootstrapAdmin} found out. */
export interface AdminBootstrap {
  /** The generated password, when this start created the account with one. */
  readonly generatedPassword: string | undefined;
  /** Where the working password comes from. */
  readonly passwordSource: AdminPasswordSource;
}

/**
 * Creates or finds the admin for `config.adminEmail` and finds out, by signing in once (and out again), whether
 * the configured or generated password is the one that works, so the banner never claims what is not so.
 * Throws the services' `CONFLICT` when the email belongs to an account that is not an admin.
 */
export async function bootstrapAdmin(
  services: Services,
  config: Pick<ExampleConfig, 'adminEmail' | 'adminPassword'>,
  logger: ExampleLogger,
): Promise<AdminBootstrap> {
  const password = config.adminPassword ?? randomBytes(12).toString('base64url');
  await services.users.bootstrapAdmin({ email: config.adminEmail, password, name: 'Admin' });
  const works = await services.users.login({ email: config.adminEmail, password }).then(
    async ({ token }) => {
      await services.users.logout(token);
      return true;
    },
    (error: unknown) => {
      if (isTickworkError(error, 'UNAUTHENTICATED')) return false;
      throw error;
    },
  );
  if (works) {
    return config.adminPassword
      ? { generatedPassword: undefined, passwordSource: 'environment' }
      : { generatedPassword: password, passwordSource: 'generated' };
  }
  logger.info(
    { email: config.adminEmail },
    config.adminPassword
      ? 'admin exists; ADMIN_PASSWORD does not match it and is not applied (it only sets the password of a new admin)'
      : 'admin exists; password unchanged',
  );
  return { generatedPassword: undefined, passwordSource: 'unchanged' };
}
