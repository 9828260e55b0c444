import type { ConnectionState } from '@litesession/client';
import { ClientTimelineRecorder } from './client-timeline';

describe('ClientTimelineRecorder', () => {
  it('records changes of the connection and of the broker view, and unavailable refusals', () => {
    let now = 0;
    const recorder = new ClientTimelineRecorder(() => now);
    const state = (status: ConnectionState['status'], broker?: string) =>
      ({ status, attempt: 0, ...(broker === undefined ? {} : { broker }) }) as ConnectionState;
    recorder.state(state('connecting'));
    now = 100;
    recorder.state(state('connected'));
    now = 200;
    recorder.state(state('connected', 'ok'));
    now = 300;
    recorder.state(state('connected', 'unavailable'));
    recorder.refusal('turn_in_progress');
    recorder.refusal('unavailable');
    now = 400;
    recorder.state(state('reconnecting')); // the field left out: not told any more
    expect(recorder.timeline).toEqual({
      connected: [
        { at: 100, value: true },
        { at: 400, value: false },
      ],
      brokerUnavailable: [
        { at: 300, value: true },
        { at: 400, value: false },
      ],
      unavailableSignals: [300],
    });
  });
});
