// Building DOM without HTML strings: every string becomes a text node, so
// article text (untrusted) can never turn into markup.

export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (key === 'class') el.className = value;
    else if (key === 'dataset') Object.assign(el.dataset, value);
    else if (key.startsWith('on') && typeof value === 'function') el.addEventListener(key.slice(2), value);
    else if (key === 'href') el.setAttribute('href', safeHref(value));
    else el.setAttribute(key, value === true ? '' : String(value));
  }
  append(el, children);
  return el;
}

export function svg(tag, attrs, ...children) {
  const el = document.createElementNS('http://www.w3.org/2000/svg', tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined) continue;
    if (key.startsWith('on') && typeof value === 'function') el.addEventListener(key.slice(2), value);
    else el.setAttribute(key, String(value));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

export function clear(el) {
  while (el.firstChild) el.removeChild(el.firstChild);
  return el;
}

// Links from article metadata: only http(s) and in-app links, never "javascript:".
export function safeHref(value) {
  const text = String(value);
  if (text.startsWith('#') || text.startsWith('/')) return text;
  try {
    const url = new URL(text);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : '#';
  } catch (e) {
    return '#';
  }
}

// The cleaned text with each [start, end) span wrapped in <mark>, as text nodes.
export function highlighted(text, spans) {
  const fragment = document.createDocumentFragment();
  const ordered = (spans || [])
    .map(([s, e]) => [Math.max(0, s), Math.min(text.length, e)])
    .filter(([s, e]) => e > s)
    .sort((a, b) => a[0] - b[0]);
  let at = 0;
  for (const [start, end] of ordered) {
    if (start < at) continue; // overlapping spans: keep the first
    if (start > at) fragment.append(document.createTextNode(text.slice(at, start)));
    fragment.append(h('mark', { class: 'evidence' }, text.slice(start, end)));
    at = end;
  }
  if (at < text.length) fragment.append(document.createTextNode(text.slice(at)));
  return fragment;
}

export function sizeText(p) {
  const lo = p ? p.size_min : null;
  const hi = p ? p.size_max : null;
  const n = (v) => Number(v).toLocaleString('en-US');
  if (lo == null && hi == null) return '';
  if (lo === hi) return n(lo);
  if (hi == null) return `${n(lo)}+`;
  if (lo == null) return `up to ${n(hi)}`;
  return `${n(lo)}–${n(hi)}`;
}

export function placeText(location) {
  const loc = location || {};
  const parts = [loc.city, loc.city ? null : loc.admin1, loc.country].filter(Boolean);
  return parts.join(', ') || 'place unknown';
}

export function label(value) {
  return String(value ?? '').replace(/-/g, ' ');
}

// "hunger-strike" -> "Hunger strike": for headings, where CSS capitalize would also raise "In".
export function title(value) {
  const text = label(value);
  return text.charAt(0).toUpperCase() + text.slice(1);
}

export function badge(kind, value) {
  return h('span', { class: `badge ${kind}-${value}` }, label(value));
}

export function confidenceText(value) {
  return value == null ? '' : Number(value).toFixed(2);
}

export function toast(message, kind = 'error') {
  const root = document.getElementById('toasts');
  const item = h('div', { class: `toast toast-${kind}`, role: 'status' }, message);
  root.append(item);
  setTimeout(() => item.remove(), kind === 'error' ? 7000 : 3500);
}
