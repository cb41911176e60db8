/** Test data made through the HTTP API: apps, users, and tasks waiting for review. */
import { ADMIN, client } from './harness.js';
import { makePng } from './png.js';

/** What {@link seedSubmittedTasks} made. */
export interface Seeded {
  /** The admin's token. */
  readonly adminToken: string;
  /** Each user's e-mail, password and token. */
  readonly users: readonly { readonly email: string; readonly password: string; readonly token: string }[];
  /** Every submitted task: its id, owner (index into `users`) and points. */
  readonly tasks: readonly { readonly id: string; readonly user: number; readonly points: number }[];
}

async function pool<T>(items: readonly T[], concurrency: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < items.length) await work(items[next++] as T);
    }),
  );
}

/** Lists `appCount` apps and has each of `userCount` new users claim every one and upload a proof. */
export async function seedSubmittedTasks(baseUrl: string, appCount: number, userCount: number): Promise<Seeded> {
  const http = client(baseUrl);
  const login = await http.post('/auth/login', ADMIN);
  if (login.status !== 200) throw new Error(`admin login ${login.status}`);
  const adminToken: string = login.body.token;
  const tag = Math.random().toString(36).slice(2, 8);
  const apps: { id: string; points: number }[] = [];
  for (let i = 0; i < appCount; i++) {
    const created = await http.post(
      '/apps',
      {
        name: `Fault ${i}`,
        packageName: `com.example.fault${tag}.a${i}`,
        storeUrl: `https://example.com/${tag}/${i}`,
        category: 'Tools',
        points: i + 1,
      },
      adminToken,
    );
    if (created.status !== 201) throw new Error(`create app ${created.status}`);
    apps.push({ id: created.body.id, points: created.body.points });
  }
  const users: { email: string; password: string; token: string }[] = [];
  const tasks: { id: string; user: number; points: number }[] = [];
  await pool(
    Array.from({ length: userCount }, (_, i) => i),
    4,
    async (u) => {
      const email = `fault-${tag}-${u}@example.com`;
      const { token } = await http.signUp(email);
      users[u] = { email, password: `password-of-${email}`, token };
      for (const [a, app] of apps.entries()) {
        const claim = await http.post(`/apps/${app.id}/claim`, undefined, token);
        if (claim.status !== 201) throw new Error(`claim ${claim.status}`);
        const upload = await http.upload(`/tasks/${claim.body.id}/proof`, makePng(4, 4, u * appCount + a), token);
        if (upload.status !== 200) throw new Error(`upload ${upload.status}`);
        tasks.push({ id: claim.body.id, user: u, points: app.points });
      }
    },
  );
  return { adminToken, users, tasks };
}
