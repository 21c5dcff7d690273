import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { ROUTES } from '../../functions/routes.ts';
import { NIGHTLY_HANDLERS } from '../../infra/stacks/stateless.ts';

/**
 * A folder with an empty module at every handler path the stacks name. Template tests skip
 * bundling, so the template does not depend on what the handlers contain; `npm run synth` bundles
 * the real ones.
 */
export function handlerStandIns(): string {
  const root = mkdtempSync(join(tmpdir(), 'tandem-handlers-'));
  for (const module of [...ROUTES.map((r) => r.handler), ...Object.values(NIGHTLY_HANDLERS)]) {
    mkdirSync(dirname(join(root, module)), { recursive: true });
    writeFileSync(join(root, module), 'export const handler = async () => ({});\n');
  }
  writeFileSync(join(root, 'package-lock.json'), '{"lockfileVersion": 3, "packages": {}}\n');
  return root;
}
