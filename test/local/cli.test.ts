import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

const bin = new URL('../../bin/tandem.js', import.meta.url).pathname;

function tandem(...args: string[]) {
  const run = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', timeout: 60_000 });
  return { status: run.status, stdout: run.stdout, stderrLines: run.stderr.split('\n').filter(Boolean) };
}

describe('tandem command line', () => {
  it('exits 1 with one line naming an unknown command', () => {
    const run = tandem('frobnicate');
    expect(run.status).toBe(1);
    expect(run.stderrLines).toEqual(['tandem: unknown command "frobnicate"; run tandem --help for the list']);
  });

  it('exits 1 with one line naming an unknown flag and the usage', () => {
    const run = tandem('aggregate', '--bogus');
    expect(run.status).toBe(1);
    expect(run.stderrLines).toHaveLength(1);
    expect(run.stderrLines[0]).toMatch(
      /^tandem aggregate: Unknown option '--bogus' \(usage: tandem aggregate/,
    );
  });

  it('exits 1 when a number flag is not a number', () => {
    const run = tandem('demo-data', '--out', '/tmp/x', '--sites', 'three', '--dyads', '10');
    expect(run.status).toBe(1);
    expect(run.stderrLines).toEqual([
      'tandem demo-data: --sites must be a whole number ≥ 1 (received "three")',
    ]);
  });

  it('exits 1 when study validate has no file', () => {
    const run = tandem('study', 'validate');
    expect(run.status).toBe(1);
    expect(run.stderrLines).toEqual([
      'tandem study: wrong number of arguments (usage: tandem study validate|publish FILE)',
    ]);
  });

  it('lists every command with --help and exits 0', () => {
    const run = tandem('--help');
    expect(run.status).toBe(0);
    for (const command of [
      'dev',
      'demo-data',
      'aggregate',
      'export',
      'study validate|publish',
      'staff invite',
      'bench',
    ]) {
      expect(run.stdout).toContain(`tandem ${command}`);
    }
  });
});
