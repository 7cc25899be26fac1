// The review queue: machine events, lowest confidence first, worked through
// with the keyboard (j/k move, c confirm, r reject, e edit, Enter open, ? help).
import { get, query } from './api.js';
import { act } from './actions.js';
import { badge, clear, confidenceText, h, placeText, title } from './dom.js';
import { fieldList } from './event.js';

const PAGE = 100;
let state = null;

export async function showReview(root, ctx) {
  const { filters, config, navigate } = ctx;
  const params = { ...filters, review: 'machine', order: 'confidence', limit: PAGE };
  const page = await get(`/api/events${query(params)}`);
  state = { events: page.events, total: page.total, index: 0, config, navigate, root };
  render();
}

function render() {
  const { events, total, index, root, config } = state;
  const list = h('ol', { class: 'queue', id: 'queue', role: 'listbox', 'aria-label': 'Events to review' },
    events.map((e, i) => h('li', {
      class: `queue-item${i === index ? ' selected' : ''}`, role: 'option', 'aria-selected': String(i === index),
      'data-id': e.id, onclick: () => select(i),
    },
    h('span', { class: 'conf' }, confidenceText(e.confidence)),
    h('span', { class: 'queue-main' }, h('strong', {}, `${title(e.form)} · ${placeText(e.location)}`),
      h('span', { class: 'muted' }, ` ${e.date || 'date unknown'}`),
      h('span', { class: 'queue-claim' }, (e.claims[0] || {}).text || (e.evidence[0] || ''))))));
  const current = events[index];
  const preview = current
    ? h('section', { class: 'panel preview', id: 'preview' },
      h('div', { class: 'panel-head' },
        h('h2', { class: 'preview-title' }, `${title(current.form)} in ${placeText(current.location)}`),
        h('span', {}, badge('status', current.status), ' ', badge('review', current.review))),
      h('div', { class: 'evidence-list' }, h('h3', {}, 'Evidence'),
        (current.evidence || []).map((s) => h('blockquote', { class: 'evidence-quote' }, s))),
      fieldList(current),
      h('div', { class: 'actions' },
        h('a', { class: 'button', href: `#/event/${current.id}` }, 'Open (Enter)'),
        config.writes_enabled ? [
          h('button', { class: 'button primary', type: 'button', onclick: () => run('confirm') }, 'Confirm (c)'),
          h('button', { class: 'button', type: 'button', onclick: () => run('edit') }, 'Edit (e)'),
          h('button', { class: 'button danger', type: 'button', onclick: () => run('reject') }, 'Reject (r)')]
          : h('span', { class: 'muted' }, 'read-only server')))
    : h('section', { class: 'panel preview empty' }, 'Nothing left to review under these filters.');
  clear(root).append(
    h('div', { class: 'review-head' }, h('h1', {}, 'Review queue'),
      h('span', { class: 'muted', id: 'queue-count' }, `${total} machine event${total === 1 ? '' : 's'}, lowest confidence first`),
      h('span', { class: 'muted keys-hint' }, 'j / k move · c confirm · r reject · e edit · ? help')),
    h('div', { class: 'review-body' }, h('section', { class: 'panel queue-panel' }, list), preview));
  const selected = root.querySelector('.queue-item.selected');
  if (selected) selected.scrollIntoView({ block: 'nearest' });
}

function select(i) {
  state.index = Math.max(0, Math.min(state.events.length - 1, i));
  render();
}

async function run(action) {
  const event = state.events[state.index];
  if (!event) return;
  const updated = await act(event, action, state.config.vocabularies);
  if (!updated) return;
  // Reviewed events leave the queue; the next one takes the selection.
  state.events.splice(state.index, 1);
  state.total -= 1;
  if (state.index >= state.events.length) state.index = Math.max(0, state.events.length - 1);
  render();
}

export function reviewKeys(event) {
  if (!state) return false;
  const current = state.events[state.index];
  const writes = state.config.writes_enabled;
  switch (event.key) {
    case 'j': case 'ArrowDown': select(state.index + 1); return true;
    case 'k': case 'ArrowUp': select(state.index - 1); return true;
    case 'Enter': case 'o': if (current) state.navigate(`#/event/${current.id}`); return true;
    case 'c': if (writes) run('confirm'); return true;
    case 'r': if (writes) run('reject'); return true;
    case 'e': if (writes) run('edit'); return true;
    default: return false;
  }
}

export function leaveReview() {
  state = null;
}
