import { DOM_SCRIPT, type StaticPage, staffPage } from './staff-page.ts';

// The researcher page is static: it holds no data and calls the release API with the signed-in
// user's token (sessionStorage `tandem.idToken`, sent as Bearer). It builds the DOM with
// createElement and textContent only, so nothing a manifest holds can become markup. A download
// asks the API for a 5-minute presigned link, then navigates to it; the link is never kept.

const CSS = `
main{padding:1rem 1.25rem 3rem;max-width:1100px;margin:0 auto}
button{font:inherit;padding:.3rem .75rem;border-radius:.35rem;border:1px solid #1f5fbf;background:#1f5fbf;color:#fff;cursor:pointer}
button:focus-visible,summary:focus-visible{outline:3px solid #f2a900;outline-offset:2px}
details.release{background:#fff;border:1px solid #d5d9df;border-radius:.5rem;margin:.75rem 0;padding:.5rem 1rem}
details.release summary{cursor:pointer;font-weight:600;font-size:1.05rem;padding:.25rem 0}
.badge{display:inline-block;margin-inline-start:.5rem;padding:0 .45rem;border-radius:.8rem;background:#2e7d32;color:#fff;font-size:.8rem;font-weight:600}
dl.facts{display:grid;grid-template-columns:max-content 1fr;gap:.1rem 1rem;margin:.5rem 0}
dl.facts dt{color:#4a5563}dl.facts dd{margin:0}
table{border-collapse:collapse;width:100%;font-size:.9rem;margin:.5rem 0}
th,td{text-align:start;padding:.3rem .45rem;border-bottom:1px solid #e1e4e8;vertical-align:middle}
td.num{text-align:end;font-variant-numeric:tabular-nums}
code{overflow-wrap:anywhere}
`;

const SCRIPT = `
(function () {
  'use strict';
${DOM_SCRIPT}
  var listEl = document.getElementById('releases');
  var claims = tandemClaims();
  var roles = (claims && claims['cognito:groups']) || [];
  if (typeof roles === 'string') roles = roles.replace(/^\\[|\\]$/g, '').split(/[\\s,]+/);
  var isAnalyst = roles.indexOf('analyst') !== -1;

  function api(path) {
    return tandemFetch(path).then(function (response) {
      return response.json().catch(function () { return null; }).then(function (body) {
        if (response.ok) return body;
        throw new Error((body && body.error && body.error.message) || 'The request failed (' + response.status + ').');
      });
    });
  }
  function releasePath(releaseId) { return '/api/v1/releases/' + encodeURIComponent(releaseId); }
  function size(bytes) {
    if (bytes < 1024) return bytes + ' B';
    if (bytes < 1048576) return (bytes / 1024).toFixed(1) + ' KB';
    return (bytes / 1048576).toFixed(1) + ' MB';
  }
  function download(releaseId, name) {
    announce('Preparing ' + name + '…');
    api(releasePath(releaseId) + '/files/' + encodeURIComponent(name)).then(function (body) {
      announce('Opening ' + name + ' (the link works for 5 minutes).');
      location.assign(body.url);
    }).catch(function (error) { announce(error.message, true); });
  }

  function manifestView(manifest) {
    var hasReport = manifest.files.some(function (f) { return f.name === 'report.html'; });
    var rows = manifest.files.map(function (file) {
      var allowed = file.tier === 'open' || isAnalyst;
      return h('tr', {}, [
        h('th', { scope: 'row' }, [h('code', { text: file.name })]),
        h('td', { text: file.tier }),
        h('td', { class: 'num', text: file.rows === undefined || file.rows === null ? '–' : file.rows }),
        h('td', { class: 'num', text: size(file.bytes) }),
        h('td', {}, [allowed
          ? h('button', { type: 'button', class: 'secondary', 'aria-label': 'Download ' + file.name, text: 'Download', onclick: function () { download(manifest.releaseId, file.name); } })
          : h('span', { class: 'muted', text: 'analysts only' })]),
      ]);
    });
    return h('div', {}, [
      h('dl', { class: 'facts' }, [
        h('dt', { text: 'Study' }), h('dd', { text: manifest.studyId }),
        h('dt', { text: 'Created' }), h('dd', { text: manifest.createdAt }),
        h('dt', { text: 'Inputs' }), h('dd', { text: manifest.inputs.dyads + ' dyads, ' + manifest.inputs.responses + ' responses, ' + manifest.inputs.skipped + ' skipped' }),
        h('dt', { text: 'Suppression k' }), h('dd', { text: manifest.suppressionK }),
      ]),
      hasReport ? h('p', {}, [h('button', { type: 'button', text: 'Open the report', 'aria-label': 'Open the report of release ' + manifest.releaseId, onclick: function () { download(manifest.releaseId, 'report.html'); } })]) : null,
      h('table', {}, [
        h('caption', { class: 'muted', text: 'Files of release ' + manifest.releaseId + ' with their tier, rows and size' }),
        h('thead', {}, [h('tr', {}, ['file', 'tier', 'rows', 'size', 'download'].map(function (t) { return h('th', { scope: 'col', text: t }); }))]),
        h('tbody', {}, rows),
      ]),
    ]);
  }

  function releaseView(release, isLatest) {
    var body = h('div', { class: 'manifest' }, [h('p', { class: 'muted', text: 'Loading the manifest…' })]);
    var loaded = false;
    var details = h('details', { class: 'release', 'data-release': release.releaseId }, [
      h('summary', {}, ['Release ' + release.releaseId, isLatest ? h('span', { class: 'badge', text: 'latest' }) : null]),
      body,
    ]);
    function load() {
      if (loaded) return;
      loaded = true;
      api(releasePath(release.releaseId)).then(function (manifest) {
        body.replaceChildren(manifestView(manifest));
      }).catch(function (error) {
        loaded = false;
        body.replaceChildren(h('p', { class: 'muted', text: error.message }));
      });
    }
    details.addEventListener('toggle', function () { if (details.open) load(); });
    if (isLatest) details.open = true;
    return details;
  }

  document.getElementById('signout').addEventListener('click', tandemSignOut);
  document.getElementById('who').textContent = claims ? (claims['cognito:username'] || claims.email || claims.sub) + ' · ' + roles.join(', ') : '';
  api('/api/v1/releases').then(function (body) {
    listEl.replaceChildren();
    if (!body.releases.length) {
      listEl.appendChild(h('p', { text: 'No release has been published yet. The nightly job publishes one after the first responses arrive.' }));
      return;
    }
    var latest = body.latest || body.releases[0].releaseId;
    body.releases.forEach(function (release) { listEl.appendChild(releaseView(release, release.releaseId === latest)); });
    announce(body.releases.length + ' release(s).');
  }).catch(function (error) { announce(error.message, true); });
})();
`;

/** The researcher page: releases, their manifests, the report and tier-aware downloads. */
export function researcherPage(): StaticPage {
  return staffPage({
    title: 'Releases · Tandem',
    heading: 'Tandem releases',
    css: CSS,
    main: `<p class="muted">Each nightly release holds de-identified tables (CSV and Parquet), their codebook and a report. Open-tier files are for every researcher; analyst-tier files only for approved analysts. Every download is logged.</p>
<div id="releases"><p>Loading…</p></div>`,
    script: SCRIPT,
  });
}
