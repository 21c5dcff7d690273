import { describe, expect, it } from 'vitest';
import { nextNightlyRun, scheduleNightly, type Timer } from '../../infra/local/nightly-schedule.ts';

/** A timer that only records what it was asked to do; the test fires it, no waiting. */
function fakeTimer() {
  const pending = new Map<number, { callback: () => void; delayMs: number }>();
  let id = 0;
  const timer: Timer = {
    set: (callback, delayMs) => {
      pending.set(++id, { callback, delayMs });
      return id;
    },
    clear: (handle) => void pending.delete(handle as number),
  };
  return { timer, pending };
}

/** Lets the schedule's promises (reading the time zone, the run) settle. */
const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('nextNightlyRun', () => {
  it.each([
    ['Europe/Berlin', '2027-03-10T12:00:00Z', '2027-03-11T01:30:00.000Z'],
    ['Europe/Berlin', '2027-03-11T01:29:59Z', '2027-03-11T01:30:00.000Z'],
    ['Europe/Berlin', '2027-03-11T01:30:00Z', '2027-03-12T01:30:00.000Z'],
    ['Europe/Berlin', '2027-07-01T12:00:00Z', '2027-07-02T00:30:00.000Z'],
    ['America/New_York', '2027-06-01T12:00:00Z', '2027-06-02T06:30:00.000Z'],
    ['Asia/Kolkata', '2027-01-01T00:00:00Z', '2027-01-01T21:00:00.000Z'],
    ['UTC', '2027-12-31T23:00:00Z', '2028-01-01T02:30:00.000Z'],
  ])('in %s after %s is %s (02:30 there)', (timezone, now, expected) => {
    expect(nextNightlyRun(timezone, new Date(now)).toISOString()).toBe(expected);
  });

  it('runs once on a spring-forward night, when 02:30 does not exist, an hour later', () => {
    // Berlin, 2027-03-28: clocks jump from 02:00 to 03:00 (01:00 UTC).
    expect(nextNightlyRun('Europe/Berlin', new Date('2027-03-27T12:00:00Z')).toISOString()).toBe(
      '2027-03-28T01:30:00.000Z',
    );
  });
});

describe('scheduleNightly', () => {
  it('runs the job at 02:30 in the study time zone, then plans the next night', async () => {
    let now = new Date('2027-03-10T12:00:00Z');
    const { timer, pending } = fakeTimer();
    const runs: string[] = [];
    const schedule = scheduleNightly({
      timezone: async () => 'Europe/Berlin',
      run: async () => void runs.push(now.toISOString()),
      onError: (error) => {
        throw error;
      },
      clock: () => now,
      timer,
    });
    await settle();
    expect(schedule.next()?.toISOString()).toBe('2027-03-11T01:30:00.000Z');
    const [first] = [...pending.values()];
    expect(first?.delayMs).toBe(13.5 * 3_600_000);
    expect(runs).toEqual([]);

    now = new Date('2027-03-11T01:30:00Z');
    pending.clear();
    first?.callback();
    await settle();
    expect(runs).toEqual(['2027-03-11T01:30:00.000Z']);
    expect(schedule.next()?.toISOString()).toBe('2027-03-12T01:30:00.000Z');
    expect([...pending.values()].map((p) => p.delayMs)).toEqual([24 * 3_600_000]);
    schedule.stop();
    expect(pending.size).toBe(0);
    expect(schedule.next()).toBeUndefined();
  });

  it('reports a failed run and still plans the next night', async () => {
    let now = new Date('2027-06-01T12:00:00Z');
    const { timer, pending } = fakeTimer();
    const errors: string[] = [];
    const schedule = scheduleNightly({
      timezone: async () => 'UTC',
      run: async () => {
        throw new Error('bucket unavailable');
      },
      onError: (error) => errors.push((error as Error).message),
      clock: () => now,
      timer,
    });
    await settle();
    now = new Date('2027-06-02T02:30:00Z');
    const [first] = [...pending.values()];
    pending.clear();
    first?.callback();
    await settle();
    expect(errors).toEqual(['bucket unavailable']);
    expect(schedule.next()?.toISOString()).toBe('2027-06-03T02:30:00.000Z');
    schedule.stop();
  });

  it('follows a change of the study time zone from one night to the next', async () => {
    let now = new Date('2027-06-01T12:00:00Z');
    let timezone = 'UTC';
    const { timer, pending } = fakeTimer();
    const schedule = scheduleNightly({
      timezone: async () => timezone,
      run: async () => {},
      onError: () => {},
      clock: () => now,
      timer,
    });
    await settle();
    expect(schedule.next()?.toISOString()).toBe('2027-06-02T02:30:00.000Z');
    timezone = 'Europe/Berlin';
    now = new Date('2027-06-02T02:30:00Z');
    const [first] = [...pending.values()];
    first?.callback();
    await settle();
    expect(schedule.next()?.toISOString()).toBe('2027-06-03T00:30:00.000Z');
    schedule.stop();
  });
});
