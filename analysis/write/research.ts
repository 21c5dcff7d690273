import type { FileDef } from '../columns.ts';
import type { StudyData } from '../load/study-data.ts';
import type { ReleaseFile } from '../release.ts';
import { changesMarkdown, type FileSummary, type PreviousRelease } from './changes.ts';
import { dataPackageJson } from './datapackage.ts';
import { withSha256 } from './digest.ts';
import { loaderFiles } from './loaders/index.ts';
import { zipFiles } from './zip.ts';

// The files for researchers that describe or bundle the rest of a release (DESIGN §8): the
// loaders, datapackage.json, changes.md and open-files.zip. They are added after every other file
// has been rendered: changes.md lists the files that changed, and the zip holds every open-tier
// file (these are small; the large analyst-tier files pass through without being kept).

export interface ResearchContext {
  data: StudyData;
  studyTitle: string;
  suppressionK: number;
  releaseId: string;
  /** The tabular files with the study's levels (withStudyLevels). */
  described: readonly FileDef[];
  previous: PreviousRelease | undefined;
}

const text = (name: string, tier: ReleaseFile['tier'], contentType: string, body: string): ReleaseFile => ({
  name,
  tier,
  rows: null,
  contentType,
  body: new TextEncoder().encode(body),
});

/** The release's files as given, then the loaders, datapackage.json, changes.md and open-files.zip. */
export function* withResearchFiles(
  files: Iterable<ReleaseFile>,
  ctx: ResearchContext,
): Generator<ReleaseFile> {
  const open: ReleaseFile[] = [];
  const summaries: FileSummary[] = [];
  const keep = (file: ReleaseFile): ReleaseFile => {
    // Analyst-tier files change in every release (new pseudonyms): changes.md leaves their digest
    // out. An open file's digest goes with it, so the manifest does not hash it again.
    if (file.tier !== 'open') {
      summaries.push({ name: file.name, rows: file.rows, sha256: '' });
      return file;
    }
    const hashed = file.sha256 === undefined ? withSha256(file) : file;
    summaries.push({ name: file.name, rows: file.rows, sha256: hashed.sha256! });
    open.push(hashed);
    return hashed;
  };
  for (const file of files) yield keep(file);
  for (const loader of loaderFiles(ctx.described))
    yield keep(text(loader.name, loader.tier, 'text/plain; charset=utf-8', loader.body));
  const { study } = ctx.data;
  yield keep(
    text(
      'datapackage.json',
      'open',
      'application/json',
      dataPackageJson({ ...study, title: ctx.studyTitle }, ctx.releaseId, ctx.described),
    ),
  );
  yield keep(
    text(
      'changes.md',
      'open',
      'text/markdown; charset=utf-8',
      changesMarkdown(ctx.data, ctx.suppressionK, ctx.releaseId, ctx.previous, summaries),
    ),
  );
  yield {
    name: 'open-files.zip',
    tier: 'open',
    rows: null,
    contentType: 'application/zip',
    body: zipFiles(ctx.releaseId, open),
  };
}
