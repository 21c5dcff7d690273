import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { InstrumentDefinition } from '../../shared/instruments/schema.ts';
import { studyInstruments } from '../../shared/study/instruments.ts';
import { fixture, writeFixture } from '../../test/release/fixture.ts';
import { loadRawExport, readDyads, readStudyFile } from './raw-export.ts';
import { ResponseLineScanner } from './response-line.ts';
import { NO_ANSWER, type StudyData, StudyDataBuilder } from './study-data.ts';

// The scanner is a fast path in front of JSON.parse: a line it takes must give exactly what
// JSON.parse gives, and a line it does not take must reach JSON.parse and its messages unchanged.

const data = fixture([3, 2]);
const good = data.responses.find((r) => r.instrument === 'alliance-client')!;
const line = JSON.stringify(good);
const { answers: _, ...withoutAnswers } = good;
const therapistLevel = JSON.stringify(data.responses.find((r) => r.instrument === 'therapist-wellbeing')!);

/** Lines the scanner must leave to JSON.parse, each valid or not, with why. */
const leftToJsonParse: Record<string, string> = {
  'whitespace between tokens': line.replaceAll(',"', ', "').replace('{', '{ '),
  'an escaped key': line.replace('"siteId"', '"site\\u0049d"'),
  'an escaped value': line.replace('"siteId":"', '"siteId":"\\u0073').replace('"ssite', '"site'),
  'a session written 1.0': line.replace(/"session":(\d+)/, '"session":$1.0'),
  'a session written 1e0': line.replace(/"session":(\d+)/, '"session":$1e0'),
  'a session with a leading zero': line.replace(/"session":(\d+)/, '"session":0$1'),
  'a session as a string': line.replace(/"session":(\d+)/, '"session":"$1"'),
  'a session too large': line.replace(/"session":(\d+)/, '"session":1234567890'),
  'a repeated key (JSON.parse keeps the last)': line.replace(/}$/, ',"session":5}'),
  'answers before the instrument': JSON.stringify({ answers: good.answers, ...withoutAnswers }),
  'a repeated item (JSON.parse keeps the last)': line.replace('"i1":', '"i1":null,"i1":'),
  'an answer written 3.0': line.replace(/"i2":\d+/, '"i2":3.0'),
  'an answer written -0': line.replace(/"i2":\d+/, '"i2":-0'),
  'an answer off the scale': line.replace(/"i2":\d+/, '"i2":9'),
  'an answer as a string': line.replace(/"i2":(\d+)/, '"i2":"$1"'),
  'an unknown item': line.replace('"i1":', '"i99":'),
  'an unknown instrument (its items are unknown)': line.replace(
    /"instrument":"[^"]*"/,
    '"instrument":"no-such-scale"',
  ),
  'a nested value under an unknown key': line.replace(/}$/, ',"meta":{"a":1}}'),
  'a number under an unknown key': line.replace(/}$/, ',"seq":7}'),
  'a language that is a number': line.replace(/"language":"[^"]*"/, '"language":7'),
  'bytes after the object': `${line}x`,
  'a second object': `${line}{}`,
  'a cut line': line.slice(0, -1),
  'a control character in a string': line.replace('"siteId":"', '"siteId":"\t'),
  'a leading space': ` ${line}`,
  'a byte order mark': `\ufeff${line}`,
  'a JSON array': `[${line}]`,
};

/** Lines the scanner takes apart that the builder's checks then reject (and JSON.parse reports). */
const rejectedByChecks: Record<string, string> = {
  'an empty object': '{}',
  'a missing language': line.replace(/,"language":"[^"]*"/, ''),
  'a dyad instrument without a dyad': line.replace(/"dyadId":"[^"]*"/, '"dyadId":null'),
  'a therapist-level instrument with a dyad': therapistLevel.replace(
    '"dyadId":null',
    `"dyadId":"${good.dyadId}"`,
  ),
  'an unknown site': line.replace(/"siteId":"[^"]*"/, '"siteId":"nowhere"'),
  'a bad therapist id': line.replace(/"therapistId":"[^"]*"/, '"therapistId":"T 1"'),
  'a bad date': line.replace(/"submittedOn":"[^"]*"/, '"submittedOn":"2026-02-31"'),
};

