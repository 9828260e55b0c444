import { KeyedSerialQueue } from './keyed-serial-queue';
import { deferred } from '../testing/deferred';

/** Lets every pending promise callback run (a macrotask turn, not a timed wait). */
function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

describe('KeyedSerialQueue', () => {
  it('runs the tasks of one key one after another, in call order', async () => {
    const queue = new KeyedSerialQueue();
    const gates = [deferred(), deferred(), deferred()];
    const started: number[] = [];
    const finished: number[] = [];
    const runs = gates.map((gate, i) =>
      queue.run('s1', async () => {
        started.push(i);
        await gate.promise;
        finished.push(i);
        return i;
      }),
    );

    await settle();
    expect(started).toEqual([0]);

    // Releasing a later task first must not let it overtake the one that is running.
    gates[2]?.resolve();
    gates[1]?.resolve();
    await settle();
    expect(started).toEqual([0]);

    gates[0]?.resolve();
    await expect(Promise.all(runs)).resolves.toEqual([0, 1, 2]);
    expect(finished).toEqual([0, 1, 2]);
  });

  it('runs tasks of different keys concurrently', async () => {
    const queue = new KeyedSerialQueue();
    const blockA = deferred();
    const startedB = deferred();
    const a = queue.run('a', () => blockA.promise.then(() => 'a'));
    const b = queue.run('b', async () => {
      startedB.resolve();
      return 'b';
    });

    // 'b' starts and finishes while 'a' is still blocked.
    await startedB.promise;
    await expect(b).resolves.toBe('b');
    expect(queue.isBusy('a')).toBe(true);

    blockA.resolve();
    await expect(a).resolves.toBe('a');
  });

  it('passes a rejection to its caller and still runs the next task of the key', async () => {
    const queue = new KeyedSerialQueue();
    const failure = new Error('broker said no');
    const first = queue.run('s1', async () => {
      throw failure;
    });
    const second = queue.run('s1', async () => 'ran');

    await expect(first).rejects.toBe(failure);
    await expect(second).resolves.toBe('ran');
  });

  it('treats a task that throws synchronously like a rejected one', async () => {
    const queue = new KeyedSerialQueue();
    const first = queue.run('s1', () => {
      throw new Error('sync');
    });
    const second = queue.run('s1', async () => 2);

    await expect(first).rejects.toThrow('sync');
    await expect(second).resolves.toBe(2);
  });

  it('reports a key busy while a task is queued or running, and idle once all are done', async () => {
    const queue = new KeyedSerialQueue();
    const gate = deferred();
    expect(queue.isBusy('s1')).toBe(false);

    const running = queue.run('s1', () => gate.promise);
    const queued = queue.run('s1', async () => undefined);
    expect(queue.isBusy('s1')).toBe(true);
    expect(queue.isBusy('s2')).toBe(false);

    gate.resolve();
    await running;
    await queued;
    await settle();
    expect(queue.isBusy('s1')).toBe(false);
  });

  it('becomes idle after a failed task too', async () => {
    const queue = new KeyedSerialQueue();
    await expect(queue.run('s1', () => Promise.reject(new Error('x')))).rejects.toThrow('x');
    await settle();
    expect(queue.isBusy('s1')).toBe(false);
  });

  it('stays busy while a task added after an earlier one finished is still running', async () => {
    const queue = new KeyedSerialQueue();
    await queue.run('s1', async () => undefined);
    const gate = deferred();
    const late = queue.run('s1', () => gate.promise);
    await settle();
    // The first task's clean-up must not forget the key that the second task now holds.
    expect(queue.isBusy('s1')).toBe(true);

    gate.resolve();
    await late;
    await settle();
    expect(queue.isBusy('s1')).toBe(false);
  });
});
