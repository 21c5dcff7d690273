import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fixture, writeFixture } from '../release/fixture.ts';

const bin = new URL('../../bin/tandem.js', import.meta.url).pathname;
const repo = new URL('../../', import.meta.url).pathname;

function tandem(...args: string[]) {
  return tandemIn(process.cwd(), ...args);
}

function tandemIn(cwd: string, ...args: string[]) {
  const run = spawnSync(process.execPath, [bin, ...args], { cwd, encoding: 'utf8', timeout: 60_000 });
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

  it('exits 1 when tandem dev --host is not an address', () => {
    const run = tandem('dev', '--host', 'every interface');
    expect(run.status).toBe(1);
    expect(run.stderrLines).toEqual([
      'tandem dev: --host must be an IP address (received "every interface")',
    ]);
  });

  it('exits 1 when tandem bench is asked for only the release and only the ingest', () => {
    const run = tandem('bench', '--release', '--ingest');
    expect(run.status).toBe(1);
    expect(run.stderrLines).toEqual([
      'tandem bench: --release and --ingest exclude each other; without either, both run',
    ]);
  });

  it('exits 1 when study validate has no file', () => {
    const run = tandem('study', 'validate');
    expect(run.status).toBe(1);
    expect(run.stderrLines).toEqual([
      'tandem study: wrong number of arguments (usage: tandem study validate|publish FILE | tandem study import-redcap DICTIONARY.csv [--out FILE])',
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
      'study import-redcap',
      'staff invite',
      'bench',
    ]) {
      expect(run.stdout).toContain(`tandem ${command}`);
    }
  });
});

describe('tandem aggregate --k', () => {
  it('refuses a k below the study suppressionK for the bucket, and allows it with --out', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'tandem-cli-k-'));
    const from = join(cwd, 'export');
    await writeFixture(from, fixture()); // suppressionK 3
    const refused = tandemIn(cwd, 'aggregate', '--from', from, '--k', '2');
    expect(refused.status).toBe(1);
    expect(refused.stderrLines).toEqual([
      "tandem aggregate: --k 2 is below the study's suppressionK 3: publish to a folder with --out, or leave out --k",
    ]);
    // Nothing reached the local bucket.
    const bucket = join(cwd, '.tandem', 's3');
    const published = existsSync(bucket) ? readdirSync(bucket, { recursive: true }).map(String) : [];
    expect(published.filter((path) => /manifest|latest/.test(path))).toEqual([]);

    const out = join(cwd, 'out');
    const allowed = tandemIn(
      cwd,
      'aggregate',
      '--from',
      from,
      '--out',
      out,
      '--k',
      '2',
      '--release-id',
      '2027-06-01',
    );
    expect(allowed.stderrLines).toEqual([]);
    expect(allowed.status).toBe(0);
    const manifest = JSON.parse(readFileSync(join(out, 'releases', '2027-06-01', 'manifest.json'), 'utf8'));
    expect(manifest.suppressionK).toBe(2);
  }, 120_000);
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
