import { existsSync, realpathSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { isIP } from 'node:net';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type ParseArgsConfig, parseArgs } from 'node:util';
import { PLAN_DEFAULTS, PLAN_OPTIONS, planInputs } from '../../analysis/plan/options.ts';
import { TandemError } from '../../shared/errors.ts';
import type { TandemStore } from '../../shared/ports.ts';
import type { LocalServer } from './server.ts';

// The modules behind the commands load the AWS SDK and the emulators; they are imported when a
// command runs, so that `--help` and bad input answer at once.
const REPO_ROOT = new URL('../../', import.meta.url);

/** Bad input on the command line: printed as one line, exit code 1. */
export class UsageError extends Error {}

type Options = NonNullable<ParseArgsConfig['options']>;
type Values = Record<string, string | boolean | undefined>;

/** What analysis/demo/write.ts's demoData takes. */
interface DemoDataArgs {
  out: string;
  sites: number;
  dyads: number;
  responses: number | undefined;
  seed: number | undefined;
}

interface Command {
  usage: string;
  summary: string;
  options: Options;
  /** How many positionals the command takes. */
  positionals: [min: number, max: number];
  run(values: Values, positionals: string[]): Promise<number>;
}

/** Where `tandem` keeps local data: `.tandem/` in the current folder. */
const DATA_DIR = resolve('.tandem');

const say = (line = '') => process.stdout.write(`${line}\n`);

function text(values: Values, name: string): string | undefined {
  const value = values[name];
  return typeof value === 'string' ? value : undefined;
}

function required(values: Values, name: string): string {
  const value = text(values, name);
  if (value === undefined || value === '') throw new UsageError(`--${name} is required`);
  return value;
}

function wholeNumber(values: Values, name: string, min = 1): number | undefined {
  const value = text(values, name);
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value) || Number(value) < min) {
    throw new UsageError(`--${name} must be a whole number ≥ ${min} (received ${JSON.stringify(value)})`);
  }
  // Past 2^53 digits no longer name one number; such a count would also never finish.
  if (!Number.isSafeInteger(Number(value))) {
    throw new UsageError(`--${name} is too large (received ${JSON.stringify(value)})`);
  }
  return Number(value);
}

/** Imports a module another part of Tandem provides, with a clear message while it is missing. */
async function load<T>(path: string, what: string): Promise<T> {
  const url = new URL(path, REPO_ROOT);
  if (!existsSync(url))
    throw new UsageError(`${what} is not available in this checkout (${path} is missing)`);
  return (await import(url.href)) as T;
}

function linkLine(label: string, url: string): string {
  return `  ${label.padEnd(22)} ${url}`;
}

