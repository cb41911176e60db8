/**
 * Test data for a server on PostgreSQL, made through the library's own services on the same schema (the
 * rules are the same as over HTTP, without hundreds of requests): apps, users, and tasks waiting for review.
 */

import { createServices } from 'tickwork';
import { postgresProofStore, postgresRepositories, type SqlPool } from 'tickwork/postgres';
import { ADMIN } from './harness.js';
import { makePng } from './png.js';

/** What {@link seedSubmittedTasks} made. */
export interface Seeded {
  /** Each user's e-mail, password and token (valid on any server over the same schema). */
  readonly users: readonly { readonly email: string; readonly password: string; readonly token: string }[];
  /** Every submitted task: its id, owner (index into `users`) and points. */
  readonly tasks: readonly { readonly id: string; readonly user: number; readonly points: number }[];
}

/**
 * Lists `appCount` apps as the bootstrap admin (who must exist: start the server first) and has each of
 * `userCount` new users claim every one and submit a proof.
 */
export async function seedSubmittedTasks(db: SqlPool, appCount: number, userCount: number): Promise<Seeded> {
  const services = createServices({ repositories: postgresRepositories({ db }), proofs: postgresProofStore({ db }) });
  const admin = (await services.users.login(ADMIN)).user;
  const tag = Math.random().toString(36).slice(2, 8);
  const apps: { id: string; points: number }[] = [];
  for (let i = 0; i < appCount; i++) {
    apps.push(
      await services.apps.create(admin, {
        name: `Fault ${i}`,
        packageName: `com.example.fault${tag}.a${i}`,
        storeUrl: `https://example.com/${tag}/${i}`,
        category: 'Tools',
        points: i + 1,
      }),
    );
  }
  const users: { email: string; password: string; token: string }[] = [];
  const tasks: { id: string; user: number; points: number }[] = [];
  await Promise.all(
    Array.from({ length: userCount }, async (_, u) => {
      const email = `fault-${tag}-${u}@example.com`;
      const password = `password-of-${email}`;
      await services.users.register({ email, password, name: `User ${u}` });
      const { token, user } = await services.users.login({ email, password });
      users[u] = { email, password, token };
      for (const [a, app] of apps.entries()) {
        const task = await services.tasks.claim(user, app.id);
        await services.tasks.submitProof(user, task.id, makePng(4, 4, u * appCount + a));
        tasks.push({ id: task.id, user: u, points: app.points });
      }
    }),
  );
  return { users, tasks };
}
