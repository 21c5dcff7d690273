import { isoDateIn } from '../../shared/dates.ts';
import { type HtmlValue, html, type Markup, trusted } from '../../shared/html.ts';
import { isRtl, LANGUAGE_NAMES } from '../../shared/i18n/languages.ts';
import { type ParticipantStrings, participantStrings } from '../../shared/i18n/participant.ts';
import type { InstrumentDefinition, LocalizedText } from '../../shared/instruments/schema.ts';
import type { StudyContact } from '../../shared/study/schema.ts';
import { contentSecurityPolicy } from '../http/security-headers.ts';

// Participant pages: server-rendered HTML that works without JavaScript, one inline stylesheet and
// no other assets, so a questionnaire page stays far below 20 KB (DESIGN §11). Logical CSS
// properties make the same sheet work right to left.

const CSS = [
  '*{box-sizing:border-box}',
  'html{font:18px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans","Noto Sans Arabic",sans-serif;color:#111;background:#fff}',
  'body{margin:0 auto;max-width:40rem;padding:.75rem 1rem 2rem}',
  'header,footer{display:flex;flex-wrap:wrap;gap:.5rem 1rem;align-items:center;justify-content:space-between;font-size:.9rem}',
  'footer{margin-top:2rem;border-top:1px solid #767676;padding-top:.75rem}',
  'nav ul{display:flex;flex-wrap:wrap;gap:.25rem 1rem;list-style:none;margin:0;padding:0}',
  'a{color:#0b3d91;text-underline-offset:.15em}',
  'a,button,label{min-height:2.75rem;display:inline-flex;align-items:center}',
  ':focus-visible{outline:3px solid #b35c00;outline-offset:2px}',
  'h1{font-size:1.45rem;line-height:1.25;margin:.75rem 0}',
  'fieldset{border:0;margin:0 0 1.25rem;padding:0;min-width:0}',
  'legend{font-weight:600;padding:0 0 .4rem}',
  '.o{display:flex;gap:.75rem;width:100%;padding:.4rem .75rem;margin:.3rem 0;border:2px solid #555;border-radius:.5rem;cursor:pointer;background:#fff}',
  '.o:has(:checked){background:#dce7fb;border-color:#0b3d91;font-weight:600}',
  '.o input{width:1.4rem;height:1.4rem;margin:0;flex:none;accent-color:#0b3d91}',
  // A numeric scale (0–10) stays on one row at 360 px: equal columns instead of wrapping.
  '.pts{display:flex;gap:.15rem}',
  '.pts .o{width:auto;min-width:0;flex:1 1 0;flex-direction:column;gap:.1rem;justify-content:center;align-items:center;padding:.3rem 0;margin:0}',
  '.pts .o input{width:1.2rem;height:1.2rem}',
  'button{font:inherit;font-weight:600;width:100%;justify-content:center;margin:1rem 0;border:0;border-radius:.5rem;background:#0b3d91;color:#fff;cursor:pointer}',
  'button.s{background:#fff;color:#0b3d91;border:2px solid #0b3d91}',
  'input[type=number]{font:inherit;width:7rem;min-height:3rem;padding:.25rem .5rem;border:2px solid #555;border-radius:.5rem}',
  '.sub{color:#444;margin:0}',
  'progress{width:100%;height:.6rem;accent-color:#0b3d91}',
  '.err{color:#a00000;font-weight:600;margin:.25rem 0}',
  '.bad .o,.bad input{border-color:#a00000}',
  '.box{border:3px solid #a00000;border-radius:.5rem;padding:.25rem 1rem;margin:1rem 0}',
].join('');

/** Content-Security-Policy of every participant page: nothing but this inline stylesheet. */
export const PAGE_CSP = contentSecurityPolicy({ styles: [CSS], forms: ["'self'"] });

/** The text of a localised field in the language, else the study's default, else English, else any. */
export function textIn(text: LocalizedText, language: string, fallback: string): string {
  return text[language] ?? text[fallback] ?? text.en ?? Object.values(text)[0] ?? '';
}

