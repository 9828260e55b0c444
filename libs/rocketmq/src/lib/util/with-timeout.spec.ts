import { TimeoutError, withTimeout } from './with-timeout';

/** Records how a promise settled without awaiting it. */
function track<T>(promise: Promise<T>): {
  state: 'pending' | 'resolved' | 'rejected';
  value?: T;
  error?: unknown;
} {
  const tracked: { state: 'pending' | 'resolved' | 'rejected'; value?: T; error?: unknown } = {
    state: 'pending',
  };
  promise.then(
    (value) => Object.assign(tracked, { state: 'resolved', value }),
    (error: unknown) => Object.assign(tracked, { state: 'rejected', error }),
  );
  return tracked;
}

describe('withTimeout', () => {
  beforeEach(() => {
    jest.useFakeTimers();
  });

  afterEach(() => {
    jest.useRealTimers();
  });

  it('resolves with the value of a promise that finishes in time and clears its timer', async () => {
    const result = withTimeout(Promise.resolve(42), 1_000, 'answer');

    await expect(result).resolves.toBe(42);
    expect(jest.getTimerCount()).toBe(0);
  });

  it('rejects with the original error of a promise that fails in time and clears its timer', async () => {
    const failure = new Error('connection refused');

    const result = withTimeout(Promise.reject(failure), 1_000, 'startup');

    await expect(result).rejects.toBe(failure);
    expect(jest.getTimerCount()).toBe(0);
  });

  it('rejects with a TimeoutError naming what timed out, exactly when the deadline passes', async () => {
    const result = track(
      withTimeout(new Promise<never>(() => undefined), 1_000, 'RocketMQ producer startup'),
    );

    await jest.advanceTimersByTimeAsync(999);
    expect(result.state).toBe('pending');

    await jest.advanceTimersByTimeAsync(1);
    expect(result.state).toBe('rejected');
    expect(result.error).toBeInstanceOf(TimeoutError);
    expect(result.error).toMatchObject({
      name: 'TimeoutError',
      message: 'RocketMQ producer startup did not finish within 1000 ms',
    });
    expect(jest.getTimerCount()).toBe(0);
  });

  it('keeps the value of a promise that resolves just before the deadline', async () => {
    let finish!: (value: string) => void;
    const slow = new Promise<string>((resolve) => (finish = resolve));
    const result = track(withTimeout(slow, 500, 'slow work'));

    await jest.advanceTimersByTimeAsync(499);
    finish('done');
    await jest.advanceTimersByTimeAsync(0);

    expect(result).toEqual({ state: 'resolved', value: 'done' });
    expect(jest.getTimerCount()).toBe(0);
  });

  it('ignores a result that arrives after the timeout', async () => {
    let finish!: (value: string) => void;
    const slow = new Promise<string>((resolve) => (finish = resolve));
    const result = track(withTimeout(slow, 100, 'slow work'));

    await jest.advanceTimersByTimeAsync(100);
    finish('too late');
    await jest.advanceTimersByTimeAsync(0);

    expect(result.state).toBe('rejected');
    expect(result.error).toBeInstanceOf(TimeoutError);
  });
});
