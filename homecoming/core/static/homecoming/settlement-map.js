// Settlement and hazard-area maps: points and polygons come inline (json_script) or from a
// GeoJSON URL; drawn on the shared map of map.js.
(function () {
  "use strict";
  const element = document.getElementById("map");
  if (!element || !window.L) return;
  const { map, settings } = homecomingMap.create(element);
  const { escape, localName, label, declutter } = homecomingMap;

  const STATUS_COLOURS = { open: "#b3261e", in_progress: "#d9822b", released: "#1e6b3a" };
  // Whose name is placed first when names would collide: the page's settlement, then
  // towns before villages, then exact positions before approximate ones.
  // District names come between towns and villages.
  const KIND_PRIORITY = { city: 3, urban_settlement: 2, village: 1 };
  const DISTRICT_PRIORITY = 25;

  function priority(p) {
    return (p.current ? 100 : 0) + 10 * (KIND_PRIORITY[p.kind] || 0) + (p.approximate ? 0 : 1);
  }

  // The places data has points only: a district is outlined around its settlements, a few
  // kilometres out (the convex hull of circles around them), dashed as approximate, where
  // the map shows at least two of its settlements.
  const AROUND_KM = 3;

  function around([lon, lat]) {
    const dLat = AROUND_KM / 111.32;
    const dLon = dLat / Math.cos((lat * Math.PI) / 180);
    return Array.from({ length: 16 }, (_, i) => {
      const angle = (i * Math.PI) / 8;
      return [lon + dLon * Math.cos(angle), lat + dLat * Math.sin(angle)];
    });
  }

  // Andrew's monotone chain.
  function hull(points) {
    const sorted = [...points].sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    const cross = (o, a, b) => (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0]);
    const half = (list) => list.reduce((chain, point) => {
      while (chain.length >= 2 && cross(chain[chain.length - 2], chain[chain.length - 1], point) <= 0) chain.pop();
      chain.push(point);
      return chain;
    }, []);
    const lower = half(sorted);
    const upper = half([...sorted].reverse());
    return lower.slice(0, -1).concat(upper.slice(0, -1));
  }

  function outlineDistricts(features) {
    const districts = new Map();
    for (const feature of features) {
      const p = feature.properties;
      if (feature.geometry.type !== "Point" || !p.district) continue;
      districts.set(p.district, (districts.get(p.district) || []).concat([feature.geometry.coordinates]));
    }
    for (const [district, points] of districts) {
      if (points.length < 2) continue;
      const ring = hull(points.flatMap(around));
      L.polygon(ring.map(([lon, lat]) => [lat, lon]), {
        interactive: false, fill: false, color: "#6b665c", weight: 1.5, dashArray: "6 5",
        className: "district-outline",
      }).addTo(map);
      const [lon, lat] = ring.reduce((north, point) => (point[1] > north[1] ? point : north));
      const tooltip = L.tooltip({
        permanent: true, direction: "top", className: "district-label", interactive: false,
      }).setLatLng([lat, lon]).setContent(`${escape(district)} ≈`);
      tooltip.addTo(map);
      label(map, tooltip, { priority: DISTRICT_PRIORITY });
    }
    element.dataset.districts = String([...districts.values()].filter((points) => points.length >= 2).length);
  }

  function hazardPopup(p) {
    // A hazard area outside the user's districts is shown without a link (its page is theirs).
    const code = p.linked === false ? escape(p.code)
      : `<a href="${settings.hazardUrl}${encodeURIComponent(p.code)}/">${escape(p.code)}</a>`;
    return `<strong>${code}</strong>` +
      `<br>${escape(p.status_label)} · ${escape(p.area_ha)} ha · ${escape(p.released_percent)} %` +
      `<br>${escape(p.district)}`;
  }

  function popup(p) {
    const approx = p.approximate ? `<br><em>≈ ${escape(settings.labels.approximate)}</em>` : "";
    return `<strong><a href="${settings.detailUrl}${encodeURIComponent(p.code)}/">${escape(localName(p))}</a></strong>` +
      `<br>${escape(p.district)} · <code>${escape(p.code)}</code>${approx}`;
  }

  function draw(collection) {
    // Names stay on the map while there are few enough points to place them (those that
    // would collide are left out, map.js); a small map names only the settlement the page
    // is about.
    const small = element.classList.contains("small");
    const points = collection.features.filter((f) => f.geometry.type === "Point").length;
    const labelled = (p) => (small ? p.current : points <= 60);
    outlineDistricts(collection.features);
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
      // Leaflet applies `style` to circle markers too; points keep their own style.
      style: (feature) => (feature.geometry.type === "Point" ? {} : {
        color: STATUS_COLOURS[feature.properties.status] || "#555", weight: 1.5, fillOpacity: 0.35,
        className: `hazard-polygon ${feature.properties.status}`,
      }),
      onEachFeature: (feature, marker) => {
        if (feature.properties.kind === "hazard") {
          marker.bindPopup(hazardPopup(feature.properties));
          return;
        }
        marker.bindPopup(popup(feature.properties));
        const permanent = labelled(feature.properties);
        marker.bindTooltip(escape(localName(feature.properties)), {
          permanent, direction: "right", className: "settlement-label",
        });
        if (permanent) {
          const p = feature.properties;
          label(map, marker.getTooltip(), { marker, priority: priority(p), insists: p.current || p.kind === "city" });
        }
      },
    }).addTo(map);
    // A page about one settlement frames it and its hazard areas, not the whole district.
    const focus = L.geoJSON({ type: "FeatureCollection", features: collection.features.filter(
      (f) => f.properties.current || f.properties.kind === "hazard") });
    const bounds = focus.getLayers().length ? focus.getBounds() : layer.getBounds();
    if (small && bounds.isValid()) {
      map.fitBounds(bounds.pad(0.4), { maxZoom: 15 });
    } else if (bounds.isValid()) {
      map.fitBounds(bounds.pad(0.2), { maxZoom: 12 });
    } else {
      map.setView([40.1, 46.6], 8);
    }
    element.dataset.markers = String(points);
    element.dataset.polygons = String(
      collection.features.filter((f) => f.geometry.type !== "Point").length);
    declutter(map);
  }

  if (element.dataset.points) {
    draw(JSON.parse(document.getElementById(element.dataset.points).textContent));
  } else {
    fetch(element.dataset.url, { credentials: "same-origin" })
      .then((response) => response.json())
      .then(draw);
  }
})();
