import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const bin = new URL('../../bin/tandem.js', import.meta.url).pathname;
const repo = new URL('../../', import.meta.url).pathname;

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
      'tandem study: wrong number of arguments (usage: tandem study validate FILE)',
    ]);
  });

  it('lists every command with --help and exits 0', () => {
    const run = tandem('--help');
    expect(run.status).toBe(0);
    for (const command of ['dev', 'demo-data', 'aggregate', 'export', 'study validate', 'bench']) {
      expect(run.stdout).toContain(`tandem ${command}`);
    }
  });
});

describe('tandem through the bin link (npx)', () => {
  const scratch = mkdtempSync(join(tmpdir(), 'tandem-bin-'));
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  // The layout npm gives an installed package: node_modules/.bin/tandem -> ../../<package>/bin/tandem.js.
  const binDir = join(scratch, 'node_modules', '.bin');
  mkdirSync(binDir, { recursive: true });
  const link = join(binDir, 'tandem');
  symlinkSync(bin, link);

  function run(command: string, args: string[]) {
    const done = spawnSync(command, args, { cwd: repo, encoding: 'utf8', timeout: 60_000 });
    return { status: done.status, stdout: done.stdout, stderr: done.stderr };
  }

  it('prints the help when started through node_modules/.bin/tandem', () => {
    const done = run(link, ['--help']);
    expect(done.status).toBe(0);
    expect(done.stdout).toContain('Usage: tandem <command> [options]');
  });

  it('writes a demo study when started through node_modules/.bin/tandem', () => {
    const out = join(scratch, 'link-demo');
    const done = run(link, ['demo-data', '--out', out, '--sites', '2', '--dyads', '6', '--seed', '3']);
    expect(done.status).toBe(0);
    expect(readdirSync(out).sort()).toEqual(['dyads.jsonl', 'responses.jsonl', 'study.json']);
  });

  it('answers `npx tandem --help` and `npx tandem demo-data` from the repository', () => {
    const help = run('npx', ['--offline', 'tandem', '--help']);
    expect(help.status).toBe(0);
    expect(help.stdout).toContain('tandem demo-data');
    const out = join(scratch, 'npx-demo');
    const demo = run('npx', [
      '--offline',
      'tandem',
      'demo-data',
      '--out',
      out,
      '--sites',
      '1',
      '--dyads',
      '4',
    ]);
    expect(demo.status).toBe(0);
    expect(demo.stdout).toMatch(/^Wrote 4 dyads and \d+ responses/);
    expect(readdirSync(out)).toContain('responses.jsonl');
  });

  it('exits 1 with the one-line error through the link as it does through node', () => {
    const done = run(link, ['frobnicate']);
    expect(done.status).toBe(1);
    expect(done.stderr.trim()).toBe('tandem: unknown command "frobnicate"; run tandem --help for the list');
  });
});
