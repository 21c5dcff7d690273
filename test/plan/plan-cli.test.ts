import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import type { PlanResult } from '../../analysis/plan/types.ts';
import { main } from '../../infra/local/cli.ts';

// `tandem plan` through the CLI's main, in this process: bad options are one line on stderr naming
// the option, nothing is written; a small plan prints its table and writes plan.json and plan.html.

vi.setConfig({ testTimeout: 120_000 });

const scratch = mkdtempSync(join(tmpdir(), 'tandem-plan-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

async function run(argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const out = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    stdout += String(chunk);
    return true;
  });
  const err = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
    stderr += String(chunk);
    return true;
  });
  try {
    return { code: await main(argv), stdout, stderr };
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
}

describe('tandem plan', () => {
  it.each([
    [['--dropout', '1.2'], 'tandem plan: --dropout must be between 0 and 1 (received "1.2")'],
    [['--dyads', '9-5'], 'tandem plan: --dyads range must not end below its start (received "9-5")'],
    [['--r', 'strong'], 'tandem plan: --r must be a correlation between -0.95 and 0.95 (received "strong")'],
    [['--sims', '0'], 'tandem plan: --sims must be a whole number from 10 to 100000 (received "0")'],
    [['--power', '0.8'], "tandem plan: Unknown option '--power'"],
  ])('refuses %j with one line naming the option and writes nothing', async (args, line) => {
    const dir = join(scratch, 'refused');
    const { code, stdout, stderr } = await run(['plan', ...args, '--out', dir]);
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr.startsWith(line)).toBe(true);
    expect(stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(existsSync(dir)).toBe(false);
  });

  it('needs --out', async () => {
    const { code, stderr } = await run(['plan', '--sites', '2']);
    expect(code).toBe(1);
    expect(stderr).toBe('tandem plan: --out is required\n');
  });

  it('lists its options and defaults under --help', async () => {
    const { code, stdout } = await run(['plan', '--help']);
    expect(code).toBe(0);
    for (const option of ['--sites', '--dyads', '--therapist-icc', '--g', '--sims', '--seed', '--out'])
      expect(stdout).toContain(option);
    expect(stdout).toContain('--sims 500');
  });

  it('prints the table and writes plan.json and plan.html', async () => {
    const dir = join(scratch, 'small');
    const { code, stdout } = await run([
      'plan',
      '--sites',
      '2',
      '--dyads',
      '10-15',
      '--sims',
      '10',
      '--seed',
      '4',
      '--out',
      dir,
    ]);
    expect(code).toBe(0);
    const plan = JSON.parse(readFileSync(join(dir, 'plan.json'), 'utf8')) as PlanResult;
    expect(plan.inputs).toMatchObject({ sites: 2, dyads: [10, 15], sims: 10, seed: 4, r: 0.28 });
    expect(plan.points.map((point) => [point.dyads, point.sims])).toEqual([
      [10, 10],
      [15, 10],
    ]);
    for (const point of plan.points) {
      expect(point.power).toBeGreaterThanOrEqual(0);
      expect(point.power).toBeLessThanOrEqual(1);
      expect(point.n_analysed).toBeGreaterThan(5);
    }
    const rows = stdout.split('\n').filter((line) => /^\s*1[05]\s/.test(line));
    expect(rows).toHaveLength(2);
    expect(stdout).toContain(`Wrote ${join(dir, 'plan.json')} and ${join(dir, 'plan.html')}.`);
    expect(readFileSync(join(dir, 'plan.html'), 'utf8')).toMatch(/^<!doctype html>/i);
  });
});
