import './staff.css';
import { barChart, lineChart, percentLabel } from '../../../analysis/write/svg.ts';
import { apiJson, apiResponse, messageOf } from './api.ts';
import type {
  DyadView,
  EnrolmentFigures,
  EnrolResult,
  Role,
  SafetyFollowUp,
  SiteListing,
  TherapistListing,
} from './api-types.ts';
import { confirmAction } from './confirm.ts';
import { announce, byId, h, svgChart } from './dom.ts';
import { counted, languageLabel, MODALITY_OPTIONS, modalityLabel, percent } from './labels.ts';
import { startStaffPage } from './shell.ts';

// The coordinator dashboard: a static page that holds no data and calls the coordinator API with
// the signed-in user's token. Completion status only: no answer is shown anywhere.

const ROLES: readonly Role[] = ['client', 'therapist', 'interpreter'];
const ROLE_NAMES: Record<Role, string> = {
  client: 'Client',
  therapist: 'Therapist',
  interpreter: 'Interpreter',
};

const state: {
  listing: SiteListing | null;
  selected: string | null;
  figures: Record<string, EnrolmentFigures>;
} = { listing: null, selected: null, figures: {} };

const sitePath = (siteId: string): string => `/api/v1/sites/${encodeURIComponent(siteId)}`;
const dyadPath = (siteId: string, dyadId: string): string =>
  `${sitePath(siteId)}/dyads/${encodeURIComponent(dyadId)}`;
const siteName = (siteId: string): string =>
  state.listing?.sites.find((site) => site.siteId === siteId)?.name ?? siteId;
const fail = (error: unknown): void => announce(messageOf(error), true);

// Charts -------------------------------------------------------------------------------------------

/** Cumulative enrolment by month against the site's target. */
function enrolmentChart(figures: EnrolmentFigures): Element {
  const last = figures.byMonth.at(-1)?.cumulative ?? 0;
  return svgChart(
    barChart({
      chart: `enrolment-${figures.siteId}`,
      title: `Cumulative enrolment: ${figures.dyads.enrolled} of a target of ${figures.targetDyads} dyads`,
      xLabel: 'dyads enrolled (cumulative)',
      bars: figures.byMonth.map((month) => ({ label: month.month, value: month.cumulative })),
      max: Math.max(figures.targetDyads, last, 1),
      format: String,
      ...(figures.targetDyads > 0
        ? { reference: { value: figures.targetDyads, label: `target ${figures.targetDyads}` } }
        : {}),
    }),
  );
}

interface RateRow {
  role: Role;
  session: number;
  due: number;
  completed: number;
}

/** Dyad-level questionnaires due and completed, per role and session. */
function rateRows(figures: EnrolmentFigures): RateRow[] {
  const rows = new Map<string, RateRow>();
  for (const figure of figures.schedule) {
    if (figure.level !== 'dyad' || figure.due === 0) continue;
    const key = `${figure.role}#${figure.session}`;
    const row = rows.get(key) ?? { role: figure.role, session: figure.session, due: 0, completed: 0 };
    row.due += figure.due;
    row.completed += figure.completed;
    rows.set(key, row);
  }
  return [...rows.values()].sort((a, b) => a.session - b.session || a.role.localeCompare(b.role));
}

/** Response rate by session, one line per role, and the same figures as a table. */
function responseChart(figures: EnrolmentFigures): Element {
  const rows = rateRows(figures);
  if (!rows.length) return h('p', { class: 'muted', text: 'No questionnaire has been due yet.' });
  const due = rows.reduce((sum, r) => sum + r.due, 0);
  const completed = rows.reduce((sum, r) => sum + r.completed, 0);
  const overall = `overall ${percent(completed / due)} of questionnaires due were completed`;
  const chart = svgChart(
    lineChart({
      chart: `response-${figures.siteId}`,
      title: `Response rate by session and role; ${overall}`,
      xLabel: 'session',
      yLabel: 'completed',
      yDomain: [0, 1],
      yFormat: percentLabel,
      series: ROLES.filter((role) => rows.some((r) => r.role === role)).map((role) => ({
        name: ROLE_NAMES[role],
        points: rows.filter((r) => r.role === role).map((r) => ({ x: r.session, y: r.completed / r.due })),
      })),
    }),
  );
  const table = h('table', {}, [
    h('caption', { class: 'visually-hidden', text: `Response rate by session and role, ${figures.name}` }),
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        ['Session', 'Role', 'Completed', 'Due', 'Rate'].map((c) => h('th', { scope: 'col', text: c })),
      ),
    ),
    h(
      'tbody',
      {},
      rows.map((r) =>
        h('tr', {}, [
          h('td', { text: r.session }),
          h('td', { text: ROLE_NAMES[r.role] }),
          h('td', { class: 'num', text: r.completed }),
          h('td', { class: 'num', text: r.due }),
          h('td', { class: 'num', text: percent(r.completed / r.due) }),
        ]),
      ),
    ),
  ]);
  return h('figure', {}, [
    chart,
    h('details', {}, [h('summary', { text: 'Response rates by session as a table' }), table]),
  ]);
}

