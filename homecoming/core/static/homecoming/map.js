// Settlement maps: Leaflet from the project's static files; a basemap only when configured,
// so the map works offline. Points come inline (json_script) or from a GeoJSON URL.
(function () {
  "use strict";
  const element = document.getElementById("map");
  if (!element || !window.L) return;
  const settings = JSON.parse(document.getElementById("map-settings").textContent || "{}");
  const map = L.map(element, { zoomSnap: 0.5 });
  if (settings.tiles) {
    L.tileLayer(settings.tiles, { attribution: settings.attribution || "", maxZoom: 18 }).addTo(map);
  } else {
    element.classList.add("no-basemap");
  }
  L.control.scale({ imperial: false }).addTo(map);

  function escape(text) {
    const span = document.createElement("span");
    span.textContent = text == null ? "" : String(text);
    return span.innerHTML;
  }

  function popup(p) {
    const approx = p.approximate ? `<br><em>≈ ${escape(settings.labels.approximate)}</em>` : "";
    return `<strong><a href="${settings.detailUrl}${encodeURIComponent(p.code)}/">${escape(p.name)}</a></strong>` +
      (p.name_az ? ` <span lang="az">(${escape(p.name_az)})</span>` : "") +
      `<br>${escape(p.district)} · <code>${escape(p.code)}</code>${approx}`;
  }

  function draw(collection) {
    const layer = L.geoJSON(collection, {
      pointToLayer: (feature, latlng) => L.circleMarker(latlng, {
        radius: 7, weight: 2, color: "#1d4e89",
        fillColor: feature.properties.approximate ? "#ffffff" : "#1d4e89",
        fillOpacity: feature.properties.approximate ? 0.6 : 0.9,
        dashArray: feature.properties.approximate ? "3 3" : null,
        className: "settlement-marker",
      }),
      onEachFeature: (feature, marker) => {
        marker.bindPopup(popup(feature.properties));
        marker.bindTooltip(escape(feature.properties.name));
      },
    }).addTo(map);
    const bounds = layer.getBounds();
    if (bounds.isValid()) {
      map.fitBounds(bounds.pad(0.2), { maxZoom: 12 });
    } else {
      map.setView([40.1, 46.6], 8);
    }
    element.dataset.markers = String(collection.features.length);
  }

  if (element.dataset.points) {
    draw(JSON.parse(document.getElementById(element.dataset.points).textContent));
  } else {
    fetch(element.dataset.url, { credentials: "same-origin" })
      .then((response) => response.json())
      .then(draw);
  }
})();
