import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { MINIMAL_STUDY } from '../../shared/study/example.ts';

// `tandem study publish` and `tandem staff` against the local store and the dev identity provider,
// in a fresh folder (its own .tandem/). The deployed variants use the same code through the SDK
// clients (TANDEM_TABLE, TANDEM_USER_POOL_ID), which need an AWS account and are not run here.

const bin = new URL('../../bin/tandem.js', import.meta.url).pathname;
const folder = mkdtempSync(join(tmpdir(), 'tandem-ops-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

function tandem(...args: string[]) {
  const env = { ...process.env };
  for (const name of [
    'TANDEM_TABLE',
    'TANDEM_USER_POOL_ID',
    'TANDEM_DYNAMODB_ENDPOINT',
    'TANDEM_S3_ENDPOINT',
  ])
    delete env[name];
  const run = spawnSync(process.execPath, [bin, ...args], {
    cwd: folder,
    env,
    encoding: 'utf8',
    timeout: 120_000,
  });
  return { status: run.status, stdout: run.stdout, stderrLines: run.stderr.split('\n').filter(Boolean) };
}

const study = MINIMAL_STUDY;

describe('tandem study publish', () => {
  it('publishes a study to the local store, then only a changed one as the next version', () => {
    writeFileSync(join(folder, 'study.json'), JSON.stringify(study));
    expect(tandem('study', 'publish', 'study.json')).toMatchObject({
      status: 0,
      stdout: 'Published alliance-2027 version 1 to the local store.\n',
    });
    expect(tandem('study', 'publish', 'study.json').stdout).toBe(
      'alliance-2027 is unchanged (version 1 in the local store); nothing written.\n',
    );
    writeFileSync(join(folder, 'study.json'), JSON.stringify({ ...study, overdueDays: 21 }));
    expect(tandem('study', 'publish', 'study.json').stdout).toBe(
      'Published alliance-2027 version 2 to the local store.\n',
    );
  }, 240_000);

  it('refuses an invalid study with its problems and exit 1, writing nothing', () => {
    writeFileSync(join(folder, 'bad.json'), JSON.stringify({ ...study, timezone: 'Mars/Olympus' }));
    const run = tandem('study', 'publish', 'bad.json');
    expect(run.status).toBe(1);
    expect(run.stderrLines.some((line) => line.startsWith('error: timezone'))).toBe(true);
  }, 60_000);
});

describe('tandem staff', () => {
  it('invites a coordinator into the dev identity provider and lists them with the demo users', () => {
    const invited = tandem(
      'staff',
      'invite',
      '--email',
      'kim@clinic.example',
      '--role',
      'coordinator',
      '--sites',
      'berlin-mitte',
    );
    expect(invited).toMatchObject({
      status: 0,
      stdout: 'Invited kim@clinic.example as coordinator for berlin-mitte.\n',
    });
    const lines = tandem('staff', 'list').stdout.trim().split('\n');
    expect(lines).toContain('kim@clinic.example\tcoordinator\tberlin-mitte');
    expect(lines).toContain('coordinator-berlin-mitte\tcoordinator\tberlin-mitte');
    expect(lines).toContain('lead\tlead\t');
  }, 240_000);

  it('refuses an unknown role and a coordinator without sites in one line each', () => {
    expect(tandem('staff', 'invite', '--email', 'a@b.org', '--role', 'boss').stderrLines).toEqual([
      'tandem staff: --role must be one of lead, coordinator, researcher, analyst, received "boss"',
    ]);
    expect(tandem('staff', 'invite', '--email', 'a@b.org', '--role', 'coordinator').stderrLines).toEqual([
      'tandem staff: a coordinator needs --sites (comma-separated site ids)',
    ]);
  }, 60_000);
});
