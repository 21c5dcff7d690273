import { GoneError, ValidationError } from '../../shared/errors.ts';
import { hashToken } from '../../shared/ids.ts';
import { finishWithdrawal, withdraw } from '../../shared/participation/withdraw.ts';
import type { HttpResult } from '../http/event.ts';
import { json, wantsHtml } from '../http/respond.ts';
import { METRIC_NAMES } from '../runtime/metric-names.ts';
import { countMetric } from '../runtime/observability.ts';
import { openOrThrow, page, participantDeps, participantRoute } from './common.ts';
import { withdrawalScope } from './page.ts';
import { withdrawnPage, withdrawPage } from './views.ts';

const confirmed = (body: unknown): boolean => {
  const value = typeof body === 'object' && body !== null && 'confirm' in body ? body.confirm : undefined;
  return value === true || value === 'yes';
};

/** POST /s/{token}/withdraw: with `confirm` (`yes` in a form, `true` in JSON) carries out withdrawal. */
export const handler = participantRoute(async (input, context): Promise<HttpResult> => {
  const deps = participantDeps();
  const open = await openOrThrow(deps, input, context).catch(async (error: unknown) => {
    // Sent again after a failure part-way: the link is gone already, but the erasure may not be.
    if (error instanceof GoneError) await finishWithdrawal(deps, hashToken(input.path.token));
    throw error;
  });
  const browser = wantsHtml(input.event.headers ?? {});
  if (!confirmed(input.body)) {
    if (browser) return page(400, withdrawPage(context.frame, withdrawalScope(open), true));
    throw new ValidationError('Withdrawal needs confirmation.', {
      details: [{ path: 'confirm', message: 'must be true to withdraw' }],
    });
  }
  const result = await withdraw(deps, open);
  countMetric(METRIC_NAMES.withdrawal);
  if (browser)
    return page(200, withdrawnPage({ ...context.frame, withdraw: false, base: undefined } as never));
  return json(200, { withdrawn: result.scope });
});