/** Therapist-level questionnaires are monthly, not per session: one line instead of a chart. */
function monthlyLine(figures: EnrolmentFigures): Element | null {
  const rows = figures.schedule.filter((r) => r.level === 'therapist');
  if (!rows.length) return null;
  const due = rows.reduce((sum, r) => sum + r.due, 0);
  const completed = rows.reduce((sum, r) => sum + r.completed, 0);
  return h('p', {
    text: `Monthly therapist questionnaires: ${completed} of ${due} completed (${percent(due ? completed / due : null)}).`,
  });
}

// Site panels --------------------------------------------------------------------------------------

function kpi(term: string, value: string | number, alert = false): Element {
  return h('div', {}, [h('dt', { text: term }), h('dd', { class: alert ? 'alert' : null, text: value })]);
}

interface OverdueRow {
  dyadId: string;
  count: number;
  oldest: number | null;
  roles: string;
}

function overdueTable(rows: OverdueRow[], caption: string): Element {
  return h('div', { class: 'scroll', role: 'region', 'aria-label': caption, tabindex: 0 }, [
    h('table', {}, [
      h('caption', { class: 'visually-hidden', text: caption }),
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          ['Dyad', 'Overdue', 'Oldest', 'Roles'].map((c) => h('th', { scope: 'col', text: c })),
        ),
      ),
      h(
        'tbody',
        {},
        rows.map((r) =>
          h('tr', {}, [
            h('th', { scope: 'row', text: r.dyadId }),
            h('td', { class: 'num', text: r.count }),
            h('td', {
              class: 'num',
              text: r.oldest === null ? '–' : counted(r.oldest, { one: 'day', other: 'days' }),
            }),
            h('td', { text: r.roles }),
          ]),
        ),
      ),
    ]),
  ]);
}

/** The most overdue dyads first; five shown, the rest one click away. */
function overdueList(figures: EnrolmentFigures): Element {
  if (!figures.overdue.length) return h('p', { class: 'muted', text: 'No dyad is overdue.' });
  const rows = figures.overdue
    .map((d): OverdueRow => {
      const perRole = new Map<Role, number>();
      let oldest: number | null = null;
      for (const item of d.items) {
        perRole.set(item.role, (perRole.get(item.role) ?? 0) + 1);
        if (item.daysDue !== null && (oldest === null || item.daysDue > oldest)) oldest = item.daysDue;
      }
      const roles = [...perRole].map(([role, n]) => `${ROLE_NAMES[role]} ${n}`).join(', ');
      return { dyadId: d.dyadId, count: d.items.length, oldest, roles };
    })
    .sort((a, b) => (b.oldest ?? 0) - (a.oldest ?? 0) || a.dyadId.localeCompare(b.dyadId));
  const parts = [overdueTable(rows.slice(0, 5), `Most overdue dyads of ${figures.name}`)];
  if (rows.length > 5) {
    parts.push(
      h('details', {}, [
        h('summary', { text: `All ${rows.length} overdue dyads` }),
        overdueTable(rows, `Overdue dyads of ${figures.name}`),
      ]),
    );
  }
  return h('div', {}, parts);
}

async function closeFollowUp(siteId: string, followUp: SafetyFollowUp): Promise<void> {
  const path = `${dyadPath(siteId, followUp.dyadId)}/follow-ups/${encodeURIComponent(followUp.id)}/close`;
  try {
    await apiJson(path, { method: 'POST' });
    announce(`Closed the safety follow-up of ${followUp.dyadId}.`);
    await loadFigures(siteId);
  } catch (error) {
    fail(error);
  }
}

