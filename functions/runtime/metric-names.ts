// Names of Tandem's own CloudWatch metrics: the functions emit them (observability.ts) and the
// alarms and dashboard read them (infra/constructs/monitoring.ts).

/** Namespace of every Tandem metric. */
export const METRICS_NAMESPACE = 'Tandem';

/** The one dimension of every Tandem metric (Powertools' `service`). */
export const METRICS_SERVICE = 'tandem';

export const METRIC_NAMES = {
  /** A first submission stored (201). */
  submission: 'Submissions',
  /** A repeat of a stored submission, same submissionId (200, same receipt). */
  duplicate: 'DuplicateSubmissions',
  /** Another submission for an instrument and session already answered (409 `already_answered`). */
  conflict: 'SubmissionConflicts',
  /** A participant's or a coordinator's withdrawal carried out. */
  withdrawal: 'Withdrawals',
  /** A safety flag fired in newly stored answers (PHQ-9 item 9); a repeat does not count again. */
  safetyFlag: 'SafetyFlags',
  /** A release published (the "no release in 26 h" alarm counts these). */
  releasePublished: 'ReleasesPublished',
  /** Milliseconds from the start of the combine step to latest.json. */
  releaseDuration: 'ReleaseDurationMs',
  /** Bytes of the files of a published release. */
  releaseBytes: 'ReleaseBytes',
  /** An audit event (a staff sign-in) that could not be written. */
  auditWriteFailed: 'AuditWriteFailures',
} as const;

export type MetricName = (typeof METRIC_NAMES)[keyof typeof METRIC_NAMES];
