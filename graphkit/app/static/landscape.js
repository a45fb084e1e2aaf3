/* graphkit influencer landscape: draws what queries/landscape.py computed.
 *
 * One renderer for the web app (graphkit serve) and the static file
 * (graphkit export landscape --out FILE.html, the report): sigma.js draws the
 * nodes and links with WebGL, ForceAtlas2 refines the starting layout in a web
 * worker for a bounded time, cluster names float over the clusters and the best
 * accounts of each cluster are labelled where the labels do not collide.
 *
 * Every string from the data is set with textContent; nothing is fetched.
 * window.GraphkitLandscape.mount(container, payload, options) returns a
 * controller; the page's <pre id="gk-status"> (if any) receives its status.
 */
(function () {
  "use strict";

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function mount(container, data, options) {
    options = options || {};
    var V = window.GraphkitVendor;
    var status = {ready: false, webgl: false, nodes: 0, edges: 0, clusters: 0, clusterLabels: [],
                  labels: [], layout: "none", layoutMs: 0, firstDrawMs: 0, colorBy: "cluster",
                  selected: null, matches: null, errors: []};
    var statusEl = options.statusEl || null;
    function writeStatus() { if (statusEl) statusEl.textContent = JSON.stringify(status); }
    var started = performance.now();
    while (container.firstChild) container.removeChild(container.firstChild);
    container.classList.add("gk-land");

    // -- the frame: toolbar, stage, legend --------------------------------------------------
    var bar = el("div", "gk-land-bar");
    var search = el("input", "gk-land-search");
    search.type = "search"; search.placeholder = "Find an account"; search.setAttribute("aria-label", "find an account");
    var count = el("span", "gk-land-count");
    var colorSelect = el("select", "gk-land-color");
    colorSelect.setAttribute("aria-label", "colour by");
    [["cluster", "Colour: community"], ["tier", "Colour: tier"]].forEach(function (pair) {
      var opt = el("option", null, pair[1]); opt.value = pair[0]; colorSelect.appendChild(opt);
    });
    var edgesLabel = el("label", "gk-land-check");
    var edgesBox = el("input"); edgesBox.type = "checkbox"; edgesBox.checked = true;
    edgesLabel.appendChild(edgesBox); edgesLabel.appendChild(document.createTextNode(" links"));
    var fit = el("button", "gk-land-button", "Fit"); fit.type = "button"; fit.title = "show everything";
    var layoutNote = el("span", "gk-land-layout");
    [search, count, colorSelect, edgesLabel, fit, layoutNote].forEach(function (n) { bar.appendChild(n); });
    var body = el("div", "gk-land-body");
    var stage = el("div", "gk-land-stage");
    var canvasBox = el("div", "gk-land-canvas");
    var overlay = el("div", "gk-land-overlay");
    var tip = el("div", "gk-land-tip"); tip.hidden = true;
    stage.appendChild(canvasBox); stage.appendChild(overlay); stage.appendChild(tip);
    var side = el("aside", "gk-land-side");
    var legendTitle = el("h3", "gk-land-legend-title", "Communities");
    var legend = el("ol", "gk-land-legend");
    var panel = el("div", "gk-land-panel");
    side.appendChild(legendTitle); side.appendChild(legend); side.appendChild(panel);
    body.appendChild(stage); body.appendChild(side);
    container.appendChild(bar); container.appendChild(body);

    var nodes = data.nodes, n = nodes.id.length, clusters = data.clusters;
    var clusterColor = {}, clusterInfo = {};
    clusters.forEach(function (c) { clusterColor[c.id] = c.color; clusterInfo[c.id] = c; });
    var tierColor = {};
    data.tiers.forEach(function (t) { tierColor[t[0]] = t[1]; });
    status.nodes = n; status.edges = data.edges.s.length; status.clusters = clusters.length;

    // legend: one line per community, click to highlight it
    var focusCluster = null;
    clusters.forEach(function (c) {
      var item = el("li", "gk-land-legend-item");
      var swatch = el("span", "gk-land-swatch"); swatch.style.background = c.color;
      var name = el("b", null, c.label);
      var meta = el("span", "gk-land-legend-meta", c.size + " accounts · reach " + c.reach);
      var leaders = el("span", "gk-land-legend-leaders", c.leaders);
      item.appendChild(swatch); item.appendChild(name); item.appendChild(meta); item.appendChild(leaders);
      item.title = "Click to highlight this community";
      item.addEventListener("click", function () {
        focusCluster = focusCluster === c.id ? null : c.id;
        Array.prototype.forEach.call(legend.children, function (li) { li.classList.remove("gk-on"); });
        if (focusCluster !== null) item.classList.add("gk-on");
        refresh();
      });
      legend.appendChild(item);
    });

    if (!V || !V.Graph || !V.Sigma) {
      status.errors.push("the drawing library did not load");
      canvasBox.appendChild(el("p", "gk-land-fallback", "The map cannot be drawn here; the communities are listed beside it."));
      writeStatus();
      return {status: function () { return status; }};
    }

    // -- the graph --------------------------------------------------------------------------
    var graph = new V.Graph({type: "undirected"});
    var values = nodes.size, low = Infinity, high = -Infinity;
    for (var i = 0; i < n; i++) {
      if (values[i] !== null && values[i] < low) low = values[i];
      if (values[i] !== null && values[i] > high) high = values[i];
    }
    function radius(v) {
      if (v === null || !(high > low)) return 4;
      return 2.5 + 11 * Math.sqrt((v - low) / (high - low));
    }
    for (i = 0; i < n; i++) {
      graph.addNode(nodes.id[i], {x: nodes.x[i], y: nodes.y[i], size: radius(values[i]), label: nodes.id[i],
                                  cluster: nodes.cluster[i], tier: nodes.tier[i], index: i,
                                  color: clusterColor[nodes.cluster[i]] || "#999"});
    }
    var maxW = 0;
    data.edges.w.forEach(function (w) { if (w > maxW) maxW = w; });
    for (var e = 0; e < data.edges.s.length; e++) {
      var w = data.edges.w[e];
      graph.addEdge(nodes.id[data.edges.s[e]], nodes.id[data.edges.t[e]],
                    {weight: w, size: 0.4 + 1.6 * (maxW > 0 ? w / maxW : 0)});
    }

    // -- state that the reducers read --------------------------------------------------------
    var hovered = null, selected = null, neighbours = null, matchSet = null, labelled = {};
    function colorOf(attrs) {
      return status.colorBy === "tier" ? (tierColor[attrs.tier] || "#999") : (clusterColor[attrs.cluster] || "#999");
    }
    function nodeReducer(node, attrs) {
      var res = {x: attrs.x, y: attrs.y, size: attrs.size, label: attrs.label, color: colorOf(attrs),
                 forceLabel: !!labelled[node], zIndex: 1};
      var focus = selected || hovered;
      var dim = false;
      if (matchSet) dim = !matchSet[node];
      else if (focusCluster !== null) dim = attrs.cluster !== focusCluster;
      else if (focus && neighbours) dim = node !== focus && !neighbours[node];
      if (dim) { res.color = "#e3e6ea"; res.label = ""; res.forceLabel = false; res.zIndex = 0; }
      if (node === focus) { res.forceLabel = true; res.zIndex = 2; res.highlighted = true; }
      return res;
    }
    function edgeReducer(edge, attrs) {
      var res = {size: attrs.size, color: "#c9d0d7"};
      if (!edgesBox.checked) { res.hidden = true; return res; }
      var focus = selected || hovered;
      if (focus) {
        var ends = graph.extremities(edge);
        if (ends[0] === focus || ends[1] === focus) res.color = "#4b5563";
        else res.hidden = true;
      } else if (focusCluster !== null || matchSet) {
        res.hidden = true;
      }
      return res;
    }

    var renderer;
    try {
      renderer = new V.Sigma(graph, canvasBox, {
        renderLabels: true, labelRenderedSizeThreshold: 1e9, labelFont: "system-ui, sans-serif",
        labelSize: 12, labelWeight: "600", labelColor: {color: "#1f2933"}, zIndex: true,
        defaultEdgeColor: "#c9d0d7", minCameraRatio: 0.03, maxCameraRatio: 4,
        stagePadding: 24, nodeReducer: nodeReducer, edgeReducer: edgeReducer,
        allowInvalidContainer: true
      });
      status.webgl = true;
    } catch (err) {
      status.errors.push("WebGL is not available: " + err.message);
      canvasBox.appendChild(el("p", "gk-land-fallback",
        "This browser cannot draw the map (WebGL is off); the communities are listed beside it."));
      writeStatus();
      return {status: function () { return status; }};
    }
    var camera = renderer.getCamera();

    // -- labels without collisions ------------------------------------------------------------
    var measure = document.createElement("canvas").getContext("2d");
    measure.font = "600 12px system-ui, sans-serif";
    var order = [];  // label candidates: round-robin over clusters, best-ranked first
    (function () {
      var byCluster = {}, ids = [];
      for (var k = 0; k < n; k++) {
        var c = nodes.cluster[k];
        if (!byCluster[c]) { byCluster[c] = []; ids.push(c); }
        byCluster[c].push(k);
      }
      ids.sort(function (a, b) { return (a === 0) - (b === 0) || byCluster[b].length - byCluster[a].length; });
      for (var round = 0; round < 6; round++) {
        ids.forEach(function (c) { if (c !== 0 && byCluster[c][round] !== undefined) order.push(byCluster[c][round]); });
      }
      for (k = 0; k < Math.min(n, 60); k++) if (order.indexOf(k) < 0) order.push(k);
    })();
    function overlaps(a, b) { return a[0] < b[2] && b[0] < a[2] && a[1] < b[3] && b[1] < a[3]; }
    var clusterLabelEls = {};
    clusters.forEach(function (c) {
      if (c.id === 0) return;
      var box = el("div", "gk-land-cluster");
      box.appendChild(el("b", null, c.label));
      box.appendChild(el("span", null, " " + c.size));
      box.style.borderColor = c.color;
      overlay.appendChild(box);
      clusterLabelEls[c.id] = box;
    });
    function centroids() {
      var sum = {};
      graph.forEachNode(function (node, a) {
        var s = sum[a.cluster] || (sum[a.cluster] = [0, 0, 0]);
        s[0] += a.x; s[1] += a.y; s[2] += 1;
      });
      return sum;
    }
    function placeLabels() {
      var width = canvasBox.clientWidth, height = canvasBox.clientHeight;
      var boxes = [], shownClusters = [];
      var sums = centroids();
      clusters.forEach(function (c) {
        var elc = clusterLabelEls[c.id];
        if (!elc) return;
        var s = sums[c.id];
        if (!s || (focusCluster !== null && focusCluster !== c.id) || matchSet) { elc.hidden = true; return; }
        var p = renderer.graphToViewport({x: s[0] / s[2], y: s[1] / s[2]});
        elc.hidden = false;
        var w = elc.offsetWidth, h = elc.offsetHeight;
        var box = [p.x - w / 2, p.y - h / 2, p.x + w / 2, p.y + h / 2];
        var inside = box[0] >= 0 && box[1] >= 0 && box[2] <= width && box[3] <= height;
        if (!inside || boxes.some(function (b) { return overlaps(b, box); })) { elc.hidden = true; return; }
        elc.style.left = Math.round(box[0]) + "px"; elc.style.top = Math.round(box[1]) + "px";
        boxes.push(box); shownClusters.push(c.label);
      });
      var next = {}, names = [];
      if (!matchSet) {
        order.forEach(function (k) {
          if (names.length >= 40) return;
          var id = nodes.id[k], a = graph.getNodeAttributes(id);
          if (focusCluster !== null && a.cluster !== focusCluster) return;
          var d = renderer.getNodeDisplayData(id);
          if (!d) return;
          var p = renderer.graphToViewport({x: a.x, y: a.y});
          var size = renderer.scaleSize(d.size);
          var w = measure.measureText(id).width + 4;
          var box = [p.x + size + 1, p.y - 9, p.x + size + 3 + w, p.y + 7];
          if (box[0] < 0 || box[1] < 0 || box[2] > width || box[3] > height) return;
          if (boxes.some(function (b) { return overlaps(b, box); })) return;
          boxes.push(box); next[id] = true; names.push(id);
        });
      }
      var changed = names.length !== status.labels.length ||
        names.some(function (name) { return !labelled[name]; });
      labelled = next; status.labels = names; status.clusterLabels = shownClusters;
      if (changed) renderer.refresh({skipIndexation: true});
      writeStatus();
    }
    var labelTimer = null;
    function scheduleLabels(delay) {
      if (labelTimer) clearTimeout(labelTimer);
      labelTimer = setTimeout(function () { labelTimer = null; placeLabels(); }, delay === undefined ? 120 : delay);
    }
    camera.on("updated", function () { scheduleLabels(); });
    function refresh() { renderer.refresh({skipIndexation: true}); scheduleLabels(0); }

    // -- hover, click, search -------------------------------------------------------------------
    function setFocus(node) {
      neighbours = null;
      if (node) { neighbours = {}; graph.forEachNeighbor(node, function (m) { neighbours[m] = true; }); }
    }
    function details(target, k, full) {
      while (target.firstChild) target.removeChild(target.firstChild);
      target.appendChild(el(full ? "h3" : "b", "gk-land-name", nodes.id[k]));
      var c = clusterInfo[nodes.cluster[k]];
      if (c) target.appendChild(el("p", "gk-land-why", "Community: " + c.label));
      var table = el("table");
      data.fields.forEach(function (f) {
        var value = f.values[k];
        if (value === null || value === "" || value === undefined) return;
        var row = el("tr");
        var head = el("td", null, f.heading); head.title = f.explanation || "";
        row.appendChild(head); row.appendChild(el("td", null, value));
        table.appendChild(row);
      });
      target.appendChild(table);
      if (full && data.urls && data.urls[k]) {
        var link = el("a", "gk-land-link", "Open profile");
        link.href = data.urls[k]; link.rel = "noopener noreferrer"; link.target = "_blank";
        target.appendChild(link);
      }
    }
    renderer.on("enterNode", function (ev) {
      hovered = ev.node; setFocus(selected || hovered);
      details(tip, graph.getNodeAttribute(ev.node, "index"), false);
      tip.hidden = false; renderer.refresh({skipIndexation: true});
    });
    renderer.on("leaveNode", function () {
      hovered = null; setFocus(selected); tip.hidden = true; renderer.refresh({skipIndexation: true});
    });
    stage.addEventListener("mousemove", function (ev) {
      if (tip.hidden) return;
      var box = stage.getBoundingClientRect();
      tip.style.left = Math.min(ev.clientX - box.left + 14, box.width - 280) + "px";
      tip.style.top = Math.min(ev.clientY - box.top + 14, box.height - 140) + "px";
    });
    function select(node) {
      selected = node && graph.hasNode(node) ? node : null;
      status.selected = selected; setFocus(selected);
      if (selected && !options.onSelect) details(panel, graph.getNodeAttribute(selected, "index"), true);
      if (!selected) while (panel.firstChild) panel.removeChild(panel.firstChild);
      renderer.refresh({skipIndexation: true}); writeStatus();
      if (selected && options.onSelect) options.onSelect(selected);
    }
    renderer.on("clickNode", function (ev) { select(ev.node); });
    renderer.on("clickStage", function () { select(null); });
    function runSearch(text) {
      var q = String(text || "").trim().toLowerCase();
      if (!q) { matchSet = null; count.textContent = ""; status.matches = null; refresh(); return status; }
      matchSet = {};
      var found = [];
      var names = data.fields.filter(function (f) { return f.name === "display_name"; })[0];
      for (var k = 0; k < n; k++) {
        var hit = nodes.id[k].toLowerCase().indexOf(q) >= 0 ||
          (names && names.values[k] && String(names.values[k]).toLowerCase().indexOf(q) >= 0);
        if (hit) { matchSet[nodes.id[k]] = true; found.push(nodes.id[k]); }
      }
      count.textContent = found.length + (found.length === 1 ? " match" : " matches");
      status.matches = found.length; status.firstMatch = found.length ? found[0] : null;
      refresh();
      return status;
    }
    function centreOn(node) {
      var d = renderer.getNodeDisplayData(node);
      if (d) camera.animate({x: d.x, y: d.y, ratio: Math.min(camera.ratio, 0.35)}, {duration: 300});
    }
    search.addEventListener("input", function () { runSearch(search.value); });
    search.addEventListener("keydown", function (ev) {
      if (ev.key === "Enter" && status.firstMatch) { centreOn(status.firstMatch); select(status.firstMatch); }
    });
    colorSelect.addEventListener("change", function () { colorBy(colorSelect.value); });
    function colorBy(mode) {
      status.colorBy = mode === "tier" ? "tier" : "cluster";
      colorSelect.value = status.colorBy;
      legendTitle.textContent = status.colorBy === "tier" ? "Tiers" : "Communities";
      legend.hidden = status.colorBy === "tier";
      tierLegend.hidden = status.colorBy !== "tier";
      refresh();
      return status;
    }
    var tierLegend = el("ol", "gk-land-legend");
    tierLegend.hidden = true;
    data.tiers.forEach(function (t) {
      var item = el("li", "gk-land-legend-item");
      var swatch = el("span", "gk-land-swatch"); swatch.style.background = t[1];
      item.appendChild(swatch); item.appendChild(el("b", null, t[0])); item.appendChild(el("span", "gk-land-legend-meta", t[2] + " accounts"));
      tierLegend.appendChild(item);
    });
    side.insertBefore(tierLegend, panel);
    edgesBox.addEventListener("change", function () { renderer.refresh({skipIndexation: true}); });
    fit.addEventListener("click", function () { camera.animatedReset({duration: 300}); });

    // -- layout: ForceAtlas2 in a web worker, for a bounded time --------------------------------
    var layoutBudget = options.layoutMs || Math.min(3000, 900 + 1.2 * n);
    var layout = null;
    function widen() {  // turn the picture so that its long axis lies along the (wide) stage
      var sx = 0, sy = 0, sxx = 0, syy = 0, sxy = 0, m = 0;
      graph.forEachNode(function (node, a) { sx += a.x; sy += a.y; m++; });
      if (m < 3) return;
      var cx = sx / m, cy = sy / m;
      graph.forEachNode(function (node, a) {
        var dx = a.x - cx, dy = a.y - cy;
        sxx += dx * dx; syy += dy * dy; sxy += dx * dy;
      });
      var angle = 0.5 * Math.atan2(2 * sxy, sxx - syy);
      var wide = canvasBox.clientWidth >= canvasBox.clientHeight;
      var turn = (wide ? 0 : Math.PI / 2) - angle, cos = Math.cos(turn), sin = Math.sin(turn);
      graph.updateEachNodeAttributes(function (node, a) {
        var dx = a.x - cx, dy = a.y - cy;
        a.x = cx + dx * cos - dy * sin; a.y = cy + dx * sin + dy * cos;
        return a;
      }, {attributes: ["x", "y"]});
    }
    function finishLayout() {
      if (layout) { layout.stop(); layout.kill(); layout = null; }
      widen();
      status.layout = "done"; status.layoutMs = Math.round(performance.now() - started);
      layoutNote.textContent = "";
      scheduleLabels(0);
    }
    if (n > 1 && data.edges.s.length > 0 && V.FA2Layout && !options.noLayout) {
      var settings = V.forceAtlas2.inferSettings(graph);
      settings.gravity = 1; settings.scalingRatio = Math.max(settings.scalingRatio || 1, 8);
      settings.barnesHutOptimize = n > 400; settings.edgeWeightInfluence = 1; settings.slowDown = 4;
      try {
        layout = new V.FA2Layout(graph, {settings: settings});
        layout.start();
        status.layout = "running"; layoutNote.textContent = "arranging…";
        var tick = setInterval(function () {
          if (!layout) { clearInterval(tick); return; }
          if (performance.now() - started > layoutBudget) { clearInterval(tick); finishLayout(); }
          else scheduleLabels(0);
        }, 250);
      } catch (err) {  // no worker (e.g. a page whose policy forbids blob: workers): a few steps inline
        V.forceAtlas2.assign(graph, {iterations: n > 800 ? 30 : 80, settings: settings});
        finishLayout();
      }
    } else {
      finishLayout();
    }

    status.ready = true;
    status.firstDrawMs = Math.round(performance.now() - started);
    scheduleLabels(0);
    writeStatus();
    var controller = {
      status: function () { return status; },
      select: function (id) { select(id); return status; },
      search: function (text) { search.value = text; return runSearch(text); },
      colorBy: colorBy,
      relabel: function () { placeLabels(); return status; },
      stopLayout: function () { finishLayout(); return status; },
      screenOf: function (id) {
        if (!graph.hasNode(id)) return null;
        var a = graph.getNodeAttributes(id), p = renderer.graphToViewport({x: a.x, y: a.y});
        var box = canvasBox.getBoundingClientRect();
        return [box.left + p.x, box.top + p.y];
      },
      kill: function () { if (layout) layout.kill(); renderer.kill(); }
    };
    return controller;
  }

  window.GraphkitLandscape = {mount: mount, el: el};
})();
