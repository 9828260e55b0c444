import { Writable } from 'node:stream';
import pino, { type LoggerOptions } from 'pino';
import { serviceLoggerParams, type ServiceLoggingOptions } from './service-logging';

/** A pino logger built from the params exactly as nestjs-pino builds it, writing into `lines`. */
function loggerFor(options: Omit<ServiceLoggingOptions, 'destination'>) {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(
        ...chunk
          .toString()
          .split('\n')
          .filter((line) => line !== ''),
      );
      done();
    },
  });
  const params = serviceLoggerParams({ ...options, destination });
  const [pinoOptions, stream] = params.pinoHttp as [LoggerOptions, pino.DestinationStream];
  return { logger: pino(pinoOptions, stream), lines };
}

describe('serviceLoggerParams', () => {
  it('writes one JSON object per line with level, time, service, node, context and the caller’s fields', () => {
    const { logger, lines } = loggerFor({ service: 'gateway', node: 'node-a', format: 'json', debug: false });
    logger.warn({ context: 'SessionGateway', sessionId: 's-1', turnId: 't-1' }, 'Could not open session s-1');

    expect(lines).toHaveLength(1);
    const line = JSON.parse(lines[0] ?? '{}') as Record<string, unknown>;
    expect(line).toMatchObject({
      level: 'warn',
      service: 'gateway',
      node: 'node-a',
      context: 'SessionGateway',
      sessionId: 's-1',
      turnId: 't-1',
      msg: 'Could not open session s-1',
    });
    expect(new Date(String(line['time'])).toISOString()).toBe(line['time']);
  });

  it('drops debug lines unless asked for them', () => {
    const quiet = loggerFor({ service: 'llm-scheduler', node: 's1', format: 'json', debug: false });
    quiet.logger.debug('routine');
    quiet.logger.trace('more routine');
    expect(quiet.lines).toEqual([]);

    const chatty = loggerFor({ service: 'llm-scheduler', node: 's1', format: 'json', debug: true });
    chatty.logger.trace('more routine');
    expect(chatty.lines).toHaveLength(1);
  });

  it('writes one readable line per event in pretty mode, with the context first and the fields after', () => {
    const { logger, lines } = loggerFor({
      service: 'gateway',
      node: 'node-a',
      format: 'pretty',
      debug: false,
    });
    logger.info({ context: 'Bootstrap', sessionId: 's-9' }, 'Gateway listening');

    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('INFO');
    expect(lines[0]).toContain('[Bootstrap] Gateway listening');
    expect(lines[0]).toContain('"sessionId":"s-9"');
    expect(lines[0]).not.toContain('node-a');
  });
});
