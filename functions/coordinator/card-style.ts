import { createHash } from 'node:crypto';

// The printable card's stylesheet, apart from its rendering: the staff pages' CSP names its hash,
// since the dashboard opens the card in a window that inherits the dashboard's policy.

/** The card's one stylesheet; the staff pages' CSP allows it by its hash (functions/web/pages.ts). */
export const CARD_CSS = `
*{box-sizing:border-box}
body{margin:0;font:10.5pt/1.35 system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans","Noto Sans Arabic",sans-serif;color:#000;background:#fff}
main{width:180mm;margin:0 auto;padding:4mm 0}
.sheet-head{display:flex;justify-content:space-between;align-items:baseline;gap:4mm;font-size:9pt;color:#333;margin:0 0 3mm}
.sheet-head h1{font-size:12pt;margin:0}
.card{width:180mm;height:76mm;border:0.4mm dashed #555;padding:5mm;margin:0 0 4mm;display:flex;gap:5mm;overflow:hidden;break-inside:avoid;page-break-inside:avoid}
.qr{flex:0 0 52mm;margin:0}
.qr svg{display:block;width:52mm;height:52mm}
.qr figcaption{font:700 11pt ui-monospace,monospace;text-align:center;margin-top:1mm}
.text{flex:1 1 auto;min-width:0}
.text h2{font-size:13pt;margin:0 0 2mm}
.text p{margin:0 0 1.6mm}
.url{font:9pt ui-monospace,monospace;overflow-wrap:anywhere;direction:ltr;unicode-bidi:embed;text-align:left}
.small{font-size:8.5pt;color:#333}
.actions{margin:4mm 0}
.actions button{font:inherit;padding:2mm 4mm}
@page{margin:10mm}
@media print{.actions{display:none}main{padding:0}}
`;

/** `'sha256-…'` of CARD_CSS, a CSP source for the card's one `<style>` element. */
export const CARD_STYLE_SOURCE = `'sha256-${createHash('sha256').update(CARD_CSS).digest('base64')}'`;
