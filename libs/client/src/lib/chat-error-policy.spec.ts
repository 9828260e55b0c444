import { chatErrorAction } from './chat-error-policy';

describe('chatErrorAction', () => {
  it('forgets the session when it is gone, and stops', () => {
    expect(chatErrorAction('invalid_session', true)).toBe('forget-and-stop');
    expect(chatErrorAction('session_expired', false)).toBe('forget-and-stop');
  });

  it('stops on errors a reconnect cannot mend', () => {
    for (const code of ['session_moved', 'invalid_handshake', 'unauthorized']) {
      expect(chatErrorAction(code, true)).toBe('stop');
    }
  });

  it('reconnects after token_expired only when the token function can be asked again', () => {
    expect(chatErrorAction('token_expired', true)).toBe('reconnect');
    expect(chatErrorAction('token_expired', false)).toBe('stop');
  });

  it('reconnects after passing trouble', () => {
    for (const code of ['unavailable', 'rate_limited', 'anything_new']) {
      expect(chatErrorAction(code, false)).toBe('reconnect');
    }
  });
});
