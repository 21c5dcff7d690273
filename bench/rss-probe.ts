// Preloaded into a measured child process: reports its peak resident set size on exit.
process.on('exit', () => {
  process.stderr.write(`\nTANDEM_MAX_RSS_KB=${process.resourceUsage().maxRSS}\n`);
});
