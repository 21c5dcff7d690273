import './staff.css';
import { formatDateTime } from '../../../shared/dates.ts';
import { apiJson, messageOf } from './api.ts';
import type { Manifest, ManifestFile, ReleaseRecord } from './api-types.ts';
import { announce, byId, h } from './dom.ts';
import { counted, size } from './labels.ts';
import { startStaffPage } from './shell.ts';

// The researcher page: releases, their manifests, the report, the loaders and tier-aware downloads.
// A download asks the API for a 5-minute presigned link, then navigates to it; the link is never kept.

/** Each loader a release may hold, with the one line that loads the release in its language. */
const LOADERS: { file: string; language: string; command: string }[] = [
  { file: 'load.R', language: 'R', command: 'source("load.R")' },
  { file: 'load.py', language: 'Python', command: 'python3 -i load.py' },
  { file: 'load.sps', language: 'SPSS / PSPP', command: 'pspp load.sps' },
  { file: 'load.do', language: 'Stata', command: 'do load.do' },
];
const OPEN_FILES_ZIP = 'open-files.zip';

const releasePath = (releaseId: string): string => `/api/v1/releases/${encodeURIComponent(releaseId)}`;

let isAnalyst = false;

async function download(releaseId: string, name: string): Promise<void> {
  announce(`Preparing ${name}…`);
  try {
    const body = await apiJson<{ url: string }>(
      `${releasePath(releaseId)}/files/${encodeURIComponent(name)}`,
    );
    announce(`Opening ${name} (the link works for 5 minutes).`);
    location.assign(body.url);
  } catch (error) {
    announce(messageOf(error), true);
  }
}

const mayTake = (file: ManifestFile): boolean => file.tier === 'open' || isAnalyst;

function downloadButton(releaseId: string, file: ManifestFile, text = 'Download'): Element {
  return mayTake(file)
    ? h('button', {
        type: 'button',
        class: 'secondary',
        text,
        'aria-label': `${text === 'Download' ? 'Download' : text} ${file.name}`,
        onclick: () => void download(releaseId, file.name),
      })
    : h('span', { class: 'muted', text: 'analysts only' });
}

/** The loaders in the release, each with the line to paste, and the one archive of all open files. */
function loadersView(manifest: Manifest): Element | null {
  const present = LOADERS.flatMap((loader) => {
    const file = manifest.files.find((f) => f.name === loader.file);
    return file ? [{ ...loader, manifestFile: file }] : [];
  });
  const zip = manifest.files.find((f) => f.name === OPEN_FILES_ZIP);
  if (!present.length && !zip) return null;
  return h('section', { class: 'loaders', 'aria-label': `Loading release ${manifest.releaseId}` }, [
    h('h2', { text: 'Load the release' }),
    zip
      ? h('p', {}, [
          downloadButton(manifest.releaseId, zip, 'All open files'),
          ` ${OPEN_FILES_ZIP}, ${size(zip.bytes)}: unpack it, then run a loader in that folder.`,
        ])
      : null,
    present.length
      ? h(
          'ul',
          { class: 'plain' },
          present.map((loader) =>
            h('li', { 'data-loader': loader.file }, [
              h('strong', { text: loader.language }),
              ': ',
              h('code', { text: loader.command }),
              ' ',
              downloadButton(manifest.releaseId, loader.manifestFile),
            ]),
          ),
        )
      : null,
  ]);
}

function manifestView(manifest: Manifest): Element {
  const report = manifest.files.find((f) => f.name === 'report.html');
  const { inputs } = manifest;
  const rows = manifest.files.map((file) =>
    h('tr', {}, [
      h('th', { scope: 'row' }, h('code', { text: file.name })),
      h('td', { text: file.tier }),
      h('td', { class: 'num', text: file.rows ?? '–' }),
      h('td', { class: 'num', text: size(file.bytes) }),
      h('td', {}, downloadButton(manifest.releaseId, file)),
    ]),
  );
  const caption = `Files of release ${manifest.releaseId} with their tier, rows and size`;
  return h('div', {}, [
    h('dl', { class: 'facts' }, [
      h('dt', { text: 'Study' }),
      h('dd', { text: manifest.studyId }),
      h('dt', { text: 'Created' }),
      h('dd', {}, h('time', { datetime: manifest.createdAt, text: formatDateTime(manifest.createdAt) })),
      h('dt', { text: 'Inputs' }),
      h('dd', {
        text: [
          counted(inputs.dyads, { one: 'dyad', other: 'dyads' }),
          counted(inputs.responses, { one: 'response', other: 'responses' }),
          `${inputs.skipped} skipped`,
        ].join(', '),
      }),
      h('dt', { text: 'Suppression k' }),
      h('dd', { text: manifest.suppressionK }),
    ]),
    report && mayTake(report)
      ? h(
          'p',
          {},
          h('button', {
            type: 'button',
            text: 'Open the report',
            'aria-label': `Open the report of release ${manifest.releaseId}`,
            onclick: () => void download(manifest.releaseId, report.name),
          }),
        )
      : null,
    loadersView(manifest),
    h('div', { class: 'scroll', role: 'region', 'aria-label': caption, tabindex: 0 }, [
      h('table', { class: 'files' }, [
        h('caption', { class: 'muted', text: caption }),
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            ['file', 'tier', 'rows', 'size', 'download'].map((t) => h('th', { scope: 'col', text: t })),
          ),
        ),
        h('tbody', {}, rows),
      ]),
    ]),
  ]);
}

function releaseView(release: ReleaseRecord, isLatest: boolean): Element {
  const body = h('div', { class: 'manifest' }, h('p', { class: 'muted', text: 'Loading the manifest…' }));
  let loaded = false;
  const details = h('details', { class: 'release', 'data-release': release.releaseId }, [
    h('summary', {}, [
      `Release ${release.releaseId}`,
      isLatest ? h('span', { class: 'badge', text: 'latest' }) : null,
    ]),
    body,
  ]);
  const load = () => {
    if (loaded) return;
    loaded = true;
    apiJson<Manifest>(releasePath(release.releaseId))
      .then((manifest) => body.replaceChildren(manifestView(manifest)))
      .catch((error: unknown) => {
        loaded = false;
        body.replaceChildren(h('p', { class: 'muted', text: messageOf(error) }));
      });
  };
  details.addEventListener('toggle', () => {
    if (details.open) load();
  });
  if (isLatest) details.open = true;
  return details;
}

async function start(): Promise<void> {
  const { roles } = await startStaffPage();
  isAnalyst = roles.includes('analyst');
  const list = byId('releases');
  const body = await apiJson<{ releases: ReleaseRecord[]; latest: string | null }>('/api/v1/releases');
  if (!body.releases.length) {
    list.replaceChildren(
      h('p', {
        text: 'No release has been published yet. The nightly job publishes one after the first responses arrive.',
      }),
    );
    return;
  }
  const latest = body.latest ?? body.releases[0]?.releaseId;
  list.replaceChildren(...body.releases.map((release) => releaseView(release, release.releaseId === latest)));
  announce(`${counted(body.releases.length, { one: 'release', other: 'releases' })}.`);
}

start().catch((error: unknown) => announce(messageOf(error), true));
