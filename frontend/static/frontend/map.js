/* Maps on the residents' pages (OpenLayers, self-hosted). The base layer is the city's
   tile server when it set one (data-basemap-url), otherwise the city's own layers: limits,
   districts, parks, streets drawn from the address points, and the address points. No other host is ever asked for anything. */
(function () {
  "use strict";
  if (typeof ol === "undefined") { return; }
  var CENTRE = [-89.40, 43.07];

  function cityLayers(el) {
    var layers = [];
    var url = el.dataset.basemapUrl;
    if (url) {
      layers.push(new ol.layer.Tile({
        source: new ol.source.XYZ({ url: url, attributions: el.dataset.basemapAttribution || "" })
      }));
      return layers;
    }
    var styles = {
      "city-limits": new ol.style.Style({ fill: new ol.style.Fill({ color: "rgba(240,240,236,1)" }), stroke: new ol.style.Stroke({ color: "#162e51", width: 2 }) }),
      "council-district": new ol.style.Style({ stroke: new ol.style.Stroke({ color: "#8d9297", width: 1, lineDash: [4, 4] }) }),
      "county-park": new ol.style.Style({ fill: new ol.style.Fill({ color: "rgba(112,163,84,0.35)" }), stroke: new ol.style.Stroke({ color: "#4d8055", width: 1 }) }),
      "state-highway": new ol.style.Style({ fill: new ol.style.Fill({ color: "rgba(250,180,60,0.6)" }) })
    };
    if (el.dataset.cityUrl) {
      layers.push(new ol.layer.Vector({
        source: new ol.source.Vector({ url: el.dataset.cityUrl, format: new ol.format.GeoJSON({ featureProjection: "EPSG:3857" }) }),
        style: function (feature) { return styles[feature.get("kind")]; }
      }));
    }
    if (el.dataset.streetsUrl) {
      // Streets drawn from the city's address points: a grey casing, a white line, and
      // the name along the line once the map is close enough to read it.
      var casing = new ol.style.Style({ stroke: new ol.style.Stroke({ color: "#a9aeb1", width: 7 }) });
      var road = new ol.style.Stroke({ color: "#ffffff", width: 5 });
      layers.push(new ol.layer.Vector({
        source: new ol.source.Vector({ url: el.dataset.streetsUrl, format: new ol.format.GeoJSON({ featureProjection: "EPSG:3857" }) }),
        declutter: true,
        style: function (feature, resolution) {
          var label = resolution < 4 ? new ol.style.Text({
            text: feature.get("name"), placement: "line", font: "600 12px system-ui, sans-serif",
            fill: new ol.style.Fill({ color: "#1b1b1b" }), stroke: new ol.style.Stroke({ color: "#ffffff", width: 3 })
          }) : undefined;
          return [casing, new ol.style.Style({ stroke: road, text: label })];
        }
      }));
    }
    if (el.dataset.addressesUrl) {
      layers.push(new ol.layer.Vector({
        source: new ol.source.Vector({ url: el.dataset.addressesUrl, format: new ol.format.GeoJSON({ featureProjection: "EPSG:3857" }) }),
        style: new ol.style.Style({ image: new ol.style.Circle({ radius: 1.5, fill: new ol.style.Fill({ color: "rgba(80,80,80,0.35)" }) }) }),
        minZoom: 15  // houses ~200 m apart: dots only help close up, and are only fetched then
      }));
    }
    return layers;
  }

  function pinStyle(colour) {
    return new ol.style.Style({
      image: new ol.style.Circle({ radius: 9, fill: new ol.style.Fill({ color: colour }), stroke: new ol.style.Stroke({ color: "#fff", width: 3 }) })
    });
  }

  function makeMap(el, centre, zoom, extra) {
    olStylesheet(el);
    var map = new ol.Map({
      target: el,
      layers: cityLayers(el).concat(extra || []),
      view: new ol.View({ center: ol.proj.fromLonLat(centre), zoom: zoom, maxZoom: 19, minZoom: 10 })
    });
    return map;
  }

  // OpenLayers' own stylesheet is asked for by the first map, so it never holds up the
  // page's first paint (the map is drawn after the page anyway).
  function olStylesheet(el) {
    var href = el.dataset.olCss;
    if (!href || document.querySelector("link[data-ol-css]")) { return; }
    var link = document.createElement("link");
    link.rel = "stylesheet";
    link.href = href;
    link.setAttribute("data-ol-css", "");
    document.head.appendChild(link);
  }

  window.civicMap = { makeMap: makeMap, pinStyle: pinStyle, CENTRE: CENTRE };

  document.addEventListener("DOMContentLoaded", function () {
    var status = document.getElementById("status-map");
    if (status) {
      var at = [parseFloat(status.dataset.long), parseFloat(status.dataset.lat)];
      var pin = new ol.Feature(new ol.geom.Point(ol.proj.fromLonLat(at)));
      pin.setStyle(pinStyle("#d54309"));
      makeMap(status, at, 16, [new ol.layer.Vector({ source: new ol.source.Vector({ features: [pin] }) })]);
    }
    var recent = document.getElementById("recent-map");
    if (recent) {
      var open = pinStyle("#d54309"), closed = pinStyle("#4d8055");
      var points = new ol.layer.Vector({
        source: new ol.source.Vector({ url: recent.dataset.geojsonUrl, format: new ol.format.GeoJSON({ featureProjection: "EPSG:3857" }) }),
        style: function (feature) { return feature.get("open") ? open : closed; }
      });
      var map = makeMap(recent, CENTRE, 12, [points]);
      map.on("click", function (event) {
        map.forEachFeatureAtPixel(event.pixel, function (feature) {
          window.location.href = "/requests/" + encodeURIComponent(feature.get("reference")) + "/";
          return true;
        });
      });
    }
  });
})();
