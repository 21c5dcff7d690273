// The one HTML template helper of every server-rendered page (participant views, the card, the staff
// page shells, the release report). Interpolated values are escaped unless they are already markup,
// so a page cannot forget to escape: there is no other way to build one.

const ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Markup that is safe to insert as is: made by `html` or, for trusted generated markup, by `trusted`. */
export class Markup {
  readonly #text: string;
  constructor(text: string) {
    this.#text = text;
  }
  toString(): string {
    return this.#text;
  }
}

/** A value an `html` template accepts: text (escaped), numbers, markup, lists of them; nothing for null, undefined and false. */
export type HtmlValue = Markup | string | number | null | undefined | false | readonly HtmlValue[];

/** Text escaped for element content and quoted attribute values. */
export function escapeText(text: string): string {
  return text.replace(/[&<>"']/g, (char) => ENTITIES[char] ?? char);
}

function render(value: HtmlValue): string {
  if (value === null || value === undefined || value === false) return '';
  if (value instanceof Markup) return value.toString();
  if (Array.isArray(value)) return value.map(render).join('');
  return escapeText(String(value));
}

/** Tagged template: `html\`<p>${text}</p>\`` escapes `text`; nested `html` results and lists are inserted as markup. */
export function html(strings: TemplateStringsArray, ...values: readonly HtmlValue[]): Markup {
  let out = strings[0] ?? '';
  values.forEach((value, index) => {
    out += render(value) + (strings[index + 1] ?? '');
  });
  return new Markup(out);
}

/** Markup from a generator Tandem trusts (the QR code library's SVG); never for text from a request or a store. */
export function trusted(markup: string): Markup {
  return new Markup(markup);
}
