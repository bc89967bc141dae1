/* The staff console's behaviour. No inline scripts: the Content-Security-Policy forbids them.
   Everything here is progressive: every form also works as a plain POST without it. */
(function () {
  "use strict";

  // Forms answer 422 with their errors: let htmx swap those in like a success.
  function configureHtmx() {
    if (!window.htmx) { return; }
    window.htmx.config.responseHandling = [
      { code: "204", swap: false },
      { code: "[23]..", swap: true },
      { code: "422", swap: true },
      { code: "400", swap: true },
      { code: "[45]..", swap: false, error: true }
    ];
  }

  // The running call timer (mm:ss since the call started; frozen once it ended).
  function pad(n) { return n < 10 ? "0" + n : String(n); }
  function tickTimers() {
    document.querySelectorAll("[data-call-timer]").forEach(function (el) {
      var started = Date.parse(el.getAttribute("data-started"));
      var ended = el.getAttribute("data-ended");
      var until = ended ? Date.parse(ended) : Date.now();
      if (isNaN(started)) { return; }
      var seconds = Math.max(0, Math.floor((until - started) / 1000));
      el.textContent = Math.floor(seconds / 60) + ":" + pad(seconds % 60);
    });
  }

  // "Use the rewording": put the screener's wording into the textarea and screen it again.
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-reword-target]");
    if (!button) { return; }
    var field = document.getElementById(button.getAttribute("data-reword-target"));
    if (!field) { return; }
    field.value = button.getAttribute("data-reword-text");
    field.dispatchEvent(new Event("input", { bubbles: true }));
    field.focus();
  });

  // Polling never replaces a list someone is selecting in, nor runs in a hidden tab.
  document.addEventListener("htmx:beforeRequest", function (event) {
    var el = event.detail.elt;
    if (!el || !el.hasAttribute("hx-trigger") || el.getAttribute("hx-trigger").indexOf("every") !== 0) { return; }
    if (document.visibilityState !== "visible" || el.querySelector("input[type=checkbox]:checked") ||
        el.contains(document.activeElement) && document.activeElement !== el) {
      event.preventDefault();
    }
  });

  // Maps (OpenLayers, self-hosted, no tiles from elsewhere): district outlines from the
  // city's own areas, the listed requests as points; a picker sets latitude/longitude.
  var areasPromise = null;
  function areas() {
    if (!areasPromise) {
      areasPromise = fetch("/api/v1/areas/?kind=council-district&limit=100", { credentials: "same-origin" })
        .then(function (r) { return r.ok ? r.json() : { results: [] }; })
        .catch(function () { return { results: [] }; });
    }
    return areasPromise;
  }
  function parsePoints(text) {
    return (text || "").split(";").filter(Boolean).map(function (part) {
      var bits = part.split(",");
      return { lat: parseFloat(bits[0]), long: parseFloat(bits[1]), label: bits[2] || "" };
    }).filter(function (p) { return !isNaN(p.lat) && !isNaN(p.long); });
  }
  function drawMap(el) {
    if (!window.ol || el.getAttribute("data-drawn")) { return; }
    el.setAttribute("data-drawn", "1");
    var ol = window.ol;
    var points = new ol.source.Vector();
    parsePoints(el.getAttribute("data-points")).forEach(function (p) {
      points.addFeature(new ol.Feature({ geometry: new ol.geom.Point(ol.proj.fromLonLat([p.long, p.lat])), label: p.label }));
    });
    var outlines = new ol.source.Vector();
    var map = new ol.Map({
      target: el,
      layers: [
        new ol.layer.Vector({ source: outlines, style: new ol.style.Style({ stroke: new ol.style.Stroke({ color: "#565c65", width: 1 }), fill: new ol.style.Fill({ color: "rgba(220,222,224,0.3)" }) }) }),
        new ol.layer.Vector({ source: points, style: new ol.style.Style({ image: new ol.style.Circle({ radius: 6, fill: new ol.style.Fill({ color: "#d83933" }), stroke: new ol.style.Stroke({ color: "#fff", width: 2 }) }) }) })
      ],
      view: new ol.View({ center: ol.proj.fromLonLat([-89.40, 43.07]), zoom: 12 })
    });
    areas().then(function (data) {
      var format = new ol.format.GeoJSON();
      (data.results || data.features || []).forEach(function (area) {
        if (!area.geometry) { return; }
        outlines.addFeature(new ol.Feature({ geometry: format.readGeometry(area.geometry, { featureProjection: "EPSG:3857" }) }));
      });
      var extent = points.getFeatures().length ? points.getExtent() : outlines.getExtent();
      if (extent && isFinite(extent[0])) { map.getView().fit(extent, { padding: [30, 30, 30, 30], maxZoom: 16 }); }
    });
    var picker = el.hasAttribute("data-map-picker");
    if (picker) {
      map.on("click", function (event) {
        var lonLat = ol.proj.toLonLat(event.coordinate);
        var lat = document.querySelector(el.getAttribute("data-lat"));
        var long = document.querySelector(el.getAttribute("data-long"));
        if (lat && long) { lat.value = lonLat[1].toFixed(6); long.value = lonLat[0].toFixed(6); }
        points.clear();
        points.addFeature(new ol.Feature({ geometry: new ol.geom.Point(event.coordinate) }));
      });
    }
  }
  function drawMaps(root) { (root || document).querySelectorAll("[data-map], [data-map-picker]").forEach(drawMap); }

  // Charts (Chart.js, self-hosted) drawn from the report's own table: one source of numbers.
  function tableColumn(table, key) {
    var index = Array.prototype.findIndex.call(table.querySelectorAll("thead th"), function (th) { return th.getAttribute("data-key") === key; });
    return Array.prototype.map.call(table.querySelectorAll("tbody tr"), function (tr) {
      var cell = tr.children[index];
      var raw = cell ? cell.getAttribute("data-value") : "";
      return key === "group" ? raw : (raw === "" ? null : parseFloat(raw));
    });
  }
  function drawCharts() {
    var table = document.querySelector("[data-report-table]");
    if (!table || !window.Chart) { return; }
    var labels = tableColumn(table, "group");
    var specs = {
      volume: [["volume", "Volume"]],
      times: [["acknowledge_median_hours", "Acknowledge (h)"], ["resolve_median_hours", "Resolve (h)"]],
      promise: [["within_promise_share", "Within promise (share)"]],
      // Counts, rates (0-1) and a 1-10 score each on their own axis: on one, the rates vanish.
      broken: [["broken_promises", "Broken promises"]],
      rates: [["transfers_per_request", "Transfers per request"], ["reopen_rate", "Reopen rate"]],
      satisfaction: [["satisfaction_mean", "Satisfaction (1-10)"]]
    };
    var colours = ["#005ea2", "#d83933", "#00a91c", "#936f38"];
    document.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
      var spec = specs[canvas.getAttribute("data-chart")] || [];
      new window.Chart(canvas, {
        type: "bar",
        data: { labels: labels, datasets: spec.map(function (s, i) { return { label: s[1], data: tableColumn(table, s[0]), backgroundColor: colours[i % colours.length] }; }) },
        options: { animation: false, responsive: true, maintainAspectRatio: false }
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    configureHtmx();
    tickTimers();
    window.setInterval(tickTimers, 1000);
    drawMaps(document);
    drawCharts();
  });
  document.addEventListener("htmx:afterSwap", function (event) { drawMaps(event.detail.target); });
})();
