import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { demoData } from '../../analysis/demo/write.ts';
import { aggregate } from '../../analysis/publish.ts';
import type { CodebookFile } from '../../analysis/write/codebook.ts';

// A demo release in a temporary folder, for the tests of the researcher files: three sites, 40
// dyads, 800 responses of `tandem demo-data --seed 3`.

export const DEMO_RELEASE_ID = '2027-03-01';
export const STUDY_METADATA = {
  licence: 'CC-BY-4.0',
  contact: { name: 'Study office', email: 'study@example.org', phone: '+49 30 1234567' },
};

export interface DemoRelease {
  /** The folder holding the release's files. */
  dir: string;
  codebook: CodebookFile[];
  read(name: string): Promise<string>;
}

/** Writes the demo study and publishes one release of it to a temporary folder. */
export async function demoRelease(): Promise<DemoRelease> {
  const root = await mkdtemp(join(tmpdir(), 'tandem-research-'));
  await demoData({ out: join(root, 'export'), sites: 3, dyads: 40, responses: 800, seed: 3 });
  // The demo study names no licence or contact; this one does, as a consortium's would.
  const studyPath = join(root, 'export', 'study.json');
  const study = JSON.parse(await readFile(studyPath, 'utf8')) as Record<string, unknown>;
  await writeFile(studyPath, JSON.stringify({ ...study, ...STUDY_METADATA }));
  await aggregate({
    from: join(root, 'export'),
    out: join(root, 'out'),
    releaseId: DEMO_RELEASE_ID,
    secret: 'research-test',
    clock: () => new Date('2027-03-01T02:30:00Z'),
  });
  const dir = join(root, 'out', 'releases', DEMO_RELEASE_ID);
  const read = (name: string) => readFile(join(dir, name), 'utf8');
  const codebook = (JSON.parse(await read('codebook.json')) as { files: CodebookFile[] }).files.filter((f) =>
    f.name.endsWith('.csv'),
  );
  return { dir, codebook, read };
}

/** A CSV of the release as rows of text cells (the release's CSVs quote no cell in these tables). */
export function csvRows(text: string): string[][] {
  return text
    .trimEnd()
    .split('\n')
    .map((line) => line.split(','));
}
