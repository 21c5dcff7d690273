import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { planHtml } from './render-html.ts';
import type { PlanResult } from './types.ts';

/** Writes DIR/plan.json (the result, figures unrounded) and DIR/plan.html; returns their paths. */
export async function writePlan(dir: string, result: PlanResult): Promise<{ json: string; html: string }> {
  await mkdir(dir, { recursive: true });
  const json = join(dir, 'plan.json');
  const html = join(dir, 'plan.html');
  await writeFile(json, `${JSON.stringify(result, null, 2)}\n`);
  await writeFile(html, planHtml(result));
  return { json, html };
}
