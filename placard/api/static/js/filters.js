// The filter panel: the same filters as GET /api/events, kept in the URL hash
// (#/?country=KZ&form=rally) so a view can be bookmarked and shared.
import { h, label } from './dom.js';

export const FILTER_KEYS = ['q', 'date_from', 'date_to', 'country', 'admin1', 'city', 'form', 'issue', 'status',
                            'response', 'review', 'order'];

export function filtersFrom(params) {
  const filters = {};
  for (const key of FILTER_KEYS) {
    const value = params.get(key);
    if (value) filters[key] = value;
  }
  return filters;
}

function field(id, text, control, hint) {
  return h('div', { class: 'field' }, h('label', { for: id }, text), control, hint ? h('div', { class: 'hint' }, hint) : null);
}

function input(name, attrs = {}) {
  return h('input', { id: `f-${name}`, name, type: 'text', autocomplete: 'off', ...attrs });
}

function choice(name, values, anyText) {
  return h('select', { id: `f-${name}`, name },
    h('option', { value: '' }, anyText),
    values.map((v) => h('option', { value: v }, label(v))));
}

// Builds the panel; `onApply(filters)` runs on submit and on every select change.
export function buildFilters(root, vocab, onApply) {
  const form = h('form', { id: 'filters', class: 'filters-form', autocomplete: 'off' },
    h('h2', { class: 'panel-title' }, 'Filters'),
    field('f-q', 'Text', input('q', { type: 'search', placeholder: 'words in evidence, claims…' })),
    h('div', { class: 'field-row' },
      field('f-date_from', 'From', input('date_from', { placeholder: 'YYYY-MM-DD', pattern: '\\d{4}(-\\d{2}(-\\d{2})?)?' })),
      field('f-date_to', 'To', input('date_to', { placeholder: 'YYYY-MM-DD', pattern: '\\d{4}(-\\d{2}(-\\d{2})?)?' }))),
    h('div', { class: 'field-row' },
      field('f-country', 'Country', input('country', { placeholder: 'KZ', maxlength: '2', size: '3' })),
      field('f-city', 'City', input('city', { placeholder: 'Almaty' }))),
    field('f-admin1', 'Region', input('admin1', { placeholder: 'Mangystau Region' })),
    field('f-form', 'Form', choice('form', vocab.forms, 'any form')),
    field('f-status', 'Status', choice('status', vocab.statuses, 'any status')),
    field('f-issue', 'Issue', choice('issue', vocab.issues, 'any issue')),
    field('f-response', 'Response', choice('response', vocab.responses, 'any response')),
    field('f-review', 'Review', choice('review', vocab.review_states, 'not rejected')),
    field('f-order', 'Order', h('select', { id: 'f-order', name: 'order' },
      h('option', { value: '' }, 'newest first'), h('option', { value: 'date' }, 'oldest first'),
      h('option', { value: 'confidence' }, 'lowest confidence first'))),
    h('div', { class: 'filter-actions' },
      h('button', { type: 'submit', class: 'button primary', id: 'apply-filters' }, 'Apply'),
      h('button', { type: 'button', class: 'button', id: 'reset-filters', onclick: () => { form.reset(); clearForm(form); onApply({}); } }, 'Reset')));
  form.addEventListener('submit', (event) => { event.preventDefault(); onApply(read(form)); });
  form.addEventListener('change', (event) => { if (event.target.tagName === 'SELECT') onApply(read(form)); });
  root.append(form);
  return form;
}

function clearForm(form) {
  for (const el of form.elements) if (el.name) el.value = '';
}

function read(form) {
  const filters = {};
  for (const key of FILTER_KEYS) {
    const el = form.elements.namedItem(key);
    const value = el ? el.value.trim() : '';
    if (value) filters[key] = key === 'country' ? value.toUpperCase() : value;
  }
  return filters;
}

export function showFilters(form, filters) {
  for (const key of FILTER_KEYS) {
    const el = form.elements.namedItem(key);
    if (el) el.value = filters[key] || '';
  }
}
