/** What a server prints once it listens: where it is and how to sign in. */
import type { Container } from './container.js';
import { redactSource } from './redact-source.js';

const PASSWORD_LINE = {
  environment: () => '(from ADMIN_PASSWORD)',
  unchanged: (fromEnvironment: boolean) =>
    fromEnvironment
      ? '(unchanged: the account existed already and ADMIN_PASSWORD does not sign in to it; see docs/examples.md)'
      : '(unchanged: the account existed already; use the password it was created with)',
} as const;

/**
 * The banner's lines: the URL, what the server runs on, the admin's sign-in, a first request to try, and
 * where the metrics are served when `metricsUrl` is given.
 */
export function bannerLines(
  framework: string,
  url: string,
  container: Pick<Container, 'admin' | 'config'>,
  metricsUrl?: string,
): string[] {
  const { admin, config } = container;
  const storage = config.databaseUrl ? 'PostgreSQL' : 'memory';
  const lock = config.redisUrl ? 'Redis' : 'in-process';
  const password =
    admin.passwordSource === 'generated'
      ? `${admin.generatedPassword}   (generated; set ADMIN_PASSWORD to choose one — shown only now)`
      : PASSWORD_LINE[admin.passwordSource](config.adminPassword !== undefined);
  return [
    '',
    `tickwork example (${framework}) listening on ${url}`,
    `  storage: ${storage}, scheduler lock: ${lock}, ISIN source: ${redactSource(config.isinSource)}`,
    `  admin:   ${admin.email}`,
    `  password: ${password}`,
    '',
    '  Sign in:',
    `    curl -s ${url}/auth/login -H 'content-type: application/json' \\`,
    `      -d '{"email":"${admin.email}","password":"<password>"}'`,
    `  then send "Authorization: Bearer <token>". API description: ${url}/openapi.json`,
    ...(metricsUrl ? [`  Prometheus metrics: ${metricsUrl} (METRICS_PORT)`] : []),
    '',
  ];
}

/** Prints {@link bannerLines} to stdout, for a human. */
export function printBanner(
  framework: string,
  url: string,
  container: Pick<Container, 'admin' | 'config' | 'metricsUrl'>,
): void {
  process.stdout.write(`${bannerLines(framework, url, container, container.metricsUrl()).join('\n')}\n`);
}
