/**
 * Requests that put NUL (and other control characters) into every text field, id and query parameter of the
 * example API, shared by the memory and the PostgreSQL runs: memory would store them, PostgreSQL refuses NUL
 * in text with an SQL error. Both must answer 400 before anything reaches a repository.
 */
import type { client } from './harness.js';

/** One hostile request. */
export interface NulAttempt {
  /** What it tries, for the failure message. */
  readonly label: string;
  /** HTTP method. */
  readonly method: string;
  /** Path and query. */
  readonly path: string;
  /** Bearer token, if any. */
  readonly token?: string;
  /** JSON body, if any. */
  readonly json?: unknown;
}

/** What the attempts need: an admin's and a user's token, an app and a task of the user. */
export interface NulTargets {
  readonly admin: string;
  readonly user: string;
  readonly appId: string;
  readonly taskId: string;
}

/** Creates an app and a claim for the attempts to aim at; `suffix` keeps names unique per server. */
export async function setUpNulTargets(
  http: ReturnType<typeof client>,
  admin: string,
  suffix: string,
): Promise<NulTargets> {
  const { token: user } = await http.signUp(`nul-${suffix}@example.com`);
  const app = await http.post('/apps', { ...validApp(suffix) }, admin);
  if (app.status !== 201) throw new Error(`create app ${app.status} ${JSON.stringify(app.body)}`);
  const claim = await http.post(`/apps/${app.body.id}/claim`, undefined, user);
  return { admin, user, appId: app.body.id, taskId: claim.body.id };
}

function validApp(suffix: string) {
  return {
    name: `Nul ${suffix}`,
    packageName: `com.example.nul${suffix.replace(/[^A-Za-z0-9]/g, '')}`,
    storeUrl: 'https://play.example.com/store/nul',
    iconUrl: 'https://play.example.com/icon.png',
    category: 'Tools',
    subCategory: 'Tests',
    points: 5,
  };
}

const NUL = '\u0000';

/** Every attempt, each a request the servers must refuse with 400. */
export function nulAttempts(t: NulTargets): NulAttempt[] {
  const register = { email: 'nul-new@example.com', password: 'nul new password 1', name: 'Nul' };
  const app = validApp('x');
  const attempts: NulAttempt[] = [];
  for (const field of Object.keys(register) as (keyof typeof register)[]) {
    const json = { ...register, [field]: field === 'email' ? `nul${NUL}@example.com` : `${register[field]}${NUL}` };
    attempts.push({ label: `register ${field}`, method: 'POST', path: '/auth/register', json });
  }
  attempts.push({
    label: 'register name with ESC',
    method: 'POST',
    path: '/auth/register',
    json: { ...register, name: 'A\u001b[31m' },
  });
  attempts.push({
    label: 'login email',
    method: 'POST',
    path: '/auth/login',
    json: { email: `a${NUL}@example.com`, password: 'x' },
  });
  attempts.push({
    label: 'login password',
    method: 'POST',
    path: '/auth/login',
    json: { email: 'a@example.com', password: `p${NUL}` },
  });
  for (const field of ['name', 'packageName', 'storeUrl', 'iconUrl', 'category', 'subCategory'] as const) {
    const value = field.endsWith('Url') ? `https://play.example.com/${NUL}x` : `${app[field]}${NUL}`;
    attempts.push({
      label: `create app ${field}`,
      method: 'POST',
      path: '/apps',
      token: t.admin,
      json: { ...app, [field]: value },
    });
    attempts.push({
      label: `update app ${field}`,
      method: 'PATCH',
      path: `/apps/${t.appId}`,
      token: t.admin,
      json: { [field]: value },
    });
  }
  attempts.push({
    label: 'create app name with BEL',
    method: 'POST',
    path: '/apps',
    token: t.admin,
    json: { ...app, name: 'Bell\u0007' },
  });
  attempts.push({ label: 'update app id', method: 'PATCH', path: '/apps/%00', token: t.admin, json: { points: 2 } });
  attempts.push({ label: 'claim app id', method: 'POST', path: '/apps/x%00/claim', token: t.user });
  attempts.push({ label: 'read proof id', method: 'GET', path: '/tasks/%00/proof', token: t.user });
  attempts.push({ label: 'approve id', method: 'POST', path: '/tasks/%00/approve', token: t.admin });
  attempts.push({
    label: 'reject id',
    method: 'POST',
    path: '/tasks/%00/reject',
    token: t.admin,
    json: { reason: 'r' },
  });
  attempts.push({
    label: 'reject reason',
    method: 'POST',
    path: `/tasks/${t.taskId}/reject`,
    token: t.admin,
    json: { reason: `bad${NUL}` },
  });
  attempts.push({
    label: 'reject reason with C1',
    method: 'POST',
    path: `/tasks/${t.taskId}/reject`,
    token: t.admin,
    json: { reason: 'bad\u0085' },
  });
  attempts.push({ label: 'review status query', method: 'GET', path: '/admin/tasks?status=%00', token: t.admin });
  attempts.push({ label: 'review offset query', method: 'GET', path: '/admin/tasks?offset=1%00', token: t.admin });
  attempts.push({ label: 'my tasks query', method: 'GET', path: '/me/tasks?status=claimed%00', token: t.user });
  attempts.push({ label: 'points query', method: 'GET', path: '/me/points?limit=%00', token: t.user });
  attempts.push({ label: 'extract keys', method: 'POST', path: '/extract?keys=id%00', token: t.user, json: { id: 1 } });
  return attempts;
}
