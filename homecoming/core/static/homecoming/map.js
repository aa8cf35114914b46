// What every map page shares: the page's Leaflet map on an offline base layer (Azerbaijan
// and its neighbours from Natural Earth, basemap/README.md), under the configured tile server
// if there is one, with a scale; names that do not cover one another; and the helpers their
// popups use. The settlement and hazard maps (settlement-map.js) and the dashboard's readiness
// map (monitoring/readiness-map.js) draw on it.
window.homecomingMap = (function () {
  "use strict";

  const WATER = "#cddfec";
  const LAND = "#f4f1ea";
  const NEIGHBOUR = "#e6e2d8";
  const BORDER = "#8f8a7e";

  // The map in `element`, and the page's map settings (json_script "map-settings").
  function create(element) {
    const settings = JSON.parse(document.getElementById("map-settings").textContent || "{}");
    const map = L.map(element, { zoomSnap: 0.5 });
    map.attributionControl.setPrefix("Leaflet");
    // The offline layer lies under the tiles (tilePane is at 200): where a configured tile
    // server does not answer, the countries still show.
    map.createPane("basemap").style.zIndex = 150;
    drawBasemap(map, element, settings);
    if (settings.tiles) {
      L.tileLayer(settings.tiles, { attribution: settings.attribution || "", maxZoom: 18 }).addTo(map);
    }
    L.control.scale({ imperial: false }).addTo(map);
    map.homecomingLabels = [];
    let pending = false;
    map.on("zoomend moveend resize", () => {
      if (pending) return;
      pending = true;
      requestAnimationFrame(() => { pending = false; declutter(map); });
    });
    return { map, settings };
  }

  function drawBasemap(map, element, settings) {
    if (!settings.basemap) return;
    fetch(settings.basemap)
      .then((response) => response.json())
      .then((countries) => {
        const renderer = L.svg({ pane: "basemap" });
        const [west, south, east, north] = countries.bbox;
        L.rectangle([[south, west], [north, east]], {
          renderer, interactive: false, stroke: false, fillColor: WATER, fillOpacity: 1,
          className: "basemap-water",
        }).addTo(map);
        L.geoJSON(countries, {
          renderer, interactive: false, attribution: "Natural Earth",
          style: (feature) => {
            const home = feature.properties.name === "Azerbaijan";
            return {
              color: BORDER, weight: home ? 1.5 : 1, fillOpacity: 1,
              fillColor: home ? LAND : NEIGHBOUR, className: "basemap-country",
            };
          },
        }).addTo(map);
        const names = (settings.labels && settings.labels.countries) || {};
        for (const feature of countries.features) {
          const [lon, lat] = feature.properties.label;
          const tooltip = L.tooltip({
            permanent: true, direction: "center", className: "country-label", interactive: false,
          }).setLatLng([lat, lon]).setContent(escape(names[feature.properties.name] || feature.properties.name));
          tooltip.addTo(map);
          label(map, tooltip, { priority: -1 });
        }
        element.dataset.basemap = "drawn";
        declutter(map);
      });
  }

  // A permanent name on the map, placed by declutter: `marker` is the point it names (the
  // other points are kept clear of it), `priority` orders who is placed first, and a name
  // that `insists` (a town, the page's settlement) may cover another point rather than be
  // left out.
  function label(map, tooltip, { marker = null, priority = 0, insists = false } = {}) {
    const entry = { tooltip, marker, priority, insists, hidden: false };
    map.homecomingLabels.push(entry);
    if (marker) {
      // A name left out is still shown while the pointer is on its point.
      marker.on("mouseover", () => tooltip.getElement() && tooltip.getElement().classList.remove("label-hidden"));
      marker.on("mouseout", () => entry.hidden && tooltip.getElement() && tooltip.getElement().classList.add("label-hidden"));
    }
  }

  const SIDES = ["right", "left", "top", "bottom"];

  function overlaps(a, b) {
    return a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
  }

  function inside(box, frame) {
    return box.left >= frame.left && box.right <= frame.right && box.top >= frame.top && box.bottom <= frame.bottom;
  }

  // Names never cover one another: in order of priority, each takes the first side of its
  // point where it is inside the map and touches no name already placed and no other point
  // (for a name that insists, failing that, no name); one with no free side is left out
  // (its name is in the point's popup, and on hover).
  function declutter(map) {
    const container = map.getContainer();
    const frame = container.getBoundingClientRect();
    const entries = map.homecomingLabels
      .filter((entry) => entry.tooltip.getElement() && map.hasLayer(entry.tooltip))
      .sort((a, b) => b.priority - a.priority);
    const points = entries.filter((entry) => entry.marker && entry.marker.getElement())
      .map((entry) => ({ marker: entry.marker, box: entry.marker.getElement().getBoundingClientRect() }));
    const placed = [];
    let shown = 0;
    for (const entry of entries) {
      const element = entry.tooltip.getElement();
      element.classList.remove("label-hidden");
      const sides = entry.marker ? SIDES : [entry.tooltip.options.direction];
      const free = (clearOfPoints) => sides.find((direction) => {
        if (entry.tooltip.options.direction !== direction) {
          entry.tooltip.options.direction = direction;
          entry.tooltip.update();
        }
        const box = element.getBoundingClientRect();
        return inside(box, frame) && !placed.some((other) => overlaps(box, other)) && (!clearOfPoints ||
          !points.some((point) => point.marker !== entry.marker && overlaps(box, point.box)));
      });
      const side = free(true) || (entry.insists ? free(false) : undefined);
      entry.hidden = side === undefined;
      if (entry.hidden) {
        element.classList.add("label-hidden");
      } else {
        placed.push(element.getBoundingClientRect());
        shown += 1;
      }
    }
    container.dataset.labelsShown = String(shown);
    container.dataset.labelPasses = String(Number(container.dataset.labelPasses || 0) + 1);
  }

  function escape(text) {
    const span = document.createElement("span");
    span.textContent = text == null ? "" : String(text);
    return span.innerHTML;
  }

  // A place's name in the page's language (name_az, name_ru), else the English one: as
  // Place.display_name does on the server.
  function localName(p) {
    return p["name_" + document.documentElement.lang] || p.name;
  }

  return { create, label, declutter, escape, localName };
})();
