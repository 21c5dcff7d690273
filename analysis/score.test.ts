import { describe, expect, it } from 'vitest';
import { BUILTIN_INSTRUMENTS } from '../shared/instruments/builtins.ts';
import { scoreInstrument } from '../shared/instruments/score.ts';
import { Study } from '../shared/study/schema.ts';
import { StudyDataBuilder } from './load/study-data.ts';
import { scaleColumn, scoreResponses } from './score.ts';

/** A builder for a study with one site and one dyad (D-1, therapist T-1, enrolled 2027-01-01). */
function oneDyadStudy(studyId: string, dyad: { modality: 'online' | 'in_person'; interpreter: boolean }) {
  const study = Study.parse({
    studyId,
    title: { en: studyId },
    sites: [{ siteId: 'one', name: 'One' }],
    consent: [{ version: 1, text: { en: 'ok' } }],
  });
  const builder = new StudyDataBuilder(study);
  builder.addDyad(
    {
      dyadId: 'D-1',
      siteId: 'one',
      therapistId: 'T-1',
      ...dyad,
      language: 'en',
      enrolledOn: '2027-01-01',
      status: 'active',
    },
    'test',
    1,
  );
  return builder;
}

describe('scoreResponses', () => {
  it('scores every built-in instrument exactly as scoreInstrument does, prorating and reverse keying included', () => {
    const builder = oneDyadStudy('scoring', { modality: 'online', interpreter: true });
    let state = 12345;
    const next = (): number => {
      state = (state * 48271) % 2147483647;
      return state / 2147483647;
    };
    const expected: Record<string, number | null>[] = [];
    let session = 0;
    for (const def of BUILTIN_INSTRUMENTS.values()) {
      for (let repeat = 0; repeat < 40; repeat++) {
        const answers = Object.fromEntries(
          def.items.map((item) => [
            item.id,
            next() < 0.15 ? null : def.scale.min + Math.floor(next() * (def.scale.max - def.scale.min + 1)),
          ]),
        );
        const role = def.roles[0]!;
        session++;
        const added = builder.addResponse(
          {
            siteId: 'one',
            therapistId: 'T-1',
            dyadId: def.level === 'dyad' ? 'D-1' : null,
            role,
            session,
            instrument: def.id,
            answers,
            submittedOn: '2027-01-20',
            language: 'en',
          },
          'test',
          session + 1,
        );
        expect(added).toBe(true);
        expected.push(scoreInstrument(def, answers).scales);
      }
    }
    const scored = scoreResponses(builder.finish());
    const { responses, instruments } = scored.data;
    const bySession = new Map(Array.from(responses.session, (session, i) => [session, i]));
    expected.forEach((scales, index) => {
      const i = bySession.get(index + 1)!;
      const instrument = instruments[responses.instrument[i]!]!.id;
      for (const [name, value] of Object.entries(scales)) {
        const actual = scaleColumn(scored, name)![i]!;
        if (value === null) expect(Number.isNaN(actual), `${instrument} ${name}`).toBe(true);
        else expect(actual, `${instrument} ${name}`).toBe(value);
      }
    });
  });

  it('gives whole weeks from enrolment for dyad responses and none for therapist-level ones', () => {
    const builder = oneDyadStudy('weeks', { modality: 'in_person', interpreter: false });
    const base = { siteId: 'one', therapistId: 'T-1', language: 'en', answers: {} };
    builder.addResponse(
      { ...base, dyadId: 'D-1', role: 'client', session: 1, instrument: 'phq9', submittedOn: '2027-01-14' },
      't',
      1,
    );
    builder.addResponse(
      { ...base, dyadId: 'D-1', role: 'client', session: 2, instrument: 'phq9', submittedOn: '2027-01-15' },
      't',
      2,
    );
    builder.addResponse(
      {
        ...base,
        dyadId: null,
        role: 'therapist',
        session: 1,
        instrument: 'therapist-wellbeing',
        submittedOn: '2027-01-15',
      },
      't',
      3,
    );
    const scored = scoreResponses(builder.finish());
    expect(Array.from(scored.week)).toEqual([1, 2, -1]);
  });
});