/** What every page needs to know about where it is. */
export interface PageFrame {
  language: string;
  /** The study's languages for the switcher (none before the link is known). */
  languages: readonly string[];
  /** Query parameters kept when switching language (e.g. `session`). */
  keep?: Record<string, string>;
  /** `/s/{token}` when the token is known and works; enables the language links and withdrawal. */
  base?: string;
  /** Show the "leave the study" link. */
  withdraw?: boolean;
  /** The study's title, shown in the header. */
  studyTitle?: string;
  /** The dyad a therapist's or interpreter's link is about (they may hold several), shown in the header. */
  dyadCode?: string;
  /** The study office, shown on the consent, "no thanks" and thank-you pages. */
  contact?: StudyContact;
}

/** Localised number. */
export const num = (language: string, value: number): string => new Intl.NumberFormat(language).format(value);

function href(frame: PageFrame, params: Record<string, string>): string {
  return `${frame.base ?? ''}?${new URLSearchParams({ ...frame.keep, ...params }).toString()}`;
}

/** A whole page: header with the language switcher, main content, footer with the withdrawal link. */
export function layout(frame: PageFrame, title: string, main: Markup): string {
  const t = participantStrings(frame.language);
  const switcher =
    frame.base !== undefined && frame.languages.length > 1
      ? html`<nav aria-label="${t.languageNav}"><ul>${frame.languages.map((language) => {
          const name = LANGUAGE_NAMES[language as keyof typeof LANGUAGE_NAMES] ?? language;
          return language === frame.language
            ? html`<li><a href="${href(frame, { lang: language })}" aria-current="page" lang="${language}"><b>${name}</b></a></li>`
            : html`<li><a href="${href(frame, { lang: language })}" lang="${language}" hreflang="${language}">${name}</a></li>`;
        })}</ul></nav>`
      : '';
  const footer =
    frame.withdraw && frame.base !== undefined
      ? html`<footer><a href="${href(frame, { step: 'withdraw', lang: frame.language })}">${t.withdrawLink}</a></footer>`
      : '';
  const about = frame.dyadCode !== undefined && html`<p class="sub">${t.aboutDyad(frame.dyadCode)}</p>`;
  return html`<!doctype html><html lang="${frame.language}" dir="${isRtl(frame.language) ? 'rtl' : 'ltr'}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><meta name="robots" content="noindex"><title>${title}</title><style>${trusted(CSS)}</style></head><body><header><span>${frame.studyTitle ?? ''}</span>${switcher}</header><main>${about}${main}</main>${footer}</body></html>`.toString();
}

// Phone numbers in free text: international (+ and 6–17 digits), national (a leading 0, maybe in
// brackets, 5–16 digits), emergency and helpline short codes (1xx, 9xx, 000, 116 xxx). Digits may be
// Arabic-Indic; groups may be split by single spaces or hyphens. Nothing else in the text is touched.
const D = '[0-9\u0660-\u0669\u06F0-\u06F9]';
const PHONE = new RegExp(
  `(?<![\\w+\u0660-\u0669\u06F0-\u06F9])(?:\\+${D}(?:[ -]?${D}){5,16}|\\(?0${D}{0,4}\\)?(?:[ -]?${D}){4,14}|116[ -]?${D}{3}|[19\u0661\u0669\u06F1\u06F9]${D}{2}|000)(?![\\w\u0660-\u0669\u06F0-\u06F9])`,
  'gu',
);

/** ASCII digits (and a leading +) of a phone number as written, for a `tel:` URI. */
function dialled(number: string): string {
  const digits = number.replace(/[\u0660-\u0669\u06F0-\u06F9]/g, (d) => String((d.codePointAt(0) ?? 0) % 16));
  return (digits.startsWith('+') ? '+' : '') + digits.replace(/[^0-9]/g, '');
}

