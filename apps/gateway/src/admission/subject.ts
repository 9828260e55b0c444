/** Who a connection belongs to, as the authenticator established it. Sessions belong to their subject. */
export interface Subject {
  /** The user's id (a JWT's `sub`); the same user on every device. */
  userId: string;
  /** The tenant the user belongs to, when the identity provider has tenants. */
  tenant?: string;
  /** When the credential stops being valid (ms since the epoch); the connection is closed then. */
  expiresAt?: number;
}

/** A stable key of a subject for rate limits and logs: tenant and user, unambiguous. */
export function subjectKey(subject: Subject): string {
  return JSON.stringify([subject.tenant ?? null, subject.userId]);
}
