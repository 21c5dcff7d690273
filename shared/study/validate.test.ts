import { readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { studyJsonSchema } from './json-schema.ts';
import { validateStudy, validateStudyFile } from './validate.ts';

/** A study as DESIGN §4 shows it, valid. */
function study(): Record<string, unknown> {
  return {
    studyId: 'alliance-2027',
    version: 1,
    title: { en: 'Alliance study', de: 'Allianzstudie', ar: 'دراسة التحالف' },
    languages: ['en', 'de', 'ar'],
    defaultLanguage: 'en',
    timezone: 'Europe/Berlin',
    sites: [
      { siteId: 'berlin-mitte', name: 'Berlin Mitte', timezone: 'Europe/Berlin', targetDyads: 40 },
      { siteId: 'hamburg', name: 'Hamburg', targetDyads: 20 },
    ],
    instruments: ['alliance-client', 'alliance-therapist', 'phq9', 'therapist-wellbeing'],
    schedule: [
      { instrument: 'alliance-client', role: 'client', sessions: '1-5,every:5' },
      { instrument: 'phq9', role: 'client', sessions: 'first,every:5,last' },
      { instrument: 'therapist-wellbeing', role: 'therapist', every: 'month' },
    ],
    consent: [{ version: 1, text: { en: 'I agree.', de: 'Ich stimme zu.', ar: 'أوافق.' } }],
    safety: {
      crisisText: { en: 'Call 112.', de: 'Rufen Sie 112 an.', ar: 'اتصل بالرقم 112.' },
      notifySite: true,
    },
    overdueDays: 14,
  };
}

function errorsOf(json: unknown) {
  const result = validateStudy(json);
  return result.errors;
}

describe('validateStudy', () => {
  it('accepts the study of DESIGN §4 without warnings and knows every built-in', () => {
    const result = validateStudy(study());
    expect(result.errors).toEqual([]);
    expect(result.warnings).toEqual([]);
    expect(result.ok).toBe(true);
    if (result.ok) {
      expect(result.study.suppressionK).toBe(5);
      expect(result.instruments.has('therapist-wellbeing')).toBe(true);
    }
  });

  it('takes the optional study contact and SPDX licence, and names a bad e-mail by its path', () => {
    const contact = { name: 'Study office', email: 'study@example.org', phone: '+49 30 1234' };
    const result = validateStudy({ ...study(), contact, licence: 'CC-BY-4.0' });
    expect(result.warnings).toEqual([]);
    expect(result.ok && result.study.contact).toEqual(contact);
    expect(result.ok && result.study.licence).toBe('CC-BY-4.0');
    expect(errorsOf({ ...study(), contact: { name: 'Office', email: 'not-an-address' } })).toEqual([
      expect.objectContaining({ path: 'contact.email', received: 'not-an-address' }),
    ]);
  });

  it('reports schema problems with their paths and the values received', () => {
    const bad = { ...study(), overdueDays: 0, sites: [{ siteId: 'Berlin Mitte', name: 'x' }] };
    expect(errorsOf(bad)).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ path: 'overdueDays', received: 0 }),
        expect.objectContaining({ path: 'sites.0.siteId', received: 'Berlin Mitte' }),
      ]),
    );
  });

  it('treats unknown keys as warnings, not errors, at any depth', () => {
    const json = { ...study(), colour: 'blue', sites: [{ siteId: 'a', name: 'A', beds: 3 }] };
    const result = validateStudy(json);
    expect(result.ok).toBe(true);
    expect(result.warnings.map((w) => w.path)).toEqual(['sites.0.beds', 'colour']);
  });

  it('refuses a schedule entry whose instrument is unknown or whose role does not answer it', () => {
    const json = {
      ...study(),
      schedule: [
        { instrument: 'wellbeing-x', role: 'client', sessions: '1' },
        { instrument: 'phq9', role: 'therapist', sessions: '1' },
      ],
    };
    expect(errorsOf(json)).toEqual([
      expect.objectContaining({ path: 'schedule.0.instrument', received: 'wellbeing-x' }),
      expect.objectContaining({ path: 'schedule.1.role', received: 'therapist' }),
    ]);
  });

  it('refuses a session expression that does not parse, naming the term', () => {
    const json = { ...study(), schedule: [{ instrument: 'phq9', role: 'client', sessions: '1,every:0' }] };
    expect(errorsOf(json)).toEqual([
      expect.objectContaining({
        path: 'schedule.0.sessions',
        received: '1,every:0',
        message: expect.stringContaining('every:0'),
      }),
    ]);
  });

  it('matches monthly schedules to therapist-level instruments and sessions to dyad-level ones', () => {
    const json = {
      ...study(),
      schedule: [
        { instrument: 'phq9', role: 'client', every: 'month' },
        { instrument: 'therapist-wellbeing', role: 'therapist', sessions: '1' },
      ],
    };
    expect(errorsOf(json).map((e) => e.path)).toEqual(['schedule.0.every', 'schedule.1.sessions']);
  });

  it('requires the default language among the languages', () => {
    expect(errorsOf({ ...study(), defaultLanguage: 'fr' })).toContainEqual(
      expect.objectContaining({ path: 'defaultLanguage', received: 'fr' }),
    );
  });

  it('requires title, consent and crisis texts in the default language and warns about other languages', () => {
    const json = {
      ...study(),
      title: { de: 'Nur Deutsch' },
      consent: [{ version: 1, text: { en: 'I agree.' } }],
      safety: { crisisText: { de: 'Rufen Sie 112 an.' } },
    };
    const result = validateStudy(json);
    expect(result.errors.map((e) => e.path)).toEqual(['title', 'safety.crisisText']);
    expect(result.warnings.map((w) => w.path)).toEqual(['title', 'safety.crisisText', 'consent.0.text']);
  });

  it('refuses time zones that are not IANA names, for the study and for sites', () => {
    const json = { ...study(), timezone: 'Berlin', sites: [{ siteId: 'a', name: 'A', timezone: 'CEST+1' }] };
    expect(errorsOf(json)).toEqual([
      expect.objectContaining({ path: 'timezone', received: 'Berlin' }),
      expect.objectContaining({ path: 'sites.0.timezone', received: 'CEST+1' }),
    ]);
  });

  it('refuses duplicate site ids', () => {
    const json = {
      ...study(),
      sites: [
        { siteId: 'a', name: 'A' },
        { siteId: 'a', name: 'B' },
      ],
    };
    expect(errorsOf(json)).toEqual([expect.objectContaining({ path: 'sites.1.siteId', received: 'a' })]);
  });

  it('checks a study’s own instrument: scale, labels, subscale items, flags and bands', () => {
    const own = {
      id: 'my-scale',
      title: { en: 'Mine', de: 'Meins', ar: 'لي' },
      level: 'dyad',
      roles: ['client'],
      items: [
        { id: 'i1', text: { en: 'One', de: 'Eins', ar: 'واحد' } },
        { id: 'i2', text: { en: 'Two', de: 'Zwei', ar: 'اثنان' } },
      ],
      scale: { min: 1, max: 4, labels: { en: ['a', 'b', 'c'] } },
      subscales: { part: ['i1', 'i3'] },
      total: 'sum',
      bands: [
        { from: 0, label: { en: 'low' } },
        { from: 0, label: { en: 'high' } },
      ],
      flags: [{ item: 'i9', op: '>=', value: 1, label: { en: 'x' } }],
      wording: 'licensed',
    };
    const json = {
      ...study(),
      instruments: ['phq9', own, 'no-such'],
      schedule: [{ instrument: 'my-scale', role: 'client', sessions: '1' }],
    };
    expect(errorsOf(json).map((e) => e.path)).toEqual([
      'instruments.1.scale.labels.en',
      'instruments.1.subscales.part.1',
      'instruments.1.flags.0.item',
      'instruments.1.bands.1.from',
      'instruments.2',
    ]);
  });

  it('warns when a scheduled instrument lacks wording in a study language', () => {
    const json = {
      ...study(),
      languages: ['en', 'fr'],
      title: { en: 'T', fr: 'T' },
      consent: [{ version: 1, text: { en: 'ok', fr: 'ok' } }],
      safety: { crisisText: { en: 'c', fr: 'c' } },
      schedule: [{ instrument: 'phq9', role: 'client', sessions: '1' }],
    };
    const result = validateStudy(json);
    expect(result.ok).toBe(true);
    expect(result.warnings.map((w) => w.path)).toEqual(['languages.1', 'schedule.0.instrument']);
  });
});