async function dev(values: Values): Promise<number> {
  const portText = process.env.PORT ?? '3000';
  if (!/^\d+$/.test(portText) || Number(portText) > 65535) {
    throw new UsageError(`PORT must be a port number (received ${JSON.stringify(portText)})`);
  }
  const host = text(values, 'host');
  if (host !== undefined && isIP(host) === 0 && host !== 'localhost') {
    throw new UsageError(`--host must be an IP address (received ${JSON.stringify(host)})`);
  }
  if (host !== undefined && !['127.0.0.1', '::1', 'localhost'].includes(host)) {
    process.stderr.write(
      `Warning: listening on ${host}: the dev sign-in has no password, so anyone who can reach this address can sign in as any demo user, the study lead and the analyst included.\n`,
    );
  }
  const { runningEndpoints } = await import('./access.ts');
  const { startLocalServer } = await import('./server.ts');
  const { rotateDemoLinks } = await import('./demo.ts');
  const running = runningEndpoints(DATA_DIR);
  if (running) throw new UsageError(`tandem dev is already running at ${running.url} (pid ${running.pid})`);

  let server: LocalServer;
  try {
    server = await startLocalServer({
      port: Number(portText),
      ...(host === undefined ? {} : { host }),
      dataDir: DATA_DIR,
      seed: true,
    });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      throw new UsageError(
        `port ${portText} is in use; choose another with PORT=${Number(portText) + 1} npm start`,
      );
    }
    throw error;
  }
  const { scheduleNightly } = await import('./nightly-schedule.ts');
  // As EventBridge Scheduler does in AWS: 02:30 in the study's time zone, while this runs (DESIGN §7).
  const schedule = scheduleNightly({
    timezone: async () => (await server.store.getStudy())?.timezone ?? 'UTC',
    run: async () => {
      say(`Nightly job: published release ${await nightly({ store: server.store })}.`);
    },
    onError: (error) => say(`The nightly job did not run: ${(error as Error).message}`),
  });
  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) process.exit(130);
    stopping = true;
    schedule.stop();
    say(`\n${signal}: stopping Tandem …`);
    server.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(`tandem dev: could not stop cleanly: ${(error as Error).message}`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);

  if (server.seeded) {
    say('Running the nightly job once …');
    try {
      const releaseId = await nightly({ store: server.store });
      say(`Published release ${releaseId}.`);
    } catch (error) {
      say(`The nightly job did not run: ${(error as Error).message}`);
    }
  }

  const rotated = await rotateDemoLinks({
    store: server.store,
    clock: () => new Date(),
    publicUrl: server.url,
  });
  say();
  say(`Tandem is running at ${server.url}  (data in ${DATA_DIR})`);
  say();
  if (rotated) {
    // The client's page offers exactly these (sessionChoices decides both).
    const { next, open } = rotated.choices;
    const earlier = open.length > 0 ? `, and not yet answered: session ${open.join(', ')}` : '';
    say(
      `Demo dyad ${rotated.dyad.dyadId} at site ${rotated.dyad.siteId} — new links, the old ones stopped working (the client's page offers session ${next}, the next one${earlier}):`,
    );
    say(linkLine('client', rotated.links.client.url));
    say(linkLine('therapist', rotated.links.therapist.url));
    if (rotated.links.interpreter) say(linkLine('interpreter', rotated.links.interpreter.url));
  } else {
    say('No active demo dyad to print links for.');
  }
  say();
  say(linkLine('coordinator dashboard', `${server.url}/coordinator/`));
  say(linkLine('researcher page', `${server.url}/researcher/`));
  say(linkLine('sign in (demo users)', `${server.url}/signin`));
  const next = schedule.next();
  if (next) say(`The nightly job runs at 02:30 study time while this runs (next: ${next.toISOString()}).`);
  say();
  say('Press Ctrl-C to stop.');
  // The server keeps the process alive until a signal stops it.
  return new Promise<number>(() => {});
}

/** The nightly job against the local store and bucket, as the scheduled function runs it; returns the release id. */
async function nightly(deps: { store: TandemStore }): Promise<string> {
  const { aggregate } = await import('../../analysis/publish.ts');
  const { bucket } = await import('../../functions/runtime/bucket.ts');
  const { config } = await import('../../shared/config.ts');
  const { manifest } = await aggregate({
    store: deps.store,
    bucket: bucket(),
    secret: config().TANDEM_PSEUDONYM_SECRET ?? '',
    clock: () => new Date(),
  });
  return manifest.releaseId;
}

/** Stores a validated study in the deployed table (TANDEM_TABLE set) or the local store. */
async function publish(study: import('../../shared/study/schema.ts').Study): Promise<number> {
  const { publishStudy } = await import('../../shared/study/publish.ts');
  const { config } = await import('../../shared/config.ts');
  const env = config();
  const target = env.tableGiven
    ? await import('../../functions/runtime/store.ts').then(({ store }) => ({
        store: store(),
        where: `table ${env.TANDEM_TABLE}`,
        close: async () => {},
      }))
    : await import('./access.ts').then(async ({ openLocalData }) => {
        const local = await openLocalData(DATA_DIR);
        return { store: local.store, where: 'the local store', close: local.close };
      });
  try {
    const result = await publishStudy(target.store, study);
    say(
      result.outcome === 'published'
        ? `Published ${study.studyId} version ${result.version} to ${target.where}.`
        : `${study.studyId} is unchanged (version ${result.version} in ${target.where}); nothing written.`,
    );
    return 0;
  } finally {
    await target.close();
  }
}

