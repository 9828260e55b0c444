import type { LeaseSettings } from '@litesession/rocketmq/transport';

/** The fewest ms between two renewals of a request's lease: each is one ChangeInvisibleDuration call. */
const MIN_RENEW_EVERY_MS = 250;

/**
 * The request lease for REQUEST_LEASE_MS: renewed four times per lease, so that three renewals in a row
 * may be late or fail (a busy machine, a slow broker) before the lease runs out and another scheduler
 * takes the turn over.
 */
export function leaseSettings(leaseMs: number): LeaseSettings {
  return { leaseMs, renewEveryMs: Math.max(MIN_RENEW_EVERY_MS, Math.floor(leaseMs / 4)) };
}
