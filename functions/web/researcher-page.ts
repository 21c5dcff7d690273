import { authClientScript } from './auth-client.ts';

/**
 * The researcher page: the list of releases and their files, fetched with the signed-in user's token.
 * (Minimal version written with the local runtime; the researcher-side engineer owns this file.)
 */
export function researcherPage(): string {
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Releases · Tandem</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:48rem;margin:2rem auto;padding:0 1rem}li{margin:.25rem 0}</style>
</head>
<body>
<h1>Releases</h1>
<p><button type="button" onclick="tandemSignOut()">Sign out</button></p>
<ul id="releases"><li>Loading…</li></ul>
<script>
${authClientScript}
tandemFetch('/api/v1/releases').then(function (r) { return r.json(); }).then(function (body) {
  var list = document.getElementById('releases');
  list.textContent = '';
  var releases = Array.isArray(body) ? body : body.releases || [];
  if (!releases.length) list.textContent = 'No release has been published yet.';
  releases.forEach(function (release) {
    var item = document.createElement('li');
    item.textContent = release.releaseId + ' (' + release.createdAt + ')';
    list.append(item);
  });
});
</script>
</body>
</html>
`;
}
