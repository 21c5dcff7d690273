import { nightlyDeps } from './deps.ts';
import { CombineInput, type CombineResult, combine, stepInput } from './steps.ts';

/** Step Functions task "Combine": the run plan plus `partials` → the published release's id, file count and inputs. */
export const handler = async (event: unknown): Promise<CombineResult> =>
  combine(nightlyDeps(), stepInput(CombineInput, event, 'Combine'));
