/** Command-line flags that stand for settings: `--brokers N` is ROCKETMQ_BROKERS=N, and so on. */
const FLAGS: Record<string, string> = {
  '--brokers': 'ROCKETMQ_BROKERS',
  '--proxies': 'ROCKETMQ_PROXIES',
  '--gateway-groups': 'ROCKETMQ_GATEWAY_GROUPS',
};

export class UsageError extends Error {
  override name = 'UsageError';
}

/**
 * The environment `args` ask for: `env` with each flag's setting replaced (`--brokers 2` or
 * `--brokers=2`). loadToolConfig checks the values. Anything else in `args` is a usage error.
 */
export function settingsFromFlags(args: readonly string[], env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const result = { ...env };
  for (let i = 0; i < args.length; i += 1) {
    const arg = args[i] ?? '';
    const equals = arg.indexOf('=');
    const flag = equals < 0 ? arg : arg.slice(0, equals);
    const variable = FLAGS[flag];
    if (variable === undefined) throw new UsageError(`unknown option "${arg}"`);
    const value = equals < 0 ? args[(i += 1)] : arg.slice(equals + 1);
    if (value === undefined || value === '') throw new UsageError(`${flag} needs a value, e.g. ${flag} 2`);
    result[variable] = value;
  }
  return result;
}
