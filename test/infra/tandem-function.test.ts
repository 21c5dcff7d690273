import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TandemFunction } from '../../infra/constructs/tandem-function.ts';
import { REPOSITORY_ROOT } from '../../infra/stacks/stateless.ts';

// Real bundling with the local esbuild (no Docker), of one small handler that builds an SDK client.
const outdir = mkdtempSync(join(tmpdir(), 'tandem-bundle-'));
let bundlePath = '';

beforeAll(() => {
  const app = new App({ outdir });
  const stack = new Stack(app, 'Bundle');
  new TandemFunction(stack, 'Credentials', {
    entry: join(REPOSITORY_ROOT, 'test/infra/fixtures/credentials-handler.ts'),
    depsLockFilePath: join(REPOSITORY_ROOT, 'package-lock.json'),
    projectRoot: REPOSITORY_ROOT,
  });
  app.synth({ validateOnSynthesis: false });
  const code = Template.fromStack(stack).findResources('AWS::Lambda::Function');
  const [fn] = Object.values(code) as { Properties: { Code: { S3Key: string } } }[];
  bundlePath = join(outdir, `asset.${fn?.Properties.Code.S3Key.replace(/\.zip$/, '')}`, 'index.mjs');
}, 180_000);

afterAll(() => rmSync(outdir, { recursive: true, force: true }));

describe('TandemFunction', () => {
  it('bundles the handler and the SDK into one ES module that Node 20 loads', () => {
    const source = readFileSync(bundlePath, 'utf8');
    expect(source).toMatch(/^import\{createRequire\}|^import \{ createRequire \}/);
    expect(source).not.toMatch(/from ?["']@aws-sdk\//);
  });

  it("resolves the SDK's credentials from the variables Lambda sets, without the rest of the chain", () => {
    const run = spawnSync(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        `const m = await import(${JSON.stringify(bundlePath)}); console.log(await m.handler());`,
      ],
      {
        cwd: tmpdir(),
        encoding: 'utf8',
        env: {
          PATH: process.env.PATH,
          AWS_ACCESS_KEY_ID: 'AKIDLAMBDAROLE',
          AWS_SECRET_ACCESS_KEY: 's',
          AWS_SESSION_TOKEN: 't',
        },
      },
    );
    // stderr may carry the SDK's notice that its 2027 releases need Node 22; the answer is on stdout.
    expect(run.stdout.trim()).toBe('AKIDLAMBDAROLE');
    // The web-identity and SSO providers of the default chain are not in the bundle.
    const source = readFileSync(bundlePath, 'utf8');
    expect(source).not.toContain('AWS_WEB_IDENTITY_TOKEN_FILE');
    expect(source).not.toContain('sso_start_url');
  });
});
