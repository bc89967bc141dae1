// The residents' maps use only these OpenLayers classes (map.js, report.js): a build of
// them is a third of the full ol.js. Exposed as window.ol, with the full build's names.
import Collection from "ol/Collection.js";
import Feature from "ol/Feature.js";
import Map from "ol/Map.js";
import View from "ol/View.js";
import GeoJSON from "ol/format/GeoJSON.js";
import Point from "ol/geom/Point.js";
import Translate from "ol/interaction/Translate.js";
import TileLayer from "ol/layer/Tile.js";
import VectorLayer from "ol/layer/Vector.js";
import { fromLonLat, toLonLat } from "ol/proj.js";
import VectorSource from "ol/source/Vector.js";
import XYZ from "ol/source/XYZ.js";
import CircleStyle from "ol/style/Circle.js";
import Fill from "ol/style/Fill.js";
import Stroke from "ol/style/Stroke.js";
import Style from "ol/style/Style.js";
import Text from "ol/style/Text.js";

window.ol = {
  Collection, Feature, Map, View,
  format: { GeoJSON },
  geom: { Point },
  interaction: { Translate },
  layer: { Tile: TileLayer, Vector: VectorLayer },
  proj: { fromLonLat, toLonLat },
  source: { Vector: VectorSource, XYZ },
  style: { Circle: CircleStyle, Fill, Stroke, Style, Text },
};
