import { readFileSync } from 'node:fs';
import { expect } from 'vitest';

/** Reads test/reference/{name}.json, the inputs and R's expected outputs for one statistic. */
export function readReference<T>(name: string): T {
  return JSON.parse(readFileSync(new URL(`../../test/reference/${name}.json`, import.meta.url), 'utf8')) as T;
}

/** R writes a length-one vector as a scalar; the tests want arrays. */
export function asArray<T>(value: T | T[]): T[] {
  return Array.isArray(value) ? value : [value];
}

/** Asserts that a statistic equals R's value to `tolerance` (absolute), or is null where R has NA. */
export function expectClose(
  actual: number | null | undefined,
  expected: number | null | undefined,
  tolerance = 1e-6,
) {
  if (expected === null || expected === undefined) {
    expect(actual ?? null).toBeNull();
    return;
  }
  expect(actual).not.toBeNull();
  expect(actual).toBeTypeOf('number');
  expect(Math.abs((actual as number) - expected)).toBeLessThanOrEqual(
    tolerance * Math.max(1, Math.abs(expected)),
  );
}
