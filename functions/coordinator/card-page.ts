import QRCode from 'qrcode';
import { isoDateIn, siteTimeZone } from '../../shared/dates.ts';
import type { DyadLinks } from '../../shared/enrolment/deps.ts';
import { html, type Markup, trusted } from '../../shared/html.ts';
import { isRtl } from '../../shared/i18n/languages.ts';
import type { Role } from '../../shared/instruments/schema.ts';
import type { Dyad } from '../../shared/ports.ts';
import type { Study } from '../../shared/study/schema.ts';
import { CARD_CSS } from './card-style.ts';

// The printable link card, rendered for the coordinator's card route from the links the enrolment
// use case issued (shared/enrolment/card.ts).

interface CardText {
  heading: Record<Role, string>;
  code: string;
  scan: string;
  when: string;
  private: string;
  lost: string;
}

// Instructions for the participant, in the dyad's language; a language not listed here falls back
// to English (the study's own wording can be added here as languages are added).
const CARD_TEXT: Record<string, CardText> = {
  en: {
    heading: { client: 'For the client', therapist: 'For the therapist', interpreter: 'For the interpreter' },
    code: 'Code',
    scan: 'Scan the code with your phone’s camera, or type the address below into a browser.',
    when: 'After each session, open your link and answer the short questionnaire. It takes a few minutes. Your answers are anonymous: your clinic does not see them.',
    private: 'This link is yours alone. Keep this card private.',
    lost: 'Lost the card? Ask the study coordinator for a new one; this link then stops working.',
  },
  de: {
    heading: {
      client: 'Für die Klientin / den Klienten',
      therapist: 'Für die Therapeutin / den Therapeuten',
      interpreter: 'Für die Dolmetscherin / den Dolmetscher',
    },
    code: 'Code',
    scan: 'Scannen Sie den Code mit der Kamera Ihres Telefons oder geben Sie die Adresse unten in einen Browser ein.',
    when: 'Öffnen Sie nach jeder Sitzung Ihren Link und beantworten Sie den kurzen Fragebogen. Das dauert wenige Minuten. Ihre Antworten sind anonym: Ihre Einrichtung sieht sie nicht.',
    private: 'Dieser Link gehört nur Ihnen. Bewahren Sie diese Karte vertraulich auf.',
    lost: 'Karte verloren? Die Studienkoordination gibt Ihnen eine neue; dieser Link funktioniert dann nicht mehr.',
  },
  ar: {
    heading: { client: 'للعميل', therapist: 'للمعالج', interpreter: 'للمترجم' },
    code: 'الرمز',
    scan: 'امسح الرمز بكاميرا هاتفك، أو اكتب العنوان أدناه في المتصفح.',
    when: 'بعد كل جلسة، افتح رابطك وأجب على الاستبيان القصير. يستغرق ذلك بضع دقائق. إجاباتك مجهولة الهوية: لا تراها عيادتك.',
    private: 'هذا الرابط لك وحدك. احتفظ بهذه البطاقة بشكل خاص.',
    lost: 'فقدت البطاقة؟ اطلب بطاقة جديدة من منسق الدراسة؛ عندها يتوقف هذا الرابط عن العمل.',
  },
};

/** Words a card is written in: the dyad's language when the card knows it, else English. */
export function cardLanguage(language: string): string {
  return language in CARD_TEXT ? language : 'en';
}

/** The printable card: one cut-out panel per role with its QR code, link and instructions. */
export async function renderCard(
  study: Study,
  dyad: Dyad,
  links: DyadLinks,
  printedAt: Date,
): Promise<string> {
  const language = cardLanguage(dyad.language);
  const text = CARD_TEXT[language] ?? (CARD_TEXT.en as CardText);
  const dir = isRtl(language) ? 'rtl' : 'ltr';
  const title =
    study.title[language] ?? study.title[study.defaultLanguage] ?? Object.values(study.title)[0] ?? '';
  const panels: Markup[] = [];
  for (const role of ['client', 'therapist', 'interpreter'] as const) {
    const link = links[role];
    if (!link) continue;
    // The QR library's own SVG, with an accessible name added to its root element.
    const qr = await QRCode.toString(link.url, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
    const svg = trusted(
      qr.replace('<svg ', `<svg ${html`role="img" aria-label="QR code: ${link.url}" data-role="${role}"`} `),
    );
    panels.push(html`<section class="card" data-role="${role}" aria-labelledby="h-${role}">
<figure class="qr">${svg}<figcaption>${dyad.dyadId}</figcaption></figure>
<div class="text">
<h2 id="h-${role}">${text.heading[role]}</h2>
<p>${text.scan}</p>
<p class="url" data-role="${role}">${link.url}</p>
<p>${text.when}</p>
<p class="small">${text.private} ${text.lost}</p>
</div>
</section>
`);
  }
  // No script: the dashboard that opens the card makes the Print button print (coordinator.ts).
  return html`<!doctype html>
<html lang="${language}" dir="${dir}">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${`${title} – ${dyad.dyadId}`}</title>
<style>${trusted(CARD_CSS)}</style></head>
<body><main>
<div class="sheet-head"><h1>${title}</h1><span>${text.code}: ${dyad.dyadId} · ${dyad.siteId} · ${isoDateIn(siteTimeZone(study, dyad.siteId), printedAt)}</span></div>
<div class="actions" dir="ltr"><button type="button" data-print>Print</button> <span class="small">Cut along the dashed lines. A reprint issues new links and this card’s links stop working.</span></div>
${panels}</main></body></html>`.toString();
}
