import { CARD_INLINE } from '../../shared/enrolment/card.ts';
import { DOM_SCRIPT, type StaticPage, staffPage } from './staff-page.ts';

// The dashboard is one static page: it holds no data and calls the coordinator API with the
// signed-in user's token. It builds the DOM with createElement and textContent only (never
// innerHTML), so nothing the API returns can become markup. Charts are inline SVG drawn here.

const CSS = `
main{padding:1rem 1.25rem 3rem;max-width:1400px;margin:0 auto}
h2{font-size:1.2rem;margin:1.5rem 0 .5rem}
h3{font-size:1.1rem;margin:0 0 .5rem}
section>h3{margin-top:1.25rem}
h4{font-size:1rem;margin:1rem 0 .35rem}
button,select,input{font:inherit}
button{padding:.35rem .8rem;border-radius:.35rem;border:1px solid #1f5fbf;background:#1f5fbf;color:#fff;cursor:pointer}
button.danger{background:#fff;color:#a4161a;border-color:#a4161a}
button:focus-visible,select:focus-visible,input:focus-visible,summary:focus-visible,a:focus-visible{outline:3px solid #f2a900;outline-offset:2px}
select,input{padding:.3rem .4rem;border:1px solid #6b7480;border-radius:.3rem;background:#fff;color:#1d232b}
.grid{display:grid;grid-template-columns:repeat(auto-fit,minmax(min(100%,400px),1fr));gap:1rem}
.panel{background:#fff;border:1px solid #d5d9df;border-radius:.5rem;padding:1rem}
.kpis{display:grid;grid-template-columns:repeat(auto-fit,minmax(7.5rem,1fr));gap:.5rem;margin:0 0 .75rem;padding:0}
.kpis div{background:#f4f5f7;border-radius:.35rem;padding:.4rem .6rem}
.kpis dt{font-size:.8rem;color:#4a5563}
.kpis dd{margin:0;font-size:1.2rem;font-weight:600}
.kpis dd.alert{color:#a4161a}
figure{margin:.5rem 0}
figcaption{font-size:.9rem;color:#4a5563}
svg.chart{width:100%;height:auto;max-width:520px;display:block}
.legend{display:flex;gap:1rem;font-size:.85rem;margin:.25rem 0;padding:0;list-style:none}
.legend span{display:inline-block;width:.8rem;height:.8rem;margin-inline-end:.3rem;vertical-align:-1px}
table{border-collapse:collapse;width:100%;font-size:.9rem}
th,td{text-align:start;padding:.3rem .45rem;border-bottom:1px solid #e1e4e8;vertical-align:top}
th[scope=row],td.num{white-space:nowrap}
ul.plain{margin:0;padding-inline-start:1.1rem}
.overdue{color:#a4161a;font-weight:600}
form.inline{display:flex;flex-wrap:wrap;gap:.5rem 1rem;align-items:flex-end}
form.inline .field{display:flex;flex-direction:column;gap:.15rem}
form.inline .field label{font-size:.85rem}
form.inline label.check{display:flex;align-items:center;gap:.35rem}
.once{border:2px solid #2e7d32;background:#eef7ee;border-radius:.5rem;padding:.75rem;margin:.75rem 0}
.once code{font-size:.85rem;overflow-wrap:anywhere}
details.actions summary{cursor:pointer;color:#1f5fbf}
details.actions form{margin:.35rem 0}
#status{margin:.25rem 0}
.visually-hidden{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
`;