/** The deployed user pool (TANDEM_USER_POOL_ID) or the dev identity provider's users. */
async function staffDirectory(): Promise<{
  directory: import('./staff.ts').StaffDirectory;
  close: () => Promise<void>;
}> {
  const { CognitoStaffDirectory, LocalStaffDirectory } = await import('./staff.ts');
  const { config } = await import('../../shared/config.ts');
  const env = config();
  if (env.TANDEM_USER_POOL_ID) {
    const { CognitoIdentityProviderClient } = await import('@aws-sdk/client-cognito-identity-provider');
    const client = new CognitoIdentityProviderClient({ region: env.AWS_REGION });
    return {
      directory: new CognitoStaffDirectory(client, env.TANDEM_USER_POOL_ID),
      close: async () => client.destroy(),
    };
  }
  const { openLocalData } = await import('./access.ts');
  const local = await openLocalData(DATA_DIR);
  const sites = (await local.store.listSites()).map((site) => site.siteId);
  return { directory: new LocalStaffDirectory(DATA_DIR, sites), close: local.close };
}

const COMMANDS: Record<string, Command> = {
  dev: {
    usage: 'tandem dev [--host ADDR]',
    summary:
      'run Tandem on http://localhost:3000 (PORT overrides), with data under .tandem/; on 127.0.0.1 only unless --host',
    options: { host: { type: 'string' } },
    positionals: [0, 0],
    run: dev,
  },
  'demo-data': {
    usage: 'tandem demo-data --out DIR --sites N --dyads N [--responses N] [--seed S]',
    summary: 'write a synthetic study as a raw export folder',
    options: {
      out: { type: 'string' },
      sites: { type: 'string' },
      dyads: { type: 'string' },
      responses: { type: 'string' },
      seed: { type: 'string' },
    },
    positionals: [0, 0],
    async run(values) {
      const out = required(values, 'out');
      const sites = wholeNumber(values, 'sites');
      const dyads = wholeNumber(values, 'dyads');
      if (sites === undefined) throw new UsageError('--sites is required');
      if (dyads === undefined) throw new UsageError('--dyads is required');
      const args: DemoDataArgs = {
        out,
        sites,
        dyads,
        responses: wholeNumber(values, 'responses', 0),
        seed: wholeNumber(values, 'seed', 0),
      };
      const { demoData } = await load<{
        demoData: (
          args: DemoDataArgs,
        ) => Promise<{ dir: string; dyads: number; responses: number; bytes: number }>;
      }>('analysis/demo/write.ts', 'tandem demo-data');
      const written = await demoData(args);
      say(
        `Wrote ${written.dyads} dyads and ${written.responses} responses (${written.bytes} bytes) to ${written.dir}.`,
      );
      return 0;
    },
  },
  plan: {
    usage:
      'tandem plan --out DIR [--sites N] [--dyads N|A-B[:STEP]] [--sessions N] [--dropout P] [--r R] [--tau T] [--therapist-icc I] [--online P] [--interpreter P] [--k K] [--g G] [--sims N] [--seed S]',
    summary: `power and precision of a planned study by simulation through the release's analyses; writes DIR/plan.json and DIR/plan.html (defaults: ${PLAN_OPTIONS.map((name) => `--${name} ${PLAN_DEFAULTS[name]}`).join(' ')})`,
    options: {
      out: { type: 'string' },
      ...Object.fromEntries(PLAN_OPTIONS.map((name) => [name, { type: 'string' as const }])),
    },
    positionals: [0, 0],
    async run(values) {
      const out = resolve(required(values, 'out'));
      const parsed = planInputs(Object.fromEntries(PLAN_OPTIONS.map((name) => [name, text(values, name)])));
      if (!parsed.ok) throw new UsageError(parsed.problem);
      const { runPlan } = await import('../../analysis/plan/run.ts');
      const { planTable, progressBar } = await import('../../analysis/plan/render-table.ts');
      const { writePlan } = await import('../../analysis/plan/write.ts');
      const terminal = process.stderr.isTTY === true;
      const result = await runPlan(parsed.inputs, {
        onProgress: (done, total) => {
          if (terminal) process.stderr.write(`\r${progressBar(done, total)}${done === total ? '\n' : ''}`);
        },
      });
      say(planTable(result));
      const written = await writePlan(out, result);
      say(`Wrote ${written.json} and ${written.html}.`);
      return 0;
    },
  },
  aggregate: {
    usage: 'tandem aggregate [--from DIR] [--out DIR] [--release-id ID] [--k N] [--timings FILE]',
    summary: 'run the nightly job: score, summarise and publish a release',
    options: {
      from: { type: 'string' },
      out: { type: 'string' },
      'release-id': { type: 'string' },
      k: { type: 'string' },
      timings: { type: 'string' },
    },
    positionals: [0, 0],
    async run(values) {
      const from = text(values, 'from');
      const out = text(values, 'out');
      const releaseId = text(values, 'release-id');
      const k = wholeNumber(values, 'k');
      const timings = text(values, 'timings');
      const { aggregate } = await import('../../analysis/publish.ts');
      const { StageTimes } = await import('../../analysis/stages.ts');
      const times = timings === undefined ? undefined : new StageTimes();
      const { pseudonymSecret } = await import('./local-secret.ts');
      // The local store (and the SDK and emulators behind it) is needed unless both input and
      // output are folders.
      const local =
        from !== undefined && out !== undefined
          ? undefined
          : await import('./access.ts').then(({ openLocalData }) => openLocalData(DATA_DIR));
      try {
        const result = await aggregate({
          ...(from === undefined ? (local ? { store: local.store } : {}) : { from }),
          ...(out === undefined ? (local ? { bucket: local.bucket } : {}) : { out }),
          ...(releaseId === undefined ? {} : { releaseId }),
          ...(k === undefined ? {} : { k }),
          ...(times ? { times } : {}),
          secret: pseudonymSecret(DATA_DIR),
          clock: () => new Date(),
          ...(process.stderr.isTTY
            ? { progress: (line: string) => void process.stderr.write(`${line}\n`) }
            : {}),
        });
        for (const problem of result.problems.slice(0, 20)) {
          process.stderr.write(`skipped ${problem.source} line ${problem.line}: ${problem.message}\n`);
        }
        if (times && timings !== undefined)
          await writeFile(timings, `${JSON.stringify({ stages: times.stages }, null, 2)}\n`);
        const { manifest } = result;
        const where = result.destination === 'bucket' ? 'the local bucket' : result.destination;
        say(
          `Published release ${manifest.releaseId} to ${where}: ${manifest.files.length} files from ${manifest.inputs.responses} responses of ${manifest.inputs.dyads} dyads (${manifest.inputs.skipped} skipped).`,
        );
        return 0;
      } finally {
        await local?.close();
      }
    },
  },
  export: {
    usage: 'tandem export --out DIR',
    summary: 'write the raw export of the local store (study.json, dyads.jsonl, responses.jsonl)',
    options: { out: { type: 'string' } },
    positionals: [0, 0],
    async run(values) {
      const out = required(values, 'out');
      const { exportStore } = await import('../../analysis/export.ts');
      const { openLocalData } = await import('./access.ts');
      const local = await openLocalData(DATA_DIR);
      try {
        const counts = await exportStore(local.store, out);
        say(
          `Exported ${counts.sites} sites, ${counts.dyads} dyads and ${counts.responses} responses to ${out}.`,
        );
        return 0;
      } finally {
        await local.close();
      }
    },
  },
  study: {
    usage: 'tandem study validate|publish FILE | tandem study import-redcap DICTIONARY.csv [--out FILE]',
    summary:
      'check a study definition (every problem with its path), publish it as a new version when it changed (TANDEM_TABLE: the deployed table, else the local store), or turn a REDCap data dictionary into instrument definitions',
    options: { out: { type: 'string' } },
    positionals: [2, 2],
    async run(values, positionals) {
      const [action, file = ''] = positionals;
      if (action === 'import-redcap') {
        const { importRedcapFile } = await import('../../shared/study/redcap.ts');
        const { lines, json } = await importRedcapFile(file);
        for (const line of lines) process.stderr.write(`${line}\n`);
        const out = text(values, 'out');
        if (out === undefined) process.stdout.write(json);
        else {
          await writeFile(out, json);
          say(`Wrote ${out}.`);
        }
        return 0;
      }
      if (action !== 'validate' && action !== 'publish') {
        throw new UsageError(
          `unknown study command ${JSON.stringify(action)}; try: tandem study validate FILE, tandem study publish FILE or tandem study import-redcap DICTIONARY.csv`,
        );
      }
      const { validateStudyFile } = await import('../../shared/study/validate.ts');
      const { lines, exitCode, study } = await validateStudyFile(file);
      const out = exitCode === 0 && action === 'validate' ? process.stdout : process.stderr;
      for (const line of lines) out.write(`${oneLine(line)}\n`);
      if (action === 'validate' || !study) return exitCode;
      return publish(study);
    },
  },
  staff: {
    usage: 'tandem staff invite --email E --role R [--sites a,b] | tandem staff list',
    summary:
      'invite a staff member or list staff: the deployed user pool (TANDEM_USER_POOL_ID, AWS credentials), else the dev identity provider',
    options: { email: { type: 'string' }, role: { type: 'string' }, sites: { type: 'string' } },
    positionals: [1, 1],
    async run(values, positionals) {
      const [action] = positionals;
      if (action !== 'invite' && action !== 'list')
        throw new UsageError(`unknown staff command ${JSON.stringify(action)}; try: tandem staff list`);
      const { STAFF_ROLES } = await import('../../functions/routes.ts');
      const invite =
        action === 'invite'
          ? (() => {
              const email = required(values, 'email');
              if (!/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(email))
                throw new UsageError(`--email must be an e-mail address, received ${JSON.stringify(email)}`);
              const role = required(values, 'role');
              const known = STAFF_ROLES.find((r) => r === role);
              if (!known)
                throw new UsageError(
                  `--role must be one of ${STAFF_ROLES.join(', ')}, received ${JSON.stringify(role)}`,
                );
              const sites = (text(values, 'sites') ?? '')
                .split(',')
                .map((site) => site.trim())
                .filter(Boolean);
              if (known === 'coordinator' && sites.length === 0)
                throw new UsageError('a coordinator needs --sites (comma-separated site ids)');
              return { email, role: known, sites };
            })()
          : undefined;
      const { directory, close } = await staffDirectory();
      try {
        if (invite) {
          await directory.invite(invite.email, invite.role, invite.sites);
          say(
            `Invited ${invite.email} as ${invite.role}${invite.sites.length ? ` for ${invite.sites.join(', ')}` : ''}.`,
          );
        } else {
          for (const member of await directory.list())
            say(`${member.username}\t${member.roles.join(',')}\t${member.sites.join(',')}`);
        }
        return 0;
      } finally {
        await close();
      }
    },
  },
  bench: {
    usage: 'tandem bench [--quick] [--release | --ingest [--profile DIR]]',
    summary:
      "run the benchmarks of DESIGN §11 (--release: the release budgets only; --ingest: submissions only, --profile: the server's CPU profile into DIR) and write bench/results.json",
    options: {
      quick: { type: 'boolean' },
      release: { type: 'boolean' },
      ingest: { type: 'boolean' },
      profile: { type: 'string' },
    },
    positionals: [0, 0],
    async run(values) {
      if (values.release === true && values.ingest === true)
        throw new UsageError('--release and --ingest exclude each other; without either, both run');
      const { runBench } = await load<{
        runBench: (args: {
          quick: boolean;
          releaseOnly: boolean;
          ingestOnly: boolean;
          profileDir: string | undefined;
        }) => Promise<number>;
      }>('bench/run.ts', 'tandem bench');
      const profile = typeof values.profile === 'string' ? resolve(values.profile) : undefined;
      if (profile !== undefined) await mkdir(profile, { recursive: true });
      return runBench({
        quick: values.quick === true,
        releaseOnly: values.release === true,
        ingestOnly: values.ingest === true,
        profileDir: profile,
      });
    },
  },
  'build-web': {
    usage: 'tandem build-web --out DIR',
    summary:
      "bundle the staff pages' scripts and styles into hashed files in DIR (tandem dev does this on start)",
    options: { out: { type: 'string' } },
    positionals: [0, 0],
    async run(values) {
      const out = resolve(required(values, 'out'));
      const { buildWebAssets } = await import('../web-assets.ts');
      const manifest = await buildWebAssets(out);
      say(`Built ${Object.keys(manifest.pages).length} pages' assets into ${out}.`);
      return 0;
    },
  },
};

