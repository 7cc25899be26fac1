// Events per week as SVG bars, stacked by status; a click on a week filters to it.
import { clear, h, svg } from './dom.js';
import { STATUS_COLOURS } from './map.js';

const DAY = 86400000;
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

// The Monday (UTC) of the week a YYYY-MM-DD date falls in, as a timestamp.
export function weekStart(date) {
  const t = Date.UTC(+date.slice(0, 4), +date.slice(5, 7) - 1, +date.slice(8, 10));
  const weekday = (new Date(t).getUTCDay() + 6) % 7;
  return t - weekday * DAY;
}

const iso = (t) => new Date(t).toISOString().slice(0, 10);

export function weeklyCounts(features) {
  const weeks = new Map();
  let undated = 0;
  for (const f of features) {
    const date = f.properties.date;
    if (!date || !/^\d{4}-\d{2}-\d{2}$/.test(date)) { undated += 1; continue; }
    const week = weekStart(date);
    const row = weeks.get(week) || { week, total: 0, occurred: 0, planned: 0, prevented: 0 };
    row[f.properties.status] = (row[f.properties.status] || 0) + 1;
    row.total += 1;
    weeks.set(week, row);
  }
  if (!weeks.size) return { rows: [], undated };
  const keys = [...weeks.keys()];
  const first = Math.min(...keys);
  const last = Math.max(...keys);
  const rows = [];
  for (let t = first; t <= last; t += 7 * DAY) {
    rows.push(weeks.get(t) || { week: t, total: 0, occurred: 0, planned: 0, prevented: 0 });
  }
  return { rows, undated };
}

// Month starts to label between `from` and `to` (timestamps): months, quarters
// or years, whichever leaves room; a year is named at January and at the first label.
export function axisTicks(from, to) {
  const start = new Date(from);
  const end = new Date(to);
  const months = (end.getUTCFullYear() - start.getUTCFullYear()) * 12 + end.getUTCMonth() - start.getUTCMonth();
  const every = months <= 9 ? 1 : months <= 30 ? 3 : months <= 96 ? 12 : months <= 240 ? 24 : 60;
  const ticks = [];
  let index = start.getUTCFullYear() * 12 + start.getUTCMonth() + 1;
  while (index % every !== 0) index += 1;
  for (; ; index += every) {
    const year = Math.floor(index / 12);
    const month = index % 12;
    const t = Date.UTC(year, month, 1);
    if (t > to) break;
    const named = every >= 12 ? String(year)
      : month === 0 || !ticks.length ? `${MONTHS[month]} ${year}` : MONTHS[month];
    ticks.push({ t, text: named });
  }
  return ticks;
}

export function drawTimeline(root, features, onPick) {
  clear(root);
  const { rows, undated } = weeklyCounts(features);
  const note = undated ? `${undated} event${undated === 1 ? '' : 's'} without a day date not shown` : '';
  if (!rows.length) {
    root.append(h('div', { class: 'empty' }, 'No dated events to draw.'));
    return;
  }
  const width = Math.max(root.clientWidth || 800, 300);
  const height = 118;
  const pad = { left: 34, right: 8, top: 10, bottom: 22 };
  const plotW = width - pad.left - pad.right;
  const plotH = height - pad.top - pad.bottom;
  const max = Math.max(...rows.map((r) => r.total));
  const step = plotW / rows.length;
  const barW = Math.max(1, Math.min(28, step * 0.78));
  const chart = svg('svg', { class: 'timeline-svg', width, height, viewBox: `0 0 ${width} ${height}`, role: 'img',
                             'aria-label': 'Events per week' });
  for (const tick of new Set([0, Math.ceil(max / 2), max])) {
    const y = pad.top + plotH - (tick / max) * plotH;
    chart.append(svg('line', { x1: pad.left, x2: width - pad.right, y1: y, y2: y, class: 'grid' }));
    chart.append(svg('text', { x: pad.left - 6, y: y + 4, class: 'axis', 'text-anchor': 'end' }, String(tick)));
  }
  rows.forEach((row, i) => {
    const x = pad.left + i * step + (step - barW) / 2;
    let y = pad.top + plotH;
    const group = svg('g', { class: 'week', 'data-week': iso(row.week), 'data-count': row.total,
                             onclick: () => row.total && onPick(iso(row.week), iso(row.week + 6 * DAY)) });
    group.append(svg('title', {}, `week of ${iso(row.week)}: ${row.total} event${row.total === 1 ? '' : 's'}`));
    group.append(svg('rect', { x: pad.left + i * step, y: pad.top, width: step, height: plotH, class: 'hit' }));
    for (const status of ['occurred', 'planned', 'prevented']) {
      if (!row[status]) continue;
      const barH = (row[status] / max) * plotH;
      y -= barH;
      group.append(svg('rect', { x, y, width: barW, height: barH, fill: STATUS_COLOURS[status], class: 'bar', rx: 1.5 }));
    }
    chart.append(group);
  });
  const first = rows[0].week;
  let lastLabel = -Infinity;
  for (const tick of axisTicks(first, rows[rows.length - 1].week + 7 * DAY)) {
    const x = pad.left + ((tick.t - first) / (7 * DAY)) * step;
    if (x - lastLabel < 40 || x > width - pad.right - 20) continue;
    chart.append(svg('line', { x1: x, x2: x, y1: pad.top + plotH, y2: pad.top + plotH + 4, class: 'tick' }));
    chart.append(svg('text', { x, y: height - 6, class: 'axis', 'text-anchor': 'middle' }, tick.text));
    lastLabel = x;
  }
  root.append(chart);
  if (note) root.append(h('div', { class: 'timeline-note' }, note));
}
