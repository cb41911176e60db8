/** What a server prints once it listens: where it is and how to sign in. */
import type { Container } from './container.js';

/** Prints the URL, the admin's sign-in and a first request to try (to stdout, for a human). */
export function printBanner(framework: string, url: string, container: Container): void {
  const { admin, config } = container;
  const storage = config.databaseUrl ? 'PostgreSQL' : 'memory';
  const lock = config.redisUrl ? 'Redis' : 'in-process';
  const password = admin.generatedPassword
    ? `${admin.generatedPassword}   (generated; set ADMIN_PASSWORD to choose one — shown only now)`
    : '(from ADMIN_PASSWORD)';
  const lines = [
    '',
    `tickwork example (${framework}) listening on ${url}`,
    `  storage: ${storage}, scheduler lock: ${lock}, ISIN source: ${config.isinSource}`,
    `  admin:   ${admin.email}`,
    `  password: ${password}`,
    '',
    '  Sign in:',
    `    curl -s ${url}/auth/login -H 'content-type: application/json' \\`,
    `      -d '{"email":"${admin.email}","password":"<password>"}'`,
    `  then send "Authorization: Bearer <token>". API description: ${url}/openapi.json`,
    '',
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}
