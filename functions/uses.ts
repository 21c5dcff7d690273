// What each function may do to the study table and the release bucket, as data: the CDK stack grants
// exactly these operations (infra/constructs/tandem-function.ts), docs/permissions.md lists them, and
// test/infra/permissions.test.ts holds them against what the code calls.

/** DynamoDB operations on the study table; `QuerySiteIndex` is a Query of the per-site GSI (DESIGN §4). */
export type TableOperation = 'GetItem' | 'PutItem' | 'UpdateItem' | 'DeleteItem' | 'Query' | 'QuerySiteIndex';

/** S3 object operations, each granted on one key prefix of the release bucket. */
export type ObjectOperation = 'GetObject' | 'PutObject' | 'DeleteObject';

/** The key prefixes of the release bucket. */
export type BucketPrefix = 'releases/' | 'staging/';

export interface Uses {
  /** Table operations. */
  readonly table?: readonly TableOperation[];
  /**
   * Partition-key patterns (`*` any characters) the table operations are limited to, through IAM's
   * `dynamodb:LeadingKeys`; only where every item the function touches matches.
   * @default any key
   */
  readonly leadingKeys?: readonly string[];
  /** Object operations by key prefix. */
  readonly objects?: Readonly<Partial<Record<BucketPrefix, readonly ObjectOperation[]>>>;
  /**
   * Lists the bucket: a read that must tell a missing key (404) from a denied one (403) needs it,
   * as S3 answers 404 only to a caller that may list.
   */
  readonly listBucket?: true;
  /** Reads the pseudonym key from Secrets Manager. */
  readonly pseudonymSecret?: true;
  /** Reads the unknown-token limiter's key (the attempt key) from Secrets Manager. */
  readonly attemptSecret?: true;
  /** Looks up a staff member's groups in the user pool (the sign-in audit event's roles). */
  readonly userGroups?: true;
}

/** A function that no route names: a nightly step or the user pool's trigger. */
export interface FunctionSpec {
  /** Module (repository-relative) whose `handler` export Lambda calls. */
  readonly handler: string;
  readonly uses: Uses;
}

/** The nightly job's three steps (DESIGN §2), run by the state machine. */
export const NIGHTLY_STEPS = {
  listSites: {
    handler: 'functions/nightly/list-sites.ts',
    uses: { table: ['Query', 'QuerySiteIndex'] },
  },
  // ScoreSite also sweeps: it deletes the responses of withdrawn owners it finds (readSiteForRelease).
  scoreSite: {
    handler: 'functions/nightly/score-site.ts',
    uses: { table: ['Query', 'QuerySiteIndex', 'DeleteItem'], objects: { 'staging/': ['PutObject'] } },
  },
  // Combine reads the staged partials and deletes them (they copy raw answers), writes the release.
  combine: {
    handler: 'functions/nightly/combine.ts',
    uses: {
      table: ['Query', 'QuerySiteIndex', 'PutItem'],
      objects: { 'staging/': ['GetObject', 'DeleteObject'], 'releases/': ['GetObject', 'PutObject'] },
      listBucket: true,
      pseudonymSecret: true,
    },
  },
} as const satisfies Record<string, FunctionSpec>;

/** The user pool's post-authentication trigger: a `signin` audit event with the user's roles. */
export const POST_AUTHENTICATION: FunctionSpec = {
  handler: 'functions/auth/post-authentication.ts',
  uses: { table: ['PutItem'], leadingKeys: ['AUDIT#*'], userGroups: true },
};
