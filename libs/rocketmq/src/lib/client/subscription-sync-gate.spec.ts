import { SubscriptionSyncGate } from './subscription-sync-gate';

/** A call the test finishes by hand, recording when it starts and ends. */
function heldCall(log: string[], name: string) {
  let finish: () => void = () => undefined;
  const run = () => {
    log.push(`${name} start`);
    return new Promise<void>((resolve) => {
      finish = () => {
        log.push(`${name} end`);
        resolve();
      };
    });
  };
  return { run, finish: () => finish() };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('SubscriptionSyncGate', () => {
  it('runs partial changes side by side', async () => {
    const gate = new SubscriptionSyncGate();
    const log: string[] = [];
    const a = heldCall(log, 'a');
    const b = heldCall(log, 'b');

    const done = Promise.all([gate.partial(a.run), gate.partial(b.run)]);
    await settle();
    expect(log).toEqual(['a start', 'b start']);
    a.finish();
    b.finish();
    await done;
  });

  it('starts a full sync only after the partial changes in flight, and holds new ones until it is done', async () => {
    const gate = new SubscriptionSyncGate();
    const log: string[] = [];
    const unsubscribe = heldCall(log, 'unsubscribe');
    const full = heldCall(log, 'full');
    const subscribe = heldCall(log, 'subscribe');

    const first = gate.partial(unsubscribe.run);
    await settle();
    const sync = gate.full(full.run);
    const later = gate.partial(subscribe.run);
    await settle();
    expect(log).toEqual(['unsubscribe start']);

    unsubscribe.finish();
    await settle();
    expect(log).toEqual(['unsubscribe start', 'unsubscribe end', 'full start']);

    full.finish();
    await settle();
    subscribe.finish();
    await Promise.all([first, sync, later]);
    expect(log).toEqual([
      'unsubscribe start',
      'unsubscribe end',
      'full start',
      'full end',
      'subscribe start',
      'subscribe end',
    ]);
  });

  it('runs full syncs one at a time', async () => {
    const gate = new SubscriptionSyncGate();
    const log: string[] = [];
    const one = heldCall(log, 'one');
    const two = heldCall(log, 'two');

    const done = Promise.all([gate.full(one.run), gate.full(two.run)]);
    await settle();
    expect(log).toEqual(['one start']);
    one.finish();
    await settle();
    two.finish();
    await done;
    expect(log).toEqual(['one start', 'one end', 'two start', 'two end']);
  });

  it('opens again after a call that failed', async () => {
    const gate = new SubscriptionSyncGate();

    await expect(gate.full(() => Promise.reject(new Error('refused')))).rejects.toThrow('refused');
    await expect(gate.partial(() => Promise.reject(new Error('refused')))).rejects.toThrow('refused');
    await expect(gate.partial(async () => 'ok')).resolves.toBe('ok');
    await expect(gate.full(async () => 'ok')).resolves.toBe('ok');
  });
});
