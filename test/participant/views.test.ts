import { describe, expect, it } from 'vitest';
import {
  consentPage,
  dateElement,
  PAGE_CSP,
  questionnairePage,
  sessionPage,
  telLinked,
  thankYouPage,
} from '../../functions/participant/views.ts';
import { html } from '../../shared/html.ts';
import { phq9, sessionRating } from '../../shared/instruments/builtins.ts';

const frame = {
  language: 'en',
  languages: ['en', 'de', 'ar'],
  base: '/s/TOKENtokenTOKEN1234',
  withdraw: true,
};
const view = {
  session: 3,
  monthly: false,
  index: 1,
  count: 2,
  values: {},
  invalid: [],
  defaultLanguage: 'en',
  submissionId: 'pQ3v9XkR2mT8wLs0aBcDeF',
};

describe('telLinked', () => {
  it.each([
    ['Call 112 now.', 'Call <a href="tel:112" dir="ltr">112</a> now.'],
    [
      'Ring 999 or 116 123.',
      'Ring <a href="tel:999" dir="ltr">999</a> or <a href="tel:116123" dir="ltr">116 123</a>.',
    ],
    ['Tel. +49 30-123 4567', 'Tel. <a href="tel:+49301234567" dir="ltr">+49 30-123 4567</a>'],
    ['(030) 123 456', '<a href="tel:030123456" dir="ltr">(030) 123 456</a>'],
    ['اتصل بالرقم ١١٢', 'اتصل بالرقم <a href="tel:112" dir="ltr">١١٢</a>'],
  ])('links the phone numbers in %j', (text, html) => {
    expect(String(telLinked(text))).toBe(html);
  });

  it.each([
    'Open 24/7 since 2027, 9-17 h, 3 times a week.',
    'See www.example.org/112x or item 12.',
    'Version 1.12 of 2027-03-01',
  ])('leaves text without a phone number as plain, escaped text: %j', (text) => {
    expect(String(telLinked(text))).not.toContain('<a');
  });

  it('escapes everything around the numbers', () => {
    expect(String(telLinked('<script>x</script> 112 & "more"'))).toBe(
      '&lt;script&gt;x&lt;/script&gt; <a href="tel:112" dir="ltr">112</a> &amp; &quot;more&quot;',
    );
  });
});

describe('participant views', () => {
  it('escape study-supplied text', () => {
    const html = consentPage(
      { ...frame, studyTitle: '<b>x</b>' },
      'I agree <script>alert(1)</script> & "more"',
      1,
      'sessions',
    );
    expect(html).not.toContain('<script>');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;more&quot;');
    expect(html).toContain('&lt;b&gt;x&lt;/b&gt;');
  });

  it('set lang and dir on <html>, right to left for Arabic', () => {
    expect(thankYouPage({ ...frame, language: 'ar' }, 'R-X', html``, undefined)).toMatch(
      /^<!doctype html><html lang="ar" dir="rtl">/,
    );
    expect(thankYouPage({ ...frame, language: 'de' }, 'R-X', html``, undefined)).toMatch(
      /^<!doctype html><html lang="de" dir="ltr">/,
    );
  });

  it('render one labelled radio group per item, with every scale point named where the scale names them', () => {
    const html = questionnairePage(frame, { ...view, instrument: phq9 });
    expect(html.match(/<fieldset /g)).toHaveLength(9);
    expect(html.match(/<legend>/g)).toHaveLength(9);
    expect(html.match(/type="radio" name="i9"/g)).toHaveLength(4);
    expect(html).toContain('<span>Nearly every day</span>');
    expect(html).toContain('Session 3 · Questionnaire 1 of 2');
    expect(html).toContain('<input type="hidden" name="submissionId" value="pQ3v9XkR2mT8wLs0aBcDeF">');
  });

  it('number the points of a scale labelled only at its ends, and describe the ends', () => {
    const html = questionnairePage({ ...frame, language: 'de' }, { ...view, instrument: sessionRating });
    expect(html.match(/type="radio" name="i1"/g)).toHaveLength(11);
    expect(html).toContain('<p id="ends">0 = Überhaupt nicht … 10 = Vollkommen</p>');
    expect(html).toContain('aria-describedby="ends"');
  });

  it('keep chosen answers and mark invalid items after a failed submission', () => {
    const html = questionnairePage(frame, {
      ...view,
      instrument: phq9,
      values: { i1: '2' },
      invalid: ['i4'],
    });
    expect(html).toContain('name="i1" value="2" checked');
    expect(html).toContain('<fieldset id="f-i4" class="bad" aria-describedby="e-i4">');
    expect(html).toContain('href="#f-i4"');
  });

  it('pre-fill the session question and mark it when invalid', () => {
    const html = sessionPage({ ...frame, language: 'de' }, '4', 12, true);
    expect(html).toContain('value="4"');
    expect(html).toContain('aria-invalid="true"');
    expect(html).toContain('Geben Sie eine Zahl von 1 bis 12 ein.');
  });

  it('show days in the page language and the site’s time zone', () => {
    // 23:30 UTC on 31 March is 1 April in Berlin.
    const at = new Date('2027-03-31T23:30:00Z');
    expect(String(dateElement('de', 'Europe/Berlin', at))).toBe(
      '<time datetime="2027-04-01">1. April 2027</time>',
    );
    expect(String(dateElement('en', 'UTC', at))).toBe('<time datetime="2027-03-31">March 31, 2027</time>');
    expect(String(dateElement('ar', 'Europe/Berlin', at))).toMatch(
      /^<time datetime="2027-04-01">1 أبريل 2027<\/time>$/,
    );
  });

  it('allow the inline stylesheet by its hash and nothing else', () => {
    expect(PAGE_CSP).toMatch(/^default-src 'none'; style-src 'sha256-[A-Za-z0-9+/=]+'; form-action 'self'/);
  });
});
