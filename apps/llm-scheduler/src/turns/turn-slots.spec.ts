import { TurnSlots } from './turn-slots';

describe('TurnSlots', () => {
  it('runs at most `limit` tasks at once and starts waiting ones in order as slots free up', async () => {
    const slots = new TurnSlots(2);
    const started: number[] = [];
    const finish: Array<() => void> = [];
    const tasks = [0, 1, 2, 3].map((i) =>
      slots.run(async () => {
        started.push(i);
        await new Promise<void>((resolve) => (finish[i] = resolve));
      }),
    );
    await Promise.resolve();
    expect(started).toEqual([0, 1]);
    expect(slots.running).toBe(2);
    finish[1]?.();
    await tasks[1];
    await Promise.resolve();
    expect(started).toEqual([0, 1, 2]);
    finish[0]?.();
    finish[2]?.();
    await Promise.all([tasks[0], tasks[2]]);
    await Promise.resolve();
    expect(started).toEqual([0, 1, 2, 3]);
    finish[3]?.();
    await Promise.all(tasks);
    expect(slots.running).toBe(0);
  });

  it('frees the slot when a task fails', async () => {
    const slots = new TurnSlots(1);
    await expect(slots.run(async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await expect(slots.run(async () => 'next')).resolves.toBe('next');
  });
});

describe('TurnSlots, waiting with a signal', () => {
  it('leaves the queue with the signal’s reason when aborted while waiting, and keeps the slot count', async () => {
    const slots = new TurnSlots(1);
    let finishFirst: () => void = () => undefined;
    const first = slots.run(() => new Promise<void>((resolve) => (finishFirst = resolve)));
    const controller = new AbortController();
    const second = slots.run(async () => 'second ran', controller.signal);
    const third = slots.run(async () => 'third ran');
    await Promise.resolve();
    expect(slots.queued).toBe(2);
    controller.abort(new Error('lease lost'));
    await expect(second).rejects.toThrow('lease lost');
    expect(slots.queued).toBe(1);
    finishFirst();
    await first;
    await expect(third).resolves.toBe('third ran');
    expect(slots.running).toBe(0);
    expect(slots.queued).toBe(0);
  });

  it('rejects at once when the signal is already aborted and no slot is free', async () => {
    const slots = new TurnSlots(1);
    let finish: () => void = () => undefined;
    const busy = slots.run(() => new Promise<void>((resolve) => (finish = resolve)));
    await expect(slots.run(async () => 'ran', AbortSignal.abort(new Error('gone')))).rejects.toThrow('gone');
    finish();
    await busy;
    expect(slots.running).toBe(0);
  });
});
