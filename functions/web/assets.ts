import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as z from 'zod/mini';
import { config } from '../../shared/config.ts';

// The staff pages' browser code and styles (functions/web/browser/), bundled by esbuild at build
// time into content-hashed files with a manifest (infra/web-assets.ts). In a Lambda they sit in
// `web/` beside the bundle (the CDK builds them there); locally `tandem dev` builds them on start
// and names the folder in TANDEM_WEB_DIR.

/** The pages with their own script and stylesheet, each an entry `functions/web/browser/{page}.ts`. */
export const WEB_PAGES = ['signin', 'coordinator', 'researcher', 'audit'] as const;
export type WebPage = (typeof WEB_PAGES)[number];

/** The file listing what the build wrote. */
export const MANIFEST_FILE = 'manifest.json';

/** Hashed file names by page, and the favicon's. */
export const WebManifest = z.object({
  pages: z.record(z.enum(WEB_PAGES), z.object({ script: z.string(), style: z.string() })),
  favicon: z.string(),
});
export type WebManifest = z.infer<typeof WebManifest>;

const CONTENT_TYPES: Record<string, string> = {
  js: 'text/javascript; charset=utf-8',
  css: 'text/css; charset=utf-8',
  svg: 'image/svg+xml',
};

export interface WebAssets {
  manifest: WebManifest;
  /** A built file by name, only if the manifest lists it (never a path), with its content type. */
  file(name: string): { body: string; contentType: string } | undefined;
}

const loaded = new Map<string, WebAssets>();

/** The built assets of this deployment, read once per folder. */
export function webAssets(): WebAssets {
  const dir = config().TANDEM_WEB_DIR ?? fileURLToPath(new URL('./web/', import.meta.url));
  const cached = loaded.get(dir);
  if (cached) return cached;
  const manifest = WebManifest.parse(JSON.parse(readFileSync(join(dir, MANIFEST_FILE), 'utf8')));
  const listed = new Set([
    manifest.favicon,
    ...Object.values(manifest.pages).flatMap((p) => [p.script, p.style]),
  ]);
  const files = new Map<string, { body: string; contentType: string }>();
  const assets: WebAssets = {
    manifest,
    file(name) {
      if (!listed.has(name)) return undefined;
      let found = files.get(name);
      if (!found) {
        const contentType =
          CONTENT_TYPES[name.slice(name.lastIndexOf('.') + 1)] ?? 'application/octet-stream';
        found = { body: readFileSync(join(dir, name), 'utf8'), contentType };
        files.set(name, found);
      }
      return found;
    },
  };
  loaded.set(dir, assets);
  return assets;
}
