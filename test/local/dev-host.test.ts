import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { connect } from 'node:net';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startTestStack } from './harness.ts';

// DESIGN §7: the dev sign-in has no password, so `tandem dev` listens on 127.0.0.1 unless told
// otherwise with --host (and then says so).

const bin = new URL('../../bin/tandem.js', import.meta.url).pathname;

/** A non-loopback IPv4 address of this machine, if it has one. */
const outsideAddress = Object.values(networkInterfaces())
  .flat()
  .find((entry) => entry?.family === 'IPv4' && !entry.internal)?.address;

/** Whether a TCP connection to address:port is accepted. */
function reachable(address: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: address, port, timeout: 2000 });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
  });
}

describe('the local server address', () => {
  it('listens on 127.0.0.1 only by default', async () => {
    const stack = await startTestStack();
    try {
      expect(stack.host).toBe('127.0.0.1');
      expect(await reachable('127.0.0.1', stack.port)).toBe(true);
      if (outsideAddress) expect(await reachable(outsideAddress, stack.port)).toBe(false);
    } finally {
      await stack.stop();
    }
  });

  it.runIf(outsideAddress !== undefined)(
    'tandem dev --host 0.0.0.0 is reachable from the network and warns that the dev sign-in has no password',
    async () => {
      const cwd = await mkdtemp(join(tmpdir(), 'tandem-dev-host-'));
      let child: ChildProcess | undefined;
      try {
        child = spawn(process.execPath, [bin, 'dev', '--host', '0.0.0.0'], {
          cwd,
          env: { ...process.env, PORT: '0' },
        });
        let stdout = '';
        let stderr = '';
        child.stderr?.on('data', (chunk: Buffer) => {
          stderr += chunk.toString();
        });
        const port = await new Promise<number>((resolve, reject) => {
          child?.stdout?.on('data', (chunk: Buffer) => {
            stdout += chunk.toString();
            const running = /Tandem is running at http:\/\/localhost:(\d+)/.exec(stdout);
            if (running) resolve(Number(running[1]));
          });
          child?.once('exit', (code) => reject(new Error(`tandem dev exited ${code}: ${stderr}`)));
        });
        expect(stderr).toContain('Warning: listening on 0.0.0.0: the dev sign-in has no password');
        expect(await reachable(outsideAddress ?? '', port)).toBe(true);
      } finally {
        if (child?.exitCode === null) {
          const exited = new Promise((resolve) => child?.once('exit', resolve));
          child.kill('SIGTERM');
          await exited;
        }
        await rm(cwd, { recursive: true, force: true });
      }
    },
    120_000,
  );
});
