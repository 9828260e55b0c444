import type { BaseClient } from 'rocketmq-client-nodejs';

/** Where a client's link to the broker stands, as seen from this process. */
export interface LinkHealth {
  state: 'ok' | 'unavailable';
  /** When the state last changed (ms since the epoch). */
  since: number;
  /** The last failure, while unavailable. */
  reason?: string;
}

/** How often a client checks that the proxy still knows it (a heartbeat whose answer is read). */
export const REGISTRATION_CHECK_MS = 3_000;

/** Time the proxy is given to apply re-sent settings before what depends on them runs. */
const SETTINGS_APPLY_MS = 500;

/** The proxy's code for "cannot find client settings for this client" (it forgot the client). */
const CLIENT_SETTINGS_NOT_FOUND = 40015;

type Endpoints = Parameters<BaseClient['telemetry']>[0];
interface HeartbeatStatus {
  code?: number;
  message?: string;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the mixin pattern needs an any-args constructor
type ClientClass = new (...args: any[]) => {
  startup(): Promise<void>;
  shutdown(): Promise<void>;
  settingsCommand(): Parameters<BaseClient['telemetry']>[1];
  telemetry(endpoints: Endpoints, command: Parameters<BaseClient['telemetry']>[1]): void;
};

/** The TypeScript-protected members of BaseClient this mixin reaches. */
interface ClientInternals {
  rpcClientManager: {
    heartbeat(
      endpoints: Endpoints,
      request: unknown,
      timeoutMs: number,
    ): Promise<{
      getStatus(): { toObject(): HeartbeatStatus } | undefined;
    }>;
  };
  wrapHeartbeatRequest(): unknown;
  getTotalRouteEndpoints(): Endpoints[];
  requestTimeout: number;
}

/**
 * Repairs a client the proxy forgot, a failure mode of rocketmq-client-nodejs 1.0.8 with a 5.5.0 proxy:
 * while the broker is down (and for a while after, the proxy's metadata caches still say "group not
 * found") the proxy cannot register the client's heartbeats, expires it after `channelExpiredTimeout`
 * and drops its settings. The client ignores the status of its heartbeats and re-sends settings only
 * every 5 minutes, so every receive then fails ("settings is null") for minutes after the broker is back.
 * Here a heartbeat is sent every REGISTRATION_CHECK_MS and its answer read; when the proxy does not know
 * the client's settings they are sent again at once, and `onSettingsRestored` runs (e.g. a lite
 * consumer re-sends its subscriptions). Subclasses may report link failures through `reportLink`.
 */
export function withLinkRepair<T extends ClientClass>(Base: T) {
  return class LinkRepair extends Base {
    private linkTimer: NodeJS.Timeout | undefined;
    private health: LinkHealth = { state: 'ok', since: Date.now() };
    private readonly linkListeners = new Set<(health: LinkHealth) => void>();

    override async startup(): Promise<void> {
      await super.startup();
      this.linkTimer = setInterval(() => void this.checkRegistration(), REGISTRATION_CHECK_MS);
      this.linkTimer.unref();
    }

    override async shutdown(): Promise<void> {
      clearInterval(this.linkTimer);
      this.linkTimer = undefined;
      await super.shutdown();
    }

    /** The link as last seen (heartbeats, and whatever the subclass reports). */
    linkHealth(): LinkHealth {
      return { ...this.health };
    }

    /** Called with the new state whenever it changes; returns a function that stops the calls. */
    onLinkChange(listener: (health: LinkHealth) => void): () => void {
      this.linkListeners.add(listener);
      return () => this.linkListeners.delete(listener);
    }

    /** Sends the client's settings to every endpoint it talks to, as the client does at start-up. */
    resendSettings(): void {
      const internals = this as unknown as ClientInternals;
      const command = this.settingsCommand();
      for (const endpoints of internals.getTotalRouteEndpoints()) this.telemetry(endpoints, command);
    }

    /** Hook: the proxy had forgotten this client and has its settings again. */
    protected onSettingsRestored(): void {
      // Nothing by default.
    }

    /** Records the outcome of a call to the broker: undefined for success, else what failed. */
    protected reportLink(failure: string | undefined): void {
      const state = failure === undefined ? 'ok' : 'unavailable';
      if (state === this.health.state) {
        if (failure !== undefined) this.health.reason = failure;
        return;
      }
      this.health =
        failure === undefined ? { state, since: Date.now() } : { state, since: Date.now(), reason: failure };
      for (const listener of this.linkListeners) listener(this.linkHealth());
    }

    private async checkRegistration(): Promise<void> {
      const internals = this as unknown as ClientInternals;
      try {
        const request = internals.wrapHeartbeatRequest();
        for (const endpoints of internals.getTotalRouteEndpoints()) {
          const response = await internals.rpcClientManager.heartbeat(
            endpoints,
            request,
            internals.requestTimeout,
          );
          const status = response.getStatus()?.toObject();
          if (status?.code === CLIENT_SETTINGS_NOT_FOUND) {
            this.resendSettings();
            // The proxy applies the settings asynchronously; what depends on them goes a moment later.
            setTimeout(() => this.onSettingsRestored(), SETTINGS_APPLY_MS).unref();
          }
        }
      } catch {
        // The proxy is unreachable: receives and sends report that; there is nothing to repair yet.
      }
    }
  };
}
