import { loadToolConfig } from './config';
import { serverSpec } from './jvm';

const gcFlagsOf = (heap: string[]) => heap.filter((flag) => /^-XX:\+Use\w+GC$/.test(flag));

describe('serverSpec', () => {
  it('runs the broker and the proxy on G1 by default and the NameServer on SerialGC', () => {
    const config = loadToolConfig({});
    expect(gcFlagsOf(serverSpec(config, 'broker').heap)).toEqual(['-XX:+UseG1GC']);
    expect(gcFlagsOf(serverSpec(config, 'proxy').heap)).toEqual(['-XX:+UseG1GC']);
    expect(gcFlagsOf(serverSpec(config, 'namesrv').heap)).toEqual(['-XX:+UseSerialGC']);
  });

  it.each([
    ['parallel', '-XX:+UseParallelGC'],
    ['serial', '-XX:+UseSerialGC'],
  ])('gives the broker and the proxy ROCKETMQ_GC=%s', (gc, flag) => {
    const config = loadToolConfig({ ROCKETMQ_GC: gc });
    expect(gcFlagsOf(serverSpec(config, 'broker').heap)).toEqual([flag]);
    expect(gcFlagsOf(serverSpec(config, 'proxy-2').heap)).toEqual([flag]);
    expect(gcFlagsOf(serverSpec(config, 'namesrv').heap)).toEqual(['-XX:+UseSerialGC']);
  });
});
