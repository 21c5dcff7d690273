// Where a release's time goes (DESIGN §11: `tandem bench` reports a breakdown by stage). A stage is
// timed with the monotonic clock and only when a caller asks for it; nothing it records enters a
// release, so releases stay byte-identical.

/** One timed stage: its name (`load`, `score`, `statistic reliability.csv`, `write scores_long.csv`) and seconds. */
export interface Stage {
  name: string;
  /** Wall time. */
  seconds: number;
  /**
   * CPU time of the whole process meanwhile (every thread: a worker running beside the stage
   * counts too); on a busy machine it shows the work where wall time shows the neighbours.
   */
  cpuSeconds: number;
}

/** Collects stage times in the order the stages ran; a stage run twice adds up. */
export class StageTimes {
  readonly stages: Stage[] = [];

  /** Runs `work`, adding its duration to the stage `name`. */
  time<T>(name: string, work: () => T): T {
    const start = performance.now();
    const cpu = process.cpuUsage();
    try {
      return work();
    } finally {
      this.add(name, (performance.now() - start) / 1000, cpuSince(cpu));
    }
  }

  /** As time(), for asynchronous work. */
  async timeAsync<T>(name: string, work: () => Promise<T>): Promise<T> {
    const start = performance.now();
    const cpu = process.cpuUsage();
    try {
      return await work();
    } finally {
      this.add(name, (performance.now() - start) / 1000, cpuSince(cpu));
    }
  }

  add(name: string, seconds: number, cpuSeconds: number): void {
    const stage = this.stages.find((s) => s.name === name);
    if (stage) {
      stage.seconds += seconds;
      stage.cpuSeconds += cpuSeconds;
    } else this.stages.push({ name, seconds, cpuSeconds });
  }
}

function cpuSince(start: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1e6;
}

/** Runs `work`, timed as the stage `name` when there is a timer. */
export function timed<T>(times: StageTimes | undefined, name: string, work: () => T): T {
  return times ? times.time(name, work) : work();
}

/** As timed(), for asynchronous work. */
export function timeAsync<T>(
  times: StageTimes | undefined,
  name: string,
  work: () => Promise<T>,
): Promise<T> {
  return times ? times.timeAsync(name, work) : work();
}
