import { startDynalite } from './emulators.ts';

// The child side of startDynaliteProcess (emulator-process.ts): dynalite in memory in a process of
// its own, so that it does not share an event loop with the server it serves. Tells its parent the
// port over IPC, and ends when the parent goes.

const server = await startDynalite();
const address = server.address();
if (typeof address !== 'object' || address === null) throw new Error('dynalite has no address');
process.send?.({ port: address.port });
process.on('disconnect', () => server.close(() => process.exit(0)));
