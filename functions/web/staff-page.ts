import { contentSecurityPolicy, mergePolicies, type PagePolicy } from '../http/security-headers.ts';
import { authClientScript } from './auth-client.ts';

// What the signed-in staff pages (coordinator dashboard, researcher releases) have in common: the
// page shell with its header and sign-out button, the base styles, and the DOM helpers their
// scripts build with (createElement and textContent only, never innerHTML).

/** Base styles of a staff page; each page appends its own. */
export const STAFF_CSS = `
*{box-sizing:border-box}
body{margin:0;font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1d232b;background:#f4f5f7}
header{display:flex;flex-wrap:wrap;align-items:center;gap:.5rem 1rem;padding:.75rem 1.25rem;background:#14365f;color:#fff}
header h1{font-size:1.25rem;margin:0;flex:1 1 auto}
header p{margin:0}
header button{background:#fff;color:#14365f;border:0}
button.secondary{background:#fff;color:#1f5fbf}
th{background:#eef0f3}
.muted{color:#4a5563}
#status{min-height:1.5rem;font-weight:600}
#status.error{color:#a4161a}
`;

/**
 * Script text for inside a page's IIFE: `statusEl`, `setAttrs(el, attrs)`, `append(el, children)`,
 * `h(tag, attrs, children)` (attrs: `text`, `on<event>`, else attributes) and
 * `announce(message, isError)` into the #status live region.
 */
export const DOM_SCRIPT = `
  var statusEl = document.getElementById('status');
  function setAttrs(el, attrs) {
    Object.keys(attrs || {}).forEach(function (key) {
      var value = attrs[key];
      if (value === undefined || value === null || value === false) return;
      if (key === 'text') el.textContent = String(value);
      else if (key.slice(0, 2) === 'on') el.addEventListener(key.slice(2), value);
      else el.setAttribute(key, value === true ? '' : String(value));
    });
  }
  function append(el, children) {
    (Array.isArray(children) ? children : [children]).forEach(function (child) {
      if (child === undefined || child === null || child === false) return;
      el.appendChild(typeof child === 'object' ? child : document.createTextNode(String(child)));
    });
  }
  function h(tag, attrs, children) {
    var el = document.createElement(tag);
    setAttrs(el, attrs);
    append(el, children);
    return el;
  }
  function announce(message, isError) {
    statusEl.textContent = message;
    statusEl.className = isError ? 'error' : '';
  }
`;

/** A static page and the Content-Security-Policy that lets exactly its inline script and styles run. */
export interface StaticPage {
  html: string;
  csp: string;
}

/**
 * A whole staff page: head, header with `heading` and a sign-out button, `main`, then the auth
 * client and `script`; its policy allows those two inline texts, `fetch` to this site, and `also`.
 */
export function staffPage(page: {
  title: string;
  heading: string;
  css: string;
  main: string;
  script: string;
  also?: PagePolicy;
}): StaticPage {
  const style = `${STAFF_CSS}${page.css}`;
  const script = `
${authClientScript}
${page.script}
`;
  const own: PagePolicy = { scripts: [script], styles: [style], connect: ["'self'"] };
  const html = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${page.title}</title>
<style>${style}</style>
</head>
<body>
<header>
<h1>${page.heading}</h1>
<p id="who"></p>
<button type="button" id="signout">Sign out</button>
</header>
<main>
<p id="status" role="status" aria-live="polite"></p>
${page.main}
</main>
<script>${script}</script>
</body>
</html>
`;
  return { html, csp: contentSecurityPolicy(page.also ? mergePolicies(own, page.also) : own) };
}
