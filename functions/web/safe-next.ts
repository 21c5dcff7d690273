/**
 * Where a sign-in may go on to (`?next=`): a path on this site, as the browser will follow it, or
 * null. The value is parsed with the URL parser browsers use (which drops tabs and newlines and reads
 * `\` as `/`), so `/\t/evil.example`, `/\evil.example` and `/.//evil.example` cannot leave the site.
 *
 * Self-contained (no imports, nothing from outside its body but `URL`): the server and the bundled
 * sign-in script (functions/web/browser/signin.ts) both import it.
 */
export function safeNext(next: unknown): string | null {
  if (typeof next !== 'string' || next.charAt(0) !== '/') return null;
  // Any origin of a special scheme parses paths alike; this one cannot be a real site.
  const origin = 'https://tandem.invalid';
  let url: URL;
  try {
    url = new URL(next, origin);
  } catch {
    return null;
  }
  if (url.origin !== origin) return null;
  const path = url.pathname + url.search + url.hash;
  // A path that begins with two slashes would be read as another host when followed.
  if (path.charAt(0) !== '/' || path.charAt(1) === '/' || path.charAt(1) === '\\') return null;
  return path;
}
