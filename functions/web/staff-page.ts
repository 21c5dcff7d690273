import { html, type Markup } from '../../shared/html.ts';
import type { WebAssets, WebPage } from './assets.ts';

// The server-rendered shells of the staff pages: markup only. Each page's behaviour and styles are
// its hashed script and stylesheet (functions/web/browser/), the only ones its CSP allows.

/** `<head>` contents every staff page shares: viewport, title, favicon, the page's stylesheet and script. */
export function pageHead(assets: WebAssets, page: WebPage, title: string): Markup {
  const { script, style } = assets.manifest.pages[page];
  return html`<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title}</title>
<link rel="icon" href="/assets/${assets.manifest.favicon}" type="image/svg+xml">
<link rel="stylesheet" href="/assets/${style}">
<script type="module" src="/assets/${script}"></script>`;
}

/** A signed-in staff page: header with `heading`, the pages this user may open, a sign-out button; then `main`. */
export function staffPage(
  assets: WebAssets,
  page: WebPage,
  content: { title: string; heading: Markup | string; main: Markup },
): string {
  return html`<!doctype html>
<html lang="en">
<head>
${pageHead(assets, page, content.title)}
</head>
<body>
<header>
<h1>${content.heading}</h1>
<nav id="pages" aria-label="Staff pages"></nav>
<p id="who"></p>
<button type="button" id="signout">Sign out</button>
</header>
<main>
<p id="status" role="status" aria-live="polite"></p>
${content.main}
<noscript><p>This page needs JavaScript.</p></noscript>
</main>
</body>
</html>
`.toString();
}
