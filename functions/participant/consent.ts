import * as z from 'zod/mini';
import { recordConsent } from '../../shared/participation/consent.ts';
import type { HttpResult } from '../http/event.ts';
import { json, redirect, wantsHtml } from '../http/respond.ts';
import { participantDeps, participantRoute } from './common.ts';

/** `version` arrives as a number (JSON) or as text (a form). */
const ConsentBody = z.object({
  version: z.union([z.int(), z.pipe(z.string().check(z.regex(/^[0-9]{1,6}$/)), z.transform(Number))]),
  lang: z.optional(z.string()),
});

/** POST /s/{token}/consent: records agreement to the current consent version, then on to the questionnaires. */
export const handler = participantRoute(
  { body: ConsentBody },
  async (input, context): Promise<HttpResult> => {
    const deps = participantDeps();
    const { open } = context;
    const result = await recordConsent(deps, open, {
      version: input.body.version,
      language: context.frame.language,
    });
    if (wantsHtml(input.event.headers ?? {})) {
      return redirect(`${context.frame.base}?${new URLSearchParams({ lang: context.frame.language })}`);
    }
    return json(result.outcome === 'recorded' ? 201 : 200, { consentVersion: result.version });
  },
);
