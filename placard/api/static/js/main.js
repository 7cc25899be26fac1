// The dashboard's entry point: reads the server's settings, builds the filter
// panel, and routes between the views by the URL hash:
//   #/?filters        map, timeline and event list
//   #/event/ID        one event
//   #/review?filters  the review queue
import { askForToken, forgetToken, get, query, token } from './api.js';
import { dialogOpen, showHelp } from './dialogs.js';
import { clear, h, toast } from './dom.js';
import { eventKeys, leaveEvent, showEvent } from './event.js';
import { buildFilters, filtersFrom, showFilters } from './filters.js';
import { showEvents } from './list.js';
import { leaveReview, reviewKeys, showReview } from './review.js';

const view = document.getElementById('view');
let config = null;
let filterForm = null;
let current = null;

function parseHash() {
  const hash = location.hash.replace(/^#/, '') || '/';
  const [path, search] = hash.split('?');
  const params = new URLSearchParams(search || '');
  const match = path.match(/^\/event\/(\d+)$/);
  if (match) return { name: 'event', id: Number(match[1]), params };
  if (path === '/review') return { name: 'review', params };
  return { name: 'events', params };
}

export function navigate(path, filters = {}, offset = 0, force = false) {
  const target = `${path}${query({ ...filters, offset: offset || null })}`;
  if (location.hash === target || (force && location.hash.replace(/\?.*$/, '') === target)) {
    render();
  } else {
    location.hash = target;
  }
}

function markNav(name) {
  for (const link of document.querySelectorAll('.nav a')) {
    link.classList.toggle('active', link.dataset.view === name);
  }
}

async function render() {
  const route = parseHash();
  current = route;
  leaveEvent();
  leaveReview();
  markNav(route.name);
  const filters = filtersFrom(route.params);
  if (filterForm) showFilters(filterForm, filters);
  document.body.dataset.view = route.name;
  const ctx = { config, filters, offset: Number(route.params.get('offset') || 0), id: route.id, navigate };
  clear(view).append(h('div', { class: 'loading' }, 'Loading…'));
  try {
    if (route.name === 'event') await showEvent(view, ctx);
    else if (route.name === 'review') await showReview(view, ctx);
    else await showEvents(view, ctx);
    refreshStats();
  } catch (e) {
    clear(view).append(h('div', { class: 'panel error-panel' }, h('h2', {}, 'Could not load this view'), h('p', {}, e.message)));
  }
}

async function refreshStats() {
  try {
    const stats = await get('/api/stats');
    const el = document.getElementById('stats');
    el.textContent = `${stats.events.toLocaleString('en-US')} events · ${stats.documents.toLocaleString('en-US')} documents`;
  } catch (e) { /* the header can do without */ }
}

function updateTokenButton() {
  const button = document.getElementById('token-button');
  button.textContent = token() ? 'Forget token' : 'Set token';
  button.title = token() ? 'The token is kept for this tab; click to forget it' : 'Reviewing needs an API token';
  button.hidden = !config.writes_enabled && config.read_access === 'open';
}

function onKey(event) {
  if (dialogOpen() || event.ctrlKey || event.metaKey || event.altKey) return;
  const tag = (event.target.tagName || '').toLowerCase();
  if (tag === 'input' || tag === 'textarea' || tag === 'select' || event.target.isContentEditable) return;
  if (event.key === '?') { event.preventDefault(); showHelp(); return; }
  const handled = current && current.name === 'review' ? reviewKeys(event) : current && current.name === 'event' ? eventKeys(event) : false;
  if (handled) event.preventDefault();
}

async function start() {
  try {
    config = await get('/api/config');
  } catch (e) {
    clear(view).append(h('div', { class: 'panel error-panel' }, h('h2', {}, 'The API did not answer'), h('p', {}, e.message)));
    return;
  }
  filterForm = buildFilters(document.getElementById('filters-panel'), config.vocabularies, (filters) => {
    navigate(current && current.name === 'review' ? '#/review' : '#/', filters);
  });
  document.getElementById('token-button').addEventListener('click', async () => {
    if (token()) {
      forgetToken();
      toast('Token forgotten', 'ok');
    } else if (await askForToken()) {
      toast('Token set for this tab', 'ok');
    }
    updateTokenButton();
  });
  document.getElementById('help-button').addEventListener('click', () => showHelp());
  document.getElementById('version').textContent = `v${config.version}`;
  updateTokenButton();
  window.addEventListener('hashchange', render);
  document.addEventListener('keydown', onKey);
  await render();
  document.body.dataset.ready = 'true';
}

start();
