import { HeldMessage, LeaseLostError } from './request-lease';

describe('HeldMessage (a request lease)', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('renews every renewEveryMs with the latest receipt handle, until stopped', async () => {
    const renewals: string[] = [];
    const held = new HeldMessage(
      'm1',
      'h0',
      3000,
      1000,
      async (handle) => {
        renewals.push(handle);
        return `h${renewals.length}`;
      },
      () => undefined,
    );
    await jest.advanceTimersByTimeAsync(3500);
    expect(renewals).toEqual(['h0', 'h1', 'h2']);
    expect(held.receiptHandle).toBe('h3');
    held.stop();
    await jest.advanceTimersByTimeAsync(5000);
    expect(renewals).toHaveLength(3);
    expect(held.signal.aborted).toBe(false);
  });

  it('ends with the handle of a renewal still in flight, and renews no more', async () => {
    let answer: (handle: string) => void = () => undefined;
    let renewals = 0;
    const held = new HeldMessage(
      'm3',
      'h0',
      3000,
      1000,
      () => {
        renewals += 1;
        return new Promise<string>((resolve) => (answer = resolve));
      },
      () => undefined,
    );
    await jest.advanceTimersByTimeAsync(1000); // the first renewal is now in flight
    let final: string | undefined;
    const ending = held.finalHandle().then((handle) => (final = handle));
    await jest.advanceTimersByTimeAsync(0);
    expect(final).toBeUndefined(); // the ack must not go out with h0, which the renewal replaces
    answer('h1');
    await ending;
    expect(final).toBe('h1');
    await jest.advanceTimersByTimeAsync(5000);
    expect(renewals).toBe(1);
  });

  it('ends at once with its handle when no renewal is in flight', async () => {
    const held = new HeldMessage(
      'm4',
      'h0',
      3000,
      1000,
      async () => 'h1',
      () => undefined,
    );
    await expect(held.finalHandle()).resolves.toBe('h0');
  });

  it('aborts its signal with LeaseLostError when a renewal is refused, and tells the consumer', async () => {
    const lost: string[] = [];
    const held = new HeldMessage(
      'm2',
      'h0',
      3000,
      1000,
      async () => {
        throw new Error('renewal refused (40005)');
      },
      (messageId, reason) => lost.push(`${messageId}: ${reason}`),
    );
    await jest.advanceTimersByTimeAsync(1000);
    expect(held.signal.aborted).toBe(true);
    expect(held.signal.reason).toBeInstanceOf(LeaseLostError);
    expect(lost).toEqual(['m2: renewal refused (40005)']);
  });

  it('stops renewing once handed back, and says so to the nack', async () => {
    let renewals = 0;
    const held = new HeldMessage(
      'm3',
      'h0',
      3000,
      1000,
      async () => `h${(renewals += 1)}`,
      () => undefined,
    );
    held.handBack();
    await jest.advanceTimersByTimeAsync(5000);
    expect(renewals).toBe(0);
    expect(held.isHandedBack).toBe(true);
  });
});
