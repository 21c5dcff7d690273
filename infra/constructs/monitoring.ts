import { Duration } from 'aws-cdk-lib';
import type * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cloudwatchActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as snsSubscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { METRIC_NAMES, METRICS_NAMESPACE, METRICS_SERVICE } from '../../functions/runtime/metric-names.ts';

export interface MonitoringProps {
  readonly httpApi: apigwv2.HttpApi;
  /** Every function of Tandem, by a readable name (the alarm and dashboard labels). */
  readonly functions: ReadonlyMap<string, lambda.IFunction>;
  readonly table: dynamodb.ITableV2;
  readonly nightly: sfn.IStateMachine;
  /** Key of the alarm topic (its policy lets CloudWatch use it). */
  readonly key: kms.IKey;
  /**
   * Address the alarm topic mails (it must confirm the subscription once).
   * @default - no subscription; the topic and the alarms still exist
   */
  readonly alarmEmail?: string;
  /**
   * Share of API requests answered 5xx, in percent over 5 minutes, that raises the alarm.
   * @default 5
   */
  readonly api5xxPercent?: number;
  /**
   * Hours without a published release before the alarm (the nightly job runs every 24 h).
   * @default 26
   */
  readonly releaseOverdueHours?: number;
}

/** A Tandem metric (Powertools Metrics, EMF) as CloudWatch sees it: namespace `Tandem`, dimension `service`. */
export function tandemMetric(
  name: string,
  statistic = 'Sum',
  period = Duration.minutes(5),
): cloudwatch.Metric {
  return new cloudwatch.Metric({
    namespace: METRICS_NAMESPACE,
    metricName: name,
    dimensionsMap: { service: METRICS_SERVICE },
    statistic,
    period,
  });
}

/** The sum over 5 minutes of some metrics, a missing data point counting as 0. */
function sumOf(label: string, metrics: Record<string, cloudwatch.IMetric>): cloudwatch.MathExpression {
  return new cloudwatch.MathExpression({
    label,
    expression: Object.keys(metrics)
      .map((name) => `FILL(${name}, 0)`)
      .join(' + '),
    usingMetrics: metrics,
    period: Duration.minutes(5),
  });
}

/**
 * Eyes on a deployment: an SNS topic that every alarm notifies (so no alarm goes unheard), alarms on
 * the API's 5xx rate, each function's errors and throttles, DynamoDB throttling, a failed nightly
 * run, a release overdue and a sign-in audit event not written, and one dashboard.
 */
export class Monitoring extends Construct {
  public readonly topic: sns.Topic;
  public readonly alarms: cloudwatch.Alarm[] = [];
  public readonly dashboard: cloudwatch.Dashboard;

