import { refusalCode } from './observed-socket';

describe('refusalCode', () => {
  it('reads the code of a refused acknowledgement only', () => {
    expect(refusalCode({ ok: false, error: { code: 'unavailable', message: 'try again' } })).toBe(
      'unavailable',
    );
    expect(refusalCode({ ok: true, turnId: 't1' })).toBeUndefined();
    expect(refusalCode({ ok: false })).toBeUndefined();
    expect(refusalCode({ ok: false, error: { code: 7 } })).toBeUndefined();
    expect(refusalCode(null)).toBeUndefined();
  });
});
