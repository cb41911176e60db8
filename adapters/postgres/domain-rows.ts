/** Row ↔ entity mapping for the domain tables. Drivers differ on int8 (string, bigint), so numbers go through Number(). */
import type { App, LedgerEntry, ProofRef, Session, Task, TaskStatus, User } from '../../src/index.js';

type Row = Record<string, unknown>;

const date = (v: unknown): Date => (v instanceof Date ? new Date(v.getTime()) : new Date(String(v)));
const maybeDate = (v: unknown): Date | null => (v === null || v === undefined ? null : date(v));
const text = (v: unknown): string => String(v);
const maybeText = (v: unknown): string | null => (v === null || v === undefined ? null : String(v));

/** @internal */
export function toUser(r: Row): User {
  return {
    id: text(r.id),
    email: text(r.email),
    name: text(r.name),
    role: r.role === 'admin' ? 'admin' : 'user',
    passwordHash: text(r.password_hash),
    createdAt: date(r.created_at),
    updatedAt: date(r.updated_at),
    version: Number(r.version),
  };
}

/** @internal */
export function toSession(r: Row): Session {
  return {
    tokenHash: text(r.token_hash),
    userId: text(r.user_id),
    createdAt: date(r.created_at),
    expiresAt: date(r.expires_at),
  };
}

/** @internal */
export function toApp(r: Row): App {
  return {
    id: text(r.id),
    name: text(r.name),
    packageName: text(r.package_name),
    storeUrl: text(r.store_url),
    iconUrl: maybeText(r.icon_url),
    category: text(r.category),
    subCategory: maybeText(r.sub_category),
    points: Number(r.points),
    active: r.active === true,
    createdAt: date(r.created_at),
    updatedAt: date(r.updated_at),
    version: Number(r.version),
  };
}

/** @internal */
export function toTask(r: Row): Task {
  const proof = (typeof r.proof === 'string' ? JSON.parse(r.proof) : r.proof) as ProofRef | null | undefined;
  return {
    id: text(r.id),
    userId: text(r.user_id),
    appId: text(r.app_id),
    status: text(r.status) as TaskStatus,
    points: Number(r.points),
    proof: proof ?? null,
    submissions: Number(r.submissions),
    reviewerId: maybeText(r.reviewer_id),
    reason: maybeText(r.reason),
    claimedAt: date(r.claimed_at),
    submittedAt: maybeDate(r.submitted_at),
    reviewedAt: maybeDate(r.reviewed_at),
    updatedAt: date(r.updated_at),
    version: Number(r.version),
  };
}

/** @internal */
export function toLedgerEntry(r: Row): LedgerEntry {
  return {
    id: text(r.id),
    userId: text(r.user_id),
    amount: Number(r.amount),
    kind: r.kind === 'award' ? 'award' : 'adjustment',
    reason: text(r.reason),
    reference: maybeText(r.reference),
    actorId: maybeText(r.actor_id),
    idempotencyKey: text(r.idempotency_key),
    createdAt: date(r.created_at),
  };
}