function help(): string {
  return [
    'Usage: tandem <command> [options]',
    '',
    ...Object.values(COMMANDS).flatMap((command) => [`  ${command.usage}`, `      ${command.summary}`]),
    '',
    'tandem <command> --help shows one command.',
  ].join('\n');
}

/** The text on one line whatever it holds: control characters (line breaks too) appear escaped. */
function oneLine(text: string): string {
  const control = (char: string) => char < ' ' || char === '\u007f' || char === '\u2028' || char === '\u2029';
  return [...text].map((char) => (control(char) ? JSON.stringify(char).slice(1, -1) : char)).join('');
}

/** parseArgs explains itself in several sentences; keep the first, which names the problem. */
function firstSentence(error: Error): string {
  const message = error.message.split('\n')[0] ?? error.message;
  const sentence = /^(.*?\.)(\s|$)/.exec(message)?.[1] ?? message;
  return sentence.replace(/\.$/, '');
}

/** Runs `tandem` with these arguments; returns the exit code. Bad input is one line on stderr and 1. */
export async function main(argv: string[]): Promise<number> {
  // The SDK's notice about future Node versions is for maintainers, not for someone running Tandem
  // (the lock file pins the SDK).
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const [name, ...rest] = argv;
  if (name === undefined) {
    process.stderr.write(`${help()}\n`);
    return 1;
  }
  if (name === '--help' || name === '-h' || name === 'help') {
    say(help());
    return 0;
  }
  const command = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  try {
    if (!command)
      throw new UsageError(`unknown command ${JSON.stringify(name)}; run tandem --help for the list`);
    let parsed: { values: Values; positionals: string[] };
    try {
      parsed = parseArgs({
        args: rest,
        options: { ...command.options, help: { type: 'boolean', short: 'h' } },
        allowPositionals: true,
        strict: true,
      }) as { values: Values; positionals: string[] };
    } catch (error) {
      throw new UsageError(`${firstSentence(error as Error)} (usage: ${command.usage})`);
    }
    if (parsed.values.help === true) {
      say(`Usage: ${command.usage}\n  ${command.summary}`);
      return 0;
    }
    const [min, max] = command.positionals;
    if (parsed.positionals.length < min || parsed.positionals.length > max) {
      throw new UsageError(`wrong number of arguments (usage: ${command.usage})`);
    }
    return await command.run(parsed.values, parsed.positionals);
  } catch (error) {
    const prefix = command ? `tandem ${name}` : 'tandem';
    // Bad input may hold line breaks (an option, a file name): the error stays one line.
    if (error instanceof UsageError) {
      process.stderr.write(`${oneLine(`${prefix}: ${error.message}`)}\n`);
      return 1;
    }
    if (error instanceof TandemError && error.expose) {
      const details = error.details?.map((d) => `${d.path}: ${d.message}`).join('; ');
      process.stderr.write(`${oneLine(`${prefix}: ${error.message}${details ? ` (${details})` : ''}`)}\n`);
      return 1;
    }
    process.stderr.write(
      `${oneLine(`${prefix}: ${error instanceof Error ? error.message : String(error)}`)}\n`,
    );
    return 1;
  }
}

/** Whether Node was started on this very file (`tsx infra/local/cli.ts`), through any symlink. */
function isEntryPoint(): boolean {
  const started = process.argv[1];
  if (started === undefined) return false;
  try {
    return realpathSync(started) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

// bin/tandem.js (also behind npx's `.bin/tandem` link) imports main and runs it; run here only when
// started directly, never when a test or the bin script imports this module.
if (isEntryPoint()) {
  // Exit explicitly: SDK clients may keep sockets open after the work is done.
  process.exit(await main(process.argv.slice(2)));
}
