import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { ROUTES } from '../../functions/routes.ts';
import { POST_AUTHENTICATION_HANDLER } from '../../infra/stacks/stateful.ts';
import { NIGHTLY_HANDLERS } from '../../infra/stacks/stateless.ts';

/**
 * A folder with an empty module at every handler path the stacks name. Template tests skip
 * bundling, so the template does not depend on what the handlers contain; `npm run synth` bundles
 * the real ones.
 */
export function handlerStandIns(): string {
  const root = mkdtempSync(join(tmpdir(), 'tandem-handlers-'));
  const modules = [
    ...ROUTES.map((r) => r.handler),
    ...Object.values(NIGHTLY_HANDLERS),
    POST_AUTHENTICATION_HANDLER,
  ];
  for (const module of modules) {
    mkdirSync(dirname(join(root, module)), { recursive: true });
    writeFileSync(join(root, module), 'export const handler = async () => ({});\n');
  }
  writeFileSync(join(root, 'package-lock.json'), '{"lockfileVersion": 3, "packages": {}}\n');
  return root;
}
