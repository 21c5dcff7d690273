#!/usr/bin/env node
// The CLI is TypeScript; tsx compiles it on the fly so `npx tandem` needs no build step.
// `tandem aggregate` (the nightly job, run on a million responses) runs from an esbuild bundle of
// the same CLI instead, built on first use and whenever a source changed (bundle.js): loading the
// modules through tsx costs about a second. The other commands import some modules by computed
// path (cli.ts's load()), which only tsx can follow, so they keep tsx.
import { fileURLToPath, pathToFileURL } from 'node:url';
import { bundled } from './bundle.js';

const args = process.argv.slice(2);
const cli = fileURLToPath(new URL('../infra/local/cli.ts', import.meta.url));
const bundle = args[0] === 'aggregate' ? await bundled(cli) : undefined;
if (bundle === undefined) {
  const { register } = await import('tsx/esm/api');
  register();
}
// Call main here rather than letting cli.ts guess from argv[1] whether it is the entry point: npx
// runs this file through a `.bin/tandem` symlink whose name ends in neither `.js` nor `.ts`.
const { main } = await import(pathToFileURL(bundle ?? cli).href);
// Exit explicitly: SDK clients may keep sockets open after the work is done.
process.exit(await main(args));