/** Open safety follow-ups (a dyad code, the role and the day a flag fired; never an answer), each with Close. */
function safetyList(figures: EnrolmentFigures): Element {
  if (!figures.safetyFollowUps.length)
    return h('p', { class: 'muted', text: 'No safety follow-up is open.' });
  return h(
    'ul',
    { class: 'follow-ups' },
    figures.safetyFollowUps.map((f) =>
      h('li', { 'data-follow-up': f.id }, [
        h('span', {}, [
          h('strong', { text: f.dyadId }),
          ` · ${ROLE_NAMES[f.role] ?? f.role} · therapist ${f.therapistId} · flagged ${f.openedOn}`,
        ]),
        h('button', {
          type: 'button',
          class: 'secondary',
          text: 'Close',
          'aria-label': `Close the safety follow-up of ${f.dyadId} from ${f.openedOn}`,
          onclick: () => void closeFollowUp(figures.siteId, f),
        }),
      ]),
    ),
  );
}

async function downloadCsv(siteId: string): Promise<void> {
  try {
    const response = await apiResponse(`${sitePath(siteId)}/enrolment?format=csv`, {
      headers: { Accept: 'text/csv' },
    });
    const link = h('a', {
      href: URL.createObjectURL(await response.blob()),
      download: `enrolment-${siteId}.csv`,
    });
    document.body.append(link);
    link.click();
    link.remove();
    announce(`Downloaded the enrolment figures of ${siteName(siteId)} as CSV.`);
  } catch (error) {
    fail(error);
  }
}

function sitePanel(figures: EnrolmentFigures): Element {
  const d = figures.dyads;
  const headingId = `site-${figures.siteId}`;
  return h('article', { class: 'panel', 'aria-labelledby': headingId, 'data-site': figures.siteId }, [
    h('h3', { id: headingId, text: figures.name }),
    h('dl', { class: 'kpis' }, [
      kpi('Enrolled / target', `${d.enrolled} / ${figures.targetDyads}`),
      kpi('Active', d.active),
      kpi('Ended', d.ended),
      kpi('Withdrawn', d.withdrawn),
      kpi('Therapists', figures.therapists.active),
      kpi('Dyads overdue', figures.overdue.length, figures.overdue.length > 0),
      kpi('Safety follow-ups', figures.safetyFollowUps.length, figures.safetyFollowUps.length > 0),
    ]),
    h('h4', { text: 'Safety follow-ups' }),
    safetyList(figures),
    h('h4', { text: 'Enrolment against target' }),
    h('figure', {}, enrolmentChart(figures)),
    h('h4', { text: 'Response rate by session and role' }),
    responseChart(figures),
    monthlyLine(figures),
    h('h4', { text: 'Overdue dyads' }),
    overdueList(figures),
    h(
      'p',
      {},
      h('button', {
        type: 'button',
        class: 'secondary',
        text: `Download ${figures.name} figures (CSV)`,
        onclick: () => void downloadCsv(figures.siteId),
      }),
    ),
  ]);
}

function renderOverview(): void {
  const sites = state.listing?.sites ?? [];
  byId('overview').replaceChildren(
    ...sites.map((site) => {
      const figures = state.figures[site.siteId];
      return figures
        ? sitePanel(figures)
        : h('article', { class: 'panel' }, [
            h('h3', { text: site.name }),
            h('p', { class: 'muted', text: 'Loading…' }),
          ]);
    }),
  );
}

async function loadFigures(siteId: string): Promise<void> {
  state.figures[siteId] = await apiJson<EnrolmentFigures>(`${sitePath(siteId)}/enrolment`);
  renderOverview();
}

// Links shown once, and the card ---------------------------------------------------------------------

