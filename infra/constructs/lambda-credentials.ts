import { fromEnv } from '@aws-sdk/credential-provider-env';
import type { AwsCredentialIdentityProvider } from '@aws-sdk/types';

// Bundled in place of `@aws-sdk/credential-provider-node` (see TandemFunction): Lambda always hands
// a function its role's credentials in environment variables, so the rest of the default chain
// (SSO, profiles, web identity, instance metadata, with their nested STS and SSO clients, about
// 130 KB minified) is dead weight in every bundle. The local runtime does not bundle and keeps the
// whole chain.

/** The SDK's default credential provider, reduced to the environment variables Lambda sets. */
export const defaultProvider = (init: Parameters<typeof fromEnv>[0] = {}): AwsCredentialIdentityProvider =>
  fromEnv(init);
