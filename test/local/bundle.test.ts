import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { PARSE_WORKER } from '../../analysis/load/parse-pool.ts';
import { SCORES_LONG_WORKER } from '../../analysis/write/scores-long-pool.ts';
import { bundled, cacheOf } from '../../bin/bundle.js';

// bin/bundle.js: the bundle `tandem aggregate` and the worker threads run is rebuilt whenever a
// source changes, and each bundled module keeps its own import.meta.url.

const repo = fileURLToPath(new URL('../../', import.meta.url));
// Inside the repository (bundle.js bundles only its modules), in a git-ignored folder.
const dir = join(repo, '.tandem', `bundle-test-${process.pid}`);
const entry = join(dir, 'entry.ts');
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
  rmSync(cacheOf(entry), { recursive: true, force: true });
});

/** Writes a module file, its modification time `secondsAgo` in the past (so each write differs). */
function write(path: string, text: string, secondsAgo: number): void {
  writeFileSync(path, text);
  const when = new Date(Date.now() - secondsAgo * 1000);
  utimesSync(path, when, when);
}

async function load(
  entry: string,
): Promise<{ path: string; value: number; where: string; helperWhere: string }> {
  const path = await bundled(entry);
  expect(path).toBeDefined();
  const module = (await import(pathToFileURL(path!).href)) as {
    value: number;
    where: string;
    helperWhere: string;
  };
  return { path: path!, ...module };
}

describe('bundled', () => {
  it('builds once, reuses the build, and rebuilds when an input changes', async () => {
    mkdirSync(dir, { recursive: true });
    const helper = join(dir, 'helper.ts');
    write(helper, 'export const base: number = 1;\nexport const helperWhere = import.meta.url;\n', 60);
    write(
      entry,
      "import { base } from './helper.ts';\nexport { helperWhere } from './helper.ts';\nexport const value: number = base + 1;\nexport const where = import.meta.url;\n",
      60,
    );
    const first = await load(entry);
    expect(first.value).toBe(2);
    // Each module keeps the URL of its own source, not the bundle's.
    expect(first.where).toBe(pathToFileURL(entry).href);
    expect(first.helperWhere).toBe(pathToFileURL(helper).href);
    expect(first.path).not.toBe(entry);

    expect(await bundled(entry)).toBe(first.path);

    // A change to a module the entry imports, same size, another time stamp.
    write(helper, 'export const base: number = 5;\nexport const helperWhere = import.meta.url;\n', 30);
    const second = await load(entry);
    expect(second.path).not.toBe(first.path);
    expect(second.value).toBe(6);
    expect(statSync(second.path).isFile()).toBe(true);
  });
});

describe("the release's worker bundles", () => {
  // A worker that imports a package loads it at its start, beside the main thread's work: zod took
  // the parse worker about 0.1 s, release.ts's table library more. Both workers need Node alone.
  it.each([
    ['parse', PARSE_WORKER],
    ['scores_long', SCORES_LONG_WORKER],
  ])('the %s worker imports only node: modules', async (_, module) => {
    const path = await bundled(fileURLToPath(module));
    expect(path).toBeDefined();
    const folder = dirname(path!);
    const imported = new Set<string>();
    for (const name of readdirSync(folder))
      for (const [, specifier] of readFileSync(join(folder, name), 'utf8').matchAll(/from\s*"([^"]+)"/g))
        if (!specifier!.startsWith('.')) imported.add(specifier!);
    expect([...imported].filter((specifier) => !specifier.startsWith('node:'))).toEqual([]);
    expect(imported.size).toBeGreaterThan(0);
  });
});
