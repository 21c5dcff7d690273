import { describe, expect, it } from 'vitest';
import { safeNext } from './safe-next.ts';

describe('safeNext', () => {
  it.each([
    ['/researcher/', '/researcher/'],
    ['/researcher/?tab=files#top', '/researcher/?tab=files#top'],
    ['/coordinator/', '/coordinator/'],
    // Dot segments are resolved as the browser resolves them, staying on the site.
    ['/a/../researcher/', '/researcher/'],
    // An encoded slash inside a path stays a path character.
    ['/%2F%2Fevil.example', '/%2F%2Fevil.example'],
    // After a slash, `javascript:` is only a file name on this site.
    ['/\tjavascript:alert(1)', '/javascript:alert(1)'],
  ])('keeps the same-site path %j as %j', (next, expected) => {
    expect(safeNext(next)).toBe(expected);
  });

  it.each([
    ['a tab between the slashes', '/\t/evil.example'],
    ['a newline between the slashes', '/\n/evil.example'],
    ['a carriage return between the slashes', '/\r/evil.example'],
    ['two slashes', '//evil.example'],
    ['two slashes and a path', '//evil.example/researcher/'],
    ['slash backslash', '/\\evil.example'],
    ['two backslashes', '\\\\evil.example'],
    ['a dot segment before two slashes', '/.//evil.example'],
    ['an encoded dot segment before two slashes', '/%2e//evil.example'],
    ['dot-dot before two slashes', '/..//evil.example'],
    ['three slashes', '///evil.example'],
    ['a javascript: URL', 'javascript:alert(1)'],
    ['a data: URL', 'data:text/html,<script>alert(1)</script>'],
    ['an absolute URL', 'https://evil.example/'],
    ['an absolute URL without scheme slashes', 'https:evil.example'],
    ['a leading space', ' //evil.example'],
    ['a relative path', 'researcher/'],
    ['the empty string', ''],
    ['a non-string', 42],
    ['null', null],
  ])('refuses %s', (_, next) => {
    expect(safeNext(next)).toBeNull();
  });

  it('refuses the value a once-decoded ?next=%2F%09%2Fevil.example gives', () => {
    const next = new URLSearchParams('next=%2F%09%2Fevil.example').get('next');
    expect(next).toBe('/\t/evil.example');
    expect(safeNext(next)).toBeNull();
  });

  it('never returns a value that resolves off the site, for any control character after the slash', () => {
    for (let code = 0; code < 0x80; code++) {
      for (const next of [
        `/${String.fromCharCode(code)}/evil.example`,
        `/${String.fromCharCode(code)}\\evil.example`,
      ]) {
        const kept = safeNext(next);
        if (kept !== null)
          expect(new URL(kept, 'http://tandem.test').origin, JSON.stringify(next)).toBe('http://tandem.test');
      }
    }
  });
});
