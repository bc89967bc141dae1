// Starts each Django map widget from the JSON options its template wrote (no inline script).
"use strict";
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("[data-map-widget]").forEach(function (wrapper) {
    var options = JSON.parse(document.getElementById(wrapper.dataset.mapWidget).textContent);
    options.base_layer = new ol.layer.Tile({
      source: new ol.source.XYZ({
        attributions: "NASA Worldview",
        maxZoom: 8,
        url: "https://map1{a-c}.vis.earthdata.nasa.gov/wmts-webmerc/" +
          "BlueMarble_ShadedRelief_Bathymetry/default/%7BTime%7D/" +
          "GoogleMapsCompatible_Level8/{z}/{y}/{x}.jpg"
      })
    });
    window[options.module] = new MapWidget(options);
  });
});
