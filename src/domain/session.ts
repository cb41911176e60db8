/** A signed-in session. Only the SHA-256 of the token is stored, so a leaked table signs nobody in. */
export interface Session {
  /** Hex SHA-256 of the bearer token. */
  readonly tokenHash: string;
  /** Whose session. */
  readonly userId: string;
  /** When it was created. */
  readonly createdAt: Date;
  /** When it stops working. */
  readonly expiresAt: Date;
}
