import { fork } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { dynamoDbClient } from '../functions/runtime/store.ts';
import {
  dynamoDbLocalMissing,
  type EmulatorProcess,
  startDynaliteProcess,
  startDynamoDbLocal,
} from '../infra/local/emulator-process.ts';
import { startLocalServer } from '../infra/local/server.ts';
import { DynamoDbTandemStore } from '../shared/adapters/dynamodb/store.ts';
import type { StudyInput } from '../shared/study/schema.ts';
import type { Check } from './aggregate.ts';
import type { ServerReply, ServerRequest } from './ingest-server.ts';

export const BENCH_STUDY: StudyInput = {
  studyId: 'bench',
  title: { en: 'Benchmark study' },
  languages: ['en', 'de', 'ar'],
  timezone: 'UTC',
  suppressionK: 5,
  sites: [{ siteId: 'bench-site', name: 'Bench clinic', targetDyads: 1000 }],
  instruments: ['alliance-client'],
  schedule: [{ instrument: 'alliance-client', role: 'client', sessions: '1-5' }],
  consent: [{ version: 1, text: { en: 'I agree.', de: 'Ich stimme zu.', ar: 'أوافق.' } }],
};

/** The emulators of the ingest matrix, each in a process of its own. */
export const INGEST_EMULATORS = {
  dynalite: { start: startDynaliteProcess, missing: (): string | undefined => undefined },
  'DynamoDB Local': { start: startDynamoDbLocal, missing: dynamoDbLocalMissing },
} as const;
export type IngestEmulator = keyof typeof INGEST_EMULATORS;

/** Submissions at one concurrency, end to end over HTTP. */
export interface IngestRun {
  concurrency: number;
  submissions: number;
  submissionsPerSecond: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  /** The server process's own CPU time (user + system) over the run, per submission; the emulator's and the load generator's are not in it. */
  serverCpuMsPerSubmission: number;
  /** The kernel's part of it (system time: sockets, mostly). */
  serverSystemMsPerSubmission: number;
  /** The load generator's CPU time (this process) over the run, per submission: taken from the same two cores. */
  loadGeneratorCpuMsPerSubmission: number;
  /** The emulator process's CPU time over the run, per submission (NaN off Linux; 10 ms ticks). */
  emulatorCpuMsPerSubmission: number;
  /** Answers other than 201. */
  unexpectedStatuses: number;
}

/** The ingest figures on one emulator, every figure from the same emulator instance in one run. */
export interface IngestMeasure {
  emulator: IngestEmulator;
  runs: IngestRun[];
  /** Raw PutItem/s on the same emulator instance at the highest concurrency of the runs: the faster of rawPutItemsPerSecondEach. */
  rawPutItemsPerSecond: number;
  /** Raw PutItem/s right before and right after the top run, each half as many items as it has submissions. */
  rawPutItemsPerSecondEach: number[];
  /** Submissions/s at the highest concurrency over rawPutItemsPerSecond. */
  ratio: number;
  /** Every submission sent, warm-up included. */
  submitted: number;
  /** Of those, answered other than 201. */
  refused: number;
  /** Responses read back from the store after the runs. */
  stored: number;
  /** Distinct (dyad, session, instrument) among them: stored = distinct = submitted means none lost or doubled. */
  distinct: number;
}

export type IngestResult = IngestMeasure | { emulator: IngestEmulator; skipped: string };

export interface IngestOptions {
  /** Dyads enrolled for each run; each submits every scheduled session. */
  dyads: number;
  sessions: number;
  concurrencies: readonly number[];
  /** A folder for the server's V8 CPU profile of each timed run (`ingest-{emulator}-c{concurrency}.cpuprofile`), when given. */
  profileDir?: string | undefined;
}

