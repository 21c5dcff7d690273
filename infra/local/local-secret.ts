import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

// Apart from server.ts so that `tandem aggregate --from … --out …` can read the pseudonym secret
// without loading the local server, the SDK and the emulators (about half a second of start-up).

/** The pseudonym secret: generated once and kept in `dataDir/secret`; random per run in memory. */
export function pseudonymSecret(dataDir: string | undefined): string {
  return localSecret(dataDir, 'secret');
}

/** A secret generated once and kept in `dataDir/{name}` (mode 600); random per run in memory. */
export function localSecret(dataDir: string | undefined, name: string): string {
  if (dataDir === undefined) return randomBytes(32).toString('hex');
  const file = join(dataDir, name);
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  const secret = randomBytes(32).toString('hex');
  mkdirSync(dataDir, { recursive: true });
  writeFileSync(file, `${secret}\n`, { mode: 0o600 });
  return secret;
}
