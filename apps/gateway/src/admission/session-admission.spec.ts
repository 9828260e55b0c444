import { Test } from '@nestjs/testing';
import { ThrottlerModule } from '@nestjs/throttler';
import type { AdmissionRequest } from './admission-request';
import { InvalidHandshakeError } from './admission-request';
import { AdmissionLimits } from './admission-limits';
import { ADMISSION_SETTINGS, type AdmissionSettings } from './admission-settings';
import { NodeCapacity } from './node-capacity';
import { ResumeTokens } from './resume-tokens';
import { type Admission, type AdmissionResult, SessionAdmission } from './session-admission';
import {
  AuthenticationError,
  type AuthenticationRequest,
  SessionAuthenticator,
} from './session-authenticator';
import type { Subject } from './subject';

/** Accepts `user:<id>` credentials; anything else is refused, `boom` throws an untyped error. */
class FakeAuthenticator extends SessionAuthenticator {
  readonly description = 'fake';
  calls = 0;
  async authenticate({ credential }: AuthenticationRequest): Promise<Subject> {
    this.calls += 1;
    if (credential === 'boom') throw new Error('identity provider exploded');
    if (!credential?.startsWith('user:')) throw new AuthenticationError('unauthorized', 'no');
    return { userId: credential.slice(5) };
  }
}

const limits: AdmissionSettings = {
  rates: { connectionsPerIp: 5, newSessionsPerIp: 3, connectionsPerUser: 4, newSessionsPerUser: 2 },
  maxSessionsPerNode: 3,
};

describe('SessionAdmission', () => {
  let admission: SessionAdmission;
  let authenticator: FakeAuthenticator;
  let tokens: ResumeTokens;

  beforeEach(async () => {
    authenticator = new FakeAuthenticator();
    tokens = new ResumeTokens({ current: 's'.repeat(32) }, 60_000);
    const moduleRef = await Test.createTestingModule({
      imports: [ThrottlerModule.forRoot({ throttlers: [] })],
      providers: [
        SessionAdmission,
        AdmissionLimits,
        NodeCapacity,
        { provide: ResumeTokens, useValue: tokens },
        { provide: SessionAuthenticator, useValue: authenticator },
        { provide: ADMISSION_SETTINGS, useValue: limits },
      ],
    }).compile();
    admission = moduleRef.get(SessionAdmission);
  });

  const admit = (address: string, request: Omit<AdmissionRequest, 'address'>) =>
    admission.admit(address, () => request);
  const codeOf = (result: AdmissionResult) => (result.admitted ? 'admitted' : result.refusal.code);

  it('admits a new session with a fresh id and a resume token bound to the user', async () => {
    const result = (await admit('1.1.1.1', { credential: 'user:alice' })) as Admission;
    expect(result).toMatchObject({ admitted: true, isNew: true, fromSeq: 0, subject: { userId: 'alice' } });
    expect(tokens.verify(result.sessionId, { userId: 'alice' }, result.resumeToken)).toBe('valid');
  });

  it('counts the address before reading the request, so malformed floods are limited too', async () => {
    const malformed = () =>
      admission.admit('2.2.2.2', () => {
        throw new InvalidHandshakeError('bad');
      });
    const codes = [];
    for (let i = 0; i < 6; i += 1) codes.push(codeOf(await malformed()));
    expect(codes).toEqual([...Array(5).fill('invalid_handshake'), 'rate_limited']);
    expect(authenticator.calls).toBe(0);
  });

  it('limits connections per user across addresses', async () => {
    const codes = [];
    for (let i = 0; i < 5; i += 1) {
      const result = await admit(`10.0.0.${i}`, {
        credential: 'user:bob',
        resume: { sessionId: 's', resumeToken: 'x', fromSeq: 0 },
      });
      codes.push(codeOf(result));
    }
    expect(codes).toEqual([...Array(4).fill('invalid_session'), 'rate_limited']);
  });

  it('limits new sessions per user and per address, but not resumes', async () => {
    const first = (await admit('3.3.3.3', { credential: 'user:carol' })) as Admission;
    await admit('3.3.3.4', { credential: 'user:carol' });
    const third = await admit('3.3.3.5', { credential: 'user:carol' });
    expect(codeOf(third)).toBe('rate_limited');
    expect(third.admitted ? 0 : (third.refusal.retryAfterMs ?? 0)).toBeGreaterThan(0);
    first.release();
    const resumed = await admit('3.3.3.6', {
      credential: 'user:carol',
      resume: { sessionId: first.sessionId, resumeToken: first.resumeToken, fromSeq: 4 },
    });
    expect(resumed).toMatchObject({ admitted: true, isNew: false, fromSeq: 4 });
    const perAddress = [];
    for (const user of ['d1', 'd2', 'd3', 'd4'])
      perAddress.push(codeOf(await admit('4.4.4.4', { credential: `user:${user}` })));
    expect(perAddress.slice(0, 3).every((code) => code === 'admitted' || code === 'unavailable')).toBe(true);
    expect(perAddress[3]).toBe('rate_limited');
  });

  it('refuses beyond the node cap with unavailable, and frees a place on release', async () => {
    const open = [];
    for (const user of ['e1', 'e2', 'e3'])
      open.push((await admit(`5.5.5.${user}`, { credential: `user:${user}` })) as Admission);
    expect(codeOf(await admit('5.5.6.1', { credential: 'user:e4' }))).toBe('unavailable');
    open[0]?.release();
    open[0]?.release(); // idempotent
    expect(codeOf(await admit('5.5.6.2', { credential: 'user:e5' }))).toBe('admitted');
    expect(codeOf(await admit('5.5.6.3', { credential: 'user:e6' }))).toBe('unavailable');
  });

  it('turns an authenticator that throws something untyped into unavailable', async () => {
    expect(codeOf(await admit('6.6.6.6', { credential: 'boom' }))).toBe('unavailable');
    expect(codeOf(await admit('6.6.6.6', { credential: 'nobody' }))).toBe('unauthorized');
  });
});
