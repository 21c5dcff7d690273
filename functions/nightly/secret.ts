import { configSecret } from '../runtime/secrets-manager.ts';

// The pseudonym key (DESIGN §8): TANDEM_PSEUDONYM_SECRET locally and in tests, or the Secrets
// Manager secret named by TANDEM_PSEUDONYM_SECRET_ARN in AWS.

/** The pseudonym key, read once per process; throws when neither variable is set. */
export const pseudonymSecret: () => Promise<string> = configSecret('PSEUDONYM');
