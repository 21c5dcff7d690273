import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { type LocalServer, startLocalServer } from '../infra/local/server.ts';
import type { StudyInput } from '../shared/study/schema.ts';

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

export interface ThroughputMeasure {
  concurrency: number;
  submissions: number;
  submissionsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  rawPutItemsPerSecond: number;
  ratio: number;
  stored: number;
  unexpectedStatuses: number;
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

/** Runs `work` against a fresh in-memory local stack seeded with the bench study, then stops it. */
async function withBenchStack<T>(work: (stack: LocalServer) => Promise<T>): Promise<T> {
  const stack = await startLocalServer({
    port: 0,
    dataDir: undefined,
    quiet: true,
    seed: true,
    study: BENCH_STUDY,
  });
  try {
    return await work(stack);
  } finally {
    await stack.stop();
  }
}

async function enrolDyads(stack: LocalServer, count: number): Promise<string[]> {
  const authorization = `Bearer ${stack.identity.issue({ username: 'bench-lead', roles: ['lead'], sites: [] })}`;
  const call = async (path: string, body: unknown) => {
    const response = await fetch(new URL(path, stack.url), {
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
 * DESIGN §11: submissions per second end to end over HTTP at concurrency 32 on the local stack
 * with in-memory emulators, against the emulator's raw PutItem rate at the same concurrency in the
 * same run; p99 latency; every submission stored exactly once.
 */
export async function measureThroughput(options: {
  dyads: number;
  sessions: number;
  concurrency: number;
}): Promise<ThroughputMeasure> {
  return withBenchStack(async (stack) => {
    const links = await enrolDyads(stack, options.dyads);
    let unexpectedStatuses = 0;
    // Session-major order, so a dyad's sessions arrive one after another, as they would in life.
    const tasks: Array<() => Promise<void>> = [];
    for (let session = 1; session <= options.sessions; session++) {
      for (const [i, link] of links.entries()) {
        tasks.push(async () => {
          const response = await fetch(new URL(link, stack.url), {
            method: 'POST',
            headers: { 'content-type': 'application/json', accept: 'application/json' },
            body: JSON.stringify({ session, instrument: 'alliance-client', answers: alliance(i + session) }),
          });
          await response.arrayBuffer();
          if (response.status !== 201) unexpectedStatuses++;
        });
      }
    }
    const started = performance.now();
    const latencies = await pool(tasks, options.concurrency);
    const seconds = (performance.now() - started) / 1000;
    latencies.sort((a, b) => a - b);

    const stored = (await stack.store.listSiteResponses('bench-site')).length;

    // The yardstick: raw PutItem on the same emulator, same concurrency, same item count.
    const client = stack.emulators.clients.dynamodb;
    const tableName = stack.emulators.tableName;
    const puts = Array.from({ length: tasks.length }, (_, i) => async () => {
      await client.send(
        new PutCommand({
          TableName: tableName,
          Item: {
            pk: `BENCH#${i}`,
            sk: 'RESP#client#001#alliance-client',
            answers: alliance(i),
            gsi1pk: 'SITE#bench',
          },
        }),
      );
    });
    const rawStarted = performance.now();
    await pool(puts, options.concurrency);
    const rawPutItemsPerSecond = tasks.length / ((performance.now() - rawStarted) / 1000);

    const submissionsPerSecond = tasks.length / seconds;
    return {
      concurrency: options.concurrency,
      submissions: tasks.length,
      submissionsPerSecond,
      p50Ms: quantile(latencies, 0.5),
      p99Ms: quantile(latencies, 0.99),
      rawPutItemsPerSecond,
      ratio: submissionsPerSecond / rawPutItemsPerSecond,
      stored,
      unexpectedStatuses,
    };
  });
}

/** Bytes of the questionnaire page (HTML with inline CSS and JS) in each language; DESIGN §11: ≤ 20 KB. */
export async function measurePageBytes(): Promise<Record<string, number>> {
  return withBenchStack(async (stack) => {
    const [link] = await enrolDyads(stack, 1);
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
  });
}
