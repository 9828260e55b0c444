import { TokenCoalescer, type CoalescedTokens } from './token-coalescer';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A writer that holds each write until `release()`, recording what it was given. */
function heldWriter() {
  const writes: CoalescedTokens[] = [];
  const releases: Array<() => void> = [];
  const write = (tokens: CoalescedTokens) => {
    writes.push(tokens);
    return new Promise<void>((resolve) => releases.push(resolve));
  };
  const releaseNext = () => releases.shift()?.();
  return { writes, write, releaseNext };
}

describe('TokenCoalescer', () => {
  it('without a window, writes a token at once when no write is in flight', () => {
    const { writes, write } = heldWriter();
    const coalescer = new TokenCoalescer(0, write);
    coalescer.push('a');
    // Synchronously: no timer, no tick in between.
    expect(writes.map((w) => w.text)).toEqual(['a']);
  });

  it('folds the tokens that arrive during a write into the next write, in order', async () => {
    const { writes, write, releaseNext } = heldWriter();
    const coalescer = new TokenCoalescer(0, write);
    coalescer.push('1');
    ['2', '3', '4'].forEach((t) => coalescer.push(t));
    releaseNext();
    await sleep(0);
    coalescer.push('5'); // the second write is in flight
    releaseNext();
    await sleep(0);
    releaseNext();
    const closed = coalescer.close();
    await sleep(0);
    releaseNext();
    await closed;
    expect(writes.map((w) => w.text)).toEqual(['1', '234', '5']);
  });

  it('stamps each write with the time the first of its tokens was pushed', async () => {
    let clock = 1_000;
    const { writes, write, releaseNext } = heldWriter();
    const coalescer = new TokenCoalescer(0, write, () => clock);
    coalescer.push('a'); // written at once, pushed at 1000
    clock = 1_010;
    coalescer.push('b'); // waits for the write in flight
    clock = 1_020;
    coalescer.push('c');
    releaseNext();
    await sleep(0);
    releaseNext();
    await coalescer.close();
    expect(writes).toEqual([
      { text: 'a', firstTokenAt: 1_000 },
      { text: 'bc', firstTokenAt: 1_010 },
    ]);
  });

  it('with a window, writes the tokens that arrive within it as one event', async () => {
    const texts: string[] = [];
    const coalescer = new TokenCoalescer(30, async ({ text }) => void texts.push(text));
    coalescer.push('a');
    coalescer.push('b');
    coalescer.push('c');
    expect(texts).toEqual([]); // still inside the window
    await sleep(60);
    coalescer.push('d');
    await coalescer.close();
    expect(texts).toEqual(['abc', 'd']);
  });

  it('stops writing after a failed write and reports it on close', async () => {
    const texts: string[] = [];
    const coalescer = new TokenCoalescer(0, async ({ text }) => {
      texts.push(text);
      throw new Error('broker down');
    });
    coalescer.push('x');
    await sleep(0);
    expect(coalescer.failed).toBe(true);
    coalescer.push('y');
    await expect(coalescer.close()).rejects.toThrow('broker down');
    expect(texts).toEqual(['x']);
  });

  it('writes nothing when nothing was pushed', async () => {
    const write = jest.fn(async () => undefined);
    await new TokenCoalescer(0, write).close();
    expect(write).not.toHaveBeenCalled();
  });
});
