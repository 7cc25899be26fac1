// One event: every field, its sources' cleaned text with the evidence
// highlighted, review actions and the event's audit log.
import { get, query } from './api.js';
import { act } from './actions.js';
import { badge, clear, confidenceText, h, highlighted, label, placeText, safeHref, sizeText, title } from './dom.js';

let keyHandler = null;

export function eventKeys(event) {
  return keyHandler ? keyHandler(event) : false;
}

function dl(pairs) {
  return h('dl', { class: 'fields' }, pairs.map(([key, value]) => [
    h('dt', {}, key),
    h('dd', { 'data-field': key }, value === null || value === undefined || value === '' || (Array.isArray(value) && !value.length)
      ? h('span', { class: 'none' }, '—') : value),
  ]));
}

const chips = (values, kind = 'chip') => (values || []).map((v) => h('span', { class: kind }, label(v)));

export function fieldList(e) {
  const loc = e.location || {};
  const part = e.participants || {};
  return dl([
    ['Form', label(e.form)], ['Status', e.status], ['Date', e.date], ['End date', e.end_date],
    ['City', loc.city], ['Region', loc.admin1], ['Country', loc.country], ['Site', loc.site],
    ['Coordinates', loc.lat != null && loc.lon != null ? `${loc.lat.toFixed(4)}, ${loc.lon.toFixed(4)}` : null],
    ['GeoNames id', loc.geonames_id != null ? String(loc.geonames_id) : null],
    ['Participants', part.text], ['Groups', chips(part.groups)], ['Size', sizeText(part)],
    ['Organizers', (e.organizers || []).join('; ')],
    ['Claims', (e.claims || []).map((c) => h('div', { class: 'claim-item' }, c.text || '', ' ', chips(c.issues, 'chip issue')))],
    ['Targets', (e.targets || []).join('; ')],
    ['Responses', (e.responses || []).map((r) => h('span', { class: 'chip response' }, r.count == null ? label(r.type) : `${label(r.type)} (${r.count})`))],
    ['Confidence', confidenceText(e.confidence)],
    ['Review', [badge('review', e.review), e.reviewed_by ? ` by ${e.reviewed_by}` : '', e.reviewed_at ? ` at ${e.reviewed_at.slice(0, 16).replace('T', ' ')}` : '']],
    ['Event id', String(e.id)],
  ]);
}

async function sourceCard(source, index) {
  const body = h('div', { class: 'source-text', id: `source-text-${index}` }, h('span', { class: 'loading' }, 'Loading text…'));
  const link = source.url ? h('a', { href: safeHref(source.url), target: '_blank', rel: 'noopener noreferrer nofollow' }, source.outlet || source.url) : null;
  const card = h('article', { class: 'source', 'data-doc': source.doc_id },
    h('header', { class: 'source-head' },
      h('div', { class: 'source-title' }, source.title || source.doc_id),
      h('div', { class: 'muted' }, [link || source.outlet || 'no URL', source.published ? ` · published ${source.published}` : '',
                                    ` · ${source.evidence.length} evidence sentence${source.evidence.length === 1 ? '' : 's'}`])),
    body);
  try {
    const doc = await get(`/api/documents/${encodeURIComponent(source.doc_id)}`);
    clear(body).append(doc.text ? highlighted(doc.text, source.evidence_spans) : h('span', { class: 'none' }, 'no text stored'));
  } catch (e) {
    clear(body).append(h('span', { class: 'none' }, `text not available: ${e.message}`));
  }
  return card;
}

function auditTable(entries) {
  if (!entries.length) return h('div', { class: 'empty' }, 'No review yet.');
  return h('table', { class: 'audit-table', id: 'audit-table' },
    h('thead', {}, h('tr', {}, ['When', 'Who', 'Action', 'Changed', 'Note'].map((t) => h('th', {}, t)))),
    h('tbody', {}, entries.map((a) => h('tr', { 'data-action': a.action },
      h('td', { class: 'nowrap' }, a.at.slice(0, 19).replace('T', ' ')), h('td', {}, a.who), h('td', {}, a.action),
      h('td', {}, changedKeys(a.before, a.after).join(', ')), h('td', {}, a.note || '')))));
}

function changedKeys(before, after) {
  if (!before || !after) return [];
  const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
  return [...keys].filter((k) => JSON.stringify(before[k]) !== JSON.stringify(after[k]));
}

export async function showEvent(root, ctx) {
  const { id, config, navigate } = ctx;
  const event = await get(`/api/events/${id}`);
  const vocab = config.vocabularies;
  const run = async (action) => {
    const updated = await act(event, action, vocab);
    if (updated) navigate(`#/event/${updated.id}`, {}, 0, true);
  };
  keyHandler = (ev) => {
    const actions = { c: 'confirm', r: 'reject', e: 'edit', u: 'reopen' };
    if (!actions[ev.key] || !config.writes_enabled) return false;
    run(actions[ev.key]);
    return true;
  };
  const button = (action, text, cls = '') => h('button', { type: 'button', class: `button ${cls}`, id: `action-${action}`,
                                                            onclick: () => run(action), disabled: !config.writes_enabled,
                                                            title: config.writes_enabled ? null : 'This server takes no changes (no API tokens)' }, text);
  const audit = await get(`/api/audit${query({ event_id: id })}`);
  const heading = `${title(event.form)} in ${placeText(event.location)}`;
  const sources = h('div', { class: 'sources' });
  clear(root).append(
    h('div', { class: 'event-head panel' },
      h('div', {},
        h('a', { href: '#/', class: 'back' }, '← All events'),
        h('h1', { id: 'event-title' }, heading),
        h('div', { class: 'event-sub' }, event.date || 'date unknown', ' · ', badge('status', event.status), ' ',
          badge('review', event.review), ` · ${event.sources.length} source${event.sources.length === 1 ? '' : 's'}`)),
      h('div', { class: 'actions' },
        button('confirm', 'Confirm (c)', 'primary'), button('edit', 'Edit (e)'), button('reject', 'Reject (r)', 'danger'),
        event.review !== 'machine' ? button('reopen', 'Reopen (u)') : null)),
    h('div', { class: 'event-body' },
      h('section', { class: 'panel' }, h('h2', { class: 'panel-title' }, 'Fields'), fieldList(event)),
      h('section', { class: 'panel' }, h('h2', { class: 'panel-title' }, 'Sources and evidence'), sources)),
    h('section', { class: 'panel' }, h('h2', { class: 'panel-title' }, 'Audit log'), auditTable(audit.entries)));
  const cards = await Promise.all(event.sources.map((s, i) => sourceCard(s, i)));
  sources.append(...cards);
  if (!cards.length) sources.append(h('div', { class: 'empty' }, 'No source.'));
  // Each text scrolls to its first evidence sentence (only laid out once attached).
  for (const body of sources.querySelectorAll('.source-text')) {
    const mark = body.querySelector('mark');
    if (mark) body.scrollTop += mark.getBoundingClientRect().top - body.getBoundingClientRect().top - 24;
  }
}

export function leaveEvent() {
  keyHandler = null;
}
