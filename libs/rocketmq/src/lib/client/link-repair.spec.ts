import { REGISTRATION_CHECK_MS, withLinkRepair } from './link-repair';

/** Stands in for a rocketmq-client-nodejs client: records telemetry writes, answers heartbeats as told. */
class FakeClient {
  heartbeatCode = 20000;
  readonly telemetryWrites: unknown[] = [];
  readonly rpcClientManager = {
    heartbeat: async () => ({ getStatus: () => ({ toObject: () => ({ code: this.heartbeatCode }) }) }),
  };
  readonly requestTimeout = 3000;
  started = 0;
  async startup(): Promise<void> {
    this.started += 1;
  }
  async shutdown(): Promise<void> {
    this.started -= 1;
  }
  settingsCommand() {
    return { settings: 'of this client' } as never;
  }
  telemetry(endpoints: unknown, command: unknown): void {
    this.telemetryWrites.push({ endpoints, command });
  }
  wrapHeartbeatRequest() {
    return {};
  }
  getTotalRouteEndpoints() {
    return ['proxy-1'];
  }
}

class Repaired extends withLinkRepair(FakeClient) {
  restored = 0;
  protected override onSettingsRestored(): void {
    this.restored += 1;
  }
  report(failure: string | undefined): void {
    this.reportLink(failure);
  }
}

describe('withLinkRepair', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('re-sends the settings when the proxy says it has none for the client, then runs the restore hook', async () => {
    const client = new Repaired();
    await client.startup();
    await jest.advanceTimersByTimeAsync(REGISTRATION_CHECK_MS);
    expect(client.telemetryWrites).toEqual([]);
    client.heartbeatCode = 40015;
    await jest.advanceTimersByTimeAsync(REGISTRATION_CHECK_MS);
    expect(client.telemetryWrites).toEqual([
      { endpoints: 'proxy-1', command: { settings: 'of this client' } },
    ]);
    expect(client.restored).toBe(0);
    await jest.advanceTimersByTimeAsync(1000);
    expect(client.restored).toBe(1);
    await client.shutdown();
    client.heartbeatCode = 40015;
    await jest.advanceTimersByTimeAsync(10 * REGISTRATION_CHECK_MS);
    expect(client.telemetryWrites).toHaveLength(1);
  });

  it('tells listeners when the link fails and when it works again, once per change', () => {
    const client = new Repaired();
    const seen: string[] = [];
    client.onLinkChange((health) => seen.push(`${health.state}${health.reason ? `: ${health.reason}` : ''}`));
    client.report(undefined);
    client.report('connect to broker failed');
    client.report('still failing');
    expect(client.linkHealth()).toMatchObject({ state: 'unavailable', reason: 'still failing' });
    client.report(undefined);
    expect(seen).toEqual(['unavailable: connect to broker failed', 'ok']);
  });
});
