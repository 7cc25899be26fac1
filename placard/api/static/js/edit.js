// The edit form: every field of the codebook record; only what changed is sent,
// as a partial record (POST /api/events/{id}/review, action "edit").
import { modal } from './dialogs.js';
import { h, label } from './dom.js';

const lines = (text) => text.split('\n').map((s) => s.trim()).filter(Boolean);
const numberOrNull = (text) => (text.trim() === '' ? null : Number(text));

// Claims are written one a line: "text | issue, issue"; responses "type" or "type:count".
export function claimsText(claims) {
  return (claims || []).map((c) => (c.issues && c.issues.length ? `${c.text || ''} | ${c.issues.join(', ')}` : c.text || '')).join('\n');
}

export function parseClaims(text) {
  return lines(text).map((line) => {
    const bar = line.lastIndexOf('|');
    if (bar < 0) return { text: line, issues: [] };
    return { text: line.slice(0, bar).trim(), issues: line.slice(bar + 1).split(',').map((s) => s.trim()).filter(Boolean) };
  });
}

export function responsesText(responses) {
  return (responses || []).map((r) => (r.count == null ? r.type : `${r.type}:${r.count}`)).join('\n');
}

export function parseResponses(text) {
  return lines(text).map((line) => {
    const [type, count] = line.split(':').map((s) => s.trim());
    return { type, count: count === undefined || count === '' ? null : Number(count) };
  });
}

const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);

// The partial record of what differs between `before` and the form's values.
export function changesOf(before, after) {
  const changes = {};
  for (const [key, value] of Object.entries(after)) {
    if (value && typeof value === 'object' && !Array.isArray(value)) {
      const inner = changesOf(before[key] || {}, value);
      if (Object.keys(inner).length) changes[key] = inner;
    } else if (!same(before[key] ?? null, value)) {
      changes[key] = value;
    }
  }
  return changes;
}

function row(...fields) {
  return h('div', { class: 'field-row' }, fields);
}

function field(name, text, control) {
  control.id = `edit-${name}`;
  control.name = name;
  return h('div', { class: 'field' }, h('label', { for: control.id }, text), control);
}

const text = (value, attrs = {}) => h('input', { type: 'text', value: value ?? '', autocomplete: 'off', ...attrs });
const area = (value, rows = 3) => { const el = h('textarea', { rows }); el.value = value; return el; };

function select(values, current, allowNone) {
  return h('select', {}, allowNone ? h('option', { value: '' }, '—') : null,
    values.map((v) => h('option', { value: v, selected: v === current }, label(v))));
}

function checkboxes(name, values, chosen) {
  return h('div', { class: 'checks', id: `edit-${name}` }, values.map((v) => h('label', { class: 'check' },
    h('input', { type: 'checkbox', name, value: v, checked: (chosen || []).includes(v) }), label(v))));
}

// Resolves with the partial record to send, or undefined when cancelled.
export function editEvent(event, vocab, submit) {
  const loc = event.location || {};
  const part = event.participants || {};
  return modal(`Edit event ${event.id}`, (close) => {
    const error = h('div', { class: 'form-error', role: 'alert' });
    const form = h('form', { class: 'dialog-body edit-form', id: 'edit-form' },
      row(field('form', 'Form', select(vocab.forms, event.form)), field('status', 'Status', select(vocab.statuses, event.status)),
          field('date', 'Date', text(event.date, { placeholder: 'YYYY-MM-DD' })), field('end_date', 'End date', text(event.end_date, { placeholder: 'YYYY-MM-DD' }))),
      row(field('city', 'City', text(loc.city)), field('admin1', 'Region', text(loc.admin1)),
          field('country', 'Country', text(loc.country, { maxlength: 2, size: 3 }))),
      row(field('site', 'Site', text(loc.site)), field('lat', 'Latitude', text(loc.lat, { inputmode: 'decimal' })),
          field('lon', 'Longitude', text(loc.lon, { inputmode: 'decimal' }))),
      row(field('participants', 'Participants (words)', text(part.text)),
          field('size_min', 'Size min', text(part.size_min, { inputmode: 'numeric' })),
          field('size_max', 'Size max', text(part.size_max, { inputmode: 'numeric' }))),
      h('div', { class: 'field' }, h('span', { class: 'label' }, 'Groups'), checkboxes('groups', vocab.groups, part.groups)),
      row(field('organizers', 'Organizers (one a line)', area((event.organizers || []).join('\n'), 2)),
          field('targets', 'Targets (one a line)', area((event.targets || []).join('\n'), 2))),
      field('claims', 'Claims (one a line: text | issue, issue)', area(claimsText(event.claims), 3)),
      h('div', { class: 'hint' }, `issues: ${vocab.issues.join(', ')}`),
      field('responses', 'Responses (one a line: type or type:count)', area(responsesText(event.responses), 2)),
      h('div', { class: 'hint' }, `types: ${vocab.responses.join(', ')}`),
      field('note', 'Note for the audit log', text('')),
      error,
      h('div', { class: 'dialog-actions' },
        h('button', { type: 'button', class: 'button', onclick: () => close(undefined) }, 'Cancel'),
        h('button', { type: 'submit', class: 'button primary', id: 'edit-save' }, 'Save changes')));
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      const v = (name) => form.elements.namedItem(name).value;
      const after = {
        form: v('form'), status: v('status'), date: v('date').trim() || null, end_date: v('end_date').trim() || null,
        location: { city: v('city').trim() || null, admin1: v('admin1').trim() || null,
                    country: v('country').trim().toUpperCase() || null, site: v('site').trim() || null,
                    lat: numberOrNull(v('lat')), lon: numberOrNull(v('lon')) },
        participants: { text: v('participants').trim() || null, size_min: numberOrNull(v('size_min')),
                        size_max: numberOrNull(v('size_max')),
                        groups: [...form.querySelectorAll('input[name=groups]:checked')].map((c) => c.value) },
        organizers: lines(v('organizers')), targets: lines(v('targets')),
        claims: parseClaims(v('claims')), responses: parseResponses(v('responses')),
      };
      const changes = changesOf(event, after);
      if (!Object.keys(changes).length) { error.textContent = 'Nothing changed.'; return; }
      try {
        close(await submit(changes, v('note').trim() || null));
      } catch (e) {
        error.textContent = e.message;
      }
    });
    return form;
  }, { wide: true });
}
