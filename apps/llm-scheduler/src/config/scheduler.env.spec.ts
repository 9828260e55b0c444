import fc from 'fast-check';
import { EnvValidationError } from '@litesession/edge';
import { SchedulerEnv, validateSchedulerEnv } from './scheduler.env';

describe('validateSchedulerEnv', () => {
  it('defaults to the simulated model and documented limits', () => {
    expect(validateSchedulerEnv({})).toMatchObject({
      PORT: 3100,
      LLM_PROVIDER: 'simulated',
      SIM_TOKENS_PER_SECOND: 30,
      SIM_REPLY_TOKENS: 60,
      MAX_CONCURRENT_TURNS: 8,
      MAX_QUEUED_TURNS: 8,
      TOKEN_COALESCE_MS: 0,
      TURN_TIMEOUT_MS: 300_000,
    });
  });

  it('reads numbers from strings', () => {
    expect(validateSchedulerEnv({ SIM_TOKENS_PER_SECOND: '5', MAX_CONCURRENT_TURNS: '2' })).toMatchObject({
      SIM_TOKENS_PER_SECOND: 5,
      MAX_CONCURRENT_TURNS: 2,
    });
  });

  it('needs key and model for the openai provider, and lists every problem at once', () => {
    expect(() =>
      validateSchedulerEnv({ LLM_PROVIDER: 'openai', LLM_BASE_URL: 'not a url', MAX_CONCURRENT_TURNS: '0' }),
    ).toThrow(
      expect.objectContaining({
        message: expect.stringMatching(/LLM_BASE_URL[\s\S]*LLM_API_KEY[\s\S]*LLM_MODEL|MAX_CONCURRENT_TURNS/),
      }),
    );
    const message = (() => {
      try {
        validateSchedulerEnv({ LLM_PROVIDER: 'openai', MAX_CONCURRENT_TURNS: '0' });
        return '';
      } catch (error) {
        return (error as Error).message;
      }
    })();
    expect(message).toContain('LLM_API_KEY is required');
    expect(message).toContain('LLM_MODEL is required');
    expect(message).toContain('MAX_CONCURRENT_TURNS');
  });

  it('refuses an unknown provider', () => {
    expect(() => validateSchedulerEnv({ LLM_PROVIDER: 'magic' })).toThrow(
      /LLM_PROVIDER must be simulated or openai/,
    );
  });
});

describe('validateSchedulerEnv on arbitrary input', () => {
  it('throws nothing but EnvValidationError', () => {
    const names = Object.keys(new SchedulerEnv());
    fc.assert(
      fc.property(
        fc.dictionary(fc.constantFrom(...names, 'LLM_API_KEY', 'LLM_MODEL', 'OTHER'), fc.string()),
        (raw) => {
          try {
            validateSchedulerEnv(raw);
          } catch (error) {
            expect(error).toBeInstanceOf(EnvValidationError);
          }
        },
      ),
      { numRuns: 500 },
    );
  });
});
