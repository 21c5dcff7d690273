import { ALL_SITES } from '../columns.ts';
import { DYAD_STATUSES, type StudyData } from '../load/study-data.ts';

// changes.md (DESIGN §8): what changed since the previous release, without giving a reader anything
// about fewer than k dyads. It never prints a site's total (two consecutive totals, 7 then 8, would
// single out one dyad by differencing); it prints only what is new since the previous release, and
// only counts that k or more dyads (therapists, for therapist-level answers) stand behind. The
// pooled line is left out when the sites it hides would describe fewer than k by subtraction.

/** What changes.md needs of the release it compares with. */
export interface PreviousRelease {
  releaseId: string;
  /** Days since 1970-01-01 of the date (study time zone) the previous release was made. */
  sinceDay: number;
  files: readonly FileSummary[];
}

/** A file as manifests list it (sha256 '' for an analyst-tier file of this release: not hashed). */
export interface FileSummary {
  name: string;
  rows: number | null;
  sha256: string;
}

/** The line changes.md starts with when there is a previous release (read back on a rerun). */
export const COMPARED_WITH = 'Compared with release ';

interface SiteNews {
  siteId: string;
  newDyads: number;
  newResponses: number;
  /** Distinct dyads and therapists (for therapist-level answers) behind the new responses. */
  owners: number;
}

function siteNews(data: StudyData, sinceDay: number): SiteNews[] {
  const news: SiteNews[] = data.sites.map((site) => ({
    siteId: site.siteId,
    newDyads: 0,
    newResponses: 0,
    owners: 0,
  }));
  const withdrawn = DYAD_STATUSES.indexOf('withdrawn');
  const { dyads, responses: r } = data;
  for (let d = 0; d < dyads.count; d++)
    if (dyads.enrolledDay[d]! >= sinceDay && dyads.status[d] !== withdrawn) news[dyads.site[d]!]!.newDyads++;
  // Each dyad (therapist, for therapist-level responses) counts once, at the site of its response.
  const dyadSeen = new Uint8Array(dyads.count);
  const therapistSeen = new Uint8Array(data.therapists.length);
  for (let i = 0; i < r.count; i++) {
    if (r.day[i]! < sinceDay) continue;
    const site = news[r.site[i]!]!;
    site.newResponses++;
    const d = r.dyad[i]!;
    const seen = d >= 0 ? dyadSeen : therapistSeen;
    const owner = d >= 0 ? d : r.therapist[i]!;
    if (seen[owner] === 0) {
      seen[owner] = 1;
      site.owners++;
    }
  }
  return news;
}

/** `count` when `behind` (the dyads it describes) is at least k, else "fewer than k". */
const shown = (count: number, behind: number, k: number, what: string): string =>
  behind >= k ? `${count} ${what}` : `fewer than ${k} ${what}`;

function siteLines(news: readonly SiteNews[], k: number): string[] {
  const lines = ['| site | new dyads | new responses |', '| --- | --- | --- |'];
  for (const site of news) {
    lines.push(
      `| ${site.siteId} | ${shown(site.newDyads, site.newDyads, k, 'dyads')} | ${site.owners >= k ? `${site.newResponses} responses from ${site.owners} dyads or therapists` : `from fewer than ${k} dyads or therapists`} |`,
    );
  }
  // ALL minus the sites shown would describe the hidden sites together: show it only when they
  // together stand for k or more (or when no site is hidden).
  const hiddenDyads = news.filter((site) => site.newDyads < k).reduce((sum, site) => sum + site.newDyads, 0);
  const hiddenOwners = news.filter((site) => site.owners < k).reduce((sum, site) => sum + site.owners, 0);
  const total = (pick: (site: SiteNews) => number): number => news.reduce((sum, site) => sum + pick(site), 0);
  const hidden = 'not shown (it would reveal the sites above that are not)';
  const allDyads =
    news.every((site) => site.newDyads >= k) || hiddenDyads >= k
      ? `${total((site) => site.newDyads)} dyads`
      : hidden;
  const allResponses =
    news.every((site) => site.owners >= k) || hiddenOwners >= k
      ? `${total((site) => site.newResponses)} responses`
      : hidden;
  lines.push(`| ${ALL_SITES} | ${allDyads} | ${allResponses} |`);
  return lines;
}

/**
 * The tables whose rows changed: open-tier tables whose bytes differ, analyst-tier tables whose row
 * count differs (their pseudonyms are new in every release, so their bytes always differ).
 */
function fileLines(previous: PreviousRelease, files: readonly FileSummary[]): string[] {
  const before = new Map(previous.files.map((file) => [file.name, file]));
  const tables = files.filter((file) => file.rows !== null);
  const now = new Set(tables.map((file) => file.name));
  const rows = (file: FileSummary): string => String(file.rows);
  const lines: string[] = [];
  for (const file of tables) {
    const old = before.get(file.name);
    const changed = !old || (file.sha256 === '' ? old.rows !== file.rows : old.sha256 !== file.sha256);
    if (changed) lines.push(`| ${file.name} | ${old ? rows(old) : 'new file'} | ${rows(file)} |`);
  }
  for (const old of previous.files)
    if (old.rows !== null && !now.has(old.name))
      lines.push(`| ${old.name} | ${rows(old)} | no longer released |`);
  return lines.length
    ? ['| file | rows before | rows now |', '| --- | --- | --- |', ...lines]
    : ['No table changed.'];
}

/** changes.md of a release, against the previous one (or saying it is the first). */
export function changesMarkdown(
  data: StudyData,
  k: number,
  releaseId: string,
  previous: PreviousRelease | undefined,
  files: readonly FileSummary[],
): string {
  const head = [`# Changes in release ${releaseId}`, ''];
  if (!previous)
    return `${[...head, 'This is the first release: there is nothing to compare it with.', ''].join('\n')}`;
  const lines = [
    ...head,
    `${COMPARED_WITH}${previous.releaseId}.`,
    '',
    `New since the previous release: dyads enrolled and responses submitted on or after its date. A count is shown only when at least ${k} dyads (therapists, for therapist-level questionnaires) stand behind it; no site total is given, so that two releases cannot be subtracted to describe fewer than ${k} dyads. Withdrawals are not listed.`,
    '',
    '## New dyads and responses by site',
    '',
    ...siteLines(siteNews(data, previous.sinceDay), k),
    '',
    '## Tables whose rows changed',
    '',
    'Open-tier tables whose content changed, and analyst-tier tables whose number of rows changed (their pseudonyms are new in every release); row counts as in the two manifests.',
    '',
    ...fileLines(previous, files),
    '',
  ];
  return lines.join('\n');
}
