import fc from 'fast-check';

// Test support: the bad input a hostile or broken client sends, as fast-check arbitraries shared by
// the route and command-line fuzz tests. Every property runs with one fixed seed in `npm test`;
// FUZZ_RUNS=N runs N inputs per property instead of the modest default.

/** Inputs per property: FUZZ_RUNS, or `fallback` (kept small so `npm test` stays fast). */
export function fuzzRuns(fallback: number): number {
  const given = process.env.FUZZ_RUNS;
  if (given === undefined || given === '') return fallback;
  if (!/^[1-9][0-9]*$/.test(given)) throw new Error(`FUZZ_RUNS must be a whole number (received ${given})`);
  return Number(given);
}

/** The fixed seed of every property (a failure prints the seed and path that replay it). */
export const FUZZ_SEED = 20_270_901;

/** Characters that have broken parsers, renderers and logs before. */
const NASTY_CHARACTERS = [
  '\u202e', // right-to-left override
  '\u202d', // left-to-right override
  '\u2066', // left-to-right isolate
  '\u200f', // right-to-left mark
  '\u200b', // zero width space
  '\ufeff', // byte order mark
  '\u0301', // combining acute accent
  '\u0336', // combining long stroke overlay
  '\ud800', // lone high surrogate
  '\udfff', // lone low surrogate
  '\u0000',
  '\u0007',
  '\n',
  '\r',
  '\t',
  '%',
  '%00',
  '%2e%2e%2f',
  '%c0%ae',
  '..',
  '../',
  '..\\',
  '/',
  '\\',
  '<script>',
  '"',
  "'",
  '`',
  '{',
  '}',
  '__proto__',
  'constructor',
  'prototype',
  '😀',
  'ﷺ',
  'Z̵̡̛a̷l̶g̸o̴',
  'العربية',
  '日本語',
];

/** A string mixing ordinary text with the characters above, up to `maxLength` pieces. */
export function nastyString(maxLength = 12): fc.Arbitrary<string> {
  return fc
    .array(
      fc.oneof(
        { weight: 3, arbitrary: fc.constantFrom(...NASTY_CHARACTERS) },
        { weight: 2, arbitrary: fc.string({ unit: 'grapheme', maxLength: 6 }) },
        { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 6 }) },
        { weight: 1, arbitrary: fc.stringMatching(/^[A-Za-z0-9_-]{1,8}$/) },
      ),
      { maxLength },
    )
    .map((parts) => parts.join(''));
}

/** Path traversal and look-alikes, as they would appear in one path segment (raw, not encoded). */
export const traversal = fc.constantFrom(
  '..',
  '.',
  '%2e%2e',
  '%2E%2E%2F..%2Fetc%2Fpasswd',
  '..%2f..%2f..%2fetc%2fpasswd',
  '%252e%252e%252f',
  '..%5c..%5cwindows',
  '%c0%ae%c0%ae%2f',
  '%ED%A0%80',
  '%FF%FE',
  '%',
  '%zz',
  '%00',
  'manifest.json%00.csv',
  '..;',
  '~root',
);

