import type { SessionEvent } from '@litesession/rocketmq';
import { toChatEvent } from './session.events';

const stored = (data?: Record<string, unknown>): SessionEvent => ({
  sessionId: 's1',
  seq: 4,
  type: 'turn.started',
  ts: 1000,
  turnId: 't1',
  messageId: 'm4',
  ...(data === undefined ? {} : { data }),
});

describe('toChatEvent', () => {
  it('relays the attempt and the model of a start, and nothing else of the writer’s data', () => {
    expect(toChatEvent(stored({ attempt: 'a1', model: 'simulated', node: 'sched-1' }))).toEqual({
      sessionId: 's1',
      seq: 4,
      type: 'turn.started',
      ts: 1000,
      turnId: 't1',
      attempt: 'a1',
      model: 'simulated',
    });
  });

  it('leaves out a model that is not a short string', () => {
    for (const model of [42, { name: 'x' }, 'm'.repeat(201)]) {
      expect(toChatEvent(stored({ model }))).not.toHaveProperty('model');
    }
  });
});
