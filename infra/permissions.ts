// docs/permissions.md, generated from the synthesized templates: one row per function, its actions
// and the resources they are granted on (`npm run permissions` writes it; a test compares).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { App } from 'aws-cdk-lib';

type Template = { Resources: Record<string, { Type: string; Properties?: Record<string, unknown> }> };
type Statement = { Effect: string; Action: string | string[]; Resource: unknown; Condition?: unknown };

/** The file the table is written to, relative to the repository root. */
export const PERMISSIONS_DOC = 'docs/permissions.md';

/** A CloudFormation value as a reader would name it: `table`, `release bucket/releases/*`, … */
export function readableValue(value: unknown): string {
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return value.map(readableValue).join(', ');
  if (typeof value !== 'object' || value === null) return String(value);
  const [[fn, arg]] = Object.entries(value) as [[string, unknown]];
  if (fn === 'Ref')
    return String(arg).startsWith('AWS::') ? `{${String(arg).slice(5)}}` : logicalName(String(arg));
  if (fn === 'Fn::GetAtt') return logicalName(String((arg as unknown[])[0]));
  if (fn === 'Fn::ImportValue') return exportName(String(arg));
  if (fn === 'Fn::Join') {
    const [separator, parts] = arg as [string, unknown[]];
    return parts.map(readableValue).join(separator);
  }
  return JSON.stringify(value);
}

/** `TandemStateful:ExportsOutputFnGetAttReleaseBucketA1B2C3D4Arn5E6F7A8B` → `ReleaseBucket`. */
function exportName(name: string): string {
  const body = name.replace(/^[^:]+:ExportsOutput(FnGetAtt|Ref)/, '');
  return logicalName(body.replace(/(Arn|Name)?[0-9A-F]{8}$/, ''));
}

/** A logical id without CDK's hash suffix. */
function logicalName(id: string): string {
  return id.replace(/[0-9A-F]{8}$/, '');
}

/** ARNs shortened to what they name: the service prefix and account/region placeholders go. */
function shortResource(resource: string): string {
  return resource
    .replace(/^arn:\{Partition\}:[a-z0-9-]+:[^:]*:[^:]*:/, '')
    .replace(/^arn:aws:[a-z0-9-]+:[^:]*:[^:]*:/, '');
}

function conditionText(condition: unknown): string {
  if (!condition || typeof condition !== 'object') return '';
  const parts: string[] = [];
  for (const [, tests] of Object.entries(condition)) {
    for (const [key, value] of Object.entries(tests as Record<string, unknown>)) {
      const values = (Array.isArray(value) ? value : [value]).map((v) => readableValue(v));
      if (key === 'dynamodb:LeadingKeys') parts.push(`partition keys ${values.join(', ')}`);
      else if (key === 'kms:ViaService') parts.push(`via ${values.map((v) => v.split('.')[0]).join(', ')}`);
      else parts.push(`${key} ${values.join(', ')}`);
    }
  }
  return parts.length > 0 ? ` (${parts.join('; ')})` : '';
}

/** One row per Tandem function of the templates: `| module | action on resource<br>… |`. */
export function permissionsTable(templates: Readonly<Record<string, Template>>): string {
  const rows: string[] = [];
  for (const [stack, template] of Object.entries(templates).sort()) {
    const resources = template.Resources;
    for (const [id, fn] of Object.entries(resources)) {
      if (fn.Type !== 'AWS::Lambda::Function') continue;
      const description = String(fn.Properties?.Description ?? '');
      if (!description.startsWith('Tandem ')) continue;
      const role = JSON.stringify(fn.Properties?.Role);
      const roleId = Object.keys(resources).find((r) => role.includes(`"${r}"`));
      const lines: string[] = [];
      for (const policy of Object.values(resources)) {
        if (policy.Type !== 'AWS::IAM::Policy') continue;
        if (!JSON.stringify(policy.Properties?.Roles).includes(`"${roleId}"`)) continue;
        const document = policy.Properties?.PolicyDocument as { Statement: Statement[] };
        for (const statement of document.Statement) {
          const actions = [statement.Action].flat().sort().join(', ');
          const targets = [statement.Resource].flat().map((r) => shortResource(readableValue(r)));
          const effect = statement.Effect === 'Allow' ? '' : `${statement.Effect}: `;
          lines.push(`${effect}${actions} on ${targets.join(', ')}${conditionText(statement.Condition)}`);
        }
      }
      lines.sort();
      rows.push(
        `| \`${description.slice('Tandem '.length)}\` | ${stack} ${logicalName(id)} | ${lines.join('<br>')} |`,
      );
    }
  }
  rows.sort();
  return [
    '# Permissions',
    '',
    'What each function of Tandem may do, generated from the synthesized CloudFormation templates by',
    '`npm run permissions` (test/infra/template.test.ts fails when this file differs from them). The',
    'operations come from the `uses` of each entry of `functions/routes.ts` and of the nightly steps and',
    'the sign-in trigger in `functions/uses.ts`; a second test holds them against the calls in the code.',
    'Every function also writes its own log group. Resources are shown by the name of the resource they',
    'belong to: `Table`, `ReleaseBucket/{prefix}*`, `DataKey` (the customer-managed key), `PseudonymSecret`, `AttemptSecret`.',
    '',
    '| function | construct | may |',
    '| --- | --- | --- |',
    ...rows,
    '',
  ].join('\n');
}

/** Reads the templates of a synthesized cloud assembly folder. */
export function templatesIn(outdir: string, stacks: readonly string[]): Record<string, Template> {
  return Object.fromEntries(
    stacks.map((stack) => [stack, JSON.parse(readFileSync(join(outdir, `${stack}.template.json`), 'utf8'))]),
  );
}

/** Synthesizes the app (stand-in handlers, no bundling) and writes docs/permissions.md. */
async function main(): Promise<void> {
  const { buildApp } = await import('./stacks/tandem-app.ts');
  const { handlerStandIns } = await import('../test/infra/standins.ts');
  const sourceRoot = handlerStandIns();
  const outdir = mkdtempSync(join(tmpdir(), 'tandem-permissions-'));
  try {
    const app = new App({ outdir, context: { 'aws:cdk:bundling-stacks': [] } });
    const stacks = buildApp(app, { sourceRoot });
    app.synth();
    const names = [stacks.stateful.stackName, stacks.stateless.stackName];
    const root = new URL('../', import.meta.url);
    writeFileSync(new URL(PERMISSIONS_DOC, root), permissionsTable(templatesIn(outdir, names)));
    process.stdout.write(`wrote ${PERMISSIONS_DOC}\n`);
  } finally {
    for (const dir of [sourceRoot, outdir]) rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await main();
