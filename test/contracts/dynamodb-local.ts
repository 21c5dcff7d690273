import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { dynamoDbClient } from '../../functions/runtime/store.ts';

// AWS's own DynamoDB Local (Java 17), taken from the npm package amplify-dynamodb-simulator
// (DESIGN §12). Fetch it once with test/contracts/fetch-dynamodb-local.sh; without it (or without
// java) the DynamoDB Local run of the store contract is skipped with the reason.

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

/** Starts DynamoDB Local in memory on a free port; resolves once it answers requests. */
export async function startDynamoDbLocal(): Promise<{ endpoint: string; stop(): Promise<void> }> {
  const port = await freePort();
  const java: ChildProcess = spawn(
    'java',
    [
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
  const exited = new Promise<void>((resolveExit) => java.once('exit', () => resolveExit()));
  const stop = async (): Promise<void> => {
    if (java.exitCode === null && java.signalCode === null) java.kill('SIGTERM');
    await exited;
  };
  const endpoint = `http://127.0.0.1:${port}`;
  const client = dynamoDbClient({ region: 'eu-central-1', endpoint });
  try {
    // The JVM takes a few seconds to start; poll rather than parse its log.
    for (let waitedMs = 0; ; waitedMs += 250) {
      if (java.exitCode !== null) throw new Error(`DynamoDB Local exited: ${stderr}`);
      try {
        await client.send(new ListTablesCommand({}));
        return { endpoint, stop };
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
