// `tandem dev` runs the nightly job at 02:30 in the study's time zone while it is up (DESIGN §7),
// as EventBridge Scheduler does in AWS. The clock and the timer are parameters, so a test can move
// time on without waiting.

/** When the nightly job runs, in the study's time zone. */
export const NIGHTLY_AT = { hour: 2, minute: 30 } as const;

/** The timer the schedule uses: setTimeout and clearTimeout, or a test's stand-in. */
export interface Timer {
  set(callback: () => void, delayMs: number): unknown;
  clear(handle: unknown): void;
}

export const systemTimer: Timer = {
  // unref: a pending nightly run alone does not keep the process alive.
  set: (callback, delayMs) => setTimeout(callback, delayMs).unref(),
  clear: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

export interface NightlyScheduleOptions {
  /** The study's time zone, read again before each run is planned (a new study version may change it). */
  timezone: () => Promise<string>;
  /** The nightly job. A failure is reported and the next night is planned all the same. */
  run: () => Promise<void>;
  onError: (error: unknown) => void;
  clock?: () => Date;
  timer?: Timer;
}

export interface NightlySchedule {
  /** When the next run is planned (undefined once stopped or before the first is planned). */
  next(): Date | undefined;
  stop(): void;
}

/** The wall-clock fields of an instant in a time zone. */
function wallClock(timezone: string, at: Date): { y: number; mo: number; d: number; h: number; mi: number } {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: timezone,
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
  }).formatToParts(at);
  const field = (type: string) => Number(parts.find((part) => part.type === type)?.value);
  return { y: field('year'), mo: field('month'), d: field('day'), h: field('hour'), mi: field('minute') };
}

/** The instant a zone's clock shows hour:minute on a calendar day (the hour after a spring-forward gap). */
function zonedInstant(
  timezone: string,
  day: { y: number; mo: number; d: number },
  hour: number,
  minute: number,
): Date {
  const wanted = Date.UTC(day.y, day.mo - 1, day.d, hour, minute);
  let guess = wanted;
  // Two corrections by the zone's offset settle on the instant (or just past a gap).
  for (let round = 0; round < 2; round++) {
    const shown = wallClock(timezone, new Date(guess));
    guess += wanted - Date.UTC(shown.y, shown.mo - 1, shown.d, shown.h, shown.mi);
  }
  return new Date(guess);
}

/** The first 02:30 (study time zone) strictly after `now`. */
export function nextNightlyRun(timezone: string, now: Date): Date {
  const today = wallClock(timezone, now);
  for (let days = 0; days < 3; days++) {
    const noon = new Date(Date.UTC(today.y, today.mo - 1, today.d + days, 12));
    const day = wallClock(timezone, noon);
    const at = zonedInstant(timezone, day, NIGHTLY_AT.hour, NIGHTLY_AT.minute);
    if (at.getTime() > now.getTime()) return at;
  }
  throw new Error(`no 02:30 found in ${timezone} after ${now.toISOString()}`);
}

/** Plans the nightly job at every 02:30 in the study's time zone until stopped. */
export function scheduleNightly(options: NightlyScheduleOptions): NightlySchedule {
  const clock = options.clock ?? (() => new Date());
  const timer = options.timer ?? systemTimer;
  let handle: unknown;
  let planned: Date | undefined;
  let stopped = false;

  const plan = async (): Promise<void> => {
    const at = nextNightlyRun(await options.timezone(), clock());
    if (stopped) return;
    planned = at;
    handle = timer.set(() => void fire(), Math.max(0, at.getTime() - clock().getTime()));
  };
  const fire = async (): Promise<void> => {
    planned = undefined;
    try {
      await options.run();
    } catch (error) {
      options.onError(error);
    }
    if (!stopped) await plan().catch(options.onError);
  };

  void plan().catch(options.onError);
  return {
    next: () => planned,
    stop: () => {
      stopped = true;
      planned = undefined;
      if (handle !== undefined) timer.clear(handle);
    },
  };
}
