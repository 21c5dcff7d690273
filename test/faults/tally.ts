// Test support: counts the faults a test file injected, printed once at its end for the closing
// note of issue 9 (a half-write fails the test that finds it, so only injections are counted).

export const faultTally = {
  injected: 0,
  report(file: string): void {
    process.stdout.write(`faults ${file}: ${this.injected} injected\n`);
  },
};
