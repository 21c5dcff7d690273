import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { config } from '../../shared/config.ts';
import { METRICS_NAMESPACE, METRICS_SERVICE, type MetricName } from './metric-names.ts';

// Logs and metrics of every function (Powertools for AWS Lambda): JSON log lines with the request
// id, and metrics as CloudWatch embedded metric format in those same logs (no API call, no extra
// permission). What a log line may hold: route keys, codes, counts; never a path, a link token,
// an answer or a dyad or therapist id (test/local/log-scan checks the lines).

// A deployed function reads, and so checks, its environment when it starts (shared/config.ts).
config();

const LEVELS = { debug: 'DEBUG', info: 'INFO', warn: 'WARN', error: 'ERROR', silent: 'SILENT' } as const;

let built: { logger: Logger; metrics: Metrics } | undefined;

function tools(): { logger: Logger; metrics: Metrics } {
  built ??= {
    logger: new Logger({ serviceName: METRICS_SERVICE, logLevel: LEVELS[config().LOG_LEVEL] }),
    metrics: new Metrics({ namespace: METRICS_NAMESPACE, serviceName: METRICS_SERVICE }),
  };
  return built;
}

/** The process's JSON logger (level from LOG_LEVEL). */
export const logger = (): Logger => tools().logger;

/** Counts one occurrence (or `value`) of a Tandem metric, published when the invocation ends. */
export function countMetric(name: MetricName, value = 1): void {
  tools().metrics.addMetric(name, MetricUnit.Count, value);
}

/** Records a measured Tandem metric (milliseconds or bytes), published when the invocation ends. */
export function measureMetric(name: MetricName, unit: 'Milliseconds' | 'Bytes', value: number): void {
  tools().metrics.addMetric(name, unit === 'Bytes' ? MetricUnit.Bytes : MetricUnit.Milliseconds, value);
}

/**
 * Publishes the metrics an invocation stored, in Lambda; elsewhere (the local runtime, tests) they
 * are dropped, as there is no CloudWatch to read the lines.
 */
export function flushMetrics(): void {
  const { metrics } = tools();
  if (!metrics.hasStoredMetrics()) return;
  if (config().AWS_LAMBDA_FUNCTION_NAME) metrics.publishStoredMetrics();
  else metrics.clearMetrics();
}

/** Runs one invocation with the request id on every log line, and publishes its metrics at the end. */
export async function observed<T>(context: Context | undefined, run: () => Promise<T>): Promise<T> {
  if (context?.awsRequestId) logger().addContext(context);
  try {
    return await run();
  } finally {
    flushMetrics();
  }
}

/** middy: the request id on every log line, the invocation's metrics published after it. */
export function observe<E, R>(): middy.MiddlewareObj<E, R> {
  return {
    before: (request) => {
      if (request.context?.awsRequestId) logger().addContext(request.context);
    },
    after: () => flushMetrics(),
    onError: () => flushMetrics(),
  };
}

/** Writes `{level, message, …}` as one JSON log line at that level (`error`, `warn`, else `info`). */
export function writeLog(entry: Record<string, unknown>): void {
  const { level, message, ...attributes } = entry;
  const text = typeof message === 'string' ? message : 'event';
  if (level === 'error') logger().error(text, attributes);
  else if (level === 'warn') logger().warn(text, attributes);
  else logger().info(text, attributes);
}
