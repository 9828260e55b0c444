import { TokenCoalescer } from './token-coalescer';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('TokenCoalescer', () => {
  it('writes tokens that arrive within the window as one event', async () => {
    const writes: string[] = [];
    const coalescer = new TokenCoalescer(30, async (text) => void writes.push(text));
    coalescer.push('a');
    coalescer.push('b');
    coalescer.push('c');
    await sleep(60);
    coalescer.push('d');
    await coalescer.close();
    expect(writes).toEqual(['abc', 'd']);
  });

  it('batches tokens that arrive during a slow write into the next write, in order', async () => {
    const writes: string[] = [];
    let release: () => void = () => undefined;
    const coalescer = new TokenCoalescer(0, async (text) => {
      writes.push(text);
      if (writes.length === 1) await new Promise<void>((resolve) => (release = resolve));
    });
    coalescer.push('1');
    await sleep(10); // the first write is now in flight
    ['2', '3', '4'].forEach((t) => coalescer.push(t));
    release();
    await coalescer.close();
    expect(writes).toEqual(['1', '234']);
  });

  it('stops writing after a failed write and reports it on close', async () => {
    const writes: string[] = [];
    const coalescer = new TokenCoalescer(0, async (text) => {
      writes.push(text);
      throw new Error('broker down');
    });
    coalescer.push('x');
    await sleep(10);
    expect(coalescer.failed).toBe(true);
    coalescer.push('y');
    await expect(coalescer.close()).rejects.toThrow('broker down');
    expect(writes).toEqual(['x']);
  });

  it('writes nothing when nothing was pushed', async () => {
    const write = jest.fn(async () => undefined);
    await new TokenCoalescer(10, write).close();
    expect(write).not.toHaveBeenCalled();
  });
});