describe('validateStudyFile', () => {
  const write = async (name: string, text: string) => {
    const path = join(tmpdir(), `tandem-validate-${process.pid}-${name}`);
    await writeFile(path, text);
    return path;
  };

  it('exits 0 and says so for a valid study', async () => {
    const path = await write('ok.json', JSON.stringify(study()));
    const { lines, exitCode } = await validateStudyFile(path);
    expect(exitCode).toBe(0);
    expect(lines.at(-1)).toContain('valid — alliance-2027 v1, 2 site(s), 3 schedule entries');
  });

  it('prints every problem with its path and exits 1', async () => {
    const path = await write('bad.json', JSON.stringify({ ...study(), timezone: 'Mars/Olympus', extra: 1 }));
    const { lines, exitCode } = await validateStudyFile(path);
    expect(exitCode).toBe(1);
    expect(lines).toEqual([
      'error: timezone: not an IANA time zone (received: "Mars/Olympus")',
      'warning: extra: unknown key; it is ignored',
      `${path}: not valid; 1 error(s), 1 warning(s)`,
    ]);
  });

  it('says what a bad value must be, with its path and the value received', async () => {
    const [entry] = study().schedule as Record<string, unknown>[];
    const path = await write(
      'values.json',
      JSON.stringify({
        ...study(),
        suppressionK: 0,
        schedule: [
          { ...entry, sessions: '5-1' },
          { instrument: 'phq9', role: 'client', sessions: 'every:0' },
          { instrument: 'therapist-wellbeing', role: 'therapist', every: 'week' },
        ],
      }),
    );
    const { lines } = await validateStudyFile(path);
    expect(lines).toContain('error: suppressionK: must be at least 1 (received: 0)');
    expect(lines).toContain('error: schedule.2.every: expected "month" (received: "week")');
    const refused = await write(
      'sessions.json',
      JSON.stringify({
        ...study(),
        schedule: [
          { ...entry, sessions: '5-1' },
          { instrument: 'phq9', role: 'client', sessions: 'every:0' },
        ],
      }),
    );
    expect((await validateStudyFile(refused)).lines).toEqual([
      'error: schedule.0.sessions: "5-1": a range must rise (did you mean 1-5?) (received: "5-1")',
      'error: schedule.1.sessions: "every:0": every:N needs a whole number N ≥ 1 (every:1 is every session) (received: "every:0")',
      `${refused}: not valid; 2 error(s), 0 warning(s)`,
    ]);
  });

  it('warns when the schedule names an instrument that "instruments" does not list', async () => {
    const path = await write(
      'unlisted.json',
      JSON.stringify({ ...study(), instruments: ['alliance-client', 'phq9'] }),
    );
    const { lines, exitCode } = await validateStudyFile(path);
    expect(exitCode).toBe(0);
    expect(lines).toContain(
      'warning: schedule.2.instrument: therapist-wellbeing is not listed in "instruments"; add it there so the study names every instrument it uses (received: "therapist-wellbeing")',
    );
  });

  it('gives the line and column of a JSON syntax error', async () => {
    const cases: [string, string][] = [
      ['{\n  "studyId": "x",\n  "version" 1\n}', "line 3, column 13: expected ':' after the key"],
      ['{\n  "languages": ["en",]\n}', 'line 2, column 22: expected a value'],
      ['{"studyId": ', 'line 1, column 13: expected a value'],
    ];
    for (const [text, where] of cases) {
      const path = await write('syntax.json', text);
      expect(await validateStudyFile(path)).toEqual({
        lines: [`error: ${path} is not JSON: ${where}`],
        exitCode: 1,
      });
    }
  });

  it('reports a file that is not JSON or not there in one line', async () => {
    const path = await write('broken.json', '{"studyId": ');
    expect((await validateStudyFile(path)).lines[0]).toMatch(/is not JSON/);
    const missing = await validateStudyFile(join(tmpdir(), 'tandem-no-such-study.json'));
    expect(missing).toEqual({ lines: [expect.stringContaining('ENOENT')], exitCode: 1 });
  });
});

describe('docs/study.schema.json', () => {
  it('is the JSON Schema exported from the zod schema (regenerate: npx tsx shared/study/json-schema.ts)', async () => {
    const committed = JSON.parse(
      await readFile(new URL('../../docs/study.schema.json', import.meta.url), 'utf8'),
    );
    expect(committed).toEqual(studyJsonSchema());
    expect(committed.required).toEqual(['studyId', 'title', 'sites', 'consent']);
  });
});
