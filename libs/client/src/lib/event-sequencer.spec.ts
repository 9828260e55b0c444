import { EventSequencer } from './event-sequencer';

describe('EventSequencer', () => {
  it('delivers 0, 1, 2 … once and drops repeats', () => {
    const sequencer = new EventSequencer();
    expect([0, 1, 1, 0, 2].map((seq) => sequencer.accept(seq))).toEqual([
      'deliver',
      'deliver',
      'duplicate',
      'duplicate',
      'deliver',
    ]);
    expect(sequencer.lastSeq).toBe(2);
  });

  it('reports a gap without moving lastSeq', () => {
    const sequencer = new EventSequencer(3);
    expect(sequencer.accept(5)).toBe('gap');
    expect(sequencer.lastSeq).toBe(3);
    expect(sequencer.accept(4)).toBe('deliver');
  });

  it('expects seq 0 first, and again after reset()', () => {
    const sequencer = new EventSequencer();
    expect(sequencer.accept(1)).toBe('gap');
    sequencer.accept(0);
    sequencer.reset();
    expect(sequencer.lastSeq).toBeUndefined();
    expect(sequencer.accept(0)).toBe('deliver');
  });
});
