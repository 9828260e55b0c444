import { SeqTracker } from './seq-tracker';

describe('SeqTracker', () => {
  const feed = (seqs: number[]) => {
    const tracker = new SeqTracker();
    const accepted = seqs.map((seq) => tracker.accept(seq));
    return { tracker, accepted };
  };

  it('accepts a gapless stream and counts nothing', () => {
    const { tracker, accepted } = feed([0, 1, 2, 3]);
    expect(accepted).toEqual([true, true, true, true]);
    expect([tracker.lastSeq, tracker.lost, tracker.duplicated, tracker.reordered]).toEqual([3, 0, 0, 0]);
  });

  it('counts a gap as lost', () => {
    const { tracker } = feed([0, 1, 4, 5]);
    expect(tracker.lost).toBe(2);
  });

  it('counts a late event as reordered, no longer lost', () => {
    const { tracker, accepted } = feed([0, 2, 1, 3]);
    expect(accepted).toEqual([true, true, true, true]);
    expect([tracker.lost, tracker.reordered, tracker.duplicated]).toEqual([0, 1, 0]);
  });

  it('counts and refuses repeats', () => {
    const { tracker, accepted } = feed([0, 1, 1, 0, 2]);
    expect(accepted).toEqual([true, true, false, false, true]);
    expect([tracker.duplicated, tracker.lost, tracker.reordered]).toEqual([2, 0, 0]);
  });

  it('starts from the first seq it is given only if that is 0: a stream starting at 3 lost 0-2', () => {
    const { tracker } = feed([3, 4]);
    expect(tracker.lost).toBe(3);
  });
});