/** Percent-encodes a string's UTF-8 bytes (lone surrogates become U+FFFD, as a browser would send). */
export function encodeSegment(text: string): string {
  return [...Buffer.from(text, 'utf8')]
    .map((byte) =>
      /[A-Za-z0-9_.~-]/.test(String.fromCharCode(byte))
        ? String.fromCharCode(byte)
        : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`,
    )
    .join('');
}

/** A path segment as sent on the wire: traversal as it is, or any string percent-encoded. */
export const pathSegment: fc.Arbitrary<string> = fc.oneof(
  traversal,
  nastyString()
    .filter((s) => s !== '')
    .map(encodeSegment),
  fc.string({ unit: 'binary', minLength: 200, maxLength: 400 }).map(encodeSegment),
);

/** Token-like strings of every length from 0 to 300, in the token alphabet and beyond it. */
export const tokenLike: fc.Arbitrary<string> = fc.oneof(
  fc
    .integer({ min: 0, max: 300 })
    .chain((length) => fc.stringMatching(new RegExp(`^[A-Za-z0-9_-]{${length}}$`))),
  fc.nat({ max: 300 }).map((length) => 'A'.repeat(length)),
  nastyString(20).map(encodeSegment),
  traversal,
);

/** JSON-ish values: objects with prototype keys, numbers as strings, deep nesting, big arrays. */
export const hostileValue: fc.Arbitrary<unknown> = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constantFrom(
      null,
      true,
      false,
      0,
      -1,
      1.5,
      1e308,
      -1e308,
      Number.MAX_SAFE_INTEGER + 2,
      '1',
      '01',
      '1e3',
      '0x10',
      ' 3 ',
      'NaN',
      'Infinity',
      '',
      'true',
    ),
    fc.double(),
    fc.integer(),
    nastyString(),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.array(fc.constant(1), { minLength: 1000, maxLength: 3000 }),
    fc.dictionary(
      fc.oneof(nastyString(4), fc.constantFrom('__proto__', 'constructor', 'prototype')),
      tie('value'),
      {
        maxKeys: 4,
      },
    ),
  ),
})).value;

/** JSON text of an object with `__proto__`/`constructor` keys that JSON.parse keeps as own keys. */
export const prototypeKeys: fc.Arbitrary<string> = fc
  .tuple(fc.constantFrom('__proto__', 'constructor', 'prototype'), hostileValue)
  .map(([key, value]) => `{"${key}": ${JSON.stringify(value) ?? 'null'}, "${key}": {"polluted": true}}`);

/** JSON text cut short somewhere, or broken in the ways hand-written clients break it. */
export function brokenJson(of: fc.Arbitrary<unknown>): fc.Arbitrary<string> {
  return fc.oneof(
    fc
      .tuple(of, fc.nat())
      .map(([value, cut]) => {
        const text = JSON.stringify(value) ?? 'null';
        return text.length > 1 ? text.slice(0, cut % (text.length - 1)) : '{';
      })
      .filter((text) => {
        try {
          JSON.parse(text);
          return false;
        } catch {
          return true;
        }
      }),
    fc.constantFrom(
      '{',
      '[',
      '{"a":',
      "{'a': 1}",
      '{"a": 1,}',
      'undefined',
      '{"a": NaN}',
      '\u0000',
      '{"a": 1}}',
    ),
  );
}

/** A form body cut short, with duplicated and odd fields. */
export const brokenForm: fc.Arbitrary<string> = fc
  .array(fc.tuple(nastyString(4), nastyString(6)), { maxLength: 8 })
  .chain((pairs) =>
    fc.tuple(
      fc.constant(
        pairs
          .map(
            ([k, v]) =>
              `${encodeURIComponent(k.replace(/[\ud800-\udfff]/g, ''))}=${v.replace(/[\ud800-\udfff]/g, '')}`,
          )
          .join('&'),
      ),
      fc.nat(),
    ),
  )
  .map(([text, cut]) => `${text.slice(0, text.length === 0 ? 0 : cut % (text.length + 1))}%`);

/** Content types a body may claim, right or wrong. */
export const contentType = fc.constantFrom(
  'application/json',
  'application/json; charset=utf-8',
  'application/json; charset=utf-16',
  'application/x-www-form-urlencoded',
  'application/x-www-form-urlencoded; charset=iso-8859-1',
  'multipart/form-data; boundary=----x',
  'text/plain',
  'text/html',
  'application/xml',
  'application/octet-stream',
  'application/vnd.api+json',
  'image/png',
  '',
  ';;;',
  'application/json\u00e9',
);

/** A body as bytes: text in odd encodings, random bytes, or too large for a route (16 KB). */
export function bodyBytes(text: fc.Arbitrary<string>): fc.Arbitrary<Buffer> {
  return fc.oneof(
    { weight: 5, arbitrary: text.map((t) => Buffer.from(t, 'utf8')) },
    {
      weight: 1,
      arbitrary: text.map((t) => Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(t, 'utf8')])),
    },
    { weight: 1, arbitrary: text.map((t) => Buffer.from(t, 'utf16le')) },
    { weight: 1, arbitrary: text.map((t) => Buffer.from(t, 'latin1')) },
    { weight: 1, arbitrary: fc.uint8Array({ maxLength: 512 }).map((bytes) => Buffer.from(bytes)) },
    {
      weight: 1,
      arbitrary: fc
        .integer({ min: 16 * 1024 + 1, max: 40 * 1024 })
        .map((size) => Buffer.alloc(size, '{'.charCodeAt(0))),
    },
  );
}

/** The text without C0 control characters (tab kept) and DEL, which no header value may hold. */
const withoutControlCharacters = (text: string): string =>
  [...text].filter((char) => char === '\t' || (char >= ' ' && char !== '\u007f')).join('');

/** Extra request headers: odd languages, accept types, forwarded addresses, cookies, encodings. */
export const noiseHeaders: fc.Arbitrary<Record<string, string>> = fc
  .record(
    {
      accept: fc.constantFrom(
        'application/json',
        'text/html',
        '*/*',
        'text/html;q=0.1, application/json',
        '',
      ),
      'accept-language': fc.oneof(
        nastyString(6),
        fc.constantFrom('ar', 'de-DE,de;q=0.9', '*;q=0', 'en;q=abc'),
      ),
      'x-forwarded-for': fc.oneof(nastyString(4), fc.constantFrom('1.2.3.4, 5.6.7.8', '::1', 'unknown')),
      cookie: nastyString(6),
      'content-encoding': fc.constantFrom('gzip', 'br', 'identity', 'x-nonsense'),
      'x-amzn-trace-id': nastyString(4),
    },
    { requiredKeys: [] },
  )
  // Header values travel as bytes: UTF-8 text, without the control characters HTTP forbids.
  .map((headers) =>
    Object.fromEntries(
      Object.entries(headers).map(([name, value]) => [
        name,
        Buffer.from(withoutControlCharacters(value), 'utf8').toString('latin1'),
      ]),
    ),
  );

/** Bearer values that are not a valid token: every length, JWT-shaped garbage, other schemes. */
export const badAuthorization: fc.Arbitrary<string | undefined> = fc.oneof(
  fc.constant(undefined),
  fc.constantFrom('', 'Bearer', 'Bearer ', 'Basic YWRtaW46YWRtaW4=', 'bearer x.y.z', 'Bearer null'),
  tokenLike.map((token) => `Bearer ${token}`),
  fc
    .tuple(
      fc.base64String({ maxLength: 80 }),
      fc.base64String({ maxLength: 200 }),
      fc.base64String({ maxLength: 80 }),
    )
    .map(([a, b, c]) => `Bearer ${a}.${b}.${c}`),
  fc.constant(
    'Bearer eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0.eyJzdWIiOiJ4IiwiY29nbml0bzpncm91cHMiOlsibGVhZCJdfQ.',
  ),
);
