import { describe, expect, it } from 'vitest';
import type { DyadLinks } from '../../shared/enrolment/deps.ts';
import { TEST_STUDY } from '../../shared/enrolment/test-support.ts';
import type { Dyad } from '../../shared/ports.ts';
import { Study } from '../../shared/study/schema.ts';
import { renderCard } from './card-page.ts';

const study = Study.parse(TEST_STUDY);
const dyad = {
  siteId: 'berlin',
  dyadId: 'D-23456A',
  therapistId: 'T-23456B',
  modality: 'in_person',
  interpreter: true,
  language: 'en',
  status: 'active',
  enrolledOn: '2027-03-01',
  currentSession: 0,
  sessionDates: {},
  linkHashes: {},
} as unknown as Dyad;
const links: DyadLinks = {
  client: { token: 'c'.repeat(24), url: `https://t.example/s/${'c'.repeat(24)}` },
  therapist: { token: 't'.repeat(24), url: `https://t.example/s/${'t'.repeat(24)}` },
  interpreter: { token: 'i'.repeat(24), url: `https://t.example/s/${'i'.repeat(24)}` },
};
const printedAt = new Date('2027-03-01T23:30:00Z');

describe('renderCard', () => {
  it('puts each role’s link on the card as text and as a QR code with an accessible name', async () => {
    const card = await renderCard(study, dyad, links, printedAt);
    for (const role of ['client', 'therapist', 'interpreter'] as const) {
      const url = links[role]?.url ?? '';
      expect(card).toContain(`<p class="url" data-role="${role}">${url}</p>`);
      expect(card).toContain(`<svg role="img" aria-label="QR code: ${url}" data-role="${role}"`);
    }
    expect(card).toContain('@page');
    // The day printed is the site's (Berlin: already 2 March), not UTC's.
    expect(card).toContain('D-23456A · berlin · 2027-03-02');
    expect(card).not.toMatch(/<script|onclick/);
  });

  it('writes the instructions in the dyad’s language, right to left for Arabic', async () => {
    const card = await renderCard(study, { ...dyad, language: 'ar' }, links, printedAt);
    expect(card).toMatch(/<html lang="ar" dir="rtl">/);
    expect(card).toContain('للعميل');
  });

  it('escapes a study title that holds markup', async () => {
    const card = await renderCard({ ...study, title: { en: '<i>Alliance</i>' } }, dyad, links, printedAt);
    expect(card).toContain('<h1>&lt;i&gt;Alliance&lt;/i&gt;</h1>');
  });
});