/** Runs `tasks` with at most `concurrency` in flight; returns each task's latency in ms. */
async function pool(tasks: Array<() => Promise<void>>, concurrency: number): Promise<number[]> {
  const latencies: number[] = [];
  let next = 0;
  const worker = async () => {
    while (next < tasks.length) {
      const task = tasks[next++];
      if (!task) return;
      const start = performance.now();
      await task();
      latencies.push(performance.now() - start);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return latencies;
}

const quantile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? 0;

const alliance = (seed: number) =>
  Object.fromEntries(Array.from({ length: 12 }, (_, i) => [`i${i + 1}`, 1 + ((seed + i) % 5)]));

/** A bearer token of the study lead, from the local server's dev sign-in. */
async function leadAuthorization(url: string): Promise<string> {
  const response = await fetch(new URL('/dev-idp/token', url), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'lead' }),
  });
  if (response.status !== 200) throw new Error(`dev sign-in: ${response.status} ${await response.text()}`);
  return `Bearer ${((await response.json()) as { id_token: string }).id_token}`;
}

/** Enrols `count` dyads at the bench site with the lead's token, consents for each; their client links. */
async function enrolDyads(url: string, count: number): Promise<string[]> {
  const authorization = await leadAuthorization(url);
  const call = async (path: string, body: unknown) => {
    const response = await fetch(new URL(path, url), {
      method: 'POST',
      headers: { authorization, 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify(body),
    });
    if (response.status !== 201) throw new Error(`${path}: ${response.status} ${await response.text()}`);
    return response.json() as Promise<Record<string, unknown>>;
  };
  const therapist = (await call('/api/v1/sites/bench-site/therapists', {})) as {
    therapist: { therapistId: string };
  };
  const links: string[] = [];
  await pool(
    Array.from({ length: count }, () => async () => {
      const enrolled = (await call('/api/v1/sites/bench-site/dyads', {
        therapistId: therapist.therapist.therapistId,
        modality: 'online',
        interpreter: false,
        language: 'en',
      })) as { links: { client: string } };
      const link = new URL(enrolled.links.client).pathname;
      await call(`${link}/consent`, { version: 1 });
      links.push(link);
    }),
    8,
  );
  return links;
}

/**
 * The load generator's one request: a JSON POST over a kept-alive `node:http` agent, answering the
 * status once the body is read. `fetch` (undici) cost the generator 1.7–2.5 ms of CPU per request
 * against 0.5–0.9 ms for this (`tandem bench --ingest`, both emulators, c=8 and 32), and on two
 * cores that CPU is taken from the server and the emulator being measured, which no participant's
 * phone does.
 */
function poster(base: string, agent: Agent) {
  return (path: string, body: unknown) =>
    new Promise<number>((resolve, reject) => {
      const payload = JSON.stringify(body);
      const req = request(
        new URL(path, base),
        {
          method: 'POST',
          agent,
          headers: {
            'content-type': 'application/json',
            accept: 'application/json',
            'content-length': Buffer.byteLength(payload),
          },
        },
        (response) => {
          response.on('error', reject);
          response.on('end', () => resolve(response.statusCode ?? 0));
          response.resume();
        },
      );
      req.on('error', reject);
      req.end(payload);
    });
}

/** Every scheduled session of every link, session-major: a dyad's sessions arrive one after another, as in life. */
function submissionTasks(
  post: (path: string, body: unknown) => Promise<number>,
  links: string[],
  sessions: number,
  onStatus: (status: number) => void,
) {
  const tasks: Array<() => Promise<void>> = [];
  for (let session = 1; session <= sessions; session++) {
    for (const [i, link] of links.entries()) {
      tasks.push(async () => {
        onStatus(
          await post(link, { session, instrument: 'alliance-client', answers: alliance(i + session) }),
        );
      });
    }
  }
  return tasks;
}

/** The local server in a child process (ingest-server.ts) on the DynamoDB at `dynamodbEndpoint`. */
export async function startServerProcess(dynamodbEndpoint: string) {
  const child = fork(fileURLToPath(new URL('./ingest-server.ts', import.meta.url)), [dynamodbEndpoint], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const next = () =>
    new Promise<ServerReply>((resolve, reject) => {
      child.once('message', (message) => resolve(message as ServerReply));
      void exited.then((code) => reject(new Error(`the bench server exited (${code})`)));
    });
  const ask = async (request: ServerRequest): Promise<ServerReply> => {
    const reply = next();
    child.send(request);
    return reply;
  };
  const ready = await next();
  if (!('url' in ready)) throw new Error('the bench server did not say where it listens');
  return {
    ...ready,
    /** The server process's CPU time so far (process.cpuUsage(), µs). */
    async cpuUsage(): Promise<NodeJS.CpuUsage> {
      const reply = await ask('cpu');
      if (!('cpu' in reply)) throw new Error('the bench server did not report its CPU time');
      return reply.cpu;
    },
    /** Starts the server's V8 CPU profiler. */
    startProfile: () => ask({ profile: 'start' }),
    /** Stops it and writes the profile to `file` (.cpuprofile). */
    stopProfile: (file: string) => ask({ profile: 'stop', file }),
    async stop(): Promise<void> {
      if (child.exitCode === null && child.signalCode === null) child.send('stop');
      await exited;
    },
  };
}

/** A process's CPU time so far in ms (user + system, from /proc: Linux), or NaN where it cannot be read. */
function processCpuMs(pid: number): number {
  try {
    // Fields after the command's closing parenthesis; utime and stime are the 12th and 13th, in ticks.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
  } catch {
    return Number.NaN;
  }
}

const profileFile = (dir: string, emulator: IngestEmulator, concurrency: number) =>
  join(dir, `ingest-${emulator.replace(/\W+/g, '-')}-c${concurrency}.cpuprofile`);

/**
 * DESIGN §11 on one emulator, each of emulator, server and load generator in its own process: for
 * each concurrency, fresh dyads submit every scheduled session end to end over HTTP (latency
 * quantiles, submissions/s, the server's CPU per submission), with raw PutItem on the same emulator
 * instance right before and after the top run; the store is read back to count what was kept.
 */
export async function measureIngest(emulator: IngestEmulator, options: IngestOptions): Promise<IngestResult> {
  const { start, missing } = INGEST_EMULATORS[emulator];
  const skipped = missing();
  if (skipped !== undefined) return { emulator, skipped };
  const concurrencies = [...options.concurrencies].sort((a, b) => a - b);
  const top = concurrencies.at(-1) ?? 1;
  const dynamo: EmulatorProcess = await start();
  try {
    const server = await startServerProcess(dynamo.endpoint);
    const client = dynamoDbClient({ region: 'eu-central-1', endpoint: dynamo.endpoint });
    const agent = new Agent({ keepAlive: true, maxSockets: top });
    try {
      // One set of dyads per run, and a warm-up set that submits as the first run does, untimed:
      // the server's code and the emulator's are compiled before anything is timed (DynamoDB
      // Local's JIT was still compiling through a first timed run after 8 warm-up submissions, and
      // the run's latency told of the emulator's start, not of the submission path).
      const warmup = await enrolDyads(server.url, options.dyads);
      const sets = [];
      for (const _ of concurrencies) sets.push(await enrolDyads(server.url, options.dyads));
      const post = poster(server.url, agent);
      let submitted = 0;
      let refused = 0;
      const count = (status: number) => {
        submitted++;
        if (status !== 201) refused++;
      };
      await pool(submissionTasks(post, warmup, options.sessions, count), concurrencies[0] ?? 1);

      // The yardstick: raw PutItem on the same emulator instance at the top concurrency, half the
      // top run's count right before it and half right after, so that a change in the machine's
      // load during the run is seen; the faster of the two is the one judged against.
      const rawRates: number[] = [];
      let rawItems = 0;
      const rawPutItems = async (count: number, timed = true) => {
        const puts = Array.from({ length: count }, () => {
          const i = rawItems++;
          return async () => {
            await client.send(
              new PutCommand({
                TableName: server.tableName,
                Item: {
                  pk: `BENCH#${i}`,
                  sk: 'RESP#client#001#alliance-client',
                  answers: alliance(i),
                  gsi1pk: 'SITE#bench',
                },
              }),
            );
          };
        });
        const started = performance.now();
        await pool(puts, top);
        if (timed) rawRates.push(count / ((performance.now() - started) / 1000));
      };
      // Its client warmed as the server's is by then: sockets open, code compiled (a cold client
      // made the yardstick slower, and the ratio flattering).
      await rawPutItems(4 * top, false);
      const rawHalf = Math.ceil((options.dyads * options.sessions) / 2);

      const runs: IngestRun[] = [];
      for (const [index, concurrency] of concurrencies.entries()) {
        if (concurrency === top) await rawPutItems(rawHalf);
        let unexpectedStatuses = 0;
        const tasks = submissionTasks(post, sets[index] ?? [], options.sessions, (status) => {
          count(status);
          if (status !== 201) unexpectedStatuses++;
        });
        if (options.profileDir) await server.startProfile();
        const cpuBefore = await server.cpuUsage();
        const ownBefore = process.cpuUsage();
        const emulatorBefore = processCpuMs(dynamo.pid);
        const started = performance.now();
        const latencies = await pool(tasks, concurrency);
        const seconds = (performance.now() - started) / 1000;
        const own = process.cpuUsage(ownBefore);
        const emulatorMs = processCpuMs(dynamo.pid) - emulatorBefore;
        const cpu = await server.cpuUsage();
        if (options.profileDir)
          await server.stopProfile(profileFile(options.profileDir, emulator, concurrency));
        latencies.sort((a, b) => a - b);
        const cpuMs = (cpu.user - cpuBefore.user + cpu.system - cpuBefore.system) / 1000;
        runs.push({
          concurrency,
          submissions: tasks.length,
          submissionsPerSecond: tasks.length / seconds,
          p50Ms: quantile(latencies, 0.5),
          p95Ms: quantile(latencies, 0.95),
          p99Ms: quantile(latencies, 0.99),
          serverCpuMsPerSubmission: cpuMs / tasks.length,
          serverSystemMsPerSubmission: (cpu.system - cpuBefore.system) / 1000 / tasks.length,
          loadGeneratorCpuMsPerSubmission: (own.user + own.system) / 1000 / tasks.length,
          emulatorCpuMsPerSubmission: emulatorMs / tasks.length,
          unexpectedStatuses,
        });
      }

      await rawPutItems(rawHalf);
      const rawPutItemsPerSecond = Math.max(...rawRates);

      const store = new DynamoDbTandemStore(client, server.tableName);
      const responses = await store.listSiteResponses('bench-site');
      const distinct = new Set(responses.map((r) => `${r.dyadId}|${r.session}|${r.instrument}`)).size;

      return {
        emulator,
        runs,
        rawPutItemsPerSecond,
        rawPutItemsPerSecondEach: rawRates,
        ratio: (runs.at(-1)?.submissionsPerSecond ?? 0) / rawPutItemsPerSecond,
        submitted,
        refused,
        stored: responses.length,
        distinct,
      };
    } finally {
      agent.destroy();
      client.destroy();
      await server.stop();
    }
  } finally {
    await dynamo.stop();
  }
}

/** Bytes of the questionnaire page (HTML with inline CSS and JS) in each language; DESIGN §11: ≤ 20 KB. */
export async function measurePageBytes(): Promise<Record<string, number>> {
  const stack = await startLocalServer({
    port: 0,
    dataDir: undefined,
    quiet: true,
    seed: true,
    study: BENCH_STUDY,
  });
  try {
    const [link] = await enrolDyads(stack.url, 1);
    const bytes: Record<string, number> = {};
    for (const lang of ['en', 'de', 'ar']) {
      const response = await fetch(new URL(`${link}?session=1&lang=${lang}`, stack.url), {
        headers: { accept: 'text/html' },
      });
      const body = new Uint8Array(await response.arrayBuffer());
      if (response.status !== 200 || !new TextDecoder().decode(body).includes('type="radio"')) {
        throw new Error(`the questionnaire page did not render (${response.status})`);
      }
      bytes[lang] = body.byteLength;
    }
    return bytes;
  } finally {
    await stack.stop();
  }
}

/** What the ingest part of the bench reports: each emulator's figures, and the budgets judged. */
export interface IngestBench {
  emulators: IngestResult[];
  checks: Check[];
}

const ms = (value: number) => `${value.toFixed(1)} ms`;

/**
 * The ingest budgets of DESIGN §11 on dynalite and on DynamoDB Local, each out of process: at
 * concurrency 32, submissions/s ≥ 1/4 of raw PutItem/s; at concurrency 8, p99 ≤ 100 ms; none lost
 * or doubled. An emulator that cannot run here fails its budget with the reason, and the rest runs.
 */
export async function benchIngest(
  options: { quick: boolean; profileDir?: string | undefined },
  log: (line: string) => void,
): Promise<IngestBench> {
  const checks: Check[] = [];
  const check = (budget: string, measured: string, pass: boolean) => {
    checks.push({ budget, measured, pass });
    log(`${pass ? 'ok  ' : 'FAIL'} ${budget}: ${measured}`);
  };
  const emulators: IngestResult[] = [];
  for (const emulator of Object.keys(INGEST_EMULATORS) as IngestEmulator[]) {
    log(`submissions over HTTP on ${emulator} (out of process) …`);
    const result = await measureIngest(emulator, {
      // 1,000 submissions per run: a p99 of 500 was the fifth-slowest of a 2.5-second run, and
      // two otherwise equal quiet runs gave 68 and 111 ms at c=8 (p95 54 and 59 ms), while no GC
      // pause of the server, dynalite or the load generator exceeded 23 ms (--trace-gc): a single
      // pause of the shared machine held up eight requests at once.
      dyads: options.quick ? 30 : 200,
      sessions: 5,
      concurrencies: [8, 32],
      profileDir: options.profileDir,
    });
    emulators.push(result);
    if ('skipped' in result) {
      check(`ingest reported on ${emulator}`, `not run: ${result.skipped}`, false);
      continue;
    }
    for (const run of result.runs) {
      log(
        `     c=${run.concurrency}: ${run.submissionsPerSecond.toFixed(1)} submissions/s, p50 ${ms(run.p50Ms)}, p95 ${ms(run.p95Ms)}, p99 ${ms(run.p99Ms)}, server CPU ${ms(run.serverCpuMsPerSubmission)}/submission, load generator ${ms(run.loadGeneratorCpuMsPerSubmission)}, emulator ${ms(run.emulatorCpuMsPerSubmission)}`,
      );
    }
    const top = result.runs.at(-1);
    const waitingRoom = result.runs.find((run) => run.concurrency === 8);
    check(
      `${emulator}: submissions/s ≥ 1/4 of raw PutItem/s (concurrency ${top?.concurrency})`,
      `${top?.submissionsPerSecond.toFixed(1)}/s vs ${result.rawPutItemsPerSecond.toFixed(1)}/s = ${result.ratio.toFixed(3)}`,
      result.ratio >= 0.25,
    );
    check(
      `${emulator}: submission p99 ≤ 100 ms at concurrency 8`,
      waitingRoom ? `${ms(waitingRoom.p99Ms)} (p50 ${ms(waitingRoom.p50Ms)})` : 'not measured',
      waitingRoom !== undefined && waitingRoom.p99Ms <= 100,
    );
    check(
      `${emulator}: no submission lost or doubled`,
      `${result.stored} stored (${result.distinct} distinct) of ${result.submitted} sent, ${result.refused} not 201`,
      result.stored === result.submitted && result.distinct === result.submitted && result.refused === 0,
    );
  }
  return { emulators, checks };
}
