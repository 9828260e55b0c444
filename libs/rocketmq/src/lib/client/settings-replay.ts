import type { BaseClient } from 'rocketmq-client-nodejs';

type SettingsArgs = Parameters<BaseClient['onSettingsCommand']>;
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the mixin pattern needs an any-args constructor
type ClientClass = new (...args: any[]) => {
  onSettingsCommand(...args: SettingsArgs): void;
  isRunning(): boolean;
};

/** Replays are 50 ms apart: 200 cover the whole default startup deadline. */
const MAX_REPLAYS = 200;

/**
 * Works around a start-up race in rocketmq-client-nodejs 1.0.8: `startup()` fetches routes, which opens the
 * telemetry stream, and only then waits for the proxy's first settings command. When the settings arrive
 * while the routes are still being fetched (seen with three topics and on a freshly started proxy), the
 * wait never ends and startup times out. This replays the last settings until the client is running.
 */
export function withSettingsReplay<T extends ClientClass>(Base: T) {
  return class SettingsReplay extends Base {
    private settingsReplays = 0;

    override onSettingsCommand(...args: SettingsArgs): void {
      super.onSettingsCommand(...args);
      if (this.isRunning() || this.settingsReplays >= MAX_REPLAYS) return;
      this.settingsReplays += 1;
      setTimeout(() => {
        if (!this.isRunning()) this.onSettingsCommand(...args);
      }, 50).unref();
    }
  };
}
