import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fixture, writeFixture } from '../../test/release/fixture.ts';
import { loadRawExport } from './raw-export.ts';

async function exportWith(extraLines: string[]): Promise<{ dir: string; lines: number }> {
  const dir = await mkdtemp(join(tmpdir(), 'tandem-load-'));
  const data = fixture([3, 2]);
  await writeFixture(dir, data, extraLines);
  return { dir, lines: data.responses.length };
}

describe('loadRawExport', () => {
  it('reports each malformed line with its line number and keeps the rest', async () => {
    const data = fixture([3, 2]);
    const good = data.responses.find((r) => r.instrument === 'alliance-client')!;
    const { dir, lines } = await exportWith([
      '{not json',
      JSON.stringify({ ...good, siteId: 'nowhere' }),
      JSON.stringify({ ...good, dyadId: 'D-UNKNOWN' }),
      JSON.stringify({ ...good, instrument: 'no-such-scale' }),
      JSON.stringify({ ...good, session: 2, answers: { ...good.answers, i4: 6 } }),
      JSON.stringify(good),
      JSON.stringify({ ...good, answers: { i99: 1 } }),
    ]);
    const loaded = await loadRawExport(dir);
    expect(loaded.responses.count).toBe(lines);
    expect(loaded.skipped).toBe(7);
    expect(loaded.problems.map((problem) => [problem.source, problem.line])).toEqual(
      Array.from({ length: 7 }, (_, i) => ['responses.jsonl', lines + 1 + i]),
    );
    const messages = loaded.problems.map((problem) => problem.message);
    expect(messages[0]).toBe('not JSON');
    expect(messages[1]).toMatch(/unknown site "nowhere"/);
    expect(messages[2]).toMatch(/unknown dyad "D-UNKNOWN"/);
    expect(messages[3]).toMatch(/unknown instrument "no-such-scale"/);
    expect(messages[4]).toMatch(/answers\.i4: expected a whole number from 1 to 5 or null, got 6/);
    expect(messages[5]).toMatch(/duplicate response/);
    expect(messages[6]).toMatch(/no item i99/);
  });

  it('never reads the responses of a dyad that dyads.jsonl marks withdrawn, nor counts them as malformed', async () => {
    const data = fixture([3, 2]);
    const gone = data.dyads[1]!;
    const theirs = data.responses.filter((r) => r.dyadId === gone.dyadId).length;
    expect(theirs).toBeGreaterThan(0);
    const dir = await mkdtemp(join(tmpdir(), 'tandem-load-'));
    const withdrawn = {
      ...data,
      dyads: data.dyads.map((d) => (d === gone ? { ...d, status: 'withdrawn' as const } : d)),
    };
    await writeFixture(dir, withdrawn);
    const loaded = await loadRawExport(dir);
    expect(loaded.responses.count).toBe(data.responses.length - theirs);
    expect(loaded.withdrawn).toBe(theirs);
    expect(loaded.skipped).toBe(0);
    const index = loaded.dyads.id.indexOf(gone.dyadId);
    expect(Array.from(loaded.responses.dyad).filter((d) => d === index)).toEqual([]);
  });

  it('keeps the first of two responses with the same natural key', async () => {
    const data = fixture([3]);
    const first = data.responses.find((r) => r.instrument === 'alliance-client')!;
    const dir = await mkdtemp(join(tmpdir(), 'tandem-load-'));
    const changed = {
      ...first,
      answers: Object.fromEntries(Object.keys(first.answers).map((id) => [id, 1])),
    };
    await writeFixture(dir, data, [JSON.stringify(changed)]);
    const loaded = await loadRawExport(dir);
    const r = loaded.responses;
    const index = Array.from({ length: r.count }, (_, i) => i).find(
      (i) =>
        loaded.dyads.id[r.dyad[i]!] === first.dyadId &&
        r.session[i] === first.session &&
        r.role[i] === 0 &&
        loaded.instruments[r.instrument[i]!]!.id === 'alliance-client',
    )!;
    const stored = Array.from(r.answers.subarray(r.answerStart[index]!, r.answerStart[index]! + 12));
    expect(stored).toEqual(Object.values(first.answers).map((value) => value ?? -32768));
  });

  it('counts a built-in instrument as known even when study.json does not list it', async () => {
    const data = fixture([3]);
    data.study.instruments = [];
    const dir = await mkdtemp(join(tmpdir(), 'tandem-load-'));
    await writeFixture(dir, data);
    const loaded = await loadRawExport(dir);
    expect(loaded.skipped).toBe(0);
    expect(loaded.responses.count).toBe(data.responses.length);
  });

  it('reports a malformed dyad line and skips the responses that name that dyad', async () => {
    const data = fixture([3]);
    const dir = await mkdtemp(join(tmpdir(), 'tandem-load-'));
    await writeFixture(dir, data);
    const lines = data.dyads.map((dyad, i) =>
      JSON.stringify(i === 1 ? { ...dyad, modality: 'telepathy' } : dyad),
    );
    await writeFile(join(dir, 'dyads.jsonl'), `${lines.join('\n')}\n`);
    const loaded = await loadRawExport(dir);
    expect(loaded.problems[0]).toEqual({
      source: 'dyads.jsonl',
      line: 2,
      message: 'modality: expected one of in_person, online, mixed, got "telepathy"',
    });
    const lost = data.responses.filter((r) => r.dyadId === data.dyads[1]!.dyadId).length;
    expect(loaded.responses.count).toBe(data.responses.length - lost);
  });

  it('rejects a study.json that is not a valid study, naming the path', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tandem-load-'));
    await writeFixture(dir, fixture([3]));
    await writeFile(join(dir, 'study.json'), JSON.stringify({ studyId: 'x', sites: [] }));
    await expect(loadRawExport(dir)).rejects.toMatchObject({
      status: 400,
      details: expect.arrayContaining([expect.objectContaining({ path: 'title' })]),
    });
  });
});

