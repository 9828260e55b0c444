import { plainToInstance, Transform } from 'class-transformer';
import { validateSync } from 'class-validator';
import { toMessage } from './describe-error';

/** The environment of a process is invalid; `problems` lists every one. */
export class EnvValidationError extends Error {
  override name = 'EnvValidationError';

  constructor(
    what: string,
    readonly problems: readonly string[],
  ) {
    super(`Invalid ${what} environment:\n  - ${problems.join('\n  - ')}`);
  }
}

/**
 * Reads `raw` (e.g. process.env) into `EnvClass` and validates it, for ConfigModule.forRoot({ validate }).
 * Unknown variables are ignored (an environment has many). Throws EnvValidationError, and nothing else,
 * listing every problem at once.
 */
export function validateEnv<T extends object>(
  EnvClass: new () => T,
  raw: Record<string, unknown>,
  what: string,
): T {
  let env: T;
  let problems: string[];
  try {
    env = plainToInstance(EnvClass, raw, { exposeDefaultValues: true });
    const errors = validateSync(env, { skipMissingProperties: false });
    // One problem per variable: class-validator lists a property's failed rules last-declared first, and
    // the first-declared one is its type check (a non-number PORT also fails Min and Max; say it once).
    problems = errors.map((e) => Object.values(e.constraints ?? {}).at(-1) ?? `${e.property} is invalid`);
  } catch (error) {
    throw new EnvValidationError(what, [toMessage(error)]);
  }
  if (problems.length > 0) throw new EnvValidationError(what, problems);
  return env;
}

/** An integer variable: `fallback` when unset or empty, else the number it spells (NaN fails @IsInt). */
export function EnvInt(fallback: number): PropertyDecorator {
  return Transform(({ value }: { value: unknown }) => {
    if (value === undefined || value === '') return fallback;
    if (typeof value === 'number') return value;
    return typeof value === 'string' && /^-?\d{1,16}$/.test(value.trim()) ? Number(value) : Number.NaN;
  });
}
