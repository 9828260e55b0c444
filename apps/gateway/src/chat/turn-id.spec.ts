import { turnIdFor } from './turn-id';

describe('turnIdFor', () => {
  it('derives the same turn from the same clientMessageId, per session', () => {
    expect(turnIdFor('s1', 'm1')).toBe(turnIdFor('s1', 'm1'));
    expect(turnIdFor('s1', 'm1')).not.toBe(turnIdFor('s2', 'm1'));
    expect(turnIdFor('s1', 'm1')).not.toBe(turnIdFor('s1', 'm2'));
  });

  it('makes a fresh turn without clientMessageId', () => {
    expect(turnIdFor('s1')).not.toBe(turnIdFor('s1'));
  });

  it('fits the envelope’s turnId limit', () => {
    expect(turnIdFor('s1', 'x'.repeat(64)).length).toBeLessThanOrEqual(128);
    expect(turnIdFor('s1').length).toBeLessThanOrEqual(128);
  });
});
