// Settlement maps: Leaflet from the project's static files; a basemap only when configured,
// so the map works offline. Points come inline (json_script) or from a GeoJSON URL.
(function () {
  "use strict";
  const element = document.getElementById("map");
  if (!element || !window.L) return;
  const settings = JSON.parse(document.getElementById("map-settings").textContent || "{}");
  const map = L.map(element, { zoomSnap: 0.5 });
  map.attributionControl.setPrefix("Leaflet");
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

  function localName(p) {
    return document.documentElement.lang === "az" && p.name_az ? p.name_az : p.name;
  }

  function popup(p) {
    const approx = p.approximate ? `<br><em>≈ ${escape(settings.labels.approximate)}</em>` : "";
    return `<strong><a href="${settings.detailUrl}${encodeURIComponent(p.code)}/">${escape(localName(p))}</a></strong>` +
      `<br>${escape(p.district)} · <code>${escape(p.code)}</code>${approx}`;
  }

  function draw(collection) {
    // Names stay on the map while they are few enough to read; a small map names only
    // the settlement the page is about.
    const small = element.classList.contains("small");
    const labelled = (p) => (small ? p.current : collection.features.length <= 60);
    const layer = L.geoJSON(collection, {
      pointToLayer: (feature, latlng) => {
        const p = feature.properties;
        const colour = p.current ? "#b3261e" : "#1d4e89";
        return L.circleMarker(latlng, {
          radius: p.current ? 9 : 7, weight: 2, color: colour,
          fillColor: p.approximate ? "#ffffff" : colour,
          fillOpacity: p.approximate ? 0.6 : 0.9,
          dashArray: p.approximate ? "3 3" : null,
          className: p.current ? "settlement-marker current" : "settlement-marker",
        });
      },
      onEachFeature: (feature, marker) => {
        marker.bindPopup(popup(feature.properties));
        marker.bindTooltip(escape(localName(feature.properties)), {
          permanent: labelled(feature.properties), direction: "right", className: "settlement-label",
        });
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
