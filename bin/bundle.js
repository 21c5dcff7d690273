// Plain JavaScript on purpose: bin/tandem.js loads this before (and instead of) tsx.
//
// An ES module bundle of a TypeScript module, built with esbuild on first use and kept under
// node_modules/.cache/tandem-bundles/ until one of its inputs changes. Loading a module graph
// through tsx costs about a second of CPU (each worker thread pays it again); the bundle loads in
// about a tenth of that. Nothing is committed or built ahead: a fresh clone builds on first use,
// and an edited source makes the next use rebuild, so no stale bundle can run.
//
// Packages stay external (Node loads them from node_modules as usual); only the project's own
// files are bundled, and each keeps its own `import.meta.url`, so paths computed from it (assets,
// worker modules, reference files) still point at the sources.

import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const CACHE = join(ROOT, 'node_modules', '.cache', 'tandem-bundles');
/** A variable, so that a bundler (the Lambda's) does not follow it: esbuild is a build tool here. */
const ESBUILD = 'esbuild';
/** Builds of an entry older than this are removed when it is rebuilt (a running process may still load their chunks). */
const KEEP_OLD_BUILDS_MS = 60 * 60 * 1000;

/** What `current.json` of an entry records: its latest build and the inputs it was built from. */
/** @typedef {{ build: string, inputs: Record<string, [number, number]> }} Current */

/**
 * The path of an ES module bundle of `entry` (an absolute path of a module of this repository),
 * built now if there is none or an input changed since; undefined when esbuild is not installed or
 * the build fails (the caller then loads the sources through tsx).
 * @param {string} entry
 * @returns {Promise<string | undefined>}
 */
export async function bundled(entry) {
  const fresh = freshBundle(entry);
  if (fresh !== undefined) return fresh;
  try {
    return await build(entry, cacheOf(entry));
  } catch {
    return undefined;
  }
}

/**
 * The path of the bundle of `entry` if one was built and none of its inputs changed since, else
 * undefined; synchronous, for a caller that must not yield before using it (a worker started
 * before a long synchronous job).
 * @param {string} entry
 * @returns {string | undefined}
 */
export function freshBundle(entry) {
  const dir = cacheOf(entry);
  const current = readCurrent(dir);
  return current && isFresh(current) ? join(dir, current.build, 'entry.mjs') : undefined;
}

/**
 * The folder that holds the builds of `entry`.
 * @param {string} entry
 */
export function cacheOf(entry) {
  return join(CACHE, relative(ROOT, entry).replace(/[/\\]/g, '+'));
}

/**
 * @param {string} dir
 * @returns {Current | undefined}
 */
function readCurrent(dir) {
  try {
    return JSON.parse(readFileSync(join(dir, 'current.json'), 'utf8'));
  } catch {
    return undefined;
  }
}

/** @param {Current} current */
function isFresh(current) {
  for (const [path, [mtime, size]] of Object.entries(current.inputs)) {
    try {
      const stat = statSync(join(ROOT, path));
      if (stat.mtimeMs !== mtime || stat.size !== size) return false;
    } catch {
      return false;
    }
  }
  return true;
}

/**
 * @param {string} entry
 * @param {string} dir
 * @returns {Promise<string | undefined>}
 */
async function build(entry, dir) {
  /** @type {typeof import('esbuild')} */
  let esbuild;
  try {
    esbuild = await import(ESBUILD);
  } catch {
    return undefined;
  }
  const started = Date.now();
  const id = `${started.toString(36)}-${randomBytes(4).toString('hex')}`;
  const outdir = join(dir, id);
  const result = await esbuild.build({
    entryPoints: { entry },
    absWorkingDir: ROOT,
    outdir,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: `node${process.versions.node.split('.')[0]}`,
    packages: 'external',
    outExtension: { '.js': '.mjs' },
    chunkNames: 'chunk-[hash]',
    metafile: true,
    logLevel: 'silent',
    plugins: [ownImportMetaUrl],
  });
  // The inputs, this file and esbuild itself: a change to any of them makes the bundle stale.
  const inputs = [
    ...Object.keys(result.metafile.inputs),
    relative(ROOT, fileURLToPath(import.meta.url)),
    relative(ROOT, join(ROOT, 'node_modules', 'esbuild', 'package.json')),
  ];
  /** @type {Current} */
  const current = { build: id, inputs: {} };
  for (const input of inputs) {
    const stat = statSync(join(ROOT, input));
    // Changed while esbuild read it: use this build once, but record nothing.
    if (stat.mtimeMs >= started) return join(outdir, 'entry.mjs');
    current.inputs[input] = [stat.mtimeMs, stat.size];
  }
  const temporary = join(dir, `current.${id}.json`);
  writeFileSync(temporary, JSON.stringify(current));
  renameSync(temporary, join(dir, 'current.json'));
  removeOldBuilds(dir, id);
  return join(outdir, 'entry.mjs');
}

/** @param {string} dir @param {string} keep */
function removeOldBuilds(dir, keep) {
  for (const name of readdirSync(dir)) {
    if (name === keep || name.endsWith('.json')) continue;
    const path = join(dir, name);
    try {
      if (Date.now() - statSync(path).mtimeMs > KEEP_OLD_BUILDS_MS)
        rmSync(path, { recursive: true, force: true });
    } catch {
      // Another process removed it first.
    }
  }
}

/**
 * An esbuild plugin that gives each of the repository's own modules its own `import.meta.url`
 * (the URL of its source file), not the bundle's.
 * @type {import('esbuild').Plugin}
 */
const ownImportMetaUrl = {
  name: 'own-import-meta-url',
  setup(plugin) {
    plugin.onLoad({ filter: /\.[cm]?[jt]s$/ }, (args) => {
      if (args.path.includes(`${sep}node_modules${sep}`)) return undefined;
      const source = readFileSync(args.path, 'utf8');
      if (!source.includes('import.meta.url')) return undefined;
      const url = JSON.stringify(pathToFileURL(args.path).href);
      return {
        contents: source.replaceAll('import.meta.url', url),
        loader: /\.[cm]?ts$/.test(args.path) ? 'ts' : 'js',
      };
    });
  },
};
