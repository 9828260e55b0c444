import { Inject, Injectable } from '@nestjs/common';
import { ThrottlerStorage } from '@nestjs/throttler';
import { ADMISSION_SETTINGS, type AdmissionRates, type AdmissionSettings } from './admission-settings';

export type AdmissionLimit = keyof AdmissionRates;

export type LimitVerdict = { ok: true } | { ok: false; retryAfterMs: number };

const WINDOW_MS = 60_000;

/**
 * Rates of new connections and sessions per client address and per user, counted in @nestjs/throttler's
 * storage (a sliding window of hits per key) so that the HTTP routes' ThrottlerGuard and the socket
 * handshake share one store. Per node: a cluster-wide limit would plug a shared ThrottlerStorage (Redis)
 * in here.
 */
@Injectable()
export class AdmissionLimits {
  constructor(
    @Inject(ThrottlerStorage) private readonly storage: ThrottlerStorage,
    @Inject(ADMISSION_SETTINGS) private readonly settings: AdmissionSettings,
  ) {}

  /** Counts one attempt against `limit` for `key`; refused attempts do not count. */
  async take(limit: AdmissionLimit, key: string): Promise<LimitVerdict> {
    const budget = this.settings.rates[limit];
    const record = await this.storage.increment(`${limit}:${key}`, WINDOW_MS, budget, 0, limit);
    if (!record.isBlocked) return { ok: true };
    return { ok: false, retryAfterMs: Math.max(1, record.timeToBlockExpire) * 1000 };
  }
}