/** Lines the scanner takes. */
const taken: Record<string, string> = {
  'the compact line JSON.stringify writes': line,
  'a therapist-level line (dyadId null)': therapistLevel,
  'unknown keys with a string, true, false and null': line.replace(
    /}$/,
    ',"note":"a","flag":true,"other":false,"none":null}',
  ),
  'answers in another order, one null': line
    .replace('"i1":', '"i0":')
    .replace('"i2":', '"i1":')
    .replace('"i0":', '"i2":')
    .replace(/"i3":\d+/, '"i3":null'),
  'no answers at all': line.replace(/"answers":\{[^}]*\}/, '"answers":{}'),
  'a non-ASCII language': line.replace(/"language":"[^"]*"/, '"language":"dé"'),
};

/** The instruments of the fixture's study in the builder's order (by id). */
async function instrumentsOf(dir: string): Promise<InstrumentDefinition[]> {
  const study = await readStudyFile(dir);
  return [...studyInstruments(study).values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

describe('ResponseLineScanner', () => {
  it('takes the compact lines JSON.stringify writes and leaves every other form to JSON.parse', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tandem-scan-'));
    await writeFixture(dir, data);
    const scanner = new ResponseLineScanner(await instrumentsOf(dir), NO_ANSWER);
    const scan = (text: string): boolean => {
      const bytes = Buffer.from(`${text}\n`);
      return scanner.scan(bytes, 0, bytes.length - 1);
    };
    for (const [why, text] of Object.entries({ ...taken, ...rejectedByChecks }))
      expect([why, scan(text)]).toEqual([why, true]);
    for (const [why, text] of Object.entries(leftToJsonParse))
      expect([why, scan(text)]).toEqual([why, false]);
  });

  it('gives the fields and answers JSON.parse gives', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tandem-scan-'));
    await writeFixture(dir, data);
    const instruments = await instrumentsOf(dir);
    const scanner = new ResponseLineScanner(instruments, NO_ANSWER);
    for (const text of Object.values(taken)) {
      const bytes = Buffer.from(`${text}\r\n`);
      expect(scanner.scan(bytes, 0, bytes.length - 1)).toBe(true);
      const parsed = JSON.parse(text) as Record<string, unknown>;
      const { siteId, therapistId, dyadId, role, session, instrument, submittedOn } = parsed;
      expect(scanner.fields).toMatchObject({
        siteId,
        therapistId,
        dyadId,
        role,
        session,
        instrument,
        submittedOn,
      });
      expect(typeof scanner.fields.language).toBe(typeof parsed.language);
      const def = instruments.find((candidate) => candidate.id === instrument)!;
      expect(scanner.instrument).toBe(instruments.indexOf(def));
      const answers = parsed.answers as Record<string, number | null>;
      expect(Array.from(scanner.answers.subarray(0, def.items.length))).toEqual(
        def.items.map((item) => answers[item.id] ?? NO_ANSWER),
      );
    }
  });
});

/** What loading gives when every line goes through JSON.parse (the path before the scanner). */
async function loadWithJsonParse(dir: string): Promise<StudyData> {
  const builder = new StudyDataBuilder(await readStudyFile(dir));
  readDyads(dir, builder);
  const lines = (await readFile(join(dir, 'responses.jsonl'), 'utf8')).split('\n');
  if (lines.at(-1) === '') lines.pop();
  for (const [index, raw] of lines.entries()) {
    const text = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (text.trim() === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      builder.addMalformed('responses.jsonl', index + 1, 'not JSON');
      continue;
    }
    builder.addResponse(value, 'responses.jsonl', index + 1);
  }
  return builder.finish();
}

describe('loading with the scanner', () => {
  it('gives exactly what JSON.parse alone gives, problems and line numbers included', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tandem-scan-'));
    await writeFixture(dir, data);
    const lines = (await readFile(join(dir, 'responses.jsonl'), 'utf8')).trimEnd().split('\n');
    // Every odd form between the fixture's lines (some of them CRLF), then once more at the end
    // as duplicates of themselves; blank and whitespace-only lines too.
    const odd = [
      ...Object.values(leftToJsonParse),
      ...Object.values(rejectedByChecks),
      ...Object.values(taken),
    ];
    const arranged = [
      ...lines.slice(0, 10),
      '',
      '   ',
      ...odd.flatMap((text, i) => [text, ...lines.slice(10 + 2 * i, 12 + 2 * i).map((l) => `${l}\r`)]),
      ...lines.slice(10 + 2 * odd.length),
      ...odd,
    ];
    await writeFile(join(dir, 'responses.jsonl'), `${arranged.join('\n')}\n`);
    const expected = await loadWithJsonParse(dir);
    expect(expected.skipped).toBeGreaterThan(odd.length);
    expect(await loadRawExport(dir, { threads: 1 })).toEqual(expected);
  });
});
