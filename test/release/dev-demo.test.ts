import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { generateStudy } from '../../analysis/demo/generate.ts';
import { writeRawExport } from '../../analysis/demo/write.ts';
import { aggregate } from '../../analysis/publish.ts';
import { DEMO_SEED } from '../../infra/local/demo.ts';

function rows(csv: string): Array<Record<string, string>> {
  const [header = '', ...lines] = csv.trimEnd().split('\n');
  const names = header.split(',');
  return lines.map((line) => Object.fromEntries(line.split(',').map((cell, i) => [names[i] ?? '', cell])));
}

// Issue 5's check on the study a newcomer sees first: the release `tandem dev` publishes from its
// demo study reads like the population DESIGN §10 describes.
describe('the demo study of tandem dev', () => {
  it('gives a release with alpha in .8–.95, agreement r near .35 and a positive pooled alliance–outcome r', async () => {
    const from = await mkdtemp(join(tmpdir(), 'tandem-dev-demo-'));
    const out = await mkdtemp(join(tmpdir(), 'tandem-dev-demo-out-'));
    try {
      await writeRawExport(from, generateStudy({ sites: 3, dyads: 60, seed: DEMO_SEED }));
      const { manifest } = await aggregate({
        from,
        out,
        releaseId: '2026-11-25',
        secret: 'demo',
        clock: () => new Date('2026-11-25T02:30:00Z'),
      });
      const read = async (name: string) =>
        rows(await readFile(join(out, 'releases', manifest.releaseId, name), 'utf8'));

      const alpha = (await read('reliability.csv')).find(
        (row) => row.instrument === 'alliance-client' && row.scale === 'total' && row.site === 'ALL',
      );
      expect(Number(alpha?.alpha)).toBeGreaterThanOrEqual(0.8);
      expect(Number(alpha?.alpha)).toBeLessThanOrEqual(0.95);

      const agreement = (await read('agreement.csv')).find((row) => row.site === 'ALL');
      expect(Number(agreement?.r)).toBeGreaterThan(0.2);
      expect(Number(agreement?.r)).toBeLessThan(0.55);
      expect(Number(agreement?.mean_diff)).toBeGreaterThan(0); // therapists rate lower

      const pooled = (await read('alliance_outcome.csv')).find(
        (row) => row.row === 'pooled' && row.method === 'REML',
      );
      expect(Number(pooled?.r)).toBeGreaterThan(0.1);
      expect(Number(pooled?.r)).toBeLessThan(0.45);
    } finally {
      await rm(from, { recursive: true, force: true });
      await rm(out, { recursive: true, force: true });
    }
  });
});
