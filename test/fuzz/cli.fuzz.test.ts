import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { LocalServer } from '../../infra/local/server.ts';
import { answersAll, studyInput } from '../../shared/participation/testing.ts';
import { addTherapist, enrolDyad, linkOf } from '../local/enrol.ts';
import { api, startTestStack } from '../local/harness.ts';
import { brokenJson, FUZZ_SEED, fuzzRuns, hostileValue, nastyString, prototypeKeys } from './arbitraries.ts';

// Bad input on the command line, tried by machine (issue 9): unknown commands and flags, bad
// numbers, malformed export folders, broken study files, unwritable output folders. Every one
// must exit non-zero with one line on stderr — `tandem <command>: …`, no stack trace — and write
// nothing where it was told to. `tandem study validate` lists every problem, one per line, by
// design. The commands run in this process (cli.ts `main`), from a scratch folder whose
// `.tandem/endpoints.json` names a test stack, so `export` and `aggregate` reach a real store.

const RUNS = fuzzRuns(20);
vi.setConfig({ testTimeout: Math.max(120_000, RUNS * 1000) });

type Main = (argv: string[]) => Promise<number>;
let main: Main;
let stack: LocalServer;
let scratch: string;
let validExport: string;
let aFile: string;
const startedIn = process.cwd();
let invocations = 0;

beforeAll(async () => {
  scratch = mkdtempSync(join(tmpdir(), 'tandem-cli-fuzz-'));
  stack = await startTestStack({ study: { ...studyInput, suppressionK: 1 } });
  const http = api(stack);
  const dyad = await enrolDyad(http, 'berlin', await addTherapist(http, 'berlin'));
  await http.post(`${linkOf(dyad, 'client')}/consent`, { version: 1 });
  await http.post(linkOf(dyad, 'client'), {
    session: 1,
    instrument: 'alliance-client',
    answers: answersAll(12, 4),
  });
  // `tandem` reads `.tandem/` in the current folder, and takes a running `tandem dev` from it.
  process.chdir(scratch);
  mkdirSync('.tandem');
  writeFileSync(
    join('.tandem', 'endpoints.json'),
    JSON.stringify({
      url: stack.url,
      pid: process.pid,
      dynamodbEndpoint: stack.emulators.dynamodbEndpoint,
      s3Endpoint: stack.emulators.s3Endpoint,
      tableName: stack.emulators.tableName,
      bucketName: stack.emulators.bucketName,
      region: stack.emulators.region,
    }),
  );
  ({ main } = (await import('../../infra/local/cli.ts')) as { main: Main });
  aFile = join(scratch, 'a-file');
  writeFileSync(aFile, 'not a folder\n');
  validExport = join(scratch, 'valid-export');
  const made = await run(['demo-data', '--out', validExport, '--sites', '2', '--dyads', '6', '--seed', '3']);
  expect(made.code, made.err).toBe(0);
});
afterAll(async () => {
  process.chdir(startedIn);
  process.stdout.write(`fuzz cli: ${invocations} invocations\n`);
  await stack?.stop();
  rmSync(scratch, { recursive: true, force: true });
});

interface Run {
  code: number;
  out: string;
  err: string;
}

/** Runs `tandem` in this process with the arguments, capturing what it prints. */
async function run(args: string[]): Promise<Run> {
  invocations++;
  const out: string[] = [];
  const err: string[] = [];
  const stdout = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    out.push(String(chunk));
    return true;
  });
  const stderr = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    err.push(String(chunk));
    return true;
  });
  try {
    return { code: await main(args), out: out.join(''), err: err.join('') };
  } finally {
    stdout.mockRestore();
    stderr.mockRestore();
  }
}

