import { InternalServerError, ProvisionedThroughputExceededException } from '@aws-sdk/client-dynamodb';
import { S3ServiceException } from '@aws-sdk/client-s3';
import type { InitializeHandler, InitializeHandlerArguments, InitializeMiddleware } from '@smithy/types';

// Test support (not a test): a middleware on an AWS SDK v3 client's stack that fails chosen calls
// the way DynamoDB and S3 fail in production. It sits in the `initialize` step, before the SDK's
// own retries, so an injected fault is what a handler sees once those retries are spent.

/** What an injected call does instead of reaching the emulator. */
export type FaultKind =
  /** DynamoDB ProvisionedThroughputExceededException, or S3 `SlowDown` (503). */
  | 'throttle'
  /** DynamoDB InternalServerError (500), or S3 `InternalError` (500). */
  | 'internal'
  /** The socket timed out (the NodeHttpHandler's `TimeoutError`). */
  | 'timeout';

export type Service = 'dynamodb' | 's3';

/** The process died: this call and every later one fail, as a Lambda killed mid-operation would. */
export class ProcessCrash extends Error {
  constructor(readonly afterCalls: number) {
    super(`injected crash after ${afterCalls} store call(s)`);
    this.name = 'ProcessCrash';
  }
}

/** Which calls fail: the n-th (1-based) of the matching calls, or every matching call. */
export interface FaultRule {
  kind: FaultKind;
  /** SDK command names (`PutItemCommand`, `PutObjectCommand`, …); all commands when omitted. */
  commands?: readonly string[];
  /** Fail only the n-th matching call (1-based); every matching call when omitted. */
  nth?: number;
}

interface StackOwner {
  middlewareStack: {
    add(middleware: InitializeMiddleware<object, object>, options: object): void;
    remove(name: string): boolean;
  };
  /** A client with `cacheMiddleware` keeps each command's resolved stack and would not see a middleware added later. */
  config?: { cacheMiddleware?: boolean };
}

/** The error an SDK client throws for this fault. */
export function faultError(kind: FaultKind, service: Service, command: string): Error {
  const message = `injected ${kind} on ${command}`;
  if (kind === 'timeout') {
    const error = new Error(`${message}: socket timed out`);
    error.name = 'TimeoutError';
    return error;
  }
  if (service === 'dynamodb') {
    return kind === 'throttle'
      ? new ProvisionedThroughputExceededException({ message, $metadata: { httpStatusCode: 400 } })
      : new InternalServerError({ message, $metadata: { httpStatusCode: 500 } });
  }
  return new S3ServiceException({
    name: kind === 'throttle' ? 'SlowDown' : 'InternalError',
    $fault: 'server',
    $metadata: { httpStatusCode: kind === 'throttle' ? 503 : 500 },
    message,
  });
}

let installed = 0;

/** The calls counted, and the count after which every call fails (a crash). */
interface CallLog {
  calls: string[];
  crashAt: number | undefined;
}

/**
 * Injects faults into one client (a DynamoDB document client, a DynamoDB client or an S3 client).
 * Counts every call (`calls`), fails those the rules or a crash select (`injected`), and is removed
 * with `remove()`. `crashAfter(n)` lets n more calls through and fails every call after them.
 */
export class FaultInjector {
  /** Faults thrown so far (crash failures included). */
  injected = 0;
  private rules: FaultRule[] = [];
  private matched = new Map<FaultRule, number>();
  private readonly name = `tandemFaultInjector${++installed}`;
  private readonly log: CallLog;
  private readonly cachedMiddleware: boolean;

  /**
   * `options.sharing`: count calls and crash together with another injector (a job that writes to
   * the store and the bucket dies once, whichever it was calling).
   */
  constructor(
    private readonly client: StackOwner,
    private readonly service: Service,
    options: { sharing?: FaultInjector } = {},
  ) {
    this.log = options.sharing?.log ?? { calls: [], crashAt: undefined };
    const middleware: InitializeMiddleware<object, object> =
      (next: InitializeHandler<object, object>, context) =>
      async (args: InitializeHandlerArguments<object>) => {
        const command = String((context as { commandName?: string }).commandName ?? 'unknown');
        this.log.calls.push(command);
        if (this.log.crashAt !== undefined && this.log.calls.length > this.log.crashAt) {
          this.injected++;
          throw new ProcessCrash(this.log.crashAt);
        }
        for (const rule of this.rules) {
          if (rule.commands && !rule.commands.includes(command)) continue;
          const seen = (this.matched.get(rule) ?? 0) + 1;
          this.matched.set(rule, seen);
          if (rule.nth === undefined || rule.nth === seen) {
            this.injected++;
            throw faultError(rule.kind, this.service, command);
          }
        }
        return next(args);
      };
    client.middlewareStack.add(middleware, { step: 'initialize', name: this.name, priority: 'high' });
    // Without the cache the client drops the stacks it resolved and resolves each call's afresh.
    this.cachedMiddleware = client.config?.cacheMiddleware === true;
    if (client.config) client.config.cacheMiddleware = false;
  }

  /** Adds a rule; rules are checked in the order they were added. */
  fail(rule: FaultRule): this {
    this.rules.push(rule);
    return this;
  }

  /** Lets `n` more calls through, then fails every call. */
  crashAfter(n: number): this {
    this.log.crashAt = this.log.calls.length + n;
    return this;
  }

  /** Command names of every call counted (with a shared log, the other injector's too), in order. */
  get calls(): readonly string[] {
    return this.log.calls;
  }

  /** Forgets every rule and crash; keeps counting. */
  heal(): this {
    this.rules = [];
    this.matched.clear();
    this.log.crashAt = undefined;
    return this;
  }

  remove(): void {
    this.client.middlewareStack.remove(this.name);
    if (this.client.config) this.client.config.cacheMiddleware = this.cachedMiddleware;
  }
}
