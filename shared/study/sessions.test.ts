import { describe, expect, it } from 'vitest';
import { isScheduled, parseSessions, type SessionTerm, scheduledUpTo } from './sessions.ts';

function terms(expression: string): SessionTerm[] {
  const parsed = parseSessions(expression);
  if (!parsed.ok) throw new Error(parsed.message);
  return parsed.terms;
}

describe('parseSessions', () => {
  it('reads single sessions, ranges, every:N, first and last', () => {
    expect(terms('3, 1-5,every:5,first,last')).toEqual([
      { kind: 'one', session: 3 },
      { kind: 'range', from: 1, to: 5 },
      { kind: 'every', step: 5 },
      { kind: 'one', session: 1 },
      { kind: 'last' },
    ]);
  });

  it('accepts a one-session range', () => {
    expect(terms('4-4')).toEqual([{ kind: 'range', from: 4, to: 4 }]);
  });

  it.each([
    ['', '""'],
    ['0', '"0"'],
    ['5-3', '"5-3"'],
    ['every:0', '"every:0"'],
    ['every:', '"every:"'],
    ['1,,2', '""'],
    ['weekly', '"weekly"'],
    ['-2', '"-2"'],
    ['1.5', '"1.5"'],
    ['01', '"01"'],
  ])('refuses %j and names the bad term', (expression, named) => {
    const parsed = parseSessions(expression);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.message).toContain(named);
  });
});

describe('parseSessions messages', () => {
  it('says that a range must rise, and suggests the rising one', () => {
    expect(parseSessions('1,5-1')).toEqual({
      ok: false,
      message: '"5-1": a range must rise (did you mean 1-5?)',
    });
  });

  it('says that every:N needs N of at least 1', () => {
    expect(parseSessions('every:0')).toEqual({
      ok: false,
      message: '"every:0": every:N needs a whole number N ≥ 1 (every:1 is every session)',
    });
  });

  it('says that sessions start at 1 for a range from 0', () => {
    expect(parseSessions('0-3')).toEqual({ ok: false, message: '"0-3": sessions are numbered from 1' });
  });
});

describe('isScheduled', () => {
  it('matches sessions 1–5 and every fifth for "1-5,every:5"', () => {
    const schedule = terms('1-5,every:5');
    const matched = Array.from({ length: 21 }, (_, index) => index + 1).filter((session) =>
      isScheduled(schedule, session),
    );
    expect(matched).toEqual([1, 2, 3, 4, 5, 10, 15, 20]);
  });

  it('matches first as session 1', () => {
    expect(isScheduled(terms('first'), 1)).toBe(true);
    expect(isScheduled(terms('first'), 2)).toBe(false);
  });

  it('matches last only once the dyad has ended, at its last session', () => {
    const schedule = terms('last');
    expect(isScheduled(schedule, 7)).toBe(false);
    expect(isScheduled(schedule, 7, 7)).toBe(true);
    expect(isScheduled(schedule, 6, 7)).toBe(false);
  });
});

describe('scheduledUpTo', () => {
  it('lists the scheduled sessions up to a bound, ascending, without duplicates', () => {
    expect(scheduledUpTo(terms('first,every:5,last'), 12)).toEqual([1, 5, 10]);
    expect(scheduledUpTo(terms('first,every:5,last'), 12, 12)).toEqual([1, 5, 10, 12]);
    expect(scheduledUpTo(terms('2-4,3'), 10)).toEqual([2, 3, 4]);
  });

  it('lists nothing below the first scheduled session', () => {
    expect(scheduledUpTo(terms('every:5'), 4)).toEqual([]);
    expect(scheduledUpTo(terms('1'), 0)).toEqual([]);
  });
});
