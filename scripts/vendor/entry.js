// The one bundle graphkit ships: graphology (the graph), sigma (WebGL drawing) and
// ForceAtlas2 (layout, in a web worker), exposed as window.GraphkitVendor for
// graphkit/app/static/landscape.js.
import Graph from "graphology";
import Sigma from "sigma";
import FA2Layout from "graphology-layout-forceatlas2/worker";
import forceAtlas2 from "graphology-layout-forceatlas2";

window.GraphkitVendor = { Graph, Sigma, FA2Layout, forceAtlas2 };