/** Text as HTML with every phone number in it a `tel:` link; everything else escaped. */
export function telLinked(text: string): Markup {
  const parts: Markup[] = [];
  let at = 0;
  for (const match of text.matchAll(PHONE)) {
    parts.push(
      html`${text.slice(at, match.index)}<a href="tel:${dialled(match[0])}" dir="ltr">${match[0]}</a>`,
    );
    at = match.index + match[0].length;
  }
  return html`${parts}${text.slice(at)}`;
}

/** Paragraphs of a text (split at blank lines), each rendered as text unless `render` says otherwise. */
const paragraphs = (text: string, render: (text: string) => HtmlValue = (part) => part): Markup[] =>
  text.split(/\n\s*\n/).map((part) => html`<p>${render(part.trim())}</p>`);

/** The study office, with its e-mail and phone as links; nothing when the study names none. */
function contactBlock(frame: PageFrame): Markup | undefined {
  const { contact } = frame;
  if (!contact) return undefined;
  const t = participantStrings(frame.language);
  const parts: HtmlValue[] = [contact.name];
  if (contact.email) parts.push(html`<a href="mailto:${contact.email}">${contact.email}</a>`);
  if (contact.phone) parts.push(telLinked(contact.phone));
  const joined = parts.flatMap((part, index) => (index === 0 ? [part] : [' · ', part]));
  return html`<p class="sub">${t.contact} ${joined}</p>`;
}

const hidden = (fields: Record<string, string | number>): Markup[] =>
  Object.entries(fields).map(([name, value]) => html`<input type="hidden" name="${name}" value="${value}">`);

/**
 * The consent page: what this link asks (after sessions, or monthly), the study's text, the agree
 * button, then "no thanks" and the study office.
 */
export function consentPage(
  frame: PageFrame,
  text: string,
  version: number,
  asks: 'sessions' | 'monthly',
): string {
  const t = participantStrings(frame.language);
  const decline = `${frame.base ?? ''}?${new URLSearchParams({ step: 'decline', lang: frame.language })}`;
  return layout(
    frame,
    t.consentTitle,
    html`<h1>${t.consentTitle}</h1><p class="sub">${t.consentIntro}</p><p>${t.consentWhat[asks]}</p>${paragraphs(text)}<form method="post" action="${frame.base ?? ''}/consent">${hidden({ version, lang: frame.language })}<button>${t.agree}</button></form><p><a href="${decline}">${t.decline}</a></p>${contactBlock(frame)}`,
  );
}

/** After "no thanks" on the consent page: nothing was recorded, and how to reach the study. */
export function declinedPage(frame: PageFrame): string {
  const t = participantStrings(frame.language);
  return layout(
    { ...frame, withdraw: false },
    t.declinedTitle,
    html`<h1>${t.declinedTitle}</h1><p>${t.declinedBody}</p>${contactBlock(frame)}`,
  );
}

/** Earlier sessions offered on the session question at most (the newest ones), to keep the page short. */
const MAX_OPEN_CHOICES = 6;

/**
 * The session question; a GET form, so it works without JS. Without open sessions: a number
 * pre-filled with the next. With them: radio buttons for the next session (chosen) and each open
 * one (field `pick`), and an empty number field for another session, which wins when filled in.
 */
export function sessionPage(
  frame: PageFrame,
  value: string,
  max: number,
  invalid: boolean,
  choices: { next: number; open: readonly number[] } = { next: 0, open: [] },
): string {
  const t = participantStrings(frame.language);
  const lang = frame.language;
  const hint = invalid
    ? t.sessionInvalid(num(lang, 1), num(lang, max))
    : t.sessionHint(num(lang, 1), num(lang, max));
  const open = choices.open.slice(0, MAX_OPEN_CHOICES);
  const input = (shown: string, label: string) =>
    html`<label for="session">${label}</label><br><input type="number" id="session" name="session" inputmode="numeric" min="1" max="${max}" value="${shown}"${open.length === 0 && html` required`} aria-describedby="session-hint"${invalid && html` aria-invalid="true"`}>`;
  const radio = (session: number, text: string, checked: boolean) =>
    html`<label class="o"><input type="radio" name="pick" value="${session}"${checked && html` checked`}><span>${text}</span></label>`;
  const fields =
    open.length === 0
      ? input(value, t.sessionLabel)
      : html`<fieldset><legend>${t.sessionLabel}</legend>${radio(choices.next, t.sessionNext(num(lang, choices.next)), true)}${open.map(
          (session) => radio(session, t.sessionOpen(num(lang, session)), false),
        )}</fieldset>${input(invalid ? value : '', t.sessionOther)}`;
  return layout(
    frame,
    t.sessionTitle,
    html`<h1>${t.sessionTitle}</h1><form method="get" action="${frame.base ?? ''}"${invalid && html` class="bad"`}>${hidden({ lang })}${fields}<p id="session-hint" class="${invalid ? 'err' : 'sub'}">${hint}</p><button>${t.next}</button></form>`,
  );
}