function shownOnce(title: string, links: [string, string][], extra?: Element): HTMLElement {
  return h('div', { class: 'once', tabindex: -1 }, [
    h('p', {}, h('strong', { text: title })),
    h('p', {
      text: 'These links are shown only now; tokens are never stored. Hand them over or print the card.',
    }),
    h(
      'ul',
      { class: 'plain' },
      links.map(([role, link]) =>
        h('li', {}, [
          `${role}: `,
          h('code', { 'data-link-role': role, text: link }),
          ' ',
          h('button', {
            type: 'button',
            class: 'secondary',
            text: 'Copy',
            'aria-label': `Copy the ${role} link`,
            onclick: () => {
              void navigator.clipboard?.writeText(link);
              announce(`Copied the ${role} link.`);
            },
          }),
        ]),
      ),
    ),
    extra,
  ]);
}

function showOnce(node: HTMLElement): void {
  byId('shown-once').replaceChildren(node);
  node.focus();
}

/** The card's Print button prints: the card itself carries no script (the page's CSP allows none). */
function wirePrintButton(win: Window, url: string): void {
  const started = Date.now();
  const timer = setInterval(() => {
    let button: Element | null = null;
    try {
      if (win.location.href === url && win.document.readyState === 'complete') {
        button = win.document.querySelector('[data-print]');
      }
    } catch {
      clearInterval(timer);
      return;
    }
    if (button || win.closed || Date.now() - started > 15_000) clearInterval(timer);
    button?.addEventListener('click', () => win.print());
  }, 100);
}

/** After a confirmation, issues new links for every role of the dyad and opens its printable card. */
async function printCard(siteId: string, dyadId: string, confirmed = false): Promise<void> {
  if (
    !confirmed &&
    !(await confirmAction({
      title: `Print a new card for ${dyadId}?`,
      body: 'The card carries new links for every role of this dyad. The links they have now stop working at once.',
      confirmLabel: 'Print card with new links',
    }))
  ) {
    announce(`The links of ${dyadId} are unchanged.`);
    return;
  }
  // Opened before the request, while the click still counts as a user action for the pop-up.
  const win = window.open('', '_blank');
  try {
    const response = await apiResponse(`${dyadPath(siteId, dyadId)}/card`, {
      method: 'POST',
      headers: { Accept: 'text/html' },
    });
    const url = URL.createObjectURL(new Blob([await response.text()], { type: 'text/html' }));
    if (win) {
      win.location.href = url;
      wirePrintButton(win, url);
    } else {
      window.location.href = url;
    }
    announce(`Opened the card of ${dyadId}. Its links are new; earlier links of this dyad no longer work.`);
    await loadSite(siteId);
  } catch (error) {
    win?.close();
    fail(error);
  }
}

// Forms ----------------------------------------------------------------------------------------------

function labelled(text: string, control: HTMLElement, id: string): Element {
  control.id = id;
  return h('div', { class: 'field' }, [h('label', { for: id, text }), control]);
}

function languageSelect(): HTMLSelectElement {
  const study = state.listing?.study;
  return h(
    'select',
    { name: 'language' },
    (study?.languages ?? []).map((code) =>
      h('option', { value: code, selected: code === study?.defaultLanguage, text: languageLabel(code) }),
    ),
  );
}

function therapistForm(siteId: string): Element {
  const language = languageSelect();
  const form = h('form', { class: 'inline', 'aria-labelledby': 'add-therapist-h' }, [
    labelled('Language of their pages', language, 'therapist-language'),
    h('button', { type: 'submit', text: 'Add therapist' }),
  ]);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    apiJson<{ therapist: { therapistId: string }; link: string }>(`${sitePath(siteId)}/therapists`, {
      method: 'POST',
      body: JSON.stringify({ language: language.value }),
    })
      .then((result) => {
        showOnce(shownOnce(`Therapist ${result.therapist.therapistId} added.`, [['therapist', result.link]]));
        announce(`Added therapist ${result.therapist.therapistId}.`);
        return loadSite(siteId);
      })
      .catch(fail);
  });
  return form;
}

