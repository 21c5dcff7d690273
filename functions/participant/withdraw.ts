import * as z from 'zod/mini';
import { GoneError, ValidationError } from '../../shared/errors.ts';
import { hashToken } from '../../shared/ids.ts';
import { finishWithdrawal, withdraw } from '../../shared/participation/withdraw.ts';
import type { HttpResult } from '../http/event.ts';
import { json, wantsHtml } from '../http/respond.ts';
import { METRIC_NAMES } from '../runtime/metric-names.ts';
import { countMetric } from '../runtime/observability.ts';
import { page, participantDeps, participantRoute } from './common.ts';
import { withdrawalScope } from './page.ts';
import { withdrawnPage, withdrawPage } from './views.ts';

/** `confirm` is `yes` in a form, `true` in JSON; without it the withdrawal is only asked about again. */
const WithdrawBody = z.object({
  confirm: z.optional(z.union([z.boolean(), z.string()])),
  lang: z.optional(z.string()),
});
const confirmed = (body: z.infer<typeof WithdrawBody>): boolean =>
  body.confirm === true || body.confirm === 'yes';

/** POST /s/{token}/withdraw: with `confirm` (`yes` in a form, `true` in JSON) carries out withdrawal. */
export const handler = participantRoute(
  { body: WithdrawBody },
  async (input, context): Promise<HttpResult> => {
    const deps = participantDeps();
    const { open } = context;
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
  },
).use({
  // Sent again after a failure part-way: the link is gone already (410), but the erasure may not be.
  onError: async (request) => {
    const token = request.event.pathParameters?.token;
    if (!(request.error instanceof GoneError) || token === undefined) return;
    const gone = request.error;
    request.error = await finishWithdrawal(participantDeps(), hashToken(token)).then(
      () => gone,
      (error: unknown) => (error instanceof Error ? error : gone),
    );
  },
});