export interface QuestionnaireView {
  instrument: InstrumentDefinition;
  session: number;
  /** Shown as a month's administration rather than a session (therapist-level instruments). */
  monthly: boolean;
  index: number;
  count: number;
  /** Answers to show selected (kept after a failed submission). */
  values: Record<string, string>;
  /** Item ids with an error, and a general problem to show above the form. */
  invalid: string[];
  problem?: string;
  defaultLanguage: string;
  /** The page's random submission id (DESIGN §5), sent back in a hidden field. */
  submissionId: string;
}

/** One questionnaire: one fieldset per item, a labelled radio group each, big tap targets. */
export function questionnairePage(frame: PageFrame, view: QuestionnaireView): string {
  const { language } = frame;
  const t = participantStrings(language);
  const def = view.instrument;
  const { min, max } = def.scale;
  const points = Array.from({ length: max - min + 1 }, (_, i) => min + i);
  const labels =
    def.scale.labels?.[language] ?? def.scale.labels?.[view.defaultLanguage] ?? def.scale.labels?.en;
  const named = labels?.length === points.length;
  const ends =
    !named && labels?.length === 2
      ? t.scaleEnds(`${num(language, min)} = ${labels[0]}`, `${num(language, max)} = ${labels[1]}`)
      : undefined;
  const title = textIn(def.title, language, view.defaultLanguage);
  const where = view.monthly
    ? t.monthN(num(language, view.session))
    : t.sessionN(num(language, view.session));
  const progress = t.questionnaireOf(num(language, view.index), num(language, view.count));
  const items = def.items.map((item, n) => {
    const bad = view.invalid.includes(item.id);
    const described = [bad ? `e-${item.id}` : '', ends ? 'ends' : ''].filter(Boolean).join(' ');
    const options = points.map((point, p) => {
      const checked = view.values[item.id] === String(point) && html` checked`;
      const text = named ? (labels?.[p] ?? '') : num(language, point);
      return html`<label class="o"><input type="radio" name="${item.id}" value="${point}"${checked}><span>${text}</span></label>`;
    });
    return html`<fieldset id="f-${item.id}"${bad && html` class="bad"`}${described && html` aria-describedby="${described}"`}><legend>${num(language, n + 1)}. ${textIn(item.text, language, view.defaultLanguage)}</legend>${bad && html`<p class="err" id="e-${item.id}">${t.itemInvalid}</p>`}${named ? options : html`<div class="pts">${options}</div>`}</fieldset>`;
  });
  const first = view.invalid[0];
  const summary =
    view.problem !== undefined
      ? view.problem
      : first !== undefined
        ? html`<a href="#f-${first}">${t.errorSummary}</a>`
        : undefined;
  const problems = summary && html`<div class="box" role="alert"><p class="err">${summary}</p></div>`;
  return layout(
    frame,
    `${title} – ${progress}`,
    html`<p class="sub">${where} · ${progress}</p><progress value="${view.index}" max="${view.count}" aria-label="${progress}"></progress><h1>${title}</h1>${problems}<p class="sub">${t.skipHint}</p>${ends && html`<p id="ends">${ends}</p>`}<form method="post" action="${frame.base ?? ''}">${hidden({ session: view.session, instrument: def.id, submissionId: view.submissionId, lang: language })}${items}<button>${t.send}</button></form>`,
  );
}

