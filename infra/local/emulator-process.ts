import { type ChildProcess, fork, spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { dynamoDbClient } from '../../functions/runtime/store.ts';

// DynamoDB emulators in processes of their own, so that a benchmark's server does not share its
// event loop (or its CPU time) with the emulator: dynalite in a Node child, and AWS's own
// DynamoDB Local (Java 17), taken from the npm package amplify-dynamodb-simulator (DESIGN §12).
// Fetch DynamoDB Local once with test/contracts/fetch-dynamodb-local.sh; without it (or without
// java) its runs are skipped with the reason.

/** An emulator running in a child process, in memory on a free loopback port. */
export interface EmulatorProcess {
  /** `http://127.0.0.1:PORT` */
  endpoint: string;
  /** The child's process id. */
  pid: number;
  /** Ends the child and resolves once it has exited. */
  stop(): Promise<void>;
}

/** Folder holding DynamoDBLocal.jar: TANDEM_DYNAMODB_LOCAL_DIR, else node_modules/.cache (git-ignored). */
export const DYNAMODB_LOCAL_DIR = resolve(
  process.env.TANDEM_DYNAMODB_LOCAL_DIR ??
    fileURLToPath(new URL('../../node_modules/.cache/dynamodb-local/emulator', import.meta.url)),
);

/** Why DynamoDB Local cannot run here, or undefined when it can. */
export function dynamoDbLocalMissing(): string | undefined {
  if (!existsSync(join(DYNAMODB_LOCAL_DIR, 'DynamoDBLocal.jar'))) {
    return `no DynamoDBLocal.jar in ${DYNAMODB_LOCAL_DIR} (run test/contracts/fetch-dynamodb-local.sh)`;
  }
  const java = spawnSync('java', ['-version'], { encoding: 'utf8' });
  if (java.error || java.status !== 0) return 'java is not on PATH (DynamoDB Local needs Java 17)';
  return undefined;
}

function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolvePort(address.port) : reject(new Error('no port')),
      );
    });
  });
}

/** stop() for a child: SIGTERM unless it has already ended, then wait for its exit. */
function stopper(child: ChildProcess): () => Promise<void> {
  const exited = new Promise<void>((resolveExit) => {
    if (child.exitCode !== null || child.signalCode !== null) resolveExit();
    else child.once('exit', () => resolveExit());
  });
  return async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
  };
}

/**
 * Starts DynamoDB Local in memory on a free port; resolves once it answers requests. The JVM runs
 * with its quick compiler only and the serial collector, as short-lived JVMs on few cores are run:
 * with the defaults (C2 and G1 on 2 cores), its compiler threads were still taking CPU from the
 * server under test through a one-minute `tandem bench --ingest`, 9.1 ms of emulator CPU per
 * submission at concurrency 8 against 3.0 ms with these flags (its raw PutItem/s rose from 302–330
 * to 384–485 with them, so the ingest ratio is judged against a faster yardstick, not a slower one).
 */
export async function startDynamoDbLocal(): Promise<EmulatorProcess> {
  const port = await freePort();
  const java: ChildProcess = spawn(
    'java',
    [
      '-XX:TieredStopAtLevel=1',
      '-XX:+UseSerialGC',
      `-Djava.library.path=${join(DYNAMODB_LOCAL_DIR, 'DynamoDBLocal_lib')}`,
      '-jar',
      'DynamoDBLocal.jar',
      '-inMemory',
      '-disableTelemetry',
      '-sharedDb',
      '-port',
      String(port),
    ],
    { cwd: DYNAMODB_LOCAL_DIR, stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  java.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const stop = stopper(java);
  const endpoint = `http://127.0.0.1:${port}`;
  const client = dynamoDbClient({ region: 'eu-central-1', endpoint });
  try {
    // The JVM takes a few seconds to start; poll rather than parse its log.
    for (let waitedMs = 0; ; waitedMs += 250) {
      if (java.exitCode !== null) throw new Error(`DynamoDB Local exited: ${stderr}`);
      try {
        await client.send(new ListTablesCommand({}));
        return { endpoint, pid: java.pid ?? 0, stop };
      } catch (error) {
        if (waitedMs >= 100_000) throw error;
        await new Promise((wait) => setTimeout(wait, 250));
      }
    }
  } catch (error) {
    await stop();
    throw error;
  } finally {
    client.destroy();
  }
}

/** Starts dynalite in memory in a Node child process (dynalite-process.ts); resolves once it listens. */
export async function startDynaliteProcess(): Promise<EmulatorProcess> {
  const child = fork(fileURLToPath(new URL('./dynalite-process.ts', import.meta.url)), [], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const stop = stopper(child);
  try {
    const port = await new Promise<number>((resolvePort, reject) => {
      child.once('message', (message: { port?: unknown }) =>
        typeof message.port === 'number' ? resolvePort(message.port) : reject(new Error('no port')),
      );
      child.once('exit', (code) => reject(new Error(`dynalite exited (${code}): ${stderr}`)));
      child.once('error', reject);
    });
    return { endpoint: `http://127.0.0.1:${port}`, pid: child.pid ?? 0, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
