// Draws every <div class="chart" data-spec="ID"> from the JSON in <script id="ID">,
// with Plotly's offline bundle. No inline scripts, so a strict CSP can forbid them.
(function () {
  "use strict";
  if (!window.Plotly) return;
  document.querySelectorAll(".chart[data-spec]").forEach(function (element) {
    const spec = JSON.parse(document.getElementById(element.dataset.spec).textContent);
    Plotly.newPlot(element, spec.data, spec.layout, {
      displaylogo: false, responsive: true, modeBarButtonsToRemove: ["lasso2d", "select2d"],
    }).then(function () { element.dataset.drawn = "true"; });
  });
})();
