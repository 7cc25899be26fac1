// The event map: country outlines from the vendored Natural Earth TopoJSON
// (no network needed), markers sized by crowd and clustered; online tiles
// only when the server is configured with a tile URL.
/* global L, topojson */
import { h, label, sizeText, title } from './dom.js';

const OUTLINES = '/static/vendor/world-atlas/countries-110m.json';
export const STATUS_COLOURS = { occurred: '#c2410c', planned: '#b7791f', prevented: '#6b46c1' };

// Marker diameter in pixels: grows with the log of the crowd; unknown crowds are small.
export function markerDiameter(size) {
  if (size == null) return 12;
  return Math.round(Math.min(40, 10 + 5.5 * Math.log10(size + 1)));
}

export class EventMap {
  constructor(element, config) {
    this.map = L.map(element, { worldCopyJump: true, minZoom: 1, maxZoom: 13, zoomSnap: 0.5 })
      .setView([45, 60], 3);
    this.map.attributionControl.setPrefix(false);
    if (config.tile_url) {
      L.tileLayer(config.tile_url, { attribution: config.tile_attribution || '', maxZoom: 19 }).addTo(this.map);
    } else {
      this.map.attributionControl.addAttribution('Outlines: Natural Earth');
    }
    this.drawOutlines(Boolean(config.tile_url));
    this.cluster = L.markerClusterGroup({
      showCoverageOnHover: false, maxClusterRadius: 36, spiderfyOnMaxZoom: true,
      iconCreateFunction: (group) => clusterIcon(group.getChildCount()),
    });
    this.map.addLayer(this.cluster);
    this.legend().addTo(this.map);
    this.fitted = false;
  }

  async drawOutlines(overTiles) {
    try {
      const topology = await (await fetch(OUTLINES)).json();
      const countries = unwrapped(topojson.feature(topology, topology.objects.countries));
      const style = overTiles
        ? { color: '#64748b', weight: 0.6, fill: false }
        : { color: '#a3adb8', weight: 0.7, fillColor: '#f7f5f0', fillOpacity: 1 };
      L.geoJSON(countries, { style, interactive: false }).addTo(this.map).bringToBack();
    } catch (e) {
      console.warn('country outlines not loaded', e);
    }
  }

  setEvents(features) {
    this.cluster.clearLayers();
    const markers = [];
    for (const feature of features) {
      if (!feature.geometry) continue;
      const [lon, lat] = feature.geometry.coordinates;
      const p = feature.properties;
      const marker = L.marker([lat, lon], { icon: eventIcon(p), title: `${label(p.form)} ${p.city || ''} ${p.date || ''}`.trim(),
                                            keyboard: false });
      marker.bindPopup(() => popup(p), { maxWidth: 280 });
      markers.push(marker);
    }
    this.cluster.addLayers(markers);
    if (markers.length) {
      const bounds = L.latLngBounds(markers.map((m) => m.getLatLng()));
      this.map.fitBounds(bounds.pad(0.25), { maxZoom: 6, animate: this.fitted });
      this.fitted = true;
    }
    return markers.length;
  }

  legend() {
    const control = L.control({ position: 'bottomleft' });
    control.onAdd = () => {
      const sizes = [[null, 'size unknown'], [100, '100'], [1000, '1,000'], [10000, '10,000+']];
      return h('div', { class: 'map-legend' },
        h('div', { class: 'legend-title' }, 'Status'),
        Object.entries(STATUS_COLOURS).map(([status, colour]) => h('div', { class: 'legend-row' },
          h('span', { class: 'legend-swatch', style: `background:${colour}` }), status)),
        h('div', { class: 'legend-title' }, 'Crowd'),
        h('div', { class: 'legend-sizes' }, sizes.map(([n, text]) => {
          const d = markerDiameter(n);
          return h('div', { class: 'legend-size' },
            h('span', { class: 'legend-dot', style: `width:${d}px;height:${d}px` }), h('span', {}, text));
        })),
        h('div', { class: 'legend-title' }, 'Clusters'),
        h('div', { class: 'legend-row' }, h('span', { class: 'legend-cluster' }, '7'), 'events nearby'));
    };
    return control;
  }
}

// Natural Earth rings that cross the antimeridian (Chukotka, Fiji) jump from
// +180 to -180; a flat map would draw that jump as a line across the world.
// Continuing past 180 instead keeps each ring whole. Antarctica is left out.
export function unwrapped(collection) {
  const ring = (points) => {
    let shift = 0;
    return points.map(([lon, lat], i) => {
      if (i > 0) {
        const previous = points[i - 1][0] + shift;
        while (lon + shift - previous > 180) shift -= 360;
        while (lon + shift - previous < -180) shift += 360;
      }
      return [lon + shift, lat];
    });
  };
  const polygon = (rings) => rings.map(ring);
  const features = collection.features.filter((f) => f.properties.name !== 'Antarctica' && f.geometry).map((f) => {
    const g = f.geometry;
    const coordinates = g.type === 'Polygon' ? polygon(g.coordinates) : g.coordinates.map(polygon);
    return { ...f, geometry: { type: g.type, coordinates } };
  });
  return { type: 'FeatureCollection', features };
}

function eventIcon(p) {
  const d = markerDiameter(p.size_min ?? p.size_max ?? null);
  const dot = h('div', { class: `event-dot status-${p.status}${p.review === 'confirmed' || p.review === 'edited' ? ' reviewed' : ''}`,
                         style: `width:${d}px;height:${d}px` });
  return L.divIcon({ className: 'event-marker', html: dot, iconSize: [d, d], iconAnchor: [d / 2, d / 2] });
}

function clusterIcon(count) {
  const d = count < 10 ? 30 : count < 100 ? 36 : 44;
  const el = h('div', { class: 'cluster-dot', style: `width:${d}px;height:${d}px;line-height:${d}px` }, String(count));
  return L.divIcon({ className: 'event-cluster', html: el, iconSize: [d, d] });
}

function popup(p) {
  const size = sizeText(p);
  return h('div', { class: 'popup' },
    h('div', { class: 'popup-title' }, `${title(p.form)} · ${p.city || p.admin1 || p.country || 'place unknown'}`),
    h('div', { class: 'popup-meta' }, [p.date || 'date unknown', p.status, size ? `${size} people` : null].filter(Boolean).join(' · ')),
    p.claim ? h('div', { class: 'popup-claim' }, p.claim) : null,
    h('div', { class: 'popup-meta' }, `${p.sources} source${p.sources === 1 ? '' : 's'} · review: ${p.review}`),
    h('a', { href: `#/event/${p.id}`, class: 'popup-link' }, 'Open event →'));
}
