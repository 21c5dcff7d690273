import { writeFile } from 'node:fs/promises';
import { Session } from 'node:inspector/promises';
import { startLocalServer } from '../infra/local/server.ts';
import { BENCH_STUDY } from './submissions.ts';

// The child side of startServerProcess (submissions.ts): the local server, seeded with the bench
// study, on a DynamoDB running in yet another process (argv[2]), so that process.cpuUsage() here
// is the server's own CPU time, neither the load generator's nor the emulator's. Answers 'cpu'
// with that usage; `{profile: 'start'}` and `{profile: 'stop', file}` take a V8 CPU profile of
// what happens between them (a .cpuprofile file, for Chrome DevTools or speedscope); 'stop' stops
// it. Ends when its parent goes.

export type ServerRequest = 'cpu' | 'stop' | { profile: 'start' } | { profile: 'stop'; file: string };
export type ServerReply =
  | { url: string; tableName: string }
  | { cpu: NodeJS.CpuUsage }
  | { profiled: 'started' | 'written' };

const dynamodbEndpoint = process.argv[2];
if (dynamodbEndpoint === undefined) throw new Error('usage: ingest-server.ts DYNAMODB_ENDPOINT');
const server = await startLocalServer({
  port: 0,
  quiet: true,
  seed: true,
  study: BENCH_STUDY,
  dynamodbEndpoint,
});
const reply = (message: ServerReply) => process.send?.(message);
const session = new Session();

async function answer(request: ServerRequest): Promise<void> {
  if (request === 'cpu') return void reply({ cpu: process.cpuUsage() });
  if (request === 'stop') {
    await server.stop();
    process.exit(0);
  }
  if (request.profile === 'start') {
    session.connect();
    await session.post('Profiler.enable');
    await session.post('Profiler.start');
    return void reply({ profiled: 'started' });
  }
  const { profile } = await session.post('Profiler.stop');
  session.disconnect();
  await writeFile(request.file, JSON.stringify(profile));
  reply({ profiled: 'written' });
}

process.on('message', (message: ServerRequest) => void answer(message));
process.on('disconnect', () => void answer('stop'));
reply({ url: server.url, tableName: server.emulators.tableName });
