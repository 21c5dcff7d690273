// Preloaded (`node --import`) into a measured process, the release or a yardstick: on exit it
// reports the process's peak resident set size (worker threads included: they share it) and its
// CPU time, user and system, on every thread. CPU time stays comparable on a busy machine, where
// wall time depends on how many other processes share the cores.
import { isMainThread } from 'node:worker_threads';

// `--import` preloads into every worker thread too, and a worker's exit fires its own 'exit'
// event: only the main thread reports, at the process's end, or the bench would read a worker's
// early figure (it once reported 4.8 s of CPU for a 13 s release).
if (isMainThread) {
  process.on('exit', () => {
    const usage = process.resourceUsage();
    process.stderr.write(
      `\nTANDEM_PROBE=${JSON.stringify({ maxRssKb: usage.maxRSS, cpuSeconds: (usage.userCPUTime + usage.systemCPUTime) / 1e6 })}\n`,
    );
  });
}