/** The crisis box shown when a safety flag fired. */
function crisis(t: ParticipantStrings, text: string | undefined): Markup | undefined {
  return text === undefined
    ? undefined
    : html`<section class="box" aria-labelledby="crisis"><h2 id="crisis">${t.crisisTitle}</h2>${paragraphs(text, telLinked)}</section>`;
}

/** A day shown in the page language (`25 November 2026`, `25. November 2026`), in a `<time>` element. */
export function dateElement(language: string, timezone: string, at: Date): Markup {
  const text = new Intl.DateTimeFormat(language, { dateStyle: 'long', timeZone: timezone }).format(at);
  return html`<time datetime="${isoDateIn(timezone, at)}">${text}</time>`;
}

/**
 * Thank-you after the last questionnaire of a session, with the receipt and the day (an HTML
 * `<time>`), and the crisis text when a safety flag fired.
 */
export function thankYouPage(
  frame: PageFrame,
  receipt: string,
  day: Markup,
  crisisText: string | undefined,
): string {
  const t = participantStrings(frame.language);
  return layout(
    frame,
    t.thanksTitle,
    html`<h1>${t.thanksTitle}</h1>${crisis(t, crisisText)}<p>${t.thanksBody}</p><p class="sub">${t.receipt(receipt)} · ${day}</p>${contactBlock(frame)}`,
  );
}

/** "All answered" or "nothing to answer" for a session, with a way to choose another. */
export function sessionStatusPage(
  frame: PageFrame,
  kind: 'done' | 'nothing',
  where: string,
  crisisText: string | undefined,
  chooseAnother: boolean,
): string {
  const t = participantStrings(frame.language);
  const title = kind === 'done' ? t.doneTitle : t.nothingTitle;
  const body = kind === 'done' ? t.doneBody(where) : t.nothingBody(where);
  const another = chooseAnother
    ? html`<p><a href="${`${frame.base ?? ''}?${new URLSearchParams({ lang: frame.language })}`}">${t.otherSession}</a></p>`
    : undefined;
  return layout(frame, title, html`<h1>${title}</h1>${crisis(t, crisisText)}<p>${body}</p>${another}`);
}

/** The withdrawal confirmation: what is deleted, what backups and releases keep, and two buttons. */
export function withdrawPage(
  frame: PageFrame,
  scope: 'dyad' | 'therapist' | 'interpreter',
  missing: boolean,
): string {
  const t = participantStrings(frame.language);
  return layout(
    frame,
    t.withdrawTitle,
    html`<h1>${t.withdrawTitle}</h1>${missing && html`<p class="err" role="alert">${t.confirmMissing}</p>`}<p>${t.withdrawWhat[scope]}</p><p class="sub">${t.withdrawKept}</p><form method="post" action="${frame.base ?? ''}/withdraw">${hidden({ confirm: 'yes', lang: frame.language })}<button>${t.withdrawConfirm}</button></form><p><a href="${`${frame.base ?? ''}?${new URLSearchParams({ lang: frame.language })}`}">${t.withdrawCancel}</a></p>`,
  );
}

/** After withdrawal. */
export function withdrawnPage(frame: PageFrame): string {
  const t = participantStrings(frame.language);
  return layout(frame, t.withdrawnTitle, html`<h1>${t.withdrawnTitle}</h1><p>${t.withdrawnBody}</p>`);
}

/** A readable, translated error page; `back` links to the link's start when it still works. */
export function errorPage(frame: PageFrame, title: string, body: string, back: boolean): string {
  const t = participantStrings(frame.language);
  const link =
    back && frame.base !== undefined
      ? html`<p><a href="${`${frame.base}?${new URLSearchParams({ lang: frame.language })}`}">${t.back}</a></p>`
      : undefined;
  return layout(frame, title, html`<h1>${title}</h1><div role="alert"><p>${body}</p></div>${link}`);
}
