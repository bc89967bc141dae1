/* Scorecard charts with the self-hosted Chart.js: pass rates with Wilson 95% error bars and
   the empirical-Bayes estimate beside them; the monthly p-chart with its control limits.
   The numbers come from <script type="application/json"> blocks (json_script), and each
   chart has a table of the same numbers next to it. */
(function () {
  "use strict";
  function data(id) {
    var node = document.getElementById(id);
    return node ? JSON.parse(node.textContent) : null;
  }
  var percent = function (value) { return Math.round(value * 100) + "%"; };
  var axis = { min: 0, max: 1, ticks: { callback: percent } };

  // Draws each point's interval [low, high] of dataset 0 as a vertical error bar with caps.
  var errorBars = {
    id: "errorBars",
    afterDatasetsDraw: function (chart, args, options) {
      var meta = chart.getDatasetMeta(0);
      var y = chart.scales.y;
      var ctx = chart.ctx;
      ctx.save();
      ctx.strokeStyle = "#1b1b1b";
      ctx.lineWidth = 2;
      meta.data.forEach(function (point, index) {
        var low = options.low[index], high = options.high[index];
        if (low === null || high === null) { return; }
        var top = y.getPixelForValue(high), bottom = y.getPixelForValue(low);
        ctx.beginPath();
        ctx.moveTo(point.x, top); ctx.lineTo(point.x, bottom);
        ctx.moveTo(point.x - 6, top); ctx.lineTo(point.x + 6, top);
        ctx.moveTo(point.x - 6, bottom); ctx.lineTo(point.x + 6, bottom);
        ctx.stroke();
      });
      ctx.restore();
    }
  };

  function rates(canvas, d) {
    return new window.Chart(canvas, {
      type: "bar",
      data: {
        labels: d.labels,
        datasets: [
          { type: "line", label: d.names.rate + " (" + d.names.interval + ")", data: d.rate,
            showLine: false, pointRadius: 6, backgroundColor: "#005ea2", borderColor: "#005ea2", order: 0 },
          { type: "bar", label: d.names.shrunk, data: d.shrunk, backgroundColor: "rgba(213, 67, 9, 0.35)",
            borderColor: "#d54309", borderWidth: 1, maxBarThickness: 48, order: 1 }
        ]
      },
      options: {
        maintainAspectRatio: false, animation: false,
        scales: { y: axis },
        plugins: { errorBars: { low: d.low, high: d.high } }
      },
      plugins: [errorBars]
    });
  }

  function pchart(canvas, d) {
    var limit = function (label, values, colour) {
      return { label: label, data: values, borderColor: colour, borderDash: [6, 4],
        pointRadius: 0, fill: false, stepped: "middle" };
    };
    return new window.Chart(canvas, {
      type: "line",
      data: {
        labels: d.labels,
        datasets: [
          { label: d.names.rate, data: d.rate, borderColor: "#005ea2", backgroundColor: "#005ea2", pointRadius: 5 },
          limit(d.names.centre, d.centre, "#565c65"),
          limit(d.names.upper, d.upper, "#b50909"),
          limit(d.names.lower, d.lower, "#b50909")
        ]
      },
      options: { maintainAspectRatio: false, animation: false, scales: { y: axis } }
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    if (!window.Chart) { return; }
    var pairs = [["rates-chart", "rates-data", rates], ["trend-chart", "trend-data", pchart]];
    pairs.forEach(function (pair) {
      var canvas = document.getElementById(pair[0]);
      var d = data(pair[1]);
      if (canvas && d) { pair[2](canvas, d); }
    });
  });
})();