const LEAKS =
  /\n\s+at |\bat [\w.<>]+ \(|node_modules|\.ts:\d+|\.js:\d+|TypeError|ReferenceError|Cannot read prop/;

/** Exit 1, one line on stderr naming the command, nothing that looks like a stack trace. */
function expectOneLineError(args: string[], result: Run): void {
  const what = `tandem ${JSON.stringify(args)} → ${result.code}\nstderr: ${result.err}\nstdout: ${result.out}`;
  expect(result.code, what).not.toBe(0);
  expect(result.err.endsWith('\n'), what).toBe(true);
  expect(result.err.slice(0, -1), what).not.toMatch(/[\n\r]/);
  expect(result.err, what).toMatch(/^tandem( [a-z-]+)?: \S/);
  expect(LEAKS.test(result.err), what).toBe(false);
}

async function property<T>(
  arbitrary: fc.Arbitrary<T>,
  check: (value: T) => Promise<void>,
  runs = RUNS,
): Promise<void> {
  await fc.assert(fc.asyncProperty(arbitrary, check), { seed: FUZZ_SEED, numRuns: runs, endOnFailure: true });
}

/** A command-line word: anything but NUL, which no argument can hold. */
const word = nastyString(6).map((s) => s.split('\u0000').join(''));
/** An option no command knows (and never a help flag, which exits 0). */
const unknownOption = word
  .map((s) => `--${s}`)
  // `--` alone ends the options: valid, and followed by nothing it changes nothing.
  .filter(
    (s) => s !== '--' && !/^--(out|from|sites|dyads|responses|seed|release-id|k|quick|help)(=|$)/.test(s),
  );

/** What a number flag must refuse: not digits, below the minimum, or past exact integers. */
const badNumber = fc.oneof(
  fc.constantFrom('', '-1', '1.5', '1e3', '0x10', ' 3', '3 ', '٣', '３', 'NaN', 'Infinity', '+2', '1_000'),
  fc.stringMatching(/^[1-9][0-9]{16,24}$/),
  word.filter((s) => !/^[0-9]+$/.test(s)),
);

/**
 * Paths where nothing can be written. (Not under /proc: Node's recursive mkdir never returns there,
 * a runtime fault no command can answer.)
 */
const unwritable = (): fc.Arbitrary<string> =>
  fc.constantFrom(join(aFile, 'below-a-file'), join(aFile, 'a', 'b'), '/dev/null/x', aFile);

describe('tandem on the command line', () => {
  it('refuses unknown commands with one line', async () => {
    await property(
      word.filter(
        (s) =>
          !['dev', 'demo-data', 'aggregate', 'export', 'study', 'bench', 'help', '--help', '-h', ''].includes(
            s,
          ),
      ),
      async (name) => {
        expectOneLineError([name], await run([name]));
      },
    );
  });

  it('refuses unknown options and extra arguments of every command with one line', async () => {
    const commands: Array<[string, string[]]> = [
      ['dev', []],
      ['demo-data', ['--out', 'never', '--sites', '1', '--dyads', '1']],
      ['aggregate', ['--out', 'never']],
      ['export', ['--out', 'never']],
      ['study', ['validate', 'never.json']],
      ['bench', ['--quick']],
    ];
    await property(
      fc.record({
        command: fc.constantFrom(...commands),
        extra: fc.oneof(
          unknownOption,
          word.filter((s) => !s.startsWith('-') && s !== ''),
        ),
        at: fc.nat(),
      }),
      async ({ command: [name, valid], extra, at }) => {
        const args = [...valid];
        args.splice(at % (args.length + 1), 0, extra);
        // An extra word is a positional: wrong for every command but `study validate FILE`, where it is a third.
        const argv = [name, ...args];
        const result = await run(argv);
        expectOneLineError(argv, result);
      },
    );
  });

  it('refuses options without their values with one line', async () => {
    await property(
      fc.constantFrom<string[]>(
        ['demo-data', '--out'],
        ['demo-data', '--sites'],
        ['demo-data', '--out', 'x', '--sites', '2'],
        ['aggregate', '--from'],
        ['aggregate', '--k'],
        ['export'],
        ['export', '--out', ''],
        ['study'],
        ['study', 'publish', 'x'],
        ['study', 'validate'],
      ),
      async (argv) => {
        expectOneLineError(argv, await run(argv));
      },
      10,
    );
  });

  it('refuses bad numbers in demo-data and writes nothing', async () => {
    await property(
      fc.record({
        flag: fc.constantFrom('sites', 'dyads', 'responses', 'seed'),
        value: badNumber,
        zero: fc.boolean(),
      }),
      async ({ flag, value, zero }) => {
        const out = join(scratch, `demo-${invocations}`);
        const given: Record<string, string> = { sites: '1', dyads: '2', responses: '5', seed: '1' };
        // 0 sites or dyads is below the minimum too; 0 responses and seed 0 are allowed.
        given[flag] = zero && (flag === 'sites' || flag === 'dyads') ? '0' : value;
        const argv = ['demo-data', '--out', out, ...Object.entries(given).flatMap(([k, v]) => [`--${k}`, v])];
        expectOneLineError(argv, await run(argv));
        expect(() => rmSync(out)).toThrow();
      },
    );
  });

  it('refuses bad --k and --release-id values of aggregate with one line', async () => {
    await property(
      fc.oneof(
        badNumber.map((k) => ['--k', k]),
        fc.constant(['--k', '0']),
        fc
          .oneof(
            word,
            fc.constantFrom(
              '2027-1-1',
              '2027-01-01.0',
              '2027-01-01.x',
              '../2027-01-01',
              '2027-01-01/..',
              '2027-01-01.01',
            ),
          )
          .filter((id) => !/^\d{4}-\d{2}-\d{2}(\.[1-9][0-9]*)?$/.test(id))
          .map((id) => ['--release-id', id]),
      ),
      async (flags) => {
        const out = join(scratch, `never-${invocations}`);
        const argv = ['aggregate', '--from', validExport, '--out', out, ...flags];
        expectOneLineError(argv, await run(argv));
      },
    );
  });

  it('refuses output folders it cannot write to with one line (demo-data, aggregate, export)', async () => {
    await property(
      fc.record({
        command: fc.constantFrom('demo-data', 'aggregate', 'aggregate --from', 'export'),
        out: unwritable(),
      }),
      async ({ command, out }) => {
        const argv =
          command === 'demo-data'
            ? ['demo-data', '--out', out, '--sites', '1', '--dyads', '1', '--responses', '3']
            : command === 'aggregate --from'
              ? ['aggregate', '--from', validExport, '--out', out]
              : [command, '--out', out];
        expectOneLineError(argv, await run(argv));
      },
      Math.min(RUNS, 12),
    );
  });

  it('aggregates a malformed export folder with its bad lines skipped, or refuses it with one line', async () => {
    const garbageText = fc.oneof(
      brokenJson(hostileValue),
      prototypeKeys,
      fc
        .array(
          fc.oneof(
            brokenJson(hostileValue),
            hostileValue.map((v) => JSON.stringify(v) ?? ''),
            prototypeKeys,
          ),
          {
            maxLength: 5,
          },
        )
        .map((lines) => lines.join('\n')),
      fc.uint8Array({ maxLength: 300 }).map((bytes) => Buffer.from(bytes).toString('latin1')),
      fc.constant(''),
    );
    const damage = fc.record({
      file: fc.constantFrom('study.json', 'dyads.jsonl', 'responses.jsonl'),
      how: fc.constantFrom('delete', 'replace', 'append', 'directory'),
      text: garbageText,
    });
    await property(
      fc.oneof(
        fc.array(damage, { minLength: 1, maxLength: 3 }),
        fc.constant([{ file: 'study.json', how: 'folder missing', text: '' }]),
      ),
      async (damages) => {
        const from = join(scratch, `from-${invocations}`);
        cpSync(validExport, from, { recursive: true });
        for (const { file, how, text } of damages) {
          const path = join(from, file);
          if (how === 'folder missing') rmSync(from, { recursive: true, force: true });
          else if (how === 'delete') rmSync(path, { force: true, recursive: true });
          else if (how === 'replace') writeFileSync(path, text);
          else if (how === 'append') writeFileSync(path, `\n${text}`, { flag: 'a' });
          else {
            rmSync(path, { force: true, recursive: true });
            mkdirSync(path);
          }
        }
        const out = join(scratch, `out-${invocations}`);
        const argv = ['aggregate', '--from', from, '--out', out];
        const result = await run(argv);
        if (result.code === 0) {
          expect(result.out, result.err).toMatch(/^Published release /);
          for (const line of result.err.split('\n').filter(Boolean))
            expect(line).toMatch(/^skipped \S+ line \d+: /);
          expect(LEAKS.test(result.err)).toBe(false);
        } else expectOneLineError(argv, result);
        rmSync(from, { recursive: true, force: true });
        rmSync(out, { recursive: true, force: true });
      },
      Math.min(RUNS, 15),
    );
  });

  it('study validate names each problem of a broken file on its own line, and never a stack trace', async () => {
    const content = fc.oneof(
      brokenJson(hostileValue),
      prototypeKeys,
      hostileValue.map((v) => JSON.stringify(v) ?? ''),
      hostileValue.map((v) => JSON.stringify({ ...studyInput, sites: v }) ?? ''),
      hostileValue.map((v) =>
        JSON.stringify({ ...studyInput, schedule: [{ instrument: 'phq9', role: 'client', sessions: v }] }),
      ),
      fc.uint8Array({ maxLength: 200 }).map((bytes) => Buffer.from(bytes).toString('latin1')),
    );
    await property(
      fc.record({
        content,
        name: word.map((s) => s.replace(/[/\\]/g, '_')).filter((s) => s !== '' && s !== '.' && s !== '..'),
        kind: fc.constantFrom('file', 'file', 'file', 'directory', 'missing'),
      }),
      async ({ content, name, kind }) => {
        const dir = join(scratch, `study-${invocations}`);
        mkdirSync(dir);
        const path = join(dir, `${name}.json`);
        if (kind === 'file') writeFileSync(path, content);
        if (kind === 'directory') mkdirSync(path);
        const argv = ['study', 'validate', path];
        const result = await run(argv);
        const what = `${JSON.stringify(argv)} → ${result.code}: ${result.err}`;
        expect(result.code, what).toBe(1);
        expect(LEAKS.test(result.err), what).toBe(false);
        const lines = result.err.split('\n').filter(Boolean);
        expect(lines.length, what).toBeGreaterThan(0);
        for (const line of lines) expect(line, what).toMatch(/^(error|warning): |: not valid; \d+ error/);
        rmSync(dir, { recursive: true, force: true });
      },
    );
  });

  it('refuses a PORT that is not a port, before starting anything', async () => {
    await property(
      fc.oneof(badNumber, fc.constantFrom('65536', '99999', '-0')),
      async (port) => {
        const before = process.env.PORT;
        process.env.PORT = port;
        try {
          expectOneLineError(['dev'], await run(['dev']));
        } finally {
          if (before === undefined) delete process.env.PORT;
          else process.env.PORT = before;
        }
      },
      Math.min(RUNS, 15),
    );
  });
});
