import { TypedEmitter } from './typed-emitter';

class Emitter extends TypedEmitter<{ n: number; s: string }> {
  fire<Name extends 'n' | 's'>(name: Name, payload: { n: number; s: string }[Name]): void {
    this.emit(name, payload);
  }
}

describe('TypedEmitter', () => {
  afterEach(() => jest.useRealTimers());

  it('calls listeners of that name until they are removed', () => {
    const emitter = new Emitter();
    const got: number[] = [];
    const listener = (n: number): void => void got.push(n);
    emitter.on('n', listener).on('n', listener);
    emitter.fire('n', 1);
    emitter.fire('s', 'ignored');
    emitter.off('n', listener);
    emitter.fire('n', 2);
    expect(got).toEqual([1]);
  });

  it('a throwing listener neither stops the others nor the emitter; its error surfaces on its own task', () => {
    jest.useFakeTimers();
    const emitter = new Emitter();
    const got: number[] = [];
    emitter.on('n', () => {
      throw new Error('listener bug');
    });
    emitter.on('n', (n) => void got.push(n));
    expect(() => emitter.fire('n', 1)).not.toThrow();
    expect(got).toEqual([1]);
    expect(() => jest.runOnlyPendingTimers()).toThrow('listener bug');
  });
});
