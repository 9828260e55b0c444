import { BadRequestException } from '@nestjs/common';
import { IsInt, IsString, validateSync } from 'class-validator';
import { plainToInstance } from 'class-transformer';
import { EnvInt, EnvValidationError, validateEnv } from './env';
import { OptionalField } from './optional-field';
import { ShapeGuardPipe } from './shape-guard.pipe';
import { ServiceEnv } from './service-env';

class Payload {
  @OptionalField()
  @IsString()
  name?: string;
}

class Env extends ServiceEnv(4000) {
  @EnvInt(7)
  @IsInt()
  LIMIT = 7;
}

describe('ShapeGuardPipe', () => {
  const pipe = new ShapeGuardPipe({ maxDepth: 1, maxEntries: 2, maxStringLength: 5 });

  it('passes a plain object within the limits through unchanged', () => {
    const value = { a: 'x' };
    expect(pipe.transform(value)).toBe(value);
  });

  it.each([null, 'x', { a: { b: 1 } }, { a: 'toolong' }, JSON.parse('{"__proto__":{}}') as unknown])(
    'refuses %p with a BadRequestException naming the problem',
    (value) => {
      expect(() => pipe.transform(value)).toThrow(BadRequestException);
    },
  );
});

describe('OptionalField', () => {
  const problems = (raw: object) => validateSync(plainToInstance(Payload, raw)).length;

  it('lets a field be left out, but validates a null like any present value', () => {
    expect(problems({})).toBe(0);
    expect(problems({ name: 'x' })).toBe(0);
    expect(problems({ name: null })).toBe(1);
    expect(problems({ name: 3 })).toBe(1);
  });
});

describe('validateEnv', () => {
  it('applies the defaults of the class and of ServiceEnv(defaultPort)', () => {
    expect(validateEnv(Env, {}, 'test')).toMatchObject({ PORT: 4000, HOST: '127.0.0.1', LIMIT: 7 });
  });

  it('reads integers from strings and refuses what is not one', () => {
    expect(validateEnv(Env, { PORT: '4001', LIMIT: '12' }, 'test')).toMatchObject({ PORT: 4001, LIMIT: 12 });
    for (const bad of ['12abc', '1.5', '1e3', ' ', 'x'.repeat(40)]) {
      expect(() => validateEnv(Env, { LIMIT: bad }, 'test')).toThrow(EnvValidationError);
    }
  });

  it('reports every problem together', () => {
    const error = (() => {
      try {
        validateEnv(Env, { PORT: 'x', HOST: 'a b', ROCKETMQ_ENDPOINTS: 'nohost', LIMIT: 'y' }, 'test');
      } catch (caught) {
        return caught as EnvValidationError;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(EnvValidationError);
    expect(error?.problems).toHaveLength(4);
    expect(error?.message).toContain('Invalid test environment');
  });
});
