import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { MANIFEST_FILE, WEB_PAGES, type WebManifest, type WebPage } from '../functions/web/assets.ts';

const ROOT = fileURLToPath(new URL('../', import.meta.url));

/**
 * Bundles the staff pages' TypeScript and CSS (functions/web/browser/{page}.ts) into minified,
 * content-hashed files in `outDir`, copies the favicon likewise, and writes the manifest the
 * pages handler reads. Run by `tandem dev` and the test stack on start, and by the CDK into the
 * pages function's bundle.
 */
export async function buildWebAssets(outDir: string): Promise<WebManifest> {
  await mkdir(outDir, { recursive: true });
  const result = await build({
    absWorkingDir: ROOT,
    entryPoints: Object.fromEntries(WEB_PAGES.map((page) => [page, `functions/web/browser/${page}.ts`])),
    bundle: true,
    minify: true,
    format: 'esm',
    target: ['chrome109', 'firefox115', 'safari15.6'],
    outdir: outDir,
    entryNames: '[name]-[hash]',
    metafile: true,
    legalComments: 'none',
    logLevel: 'silent',
  });
  const pages = {} as Record<WebPage, { script: string; style: string }>;
  for (const [file, output] of Object.entries(result.metafile.outputs)) {
    const page = WEB_PAGES.find((name) => output.entryPoint === `functions/web/browser/${name}.ts`);
    if (!page) continue;
    if (!output.cssBundle) throw new Error(`functions/web/browser/${page}.ts imports no stylesheet`);
    pages[page] = { script: basename(file), style: basename(output.cssBundle) };
  }
  const icon = await readFile(join(ROOT, 'functions/web/favicon.svg'));
  const favicon = `favicon-${createHash('sha256').update(icon).digest('hex').slice(0, 8)}.svg`;
  await writeFile(join(outDir, favicon), icon);
  const manifest: WebManifest = { pages, favicon };
  // Written last and renamed into place: a reader never sees a manifest naming files not yet there.
  const temporary = join(outDir, `${MANIFEST_FILE}.${process.pid}`);
  await writeFile(temporary, `${JSON.stringify(manifest, null, 2)}\n`);
  await rename(temporary, join(outDir, MANIFEST_FILE));
  return manifest;
}