const SCRIPT = `
(function () {
  'use strict';
  var SVGNS = 'http://www.w3.org/2000/svg';
  var ROLE_COLOURS = { client: '#1f5fbf', therapist: '#b35900', interpreter: '#2e7d32' };
  // A colour key, coloured through the style object: the page's CSP allows no style attributes.
  function swatch(colour) {
    var el = h('span', { 'aria-hidden': 'true' });
    el.style.background = colour;
    return el;
  }
  var MODALITIES = [['in_person', 'In person'], ['online', 'Online'], ['mixed', 'Mixed']];
  var state = { study: null, sites: [], selected: null, figures: {} };
${DOM_SCRIPT}
  function s(tag, attrs, children) {
    var el = document.createElementNS(SVGNS, tag);
    setAttrs(el, attrs);
    append(el, children);
    return el;
  }
  function describe(body, status) {
    var error = body && body.error;
    if (!error) return 'The request failed (' + status + ').';
    var details = (error.details || []).map(function (d) { return d.path + ': ' + d.message; }).join('; ');
    return error.message + (details ? ' (' + details + ')' : '');
  }
  function api(path, init) {
    return tandemFetch(path, init).then(function (response) {
      if (response.ok) return response;
      return response.json().catch(function () { return null; }).then(function (body) {
        throw new Error(describe(body, response.status));
      });
    });
  }
  function apiJson(path, init) {
    return api(path, init).then(function (response) { return response.json(); });
  }
  function sitePath(siteId) { return '/api/v1/sites/' + encodeURIComponent(siteId); }
  function siteName(siteId) {
    var site = state.sites.find(function (x) { return x.siteId === siteId; });
    return site ? site.name : siteId;
  }
  function percent(rate) { return rate === null || rate === undefined ? '–' : Math.round(rate * 100) + '%'; }
  function fail(error) { announce(error.message || String(error), true); }

  // Cumulative enrolment by month as bars, with the target as a dashed line.
  function enrolmentChart(figures) {
    var months = figures.byMonth;
    var width = 480, height = 200, left = 34, right = 10, top = 14, bottom = 28;
    var max = Math.max(figures.targetDyads, months.length ? months[months.length - 1].cumulative : 0, 1);
    var y = function (v) { return top + (height - top - bottom) * (1 - v / max); };
    var slot = (width - left - right) / Math.max(months.length, 1);
    var enrolled = figures.dyads.enrolled;
    var label = 'Cumulative enrolment: ' + enrolled + ' of a target of ' + figures.targetDyads + ' dyads' +
      (months.length ? ', from ' + months[0].month + ' to ' + months[months.length - 1].month : '') + '.';
    var svg = s('svg', { class: 'chart', viewBox: '0 0 ' + width + ' ' + height, role: 'img', 'aria-label': label });
    append(svg, s('line', { x1: left, x2: width - right, y1: y(0), y2: y(0), stroke: '#6b7480' }));
    append(svg, s('text', { x: left - 4, y: y(0) + 4, 'text-anchor': 'end', 'font-size': 11, fill: '#333', text: '0' }));
    months.forEach(function (m, i) {
      var x = left + i * slot + slot * 0.15;
      append(svg, s('rect', { x: x, y: y(m.cumulative), width: slot * 0.7, height: y(0) - y(m.cumulative), fill: '#1f5fbf' }));
      var every = Math.ceil(months.length / 6);
      if (i % every === 0 || i === months.length - 1) {
        append(svg, s('text', { x: x + slot * 0.35, y: height - 10, 'text-anchor': 'middle', 'font-size': 11, fill: '#333', text: m.month }));
      }
    });
    if (figures.targetDyads > 0) {
      append(svg, s('line', { x1: left, x2: width - right, y1: y(figures.targetDyads), y2: y(figures.targetDyads), stroke: '#a4161a', 'stroke-dasharray': '6 4', 'stroke-width': 2 }));
      append(svg, s('text', { x: width - right, y: y(figures.targetDyads) - 4, 'text-anchor': 'end', 'font-size': 11, fill: '#a4161a', text: 'target ' + figures.targetDyads }));
    }
    if (months.length) {
      var last = months[months.length - 1];
      append(svg, s('text', { x: left - 4, y: y(last.cumulative) + 4, 'text-anchor': 'end', 'font-size': 11, fill: '#333', text: String(last.cumulative) }));
    }
    return h('figure', {}, [svg, h('figcaption', { text: label })]);
  }

  // Dyad-level response rate by session, one bar per role.
  // Sessions one by one when there are few; else 1–5 one by one, then 6–10, 11–20, 21–30 …, since
  // later sessions have few dyads each and their rates would jump between 0 and 100%.
  function sessionBin(session, binned) {
    if (!binned || session <= 5) return { key: session, label: String(session) };
    if (session <= 10) return { key: 6, label: '6–10' };
    var from = Math.floor((session - 1) / 10) * 10 + 1;
    return { key: from, label: from + '–' + (from + 9) };
  }
  function responseRows(figures, binned) {
    var byKey = {};
    figures.schedule.forEach(function (row) {
      if (row.level !== 'dyad' || row.due === 0) return;
      var bin = sessionBin(row.session, binned);
      var key = row.role + '#' + bin.key;
      var entry = byKey[key] || (byKey[key] = { role: row.role, session: bin.key, label: bin.label, due: 0, completed: 0 });
      entry.due += row.due;
      entry.completed += row.completed;
    });
    return Object.keys(byKey).map(function (k) { return byKey[k]; })
      .sort(function (a, b) { return a.session - b.session || a.role.localeCompare(b.role); });
  }
  function responseChart(figures) {
    var table = responseRows(figures, false);
    if (!table.length) return h('p', { class: 'muted', text: 'No questionnaire has been due yet.' });
    var distinct = table.map(function (r) { return r.session; }).filter(function (v, i, a) { return a.indexOf(v) === i; });
    var rows = distinct.length > 10 ? responseRows(figures, true) : table;
    var roles = ['client', 'therapist', 'interpreter'].filter(function (r) { return rows.some(function (x) { return x.role === r; }); });
    var bins = [];
    rows.forEach(function (r) { if (!bins.some(function (b) { return b.key === r.session; })) bins.push({ key: r.session, label: r.label }); });
    var width = 480, height = 200, left = 40, right = 8, top = 10, bottom = 30;
    var y = function (v) { return top + (height - top - bottom) * (1 - v); };
    var slot = (width - left - right) / bins.length;
    var bar = Math.min(18, (slot * 0.8) / roles.length);
    var overall = rows.reduce(function (a, r) { return a + r.completed; }, 0) / rows.reduce(function (a, r) { return a + r.due; }, 0);
    var label = 'Response rate by session and role; overall ' + percent(overall) + ' of questionnaires due were completed.';
    var svg = s('svg', { class: 'chart', viewBox: '0 0 ' + width + ' ' + height, role: 'img', 'aria-label': label });
    [0, 0.5, 1].forEach(function (v) {
      append(svg, s('line', { x1: left, x2: width - right, y1: y(v), y2: y(v), stroke: v === 0 ? '#6b7480' : '#d5d9df' }));
      append(svg, s('text', { x: left - 4, y: y(v) + 4, 'text-anchor': 'end', 'font-size': 11, fill: '#333', text: Math.round(v * 100) + '%' }));
    });
    bins.forEach(function (bin, i) {
      var x0 = left + i * slot + (slot - bar * roles.length) / 2;
      roles.forEach(function (role, j) {
        var row = rows.find(function (r) { return r.role === role && r.session === bin.key; });
        if (!row) return;
        var rate = row.completed / row.due;
        append(svg, s('rect', { x: x0 + j * bar, y: y(rate), width: bar - 1, height: Math.max(y(0) - y(rate), 0.5), fill: ROLE_COLOURS[role] }, [
          s('title', { text: role + ', session ' + bin.label + ': ' + row.completed + ' of ' + row.due + ' (' + percent(rate) + ')' }),
        ]));
      });
      var every = Math.ceil(bins.length / 12);
      if (i % every === 0) append(svg, s('text', { x: left + i * slot + slot / 2, y: height - 14, 'text-anchor': 'middle', 'font-size': 10, fill: '#333', text: bin.label }));
    });
    append(svg, s('text', { x: (left + width) / 2, y: height - 1, 'text-anchor': 'middle', 'font-size': 11, fill: '#333', text: 'session' }));
    var legend = h('ul', { class: 'legend' }, roles.map(function (role) {
      return h('li', {}, [swatch(ROLE_COLOURS[role]), role]);
    }));
    var details = h('table', {}, [
      h('caption', { class: 'visually-hidden', text: 'Response rate by session and role' }),
      h('thead', {}, h('tr', {}, [h('th', { scope: 'col', text: 'Session' }), h('th', { scope: 'col', text: 'Role' }), h('th', { scope: 'col', text: 'Completed' }), h('th', { scope: 'col', text: 'Due' }), h('th', { scope: 'col', text: 'Rate' })])),
      h('tbody', {}, table.map(function (r) {
        return h('tr', {}, [h('td', { text: r.session }), h('td', { text: r.role }), h('td', { text: r.completed }), h('td', { text: r.due }), h('td', { text: percent(r.completed / r.due) })]);
      })),
    ]);
    return h('figure', {}, [svg, legend, h('figcaption', { text: label }), h('details', {}, [h('summary', { text: 'Response rates by session as a table' }), details])]);
  }

  // Therapist-level questionnaires are monthly, not per session: one line instead of a chart.
  function monthlyLine(figures) {
    var rows = figures.schedule.filter(function (r) { return r.level === 'therapist'; });
    if (!rows.length) return null;
    var due = rows.reduce(function (a, r) { return a + r.due; }, 0);
    var completed = rows.reduce(function (a, r) { return a + r.completed; }, 0);
    return h('p', { text: 'Monthly therapist questionnaires: ' + completed + ' of ' + due + ' completed (' + percent(due ? completed / due : null) + ').' });
  }
  function kpi(term, value, alert) {
    return h('div', {}, [h('dt', { text: term }), h('dd', { class: alert ? 'alert' : null, text: value })]);
  }
  // The most overdue first; five shown, the rest one click away.
  function overdueTable(rows, caption) {
    return h('table', {}, [
      h('caption', { class: 'visually-hidden', text: caption }),
      h('thead', {}, h('tr', {}, ['Dyad', 'Overdue', 'Oldest', 'Roles'].map(function (c) { return h('th', { scope: 'col', text: c }); }))),
      h('tbody', {}, rows.map(function (r) {
        return h('tr', {}, [h('th', { scope: 'row', text: r.dyadId }), h('td', { text: r.count }),
          h('td', { class: 'num', text: r.oldest === null ? '–' : r.oldest + ' days' }), h('td', { text: r.roles })]);
      })),
    ]);
  }
  function overdueList(figures) {
    if (!figures.overdue.length) return h('p', { class: 'muted', text: 'No dyad is overdue.' });
    var rows = figures.overdue.map(function (d) {
      var perRole = {};
      var oldest = null;
      d.items.forEach(function (i) {
        perRole[i.role] = (perRole[i.role] || 0) + 1;
        if (i.daysDue !== null && (oldest === null || i.daysDue > oldest)) oldest = i.daysDue;
      });
      var roles = Object.keys(perRole).map(function (role) { return role + ' ' + perRole[role]; }).join(', ');
      return { dyadId: d.dyadId, therapistId: d.therapistId, count: d.items.length, oldest: oldest, roles: roles };
    }).sort(function (a, b) { return (b.oldest || 0) - (a.oldest || 0) || a.dyadId.localeCompare(b.dyadId); });
    var parts = [overdueTable(rows.slice(0, 5), 'Most overdue dyads of ' + figures.name)];
    if (rows.length > 5) {
      parts.push(h('details', {}, [h('summary', { text: 'All ' + rows.length + ' overdue dyads' }), overdueTable(rows, 'Overdue dyads of ' + figures.name)]));
    }
    return h('div', {}, parts);
  }
  function safetyList(figures) {
    if (!figures.safetyFollowUps.length) return h('p', { class: 'muted', text: 'No safety follow-up is open.' });
    return h('ul', { class: 'plain' }, figures.safetyFollowUps.map(function (d) {
      return h('li', {}, [h('strong', { text: d.dyadId }), ' · therapist ' + d.therapistId + ' · flagged ' + d.since]);
    }));
  }
  function downloadCsv(siteId) {
    api(sitePath(siteId) + '/enrolment?format=csv', { headers: { Accept: 'text/csv' } })
      .then(function (response) { return response.blob(); })
      .then(function (blob) {
        var a = h('a', { href: URL.createObjectURL(blob), download: 'enrolment-' + siteId + '.csv' });
        document.body.appendChild(a);
        a.click();
        a.remove();
        announce('Downloaded the enrolment figures of ' + siteName(siteId) + ' as CSV.');
      })
      .catch(fail);
  }
  function sitePanel(figures) {
    var d = figures.dyads;
    var headingId = 'site-' + figures.siteId;
    return h('article', { class: 'panel', 'aria-labelledby': headingId }, [
      h('h3', { id: headingId, text: figures.name }),
      h('dl', { class: 'kpis' }, [
        kpi('Enrolled / target', d.enrolled + ' / ' + figures.targetDyads),
        kpi('Active', d.active), kpi('Ended', d.ended), kpi('Withdrawn', d.withdrawn),
        kpi('Therapists', figures.therapists.active),
        kpi('Dyads overdue', figures.overdue.length, figures.overdue.length > 0),
        kpi('Safety follow-ups', figures.safetyFollowUps.length, figures.safetyFollowUps.length > 0),
      ]),
      h('h4', { text: 'Enrolment against target' }), enrolmentChart(figures),
      h('h4', { text: 'Response rate by session and role' }), responseChart(figures),
      monthlyLine(figures),
      h('h4', { text: 'Safety follow-ups' }), safetyList(figures),
      h('h4', { text: 'Overdue dyads' }), overdueList(figures),
      h('p', {}, h('button', { type: 'button', class: 'secondary', onclick: function () { downloadCsv(figures.siteId); }, text: 'Download ' + figures.name + ' figures (CSV)' })),
    ]);
  }
  function renderOverview() {
    var box = document.getElementById('overview');
    box.replaceChildren.apply(box, state.sites.map(function (site) {
      var figures = state.figures[site.siteId];
      return figures ? sitePanel(figures) : h('article', { class: 'panel' }, [h('h3', { text: site.name }), h('p', { class: 'muted', text: 'Loading…' })]);
    }));
  }
  function loadFigures(siteId) {
    return apiJson(sitePath(siteId) + '/enrolment').then(function (figures) {
      state.figures[siteId] = figures;
      renderOverview();
    });
  }

  function shownOnce(title, links, extra) {
    return h('div', { class: 'once', tabindex: '-1' }, [
      h('p', {}, h('strong', { text: title })),
      h('p', { text: 'These links are shown only now; tokens are never stored. Hand them over or print the card.' }),
      h('ul', { class: 'plain' }, links.map(function (l) {
        return h('li', {}, [l[0] + ': ', h('code', { 'data-link-role': l[0], text: l[1] }), ' ',
          h('button', { type: 'button', class: 'secondary', onclick: function () { navigator.clipboard && navigator.clipboard.writeText(l[1]); announce('Copied the ' + l[0] + ' link.'); }, text: 'Copy', 'aria-label': 'Copy the ' + l[0] + ' link' })]);
      })),
      extra,
    ]);
  }
  function showOnce(node) {
    var box = document.getElementById('shown-once');
    box.replaceChildren(node);
    node.focus();
  }
  function openCard(siteId, dyadId) {
    // Opened before the request, while the click still counts as a user action for the pop-up.
    var win = window.open('', '_blank');
    api(sitePath(siteId) + '/dyads/' + encodeURIComponent(dyadId) + '/card', { method: 'POST', headers: { Accept: 'text/html' } })
      .then(function (response) { return response.text(); })
      .then(function (html) {
        var url = URL.createObjectURL(new Blob([html], { type: 'text/html' }));
        if (win) win.location.href = url; else window.location.href = url;
        announce('Opened the card of ' + dyadId + '. Its links are new; earlier links of this dyad no longer work.');
        return loadSite(siteId);
      })
      .catch(function (error) { if (win) win.close(); fail(error); });
  }

  function labelled(text, control, id) {
    control.id = id;
    return h('div', { class: 'field' }, [h('label', { for: id, text: text }), control]);
  }
  function languageSelect() {
    return h('select', { name: 'language' }, state.study.languages.map(function (lang) {
      return h('option', { value: lang, selected: lang === state.study.defaultLanguage, text: lang });
    }));
  }
  function therapistForm(siteId) {
    var form = h('form', { class: 'inline', 'aria-labelledby': 'add-therapist-h' }, [
      labelled('Language of their pages', languageSelect(), 'therapist-language'),
      h('button', { type: 'submit', text: 'Add therapist' }),
    ]);
    form.addEventListener('submit', function (event) {
      event.preventDefault();
      apiJson(sitePath(siteId) + '/therapists', { method: 'POST', body: JSON.stringify({ language: form.elements.language.value }) })
        .then(function (result) {
          showOnce(shownOnce('Therapist ' + result.therapist.therapistId + ' added.', [['therapist', result.link]]));
          announce('Added therapist ' + result.therapist.therapistId + '.');
          return loadSite(siteId);
        })
        .catch(fail);
    });
    return form;
  }
  function enrolForm(siteId, therapists) {
    var active = therapists.filter(function (t) { return t.status === 'active'; });
    if (!active.length) return h('p', { class: 'muted', text: 'Add a therapist first; every dyad belongs to one.' });
    var form = h('form', { class: 'inline', 'aria-labelledby': 'enrol-h' }, [
      labelled('Therapist', h('select', { name: 'therapistId' }, active.map(function (t) { return h('option', { value: t.therapistId, text: t.therapistId }); })), 'enrol-therapist'),
      labelled('Modality', h('select', { name: 'modality' }, MODALITIES.map(function (m) { return h('option', { value: m[0], text: m[1] }); })), 'enrol-modality'),
      labelled('Language', languageSelect(), 'enrol-language'),
      h('label', { class: 'check' }, [h('input', { type: 'checkbox', name: 'interpreter', id: 'enrol-interpreter' }), 'With an interpreter']),
      h('button', { type: 'submit', text: 'Enrol dyad' }),
    ]);
    form.addEventListener('submit', function (event) {
      event.preventDefault();
      var body = {
        therapistId: form.elements.therapistId.value,
        modality: form.elements.modality.value,
        interpreter: form.elements.interpreter.checked,
        language: form.elements.language.value,
      };
      apiJson(sitePath(siteId) + '/dyads', { method: 'POST', body: JSON.stringify(body) })
        .then(function (result) {
          var links = [['client', result.links.client], ['therapist', result.links.therapist]];
          if (result.links.interpreter) links.push(['interpreter', result.links.interpreter]);
          var dyadId = result.dyad.dyadId;
          showOnce(shownOnce('Dyad ' + dyadId + ' enrolled.', links, h('p', {}, [
            h('button', { type: 'button', onclick: function () { openCard(siteId, dyadId); }, text: 'Open printable card for ' + dyadId }),
            ' ', h('span', { class: 'muted', text: 'The card carries new links; the ones above then stop working.' }),
          ])));
          announce('Enrolled dyad ' + dyadId + '.');
          return loadSite(siteId);
        })
        .catch(fail);
    });
    return form;
  }

  function dueText(dyad) {
    var parts = Object.keys(dyad.due).map(function (role) {
      var due = dyad.due[role];
      if (!due.items.length) return null;
      return role + ' ' + due.items.length + (due.overdue ? ' (' + due.overdue + ' overdue)' : '');
    }).filter(Boolean);
    return parts.length ? parts.join(', ') : 'nothing';
  }
  function patchDyad(siteId, dyadId, body, done) {
    return apiJson(sitePath(siteId) + '/dyads/' + encodeURIComponent(dyadId), { method: 'PATCH', body: JSON.stringify(body) })
      .then(function () { announce(done); return loadSite(siteId); })
      .catch(fail);
  }
  function dyadActions(siteId, dyad) {
    var id = dyad.dyadId;
    if (dyad.status === 'withdrawn') return h('span', { class: 'muted', text: 'withdrawn' });
    var roles = dyad.interpreter ? ['client', 'therapist', 'interpreter'] : ['client', 'therapist'];
    var rotate = h('form', { class: 'inline' }, [
      labelled('Role', h('select', { name: 'role' }, roles.map(function (r) { return h('option', { value: r, text: r }); })), 'rotate-role-' + id),
      h('button', { type: 'submit', class: 'secondary', text: 'New link' }),
    ]);
    rotate.addEventListener('submit', function (event) {
      event.preventDefault();
      var role = rotate.elements.role.value;
      apiJson(sitePath(siteId) + '/dyads/' + encodeURIComponent(id) + '/links/' + role + '/rotate', { method: 'POST' })
        .then(function (result) {
          showOnce(shownOnce('New ' + role + ' link for ' + id + '; the old one no longer works.', [[role, result.link]]));
          announce('Issued a new ' + role + ' link for ' + id + '.');
        })
        .catch(fail);
    });
    var children = [
      h('summary', { text: 'Actions', 'aria-label': 'Actions for ' + id }),
      h('p', {}, h('button', { type: 'button', class: 'secondary', onclick: function () { openCard(siteId, id); }, text: 'Print card (new links)' })),
      rotate,
    ];
    if (dyad.status === 'active') {
      var end = h('form', { class: 'inline' }, [
        labelled('Last session', h('input', { type: 'number', name: 'lastSession', min: Math.max(dyad.currentSession, 1), max: 999, required: true, value: Math.max(dyad.currentSession, 1) }), 'last-session-' + id),
        h('button', { type: 'submit', class: 'secondary', text: 'End dyad' }),
      ]);
      end.addEventListener('submit', function (event) {
        event.preventDefault();
        patchDyad(siteId, id, { status: 'ended', lastSession: Number(end.elements.lastSession.value) }, 'Ended dyad ' + id + '.');
      });
      children.push(end);
    }
    children.push(h('p', {}, h('button', { type: 'button', class: 'danger', text: 'Withdraw dyad', onclick: function () {
      if (!window.confirm('Withdraw ' + id + '? Every answer of this dyad is deleted and its links stop working.')) return;
      patchDyad(siteId, id, { status: 'withdrawn' }, 'Withdrew dyad ' + id + '; its answers are deleted.');
    } })));
    return h('details', { class: 'actions' }, children);
  }
  function dyadTable(siteId, dyads) {
    if (!dyads.length) return h('p', { class: 'muted', text: 'No dyad is enrolled yet.' });
    var cols = ['Code', 'Therapist', 'Modality', 'Interpreter', 'Language', 'Enrolled', 'Status', 'Session', 'Due now', 'Actions'];
    return h('table', { id: 'dyads' }, [
      h('caption', { class: 'visually-hidden', text: 'Dyads of ' + siteName(siteId) }),
      h('thead', {}, h('tr', {}, cols.map(function (c) { return h('th', { scope: 'col', text: c }); }))),
      h('tbody', {}, dyads.map(function (d) {
        var overdue = Object.keys(d.due).some(function (r) { return d.due[r].overdue > 0; });
        return h('tr', { 'data-dyad': d.dyadId }, [
          h('th', { scope: 'row', text: d.dyadId }), h('td', { text: d.therapistId }), h('td', { text: d.modality }),
          h('td', { text: d.interpreter ? 'yes' : 'no' }), h('td', { text: d.language }), h('td', { text: d.enrolledOn }),
          h('td', { text: d.status + (d.lastSession ? ' (last ' + d.lastSession + ')' : '') + (d.safetyFollowUp ? ' · safety follow-up' : '') }),
          h('td', { text: d.currentSession }), h('td', { class: overdue ? 'overdue' : null, text: dueText(d) }),
          h('td', {}, dyadActions(siteId, d)),
        ]);
      })),
    ]);
  }
  function therapistTable(siteId, therapists) {
    if (!therapists.length) return h('p', { class: 'muted', text: 'No therapist yet.' });
    return h('table', {}, [
      h('caption', { class: 'visually-hidden', text: 'Therapists of ' + siteName(siteId) }),
      h('thead', {}, h('tr', {}, ['Code', 'Since', 'Status', 'Active dyads', 'Link'].map(function (c) { return h('th', { scope: 'col', text: c }); }))),
      h('tbody', {}, therapists.map(function (t) {
        return h('tr', {}, [
          h('th', { scope: 'row', text: t.therapistId }), h('td', { text: t.enrolledOn }), h('td', { text: t.status }), h('td', { text: t.activeDyads }),
          h('td', {}, t.status === 'active' ? h('button', { type: 'button', class: 'secondary', 'aria-label': 'New link for ' + t.therapistId, text: 'New link', onclick: function () {
            apiJson(sitePath(siteId) + '/therapists/' + encodeURIComponent(t.therapistId) + '/links/rotate', { method: 'POST' })
              .then(function (result) { showOnce(shownOnce('New link for therapist ' + t.therapistId + '; the old one no longer works.', [['therapist', result.link]])); })
              .catch(fail);
          } }) : null),
        ]);
      })),
    ]);
  }
  function loadSite(siteId) {
    var detail = document.getElementById('site-detail');
    return Promise.all([
      apiJson(sitePath(siteId) + '/therapists'),
      apiJson(sitePath(siteId) + '/dyads'),
      loadFigures(siteId),
    ]).then(function (results) {
      if (state.selected !== siteId) return;
      var therapists = results[0].therapists, dyads = results[1].dyads;
      detail.replaceChildren(
        h('div', { class: 'grid' }, [
          h('section', { class: 'panel', 'aria-labelledby': 'enrol-h' }, [h('h3', { id: 'enrol-h', text: 'Enrol a dyad' }), enrolForm(siteId, therapists)]),
          h('section', { class: 'panel', 'aria-labelledby': 'add-therapist-h' }, [h('h3', { id: 'add-therapist-h', text: 'Add a therapist' }), therapistForm(siteId)]),
        ]),
        h('section', { 'aria-labelledby': 'dyads-h' }, [h('h3', { id: 'dyads-h', text: 'Dyads' }), h('div', { class: 'panel' }, dyadTable(siteId, dyads))]),
        h('section', { 'aria-labelledby': 'therapists-h' }, [h('h3', { id: 'therapists-h', text: 'Therapists' }), h('div', { class: 'panel' }, therapistTable(siteId, therapists))]),
      );
    });
  }
  function selectSite(siteId) {
    state.selected = siteId;
    document.getElementById('shown-once').replaceChildren();
    document.getElementById('site-detail').replaceChildren(h('p', { class: 'muted', text: 'Loading ' + siteName(siteId) + '…' }));
    return loadSite(siteId).catch(fail);
  }

  function start() {
    if (!tandemToken()) return tandemSignIn();
    var claims = tandemClaims();
    document.getElementById('who').textContent = 'Signed in as ' + (claims['cognito:username'] || claims.sub);
    document.getElementById('signout').addEventListener('click', tandemSignOut);
    apiJson('/api/v1/sites').then(function (listing) {
      state.study = listing.study;
      state.sites = listing.sites;
      var title = listing.study.title.en || Object.keys(listing.study.title).map(function (k) { return listing.study.title[k]; })[0] || listing.study.studyId;
      document.getElementById('study').textContent = title;
      if (!state.sites.length) { announce('You have no site to coordinate.', true); return; }
      renderOverview();
      var select = document.getElementById('site-select');
      select.replaceChildren.apply(select, state.sites.map(function (site) { return h('option', { value: site.siteId, text: site.name }); }));
      select.addEventListener('change', function () { selectSite(select.value); });
      state.sites.forEach(function (site) { if (site.siteId !== state.sites[0].siteId) loadFigures(site.siteId).catch(fail); });
      return selectSite(state.sites[0].siteId);
    }).catch(fail);
  }
  start();
})();
`;

/** The coordinator dashboard at /coordinator/: a static page whose script reads the coordinator API. */
export function coordinatorPage(): StaticPage {
  return staffPage({
    title: 'Coordinator dashboard · Tandem',
    heading:
      'Tandem · Coordinator dashboard <span class="visually-hidden">for</span> <small id="study"></small>',
    css: CSS,
    main: `<noscript><p>The dashboard needs JavaScript.</p></noscript>
<section aria-labelledby="overview-h">
<h2 id="overview-h">Sites at a glance</h2>
<p class="muted">Completion status only: no answer is shown here or anywhere else in Tandem.</p>
<div id="overview" class="grid"></div>
</section>
<section aria-labelledby="manage-h">
<h2 id="manage-h">Enrol and manage</h2>
<p><label for="site-select">Site </label><select id="site-select"></select></p>
<div id="shown-once" aria-live="polite"></div>
<div id="site-detail"></div>
</section>`,
    script: SCRIPT,
    // The card opens as a blob: document, which inherits this page's policy.
    also: CARD_INLINE,
  });
}
