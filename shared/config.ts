import * as z from 'zod/mini';

// The one place that reads process.env: once, at first use, through a schema. The local runtime
// sets these variables before the first handler runs; in AWS the CDK constructs set them, and a
// function whose table or bucket binding is missing fails when it starts (Lambda sets
// AWS_LAMBDA_FUNCTION_NAME) rather than reaching for the local defaults.
const LOCAL_DEFAULTS = { TANDEM_TABLE: 'tandem', TANDEM_BUCKET: 'tandem-releases' } as const;

const Env = z.object({
  TANDEM_TABLE: z.optional(z.string().check(z.minLength(1))),
  TANDEM_BUCKET: z.optional(z.string().check(z.minLength(1))),
  /** The staff user pool (`tandem staff` against AWS); absent locally. */
  TANDEM_USER_POOL_ID: z.optional(z.string().check(z.minLength(1))),
  /** Set by Lambda: the process is a deployed function. */
  AWS_LAMBDA_FUNCTION_NAME: z.optional(z.string()),
  AWS_REGION: z._default(z.string(), 'eu-central-1'),
  /** Emulator endpoints, set only by the local runtime. */
  TANDEM_DYNAMODB_ENDPOINT: z.optional(z.string()),
  TANDEM_S3_ENDPOINT: z.optional(z.string()),
  /** Public origin used to print participant links (cards, CLI). */
  TANDEM_PUBLIC_URL: z._default(z.string(), 'http://localhost:3000'),
  /** Name of the Secrets Manager secret holding the pseudonym key (AWS) … */
  TANDEM_PSEUDONYM_SECRET_ARN: z.optional(z.string()),
  /** … or the key itself (local runtime, tests). */
  TANDEM_PSEUDONYM_SECRET: z.optional(z.string()),
  /** Name of the Secrets Manager secret holding the key of the unknown-token limiter's address hashes (AWS) … */
  TANDEM_ATTEMPT_SECRET_ARN: z.optional(z.string()),
  /** … or the key itself (local runtime, tests). */
  TANDEM_ATTEMPT_SECRET: z.optional(z.string()),
  /** Cognito hosted sign-in for the static pages (AWS); absent locally, where the dev identity provider signs in. */
  TANDEM_COGNITO_DOMAIN: z.optional(z.string()),
  TANDEM_COGNITO_CLIENT_ID: z.optional(z.string()),
  /** Folder of the built staff-page assets; beside the Lambda bundle when unset (functions/web/assets.ts). */
  TANDEM_WEB_DIR: z.optional(z.string()),
  LOG_LEVEL: z._default(z.enum(['debug', 'info', 'warn', 'error', 'silent']), 'info'),
});
export type Config = z.infer<typeof Env> & {
  TANDEM_TABLE: string;
  TANDEM_BUCKET: string;
  /** TANDEM_TABLE was set (a deployed table for the CLI), rather than the local default. */
  tableGiven: boolean;
};

let cached: Config | undefined;

/** The validated environment, read once. Throws with every bad variable named. */
export function config(): Config {
  if (cached) return cached;
  const parsed = Env.safeParse(process.env);
  if (!parsed.success) {
    const problems = parsed.error.issues
      .map((issue) => `${issue.path.join('.')}: ${issue.message}`)
      .join('; ');
    throw new Error(`invalid environment: ${problems}`);
  }
  const env = parsed.data;
  const bindings = Object.keys(LOCAL_DEFAULTS) as (keyof typeof LOCAL_DEFAULTS)[];
  const missing = bindings.filter((name) => env[name] === undefined);
  if (env.AWS_LAMBDA_FUNCTION_NAME !== undefined && missing.length > 0) {
    throw new Error(
      `invalid environment: ${missing.join(', ')} not set; a deployed function gets every binding from its stack`,
    );
  }
  cached = {
    ...env,
    tableGiven: env.TANDEM_TABLE !== undefined,
    TANDEM_TABLE: env.TANDEM_TABLE ?? LOCAL_DEFAULTS.TANDEM_TABLE,
    TANDEM_BUCKET: env.TANDEM_BUCKET ?? LOCAL_DEFAULTS.TANDEM_BUCKET,
  };
  return cached;
}

/** Forgets the environment read so far; the local runtime learns the emulators' ports only after start-up. */
export function resetConfig(): void {
  cached = undefined;
}