  constructor(scope: Construct, id: string, props: MonitoringProps) {
    super(scope, id);
    const api5xxPercent = props.api5xxPercent ?? 5;
    const overdueHours = props.releaseOverdueHours ?? 26;
    this.topic = new sns.Topic(this, 'AlarmTopic', {
      displayName: 'Tandem alarms',
      enforceSSL: true,
      masterKey: props.key,
    });
    if (props.alarmEmail)
      this.topic.addSubscription(new snsSubscriptions.EmailSubscription(props.alarmEmail));
    const action = new cloudwatchActions.SnsAction(this.topic);
    const alarm = (
      aid: string,
      metric: cloudwatch.Metric | cloudwatch.MathExpression,
      description: string,
      options: Partial<cloudwatch.CreateAlarmOptions> = {},
    ): cloudwatch.Alarm => {
      const created = metric.createAlarm(this, aid, {
        alarmDescription: description,
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        ...options,
      });
      created.addAlarmAction(action);
      created.addOkAction(action);
      this.alarms.push(created);
      return created;
    };

    const api5xx = new cloudwatch.MathExpression({
      label: 'API answers 5xx (%)',
      expression: '100 * FILL(errors, 0) / IF(FILL(requests, 0) > 0, requests, 1)',
      usingMetrics: {
        errors: props.httpApi.metricServerError({ statistic: 'Sum' }),
        requests: props.httpApi.metricCount({ statistic: 'Sum' }),
      },
      period: Duration.minutes(5),
    });
    alarm('Api5xxAlarm', api5xx, `More than ${api5xxPercent}% of API requests answered 5xx in 5 minutes.`, {
      threshold: api5xxPercent,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
    });

    for (const [name, fn] of props.functions) {
      alarm(`${name}ErrorsAlarm`, fn.metricErrors({ statistic: 'Sum' }), `${name} failed (Lambda errors).`);
      alarm(`${name}ThrottlesAlarm`, fn.metricThrottles({ statistic: 'Sum' }), `${name} was throttled.`);
    }

    const tableMetric = (metricName: string) =>
      new cloudwatch.Metric({
        namespace: 'AWS/DynamoDB',
        metricName,
        dimensionsMap: { TableName: props.table.tableName },
        statistic: 'Sum',
        period: Duration.minutes(5),
      });
    const tableThrottles = sumOf('DynamoDB throttle events', {
      reads: tableMetric('ReadThrottleEvents'),
      writes: tableMetric('WriteThrottleEvents'),
    });
    alarm('TableThrottlesAlarm', tableThrottles, 'The study table throttled reads or writes.');

    const nightlyFailures = sumOf('nightly runs failed or timed out', {
      failed: props.nightly.metricFailed({ statistic: 'Sum' }),
      timedOut: props.nightly.metricTimedOut({ statistic: 'Sum' }),
    });
    alarm(
      'NightlyFailedAlarm',
      nightlyFailures,
      'A nightly release run failed; the previous release is still the latest. See the execution.',
    );

    // Two-hour periods, all of them empty: CloudWatch caps one period at a day, 26 h needs several.
    const releaseWindow = Duration.hours(2);
    alarm(
      'ReleaseOverdueAlarm',
      tandemMetric(METRIC_NAMES.releasePublished, 'Sum', releaseWindow),
      `No release was published in ${overdueHours} hours.`,
      {
        threshold: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
        evaluationPeriods: Math.ceil(overdueHours / releaseWindow.toHours()),
        datapointsToAlarm: Math.ceil(overdueHours / releaseWindow.toHours()),
        treatMissingData: cloudwatch.TreatMissingData.BREACHING,
      },
    );
    alarm(
      'AuditWriteFailedAlarm',
      tandemMetric(METRIC_NAMES.auditWriteFailed),
      'An audit event (staff sign-in) could not be written.',
    );

    const graph = (title: string, metrics: cloudwatch.IMetric[], width = 8) =>
      new cloudwatch.GraphWidget({ title, left: metrics, width, height: 6 });
    this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', {
      dashboardName: `Tandem-${scope.node.id}`,
      defaultInterval: Duration.days(7),
    });
    this.dashboard.addWidgets(
      graph('API requests and 5xx', [
        props.httpApi.metricCount({ statistic: 'Sum' }),
        props.httpApi.metricServerError({ statistic: 'Sum' }),
        props.httpApi.metricClientError({ statistic: 'Sum' }),
      ]),
      graph('API latency p99 (ms)', [props.httpApi.metricLatency({ statistic: 'p99' })]),
      graph('Table throttling', [tableThrottles]),
    );
    this.dashboard.addWidgets(
      graph('Submissions', [
        tandemMetric(METRIC_NAMES.submission),
        tandemMetric(METRIC_NAMES.duplicate),
        tandemMetric(METRIC_NAMES.conflict),
        tandemMetric(METRIC_NAMES.withdrawal),
        tandemMetric(METRIC_NAMES.safetyFlag),
      ]),
      graph('Release duration (ms)', [
        tandemMetric(METRIC_NAMES.releaseDuration, 'Maximum', Duration.hours(1)),
      ]),
      graph('Release size (bytes)', [tandemMetric(METRIC_NAMES.releaseBytes, 'Maximum', Duration.hours(1))]),
    );
    this.dashboard.addWidgets(
      graph(
        'Function errors',
        [...props.functions.values()].map((fn) => fn.metricErrors({ statistic: 'Sum' })),
        24,
      ),
    );
    this.dashboard.addWidgets(
      new cloudwatch.AlarmStatusWidget({ title: 'Alarms', alarms: this.alarms, width: 24 }),
    );
  }
}
