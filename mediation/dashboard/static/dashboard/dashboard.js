/* The dashboard's charts, drawn with the vendored Chart.js from the figures the page
   embeds (#db-charts). Each chart has the same figures as a table below it.
   The site navigates with Turbo: the charts are drawn on every page load, once the
   chart library's script has loaded. */
(function () {
  "use strict";
  function draw() {
    var source = document.getElementById("db-charts");
    if (!source || typeof window.Chart === "undefined") { return; }
    var charts = JSON.parse(source.textContent);
    var axes = JSON.parse(document.getElementById("db-axes").textContent);
    var colours = ["#3f51b5", "#26a69a", "#ffa726", "#e53935", "#8e24aa", "#546e7a"];
    document.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
      var spec = charts[canvas.dataset.chart.replace(/^chart-/, "")];
      if (!spec || window.Chart.getChart(canvas)) { return; }
      var hasPercent = spec.datasets.some(function (d) { return d.axis === "percent"; });
      var datasets = spec.datasets.map(function (d, i) {
        var colour = colours[i % colours.length];
        return {
          label: d.label,
          data: d.data,
          type: d.line ? "line" : "bar",
          yAxisID: d.axis === "percent" ? "percent" : "count",
          xAxisID: spec.horizontal ? (d.axis === "percent" ? "percent" : "count") : undefined,
          backgroundColor: d.line ? colour : colour + "cc",
          borderColor: colour,
          borderWidth: d.line ? 2 : 0,
          tension: 0.2,
          spanGaps: true,
          order: d.line ? 0 : 1
        };
      });
      var scales = {};
      if (spec.horizontal) {
        datasets.forEach(function (d) { delete d.yAxisID; });
        scales.count = { axis: "x", position: "bottom", beginAtZero: true, title: { display: true, text: axes.count } };
      } else {
        datasets.forEach(function (d) { delete d.xAxisID; });
        scales.count = { axis: "y", position: "left", beginAtZero: true, title: { display: true, text: axes.count } };
        if (hasPercent) {
          scales.percent = {
            axis: "y", position: "right", min: 0, max: 100,
            grid: { drawOnChartArea: false }, title: { display: true, text: axes.percent }
          };
        }
      }
      new window.Chart(canvas, {
        type: "bar",
        data: { labels: spec.labels, datasets: datasets },
        options: {
          indexAxis: spec.horizontal ? "y" : "x",
          responsive: true,
          maintainAspectRatio: false,
          animation: false,
          interaction: { mode: "index", intersect: false },
          plugins: { legend: { position: "bottom" } },
          scales: scales
        }
      });
    });
  }
  function ready() {
    if (!document.getElementById("db-charts")) { return; }
    if (typeof window.Chart !== "undefined") { draw(); return; }
    var library = document.querySelector('script[src*="dashboard/chart.umd"]');
    if (library) { library.addEventListener("load", draw, { once: true }); }
  }
  document.addEventListener("DOMContentLoaded", ready);
  document.addEventListener("turbo:load", ready);
  if (document.readyState !== "loading") { ready(); }
})();
