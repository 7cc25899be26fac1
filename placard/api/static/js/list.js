// The events view: map, weekly timeline and a paged table, all under the same filters.
import { get, query } from './api.js';
import { badge, clear, confidenceText, h, placeText, sizeText, title } from './dom.js';
import { EventMap } from './map.js';
import { drawTimeline } from './timeline.js';

const PAGE = 50;

export async function showEvents(root, ctx) {
  const { filters, offset, config, navigate } = ctx;
  const mapBox = h('div', { id: 'map', class: 'map', role: 'region', 'aria-label': 'Map of events' });
  const timelineBox = h('div', { id: 'timeline', class: 'timeline' });
  const tableBox = h('div', { id: 'event-list', class: 'panel list-panel' }, h('div', { class: 'loading' }, 'Loading events…'));
  const mapCount = h('span', { class: 'muted', id: 'map-count' });
  clear(root).append(
    h('section', { class: 'panel map-panel' }, h('div', { class: 'panel-head' }, h('h2', { class: 'panel-title' }, 'Map'), mapCount), mapBox),
    h('section', { class: 'panel timeline-panel' },
      h('div', { class: 'panel-head' }, h('h2', { class: 'panel-title' }, 'Events per week'),
        h('span', { class: 'muted' }, 'click a week to filter to it')), timelineBox),
    tableBox);

  const eventMap = new EventMap(mapBox, config);
  const [page, collection] = await Promise.all([
    // The list shows the newest first unless another order is chosen.
    get(`/api/events${query({ order: 'recent', ...filters, limit: PAGE, offset })}`),
    get(`/api/events.geojson${query(filters)}`),
  ]);
  const placed = eventMap.setEvents(collection.features);
  const all = collection.features.length;
  mapCount.textContent = placed === all ? `${placed} event${placed === 1 ? '' : 's'}` : `${placed} of ${all} events have coordinates`;
  drawTimeline(timelineBox, collection.features, (from, to) => navigate('#/', { ...filters, date_from: from, date_to: to }));
  renderTable(tableBox, page, { filters, offset, navigate });
}

function renderTable(box, page, { filters, offset, navigate }) {
  const { events, total } = page;
  const shown = events.length ? `${offset + 1}–${offset + events.length} of ${total}` : `0 of ${total}`;
  const pager = h('div', { class: 'pager' },
    h('span', { class: 'muted', id: 'list-count' }, `${shown} event${total === 1 ? '' : 's'}`),
    h('button', { class: 'button small', type: 'button', disabled: offset <= 0,
                  onclick: () => navigate('#/', filters, Math.max(0, offset - PAGE)) }, '← Previous'),
    h('button', { class: 'button small', type: 'button', disabled: offset + PAGE >= total,
                  onclick: () => navigate('#/', filters, offset + PAGE) }, 'Next →'));
  const head = h('tr', {}, ['Date', 'Event', 'Place', 'Size', 'Claim', 'Sources', 'Conf.', 'Review'].map((t) => h('th', {}, t)));
  const rows = events.map((e) => {
    const claim = (e.claims[0] || {}).text || '';
    return h('tr', { class: 'event-row', 'data-id': e.id, onclick: (ev) => { if (ev.target.tagName !== 'A') navigate(`#/event/${e.id}`); } },
      h('td', { class: 'nowrap' }, e.date || '—'),
      h('td', {}, h('a', { href: `#/event/${e.id}`, class: 'event-link' }, title(e.form)), ' ', badge('status', e.status)),
      h('td', {}, placeText(e.location)),
      h('td', { class: 'num' }, sizeText(e.participants)),
      h('td', { class: 'claim' }, claim),
      h('td', { class: 'num' }, String(e.sources.length)),
      h('td', { class: 'num' }, confidenceText(e.confidence)),
      h('td', {}, badge('review', e.review)));
  });
  clear(box).append(
    h('div', { class: 'panel-head' }, h('h2', { class: 'panel-title' }, 'Events'), pager),
    events.length
      ? h('div', { class: 'table-wrap' }, h('table', { class: 'events-table' }, h('thead', {}, head), h('tbody', {}, rows)))
      : h('div', { class: 'empty' }, 'No event matches these filters.'));
}
