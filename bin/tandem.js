#!/usr/bin/env node
// The CLI is TypeScript; tsx compiles it on the fly so `npx tandem` needs no build step.
import { register } from 'tsx/esm/api';

register();
// Call main here rather than letting cli.ts guess from argv[1] whether it is the entry point: npx
// runs this file through a `.bin/tandem` symlink whose name ends in neither `.js` nor `.ts`.
const { main } = await import('../infra/local/cli.ts');
// Exit explicitly: SDK clients may keep sockets open after the work is done.
process.exit(await main(process.argv.slice(2)));