function enrolForm(siteId: string, therapists: TherapistListing[]): Element {
  const active = therapists.filter((t) => t.status === 'active');
  if (!active.length)
    return h('p', { class: 'muted', text: 'Add a therapist first; every dyad belongs to one.' });
  const therapist = h(
    'select',
    { name: 'therapistId' },
    active.map((t) => h('option', { value: t.therapistId, text: t.therapistId })),
  );
  const modality = h(
    'select',
    { name: 'modality' },
    MODALITY_OPTIONS.map(([value, label]) => h('option', { value, text: label })),
  );
  const language = languageSelect();
  const interpreter = h('input', { type: 'checkbox', name: 'interpreter', id: 'enrol-interpreter' });
  const form = h('form', { class: 'inline', 'aria-labelledby': 'enrol-h' }, [
    labelled('Therapist', therapist, 'enrol-therapist'),
    labelled('Modality', modality, 'enrol-modality'),
    labelled('Language', language, 'enrol-language'),
    h('label', { class: 'check' }, [interpreter, 'With an interpreter']),
    h('button', { type: 'submit', text: 'Enrol dyad' }),
  ]);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const body = {
      therapistId: therapist.value,
      modality: modality.value,
      interpreter: interpreter.checked,
      language: language.value,
    };
    apiJson<EnrolResult>(`${sitePath(siteId)}/dyads`, { method: 'POST', body: JSON.stringify(body) })
      .then((result) => {
        const links: [string, string][] = [
          ['client', result.links.client],
          ['therapist', result.links.therapist],
        ];
        if (result.links.interpreter) links.push(['interpreter', result.links.interpreter]);
        const { dyadId } = result.dyad;
        // Just enrolled: the links above have not been handed out yet, so no confirmation.
        const card = h('p', {}, [
          h('button', {
            type: 'button',
            text: `Open printable card for ${dyadId}`,
            onclick: () => void printCard(siteId, dyadId, true),
          }),
          ' ',
          h('span', {
            class: 'muted',
            text: 'The card carries new links; the ones above then stop working.',
          }),
        ]);
        showOnce(shownOnce(`Dyad ${dyadId} enrolled.`, links, card));
        announce(`Enrolled dyad ${dyadId}.`);
        return loadSite(siteId);
      })
      .catch(fail);
  });
  return form;
}

// Dyads and therapists -------------------------------------------------------------------------------

function dueText(dyad: DyadView): string {
  const parts = ROLES.flatMap((role) => {
    const due = dyad.due[role];
    if (!due?.items.length) return [];
    return [`${ROLE_NAMES[role]} ${due.items.length}${due.overdue ? ` (${due.overdue} overdue)` : ''}`];
  });
  return parts.length ? parts.join(', ') : 'nothing';
}

async function patchDyad(siteId: string, dyadId: string, body: object, done: string): Promise<void> {
  try {
    await apiJson(dyadPath(siteId, dyadId), { method: 'PATCH', body: JSON.stringify(body) });
    announce(done);
    await loadSite(siteId);
    await loadFigures(siteId);
  } catch (error) {
    fail(error);
  }
}

async function rotateDyadLink(siteId: string, dyadId: string, role: string): Promise<void> {
  const confirmed = await confirmAction({
    title: `New ${role} link for ${dyadId}?`,
    body: `The ${role}'s current link stops working at once; hand over the new one.`,
    confirmLabel: 'Issue a new link',
  });
  if (!confirmed) return announce(`The ${role} link of ${dyadId} is unchanged.`);
  try {
    const result = await apiJson<{ link: string }>(
      `${dyadPath(siteId, dyadId)}/links/${encodeURIComponent(role)}/rotate`,
      { method: 'POST' },
    );
    showOnce(
      shownOnce(`New ${role} link for ${dyadId}; the old one no longer works.`, [[role, result.link]]),
    );
    announce(`Issued a new ${role} link for ${dyadId}.`);
  } catch (error) {
    fail(error);
  }
}

