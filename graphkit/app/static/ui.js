/* graphkit serve: the page's building blocks (DOM helpers, tables, charts), used by app.js.
 *
 * Everything is built with DOM calls; text is only ever set with textContent.
 * Loaded after landscape.js, whose element helper it shares.
 */
(function () {
  "use strict";

  // -- small DOM helpers ---------------------------------------------------------------------
  var el = window.GraphkitLandscape.el;  // createElement + class + textContent
  function clear(node) { while (node.firstChild) node.removeChild(node.firstChild); return node; }
  function append(parent) {
    for (var i = 1; i < arguments.length; i++) if (arguments[i]) parent.appendChild(arguments[i]);
    return parent;
  }
  function button(text, onClick, cls) {
    var b = el("button", cls || "gk-button", text);
    b.type = "button";
    b.addEventListener("click", onClick);
    return b;
  }
  function field(labelText, input, hint) {
    var box = el("label", "gk-field");
    append(box, el("span", "gk-field-label", labelText), input);
    if (hint) box.title = hint;
    return box;
  }
  function input(type, value, attrs) {
    var node = el("input");
    node.type = type;
    if (value !== undefined && value !== null) node.value = value;
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    return node;
  }
  function select(options, value) {
    var node = el("select");
    options.forEach(function (o) {
      var opt = el("option", null, o[1]);
      opt.value = o[0];
      node.appendChild(opt);
    });
    node.value = value;
    return node;
  }
  function checkbox(checked) { var c = input("checkbox"); c.checked = !!checked; return c; }
  function debounce(fn, ms) {
    var timer = null;
    return function () {
      var args = arguments;
      if (timer) clearTimeout(timer);
      timer = setTimeout(function () { timer = null; fn.apply(null, args); }, ms);
    };
  }

  // -- tables ----------------------------------------------------------------------------------
  var NUMERIC = {count: 1, rank: 1, share: 1, score: 1, lift: 1, small: 1, money: 1, reach: 1};
  function dataTable(data, opts) {
    opts = opts || {};
    var table = el("table", "gk-table");
    var head = el("thead"), headRow = el("tr");
    data.columns.forEach(function (c) {
      var th = el("th", NUMERIC[c.kind] ? "gk-num" : null);
      th.title = c.explanation || c.heading;
      if (opts.onSort) {
        var sortButton = button(c.heading, function () { opts.onSort(c.name); }, "gk-sort");
        if (opts.sort === c.name) sortButton.appendChild(el("span", "gk-sort-mark", opts.ascending ? " ▲" : " ▼"));
        th.appendChild(sortButton);
      } else th.textContent = c.heading;
      headRow.appendChild(th);
    });
    head.appendChild(headRow);
    var body = el("tbody");
    data.display.forEach(function (row, r) {
      var tr = el("tr");
      row.forEach(function (text, i) {
        var c = data.columns[i];
        var td = el("td", NUMERIC[c.kind] ? "gk-num" : null);
        if (c.name === "account" && opts.onAccount) {
          var link = button(text, function () { opts.onAccount(data.rows[r][i]); }, "gk-account-link");
          link.title = "Open " + text;
          td.appendChild(link);
        } else {
          td.textContent = text;
          if (NUMERIC[c.kind] && text) td.title = c.heading + ": " + c.explanation;
        }
        tr.appendChild(td);
      });
      if (opts.rowAction) {
        var actionCell = el("td", "gk-row-action");
        actionCell.appendChild(opts.rowAction(data.rows[r], data.columns));
        tr.appendChild(actionCell);
      }
      body.appendChild(tr);
    });
    if (opts.rowAction) headRow.appendChild(el("th"));
    append(table, head, body);
    var wrap = el("div", "gk-table-wrap");
    wrap.appendChild(table);
    return wrap;
  }
  function downloadLinks(base, query) {
    var box = el("span", "gk-downloads");
    box.appendChild(el("span", null, "Download: "));
    ["csv", "xlsx"].forEach(function (ext, i) {
      var a = el("a", "gk-download", ext.toUpperCase());
      a.href = base + "." + ext + "?" + query;
      a.setAttribute("download", "");
      a.id = "gk-download-" + base.split("/").pop() + "-" + ext + (query.indexOf("which=") >= 0 ? "-" + query.split("which=")[1].split("&")[0] : "");
      if (i) box.appendChild(document.createTextNode(" · "));
      box.appendChild(a);
    });
    return box;
  }

  // -- charts (inline SVG, drawn from the numbers the server sent) -------------------------------
  var SVG = "http://www.w3.org/2000/svg";
  function svg(tag, attrs, text) {
    var node = document.createElementNS(SVG, tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text !== undefined) node.textContent = text;
    return node;
  }
  function barChart(rows, title) {  // rows: [label, value 0..1, caption, color]
    var barH = 22, gap = 8, left = 90, width = 360, height = rows.length * (barH + gap) + gap;
    var top = Math.max.apply(null, rows.map(function (r) { return r[1]; }).concat([0]));
    var chart = svg("svg", {viewBox: "0 0 " + (left + width + 230) + " " + height, width: left + width + 230,
                            height: height, role: "img", "class": "gk-chart"});
    chart.appendChild(svg("title", {}, title));
    rows.forEach(function (r, i) {
      var y = gap + i * (barH + gap), len = top > 0 ? width * r[1] / top : 0;
      chart.appendChild(svg("text", {x: left - 8, y: y + 16, "text-anchor": "end"}, r[0]));
      chart.appendChild(svg("rect", {x: left, y: y, width: len.toFixed(1), height: barH, rx: 3, fill: r[3] || "#4e79a7"}));
      chart.appendChild(svg("text", {x: (left + len + 6).toFixed(1), y: y + 16}, r[2]));
    });
    return chart;
  }
  function curveChart(curve, currency) {
    var w = 620, h = 260, padL = 56, padB = 36, padT = 12, padR = 16;
    var budgets = curve.rows.map(function (r) { return r[0]; });
    var col = {};
    curve.columns.forEach(function (c, i) { col[c.name] = i; });
    var maxB = Math.max.apply(null, budgets), maxR = 0;
    curve.rows.forEach(function (r) { maxR = Math.max(maxR, r[col.plan_share], r[col.naive_share]); });
    maxR = maxR > 0 ? maxR : 1;
    function x(v) { return padL + (w - padL - padR) * v / maxB; }
    function y(v) { return h - padB - (h - padB - padT) * v / maxR; }
    var chart = svg("svg", {viewBox: "0 0 " + w + " " + h, width: w, height: h, role: "img", "class": "gk-chart gk-curve"});
    chart.appendChild(svg("title", {}, "Share of the observed audience reached, by budget"));
    chart.appendChild(svg("line", {x1: padL, y1: h - padB, x2: w - padR, y2: h - padB, stroke: "#9aa5b1"}));
    chart.appendChild(svg("line", {x1: padL, y1: padT, x2: padL, y2: h - padB, stroke: "#9aa5b1"}));
    [0, 0.5, 1].forEach(function (f) {
      chart.appendChild(svg("text", {x: padL - 6, y: y(maxR * f) + 4, "text-anchor": "end"}, (maxR * f * 100).toFixed(0) + "%"));
    });
    var lastLabel = -Infinity;
    curve.rows.forEach(function (r, i) {
      if (x(r[0]) - lastLabel < 64) return;  // no overlapping tick labels
      lastLabel = x(r[0]);
      chart.appendChild(svg("text", {x: x(r[0]), y: h - padB + 16, "text-anchor": "middle"}, curve.display[i][0]));
    });
    [["plan_share", "#4e79a7", "greedy plan"], ["naive_share", "#e15759", "naive pick"]].forEach(function (s, k) {
      var points = curve.rows.map(function (r) { return x(r[0]).toFixed(1) + "," + y(r[col[s[0]]]).toFixed(1); }).join(" ");
      chart.appendChild(svg("polyline", {points: points, fill: "none", stroke: s[1], "stroke-width": 2.5}));
      curve.rows.forEach(function (r) {
        chart.appendChild(svg("circle", {cx: x(r[0]).toFixed(1), cy: y(r[col[s[0]]]).toFixed(1), r: 3, fill: s[1]}));
      });
      chart.appendChild(svg("rect", {x: padL + 12 + k * 130, y: padT + 2, width: 12, height: 12, fill: s[1]}));
      chart.appendChild(svg("text", {x: padL + 30 + k * 130, y: padT + 12}, s[2]));
    });
    chart.appendChild(svg("text", {x: (padL + w) / 2, y: h - 4, "text-anchor": "middle"},
                          "budget" + (currency ? " (" + currency + ")" : "")));
    return chart;
  }

  window.GraphkitUI = {el: el, clear: clear, append: append, button: button, field: field, input: input,
                      select: select, checkbox: checkbox, debounce: debounce, dataTable: dataTable,
                      downloadLinks: downloadLinks, barChart: barChart, curveChart: curveChart};
})();
