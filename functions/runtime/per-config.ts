import { type Config, config } from '../../shared/config.ts';

/**
 * Memoizes `build` on the config object: the same value while config() is unchanged, a new one
 * after resetConfig() (the local runtime learns the emulators' ports late).
 */
export function perConfig<T>(build: (env: Config) => T): () => T {
  let cached: { env: Config; value: T } | undefined;
  return () => {
    const env = config();
    if (cached?.env !== env) cached = { env, value: build(env) };
    return cached.value;
  };
}