function dyadActions(siteId: string, dyad: DyadView): Element {
  const id = dyad.dyadId;
  if (dyad.status === 'withdrawn') return h('span', { class: 'muted', text: 'withdrawn' });
  const roles = dyad.interpreter ? ROLES : ROLES.slice(0, 2);
  const role = h(
    'select',
    { name: 'role' },
    roles.map((r) => h('option', { value: r, text: ROLE_NAMES[r] })),
  );
  const rotate = h('form', { class: 'inline' }, [
    labelled('Role', role, `rotate-role-${id}`),
    h('button', { type: 'submit', class: 'secondary', text: 'New link' }),
  ]);
  rotate.addEventListener('submit', (event) => {
    event.preventDefault();
    void rotateDyadLink(siteId, id, role.value);
  });
  const children: Element[] = [
    h('summary', { text: 'Actions', 'aria-label': `Actions for ${id}` }),
    h(
      'p',
      {},
      h('button', {
        type: 'button',
        class: 'secondary',
        text: 'Print card (new links)',
        onclick: () => void printCard(siteId, id),
      }),
    ),
    rotate,
  ];
  if (dyad.status === 'active') {
    const first = Math.max(dyad.currentSession, 1);
    const last = h('input', {
      type: 'number',
      name: 'lastSession',
      min: first,
      max: 999,
      required: true,
      value: first,
    });
    const end = h('form', { class: 'inline' }, [
      labelled('Last session', last, `last-session-${id}`),
      h('button', { type: 'submit', class: 'secondary', text: 'End dyad' }),
    ]);
    end.addEventListener('submit', (event) => {
      event.preventDefault();
      void patchDyad(siteId, id, { status: 'ended', lastSession: Number(last.value) }, `Ended dyad ${id}.`);
    });
    children.push(end);
  }
  children.push(
    h(
      'p',
      {},
      h('button', {
        type: 'button',
        class: 'danger',
        text: 'Withdraw dyad',
        onclick: async () => {
          const confirmed = await confirmAction({
            title: `Withdraw ${id}?`,
            body: 'Every answer of this dyad is deleted and its links stop working. An open safety follow-up stays on the list.',
            confirmLabel: 'Withdraw and delete answers',
          });
          if (confirmed)
            void patchDyad(
              siteId,
              id,
              { status: 'withdrawn' },
              `Withdrew dyad ${id}; its answers are deleted.`,
            );
        },
      }),
    ),
  );
  return h('details', { class: 'actions' }, children);
}

function statusText(dyad: DyadView): string {
  const status = { active: 'Active', ended: 'Ended', withdrawn: 'Withdrawn' }[dyad.status] ?? dyad.status;
  return (
    status +
    (dyad.lastSession ? ` (last session ${dyad.lastSession})` : '') +
    (dyad.safetyFollowUps.some((followUp) => followUp.closedAt === undefined) ? ' · safety follow-up' : '')
  );
}

/** The dyads as a table in its own scroll container: the page itself never scrolls sideways. */
function dyadTable(siteId: string, dyads: DyadView[]): Element {
  if (!dyads.length) return h('p', { class: 'muted', text: 'No dyad is enrolled yet.' });
  const caption = `Dyads of ${siteName(siteId)}`;
  const cols = [
    'Code',
    'Therapist',
    'Modality',
    'Interpreter',
    'Language',
    'Enrolled',
    'Status',
    'Session',
    'Due now',
    'Actions',
  ];
  return h('div', { class: 'scroll', role: 'region', 'aria-label': caption, tabindex: 0 }, [
    h('table', { id: 'dyads', class: 'stack' }, [
      h('caption', { class: 'visually-hidden', text: caption }),
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          cols.map((c) => h('th', { scope: 'col', text: c })),
        ),
      ),
      h(
        'tbody',
        {},
        dyads.map((d) => {
          const overdue = ROLES.some((role) => (d.due[role]?.overdue ?? 0) > 0);
          const cell = (label: string, text: string | number, className?: string) =>
            h('td', { 'data-label': label, class: className ?? null, text });
          return h('tr', { 'data-dyad': d.dyadId }, [
            h('th', { scope: 'row', text: d.dyadId }),
            cell('Therapist', d.therapistId),
            cell('Modality', modalityLabel(d.modality)),
            cell('Interpreter', d.interpreter ? 'yes' : 'no'),
            cell('Language', languageLabel(d.language)),
            cell('Enrolled', d.enrolledOn),
            cell('Status', statusText(d)),
            cell('Session', d.currentSession),
            cell('Due now', dueText(d), overdue ? 'overdue' : undefined),
            h('td', { 'data-label': 'Actions' }, dyadActions(siteId, d)),
          ]);
        }),
      ),
    ]),
  ]);
}