describe('loadRawExport on several threads', () => {
  it('gives exactly what one thread gives, problems and their line numbers included', async () => {
    const data = fixture([3, 2, 4]);
    const good = data.responses.find((r) => r.instrument === 'alliance-client')!;
    // Malformed lines, a duplicate, a blank line and CRLF line ends spread over the file, so every
    // range holds some and a duplicate's first copy lies in another range than its second.
    const { dir } = await exportWithLines(data, (lines) => [
      '{not json',
      ...lines.slice(0, 20),
      '',
      JSON.stringify({ ...good, siteId: 'nowhere' }),
      ...lines.slice(20, 40).map((line) => `${line}\r`),
      JSON.stringify(good),
      ...lines.slice(40),
      JSON.stringify({ ...good, answers: { i99: 1 } }),
    ]);
    const one = await loadRawExport(dir, { threads: 1 });
    expect(one.skipped).toBe(4);
    for (const threads of [2, 3, 7]) expect(await loadRawExport(dir, { threads })).toEqual(one);
  }, 60_000);

  // The parse workers start before study.json is read (raw-export.ts): a bad or missing file must
  // still be reported as with one thread, first things first, and the started workers stopped.
  it('reports a missing study.json before a missing dyads.jsonl, and a bad study, as one thread does', async () => {
    const empty = await mkdtemp(join(tmpdir(), 'tandem-load-'));
    for (const threads of [1, 3])
      await expect(loadRawExport(empty, { threads })).rejects.toThrow(/cannot read .*study\.json/);
    const { dir } = await exportWithLines(fixture([3]), (lines) => lines);
    await rm(join(dir, 'dyads.jsonl'));
    for (const threads of [1, 3])
      await expect(loadRawExport(dir, { threads })).rejects.toThrow(/dyads\.jsonl is missing/);
    await writeFile(join(dir, 'study.json'), JSON.stringify({ studyId: 'x', sites: [] }));
    for (const threads of [1, 3])
      await expect(loadRawExport(dir, { threads })).rejects.toMatchObject({ status: 400 });
  }, 60_000);
});

async function exportWithLines(
  data: ReturnType<typeof fixture>,
  arrange: (lines: string[]) => string[],
): Promise<{ dir: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'tandem-load-'));
  await writeFixture(dir, data);
  const lines = (await readFile(join(dir, 'responses.jsonl'), 'utf8')).trimEnd().split('\n');
  await writeFile(join(dir, 'responses.jsonl'), `${arrange(lines).join('\n')}\n`);
  return { dir };
}
