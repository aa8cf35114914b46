// What every map page shares: the page's Leaflet map with the configured basemap (none by
// default, so maps work offline) and a scale, and the helpers their popups use. The
// settlement and hazard maps (settlement-map.js) and the dashboard's readiness map
// (monitoring/readiness-map.js) draw on it.
window.homecomingMap = (function () {
  "use strict";

  // The map in `element`, and the page's map settings (json_script "map-settings").
  function create(element) {
    const settings = JSON.parse(document.getElementById("map-settings").textContent || "{}");
    const map = L.map(element, { zoomSnap: 0.5 });
    map.attributionControl.setPrefix("Leaflet");
    if (settings.tiles) {
      L.tileLayer(settings.tiles, { attribution: settings.attribution || "", maxZoom: 18 }).addTo(map);
    } else {
      element.classList.add("no-basemap");
    }
    L.control.scale({ imperial: false }).addTo(map);
    return { map, settings };
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

  return { create, escape, localName };
})();
