import './staff.css';
import { apiJson, messageOf } from './api.ts';
import type { AuditEvent } from './api-types.ts';
import { announce, byId, h } from './dom.ts';
import { counted } from './labels.ts';
import { startStaffPage } from './shell.ts';

// The lead's audit log: who did what to which site and dyad, and which release files were taken.
// The last 7 days by default; `from` and `to` are UTC days, as the API takes them.

const DAY_MS = 86_400_000;
const isoDay = (at: Date): string => at.toISOString().slice(0, 10);

function detailText(detail: AuditEvent['detail']): string {
  return detail
    ? Object.entries(detail)
        .map(([key, value]) => `${key}: ${value}`)
        .join(', ')
    : '';
}

async function show(from: string, to: string): Promise<void> {
  const query = new URLSearchParams({ from, to });
  const { events } = await apiJson<{ events: AuditEvent[] }>(`/api/v1/audit?${query}`);
  const caption = `Audit events from ${from} to ${to} (UTC)`;
  byId('events').replaceChildren(
    events.length
      ? h('div', { class: 'scroll', role: 'region', 'aria-label': caption, tabindex: 0 }, [
          h('table', { id: 'audit' }, [
            h('caption', { class: 'visually-hidden', text: caption }),
            h(
              'thead',
              {},
              h(
                'tr',
                {},
                ['When (UTC)', 'Who', 'What', 'Site', 'About', 'Detail'].map((c) =>
                  h('th', { scope: 'col', text: c }),
                ),
              ),
            ),
            h(
              'tbody',
              {},
              events
                .slice()
                .reverse()
                .map((e) =>
                  h('tr', {}, [
                    h(
                      'td',
                      { class: 'num' },
                      h('time', { datetime: e.at, text: e.at.slice(0, 16).replace('T', ' ') }),
                    ),
                    h('td', { text: e.actor }),
                    h('td', {}, h('code', { text: e.action })),
                    h('td', { text: e.siteId ?? '' }),
                    h('td', { text: e.target ?? '' }),
                    h('td', { text: detailText(e.detail) }),
                  ]),
                ),
            ),
          ]),
        ])
      : h('p', { class: 'muted', text: 'No event in these days.' }),
  );
  announce(
    `${counted(events.length, { one: 'event', other: 'events' })} from ${from} to ${to}, newest first.`,
  );
}

async function start(): Promise<void> {
  await startStaffPage();
  const now = new Date();
  const from = byId<HTMLInputElement>('audit-from');
  const to = byId<HTMLInputElement>('audit-to');
  from.value = isoDay(new Date(now.getTime() - 6 * DAY_MS));
  to.value = isoDay(now);
  byId<HTMLFormElement>('audit-range').addEventListener('submit', (event) => {
    event.preventDefault();
    show(from.value, to.value).catch((error: unknown) => announce(messageOf(error), true));
  });
  await show(from.value, to.value);
}

start().catch((error: unknown) => announce(messageOf(error), true));