async function rotateTherapistLink(siteId: string, therapistId: string): Promise<void> {
  const confirmed = await confirmAction({
    title: `New link for therapist ${therapistId}?`,
    body: 'Their current link stops working at once; hand over the new one.',
    confirmLabel: 'Issue a new link',
  });
  if (!confirmed) return announce(`The link of ${therapistId} is unchanged.`);
  try {
    const result = await apiJson<{ link: string }>(
      `${sitePath(siteId)}/therapists/${encodeURIComponent(therapistId)}/links/rotate`,
      { method: 'POST' },
    );
    showOnce(
      shownOnce(`New link for therapist ${therapistId}; the old one no longer works.`, [
        ['therapist', result.link],
      ]),
    );
  } catch (error) {
    fail(error);
  }
}

function therapistTable(siteId: string, therapists: TherapistListing[]): Element {
  if (!therapists.length) return h('p', { class: 'muted', text: 'No therapist yet.' });
  const caption = `Therapists of ${siteName(siteId)}`;
  return h('div', { class: 'scroll', role: 'region', 'aria-label': caption, tabindex: 0 }, [
    h('table', {}, [
      h('caption', { class: 'visually-hidden', text: caption }),
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          ['Code', 'Since', 'Status', 'Active dyads', 'Link'].map((c) => h('th', { scope: 'col', text: c })),
        ),
      ),
      h(
        'tbody',
        {},
        therapists.map((t) =>
          h('tr', {}, [
            h('th', { scope: 'row', text: t.therapistId }),
            h('td', { text: t.enrolledOn }),
            h('td', { text: t.status === 'active' ? 'Active' : 'Left' }),
            h('td', { class: 'num', text: t.activeDyads }),
            h(
              'td',
              {},
              t.status === 'active'
                ? h('button', {
                    type: 'button',
                    class: 'secondary',
                    text: 'New link',
                    'aria-label': `New link for ${t.therapistId}`,
                    onclick: () => void rotateTherapistLink(siteId, t.therapistId),
                  })
                : null,
            ),
          ]),
        ),
      ),
    ]),
  ]);
}

async function loadSite(siteId: string): Promise<void> {
  const [therapists, dyads] = await Promise.all([
    apiJson<{ therapists: TherapistListing[] }>(`${sitePath(siteId)}/therapists`),
    apiJson<{ dyads: DyadView[] }>(`${sitePath(siteId)}/dyads`),
  ]);
  if (state.selected !== siteId) return;
  byId('site-detail').replaceChildren(
    h('div', { class: 'grid' }, [
      h('section', { class: 'panel', 'aria-labelledby': 'enrol-h' }, [
        h('h3', { id: 'enrol-h', text: 'Enrol a dyad' }),
        enrolForm(siteId, therapists.therapists),
      ]),
      h('section', { class: 'panel', 'aria-labelledby': 'add-therapist-h' }, [
        h('h3', { id: 'add-therapist-h', text: 'Add a therapist' }),
        therapistForm(siteId),
      ]),
    ]),
    h('section', { 'aria-labelledby': 'dyads-h' }, [
      h('h3', { id: 'dyads-h', text: 'Dyads' }),
      h('div', { class: 'panel' }, dyadTable(siteId, dyads.dyads)),
    ]),
    h('section', { 'aria-labelledby': 'therapists-h' }, [
      h('h3', { id: 'therapists-h', text: 'Therapists' }),
      h('div', { class: 'panel' }, therapistTable(siteId, therapists.therapists)),
    ]),
  );
}

function selectSite(siteId: string): Promise<void> {
  state.selected = siteId;
  byId('shown-once').replaceChildren();
  byId('site-detail').replaceChildren(h('p', { class: 'muted', text: `Loading ${siteName(siteId)}…` }));
  return loadSite(siteId).catch(fail);
}

async function start(): Promise<void> {
  await startStaffPage();
  const listing = await apiJson<SiteListing>('/api/v1/sites');
  state.listing = listing;
  const title = listing.study.title;
  byId('study').textContent = title.en ?? Object.values(title)[0] ?? listing.study.studyId;
  const [first] = listing.sites;
  if (!first) return announce('You have no site to coordinate.', true);
  renderOverview();
  const select = byId<HTMLSelectElement>('site-select');
  select.replaceChildren(
    ...listing.sites.map((site) => h('option', { value: site.siteId, text: site.name })),
  );
  select.addEventListener('change', () => void selectSite(select.value));
  await Promise.all([
    ...listing.sites.map((site) => loadFigures(site.siteId).catch(fail)),
    selectSite(first.siteId),
  ]);
}

start().catch(fail);
