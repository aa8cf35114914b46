// The dashboard map: settlements coloured by readiness for return, their figures on click;
// drawn on the shared map of homecoming/map.js.
(function () {
  "use strict";
  const element = document.getElementById("map");
  if (!element || !window.L) return;
  const { map, settings } = homecomingMap.create(element);
  const { escape, localName } = homecomingMap;
  const labels = JSON.parse(document.getElementById("readiness-labels").textContent);
  const points = JSON.parse(document.getElementById(element.dataset.points).textContent);
  const links = element.dataset.links === "true";
  const COLOURS = { ready: "#1e6b3a", land_ready: "#d9822b", blocked: "#b3261e" };

  function row(label, value) {
    return `<tr><th>${escape(label)}</th><td>${escape(value)}</td></tr>`;
  }

  function popup(p) {
    const name = links
      ? `<a href="${settings.detailUrl}${encodeURIComponent(p.code)}/">${escape(localName(p))}</a>`
      : escape(localName(p));
    const approx = p.approximate ? ` <em>≈ ${escape(labels.approximate)}</em>` : "";
    const counts = p.households_registered === null
      ? row(labels.registered, labels.not_in_scope)
      : row(labels.registered, p.households_registered) + row(labels.returned, p.households_returned) +
        row(labels.persons, p.persons_returned);
    const blocking = p.blocking_count
      ? row(labels.blocking, `${p.blocking_count}: ${p.blocking.join(", ")}${p.blocking_count > p.blocking.length ? "…" : ""}`)
      : "";
    const missing = p.missing_services.length ? row(labels.missing, p.missing_services.join(", ")) : "";
    return `<strong>${name}</strong>${approx}<br>${escape(p.district)} · <span class="readiness-label">${escape(p.readiness_label)}</span>` +
      `<table class="popup-figures">${counts}${row(labels.free_units, p.free_units)}${blocking}${missing}` +
      `${row(labels.figures, p.published_figures)}</table>`;
  }

  const layer = L.geoJSON(points, {
    pointToLayer: (feature, latlng) => {
      const p = feature.properties;
      const colour = COLOURS[p.readiness] || "#555";
      return L.circleMarker(latlng, {
        radius: 7, weight: 2, color: colour, fillColor: colour,
        fillOpacity: p.approximate ? 0.35 : 0.9, dashArray: p.approximate ? "3 3" : null,
        className: `settlement-marker readiness-${p.readiness}`,
      });
    },
    onEachFeature: (feature, marker) => {
      marker.bindPopup(popup(feature.properties));
      marker.bindTooltip(escape(localName(feature.properties)), { direction: "right" });
    },
  }).addTo(map);
  const bounds = layer.getBounds();
  if (bounds.isValid()) {
    map.fitBounds(bounds.pad(0.1), { maxZoom: 12 });
  } else {
    map.setView([40.1, 46.6], 8);
  }
  element.dataset.markers = String(points.features.length);
})();
