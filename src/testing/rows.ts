/** Entity factories for the repository conformance suites: valid rows with unique ids. */
import { randomUUID } from 'node:crypto';
import type { App } from '../domain/app.js';
import type { LedgerEntry } from '../domain/ledger-entry.js';
import type { Task } from '../domain/task.js';
import type { User } from '../domain/user.js';

const at = (ms: number) => new Date(Date.UTC(2026, 0, 1) + ms);

/** A user row. */
export function userRow(over: Partial<User> = {}): User {
  const id = randomUUID();
  return {
    id,
    email: `${id}@example.com`,
    name: 'N',
    role: 'user',
    passwordHash: 'scrypt$1024$8$1$c2FsdA$a2V5',
    createdAt: at(0),
    updatedAt: at(0),
    version: 1,
    ...over,
  };
}

/** An app row. */
export function appRow(over: Partial<App> = {}): App {
  const id = randomUUID();
  return {
    id,
    name: `App ${id}`,
    packageName: `com.example.x${id.replaceAll('-', '')}`,
    storeUrl: 'https://play.google.com/store/apps/details?id=x',
    iconUrl: null,
    category: 'Tools',
    subCategory: null,
    points: 10,
    active: true,
    createdAt: at(0),
    updatedAt: at(0),
    version: 1,
    ...over,
  };
}

/** A task row for `userId` × `appId`. */
export function taskRow(userId: string, appId: string, over: Partial<Task> = {}): Task {
  return {
    id: randomUUID(),
    userId,
    appId,
    status: 'claimed',
    points: 10,
    proof: null,
    submissions: 0,
    reviewerId: null,
    reason: null,
    claimedAt: at(0),
    submittedAt: null,
    reviewedAt: null,
    updatedAt: at(0),
    version: 1,
    ...over,
  };
}

/** A ledger entry for `userId`. */
export function entryRow(userId: string, over: Partial<LedgerEntry> = {}): LedgerEntry {
  const id = randomUUID();
  return {
    id,
    userId,
    amount: 5,
    kind: 'adjustment',
    reason: 'r',
    reference: null,
    actorId: null,
    idempotencyKey: `k:${id}`,
    createdAt: at(0),
    ...over,
  };
}

/** Time `ms` after the suites' epoch. */
export { at };
