import { Test } from '@nestjs/testing';
import { HealthIndicatorService } from '@nestjs/terminus';
import { DrainState } from './drain-state';
import { DrainHealthIndicator } from './drain.health';

describe('DrainHealthIndicator', () => {
  it('is up until the node starts draining, then down for good', async () => {
    const moduleRef = await Test.createTestingModule({
      providers: [HealthIndicatorService, DrainState, DrainHealthIndicator],
    }).compile();
    const indicator = moduleRef.get(DrainHealthIndicator);
    const drain = moduleRef.get(DrainState);

    expect(indicator.isHealthy('node')).toEqual({ node: { status: 'up' } });
    drain.start();
    drain.start();
    expect(indicator.isHealthy('node')).toEqual({ node: { status: 'down', reason: 'node is draining' } });
  });
});
