/* graphkit serve: the page script.
 *
 * It draws what the server's API returns (every score comes from graphkit's
 * query functions) and keeps the view in the address bar, so a copied link
 * reproduces it. Every string from the data is set with textContent.
 * <pre id="gk-status"> holds a JSON summary of what was drawn (read by tests).
 */
(function () {
  "use strict";

  var settings = JSON.parse(document.getElementById("gk-settings").textContent);
  var statusEl = document.getElementById("gk-status");
  var status = {view: null, brand: null, ready: false, pending: 0, drawn: {}, errors: [], lastError: null,
                generation: null};
  function writeStatus() { statusEl.textContent = JSON.stringify(status); }
  window.addEventListener("error", function (ev) { status.errors.push(String(ev.message)); writeStatus(); });

  var UI = window.GraphkitUI;
  var el = UI.el, clear = UI.clear, append = UI.append, button = UI.button, field = UI.field, input = UI.input,
      select = UI.select, checkbox = UI.checkbox, debounce = UI.debounce, dataTable = UI.dataTable,
      downloadLinks = UI.downloadLinks, barChart = UI.barChart, curveChart = UI.curveChart;

  // -- the view lives in the address bar -------------------------------------------------------
  var state = {};
  function readUrl() {
    state = {};
    new URLSearchParams(window.location.search).forEach(function (v, k) { state[k] = v; });
  }
  function writeUrl() {
    var query = new URLSearchParams();
    Object.keys(state).sort().forEach(function (k) {
      if (state[k] !== undefined && state[k] !== null && state[k] !== "") query.set(k, state[k]);
    });
    var text = query.toString();
    window.history.replaceState(null, "", text ? "?" + text : window.location.pathname);
  }
  function params(names) {
    var query = new URLSearchParams();
    names.forEach(function (k) {
      if (k === "cost_*") {
        Object.keys(state).forEach(function (s) { if (s.indexOf("cost_") === 0 && state[s]) query.set(s, state[s]); });
      } else if (state[k] !== undefined && state[k] !== null && state[k] !== "") query.set(k, state[k]);
    });
    return query.toString();
  }
  var SHORTLIST = ["brand", "niche", "match", "tier", "min", "excl", "followers", "sort", "asc", "top"];
  var LANDSCAPE = ["brand", "niche", "ltop", "metric", "k", "minsim", "res", "rseed", "size"];
  var PLAN = ["brand", "budget", "niche", "ptier", "cost_*", "currency", "pick", "exclude"];

  // -- talking to the server -----------------------------------------------------------------
  var busy = document.getElementById("gk-busy");
  var errorBox = document.getElementById("gk-error");
  function showError(message) {
    status.lastError = message;
    clear(errorBox).appendChild(el("span", null, message));
    errorBox.appendChild(button("×", function () { errorBox.hidden = true; }, "gk-close"));
    errorBox.hidden = false;
    writeStatus();
  }
  function api(path, query) {
    status.pending++; busy.hidden = false; status.ready = false; writeStatus();
    return fetch(path + (query ? "?" + query : ""), {credentials: "same-origin", headers: {"Accept": "application/json"}})
      .then(function (response) {
        return response.json().then(function (data) {
          if (!response.ok) throw new Error(data.error || ("the server answered " + response.status));
          return data;
        }, function () { throw new Error("the server answered " + response.status); });
      })
      .finally(function () {
        status.pending--; busy.hidden = status.pending === 0; writeStatus();
      });
  }
  function failed(err) { showError(err.message); }

  // -- brand picker ------------------------------------------------------------------------------
  var brandInput = document.getElementById("gk-brand");
  var brandList = document.getElementById("gk-brand-list");
  var searchBrands = debounce(function (text) {
    api("/api/brands", "q=" + encodeURIComponent(text)).then(function (data) {
      clear(brandList);
      data.brands.forEach(function (b) {
        var item = el("li", "gk-brand-option");
        item.setAttribute("role", "option");
        item.dataset.account = b.account;
        append(item, el("b", null, b.account), el("span", null, (b.display_name ? b.display_name + " · " : "") +
               b.followers.toLocaleString("en-US") + " followers, " + b.observed.toLocaleString("en-US") + " observed"));
        item.addEventListener("mousedown", function (ev) { ev.preventDefault(); pickBrand(b.account); });
        brandList.appendChild(item);
      });
      if (!data.brands.length) brandList.appendChild(el("li", "gk-brand-none", "No account with followers matches."));
      brandList.hidden = false;
      status.brandOptions = data.brands.map(function (b) { return b.account; });
      writeStatus();
    }, failed);
  }, 150);
  brandInput.addEventListener("input", function () { searchBrands(brandInput.value); });
  brandInput.addEventListener("focus", function () { searchBrands(brandInput.value); });
  brandInput.addEventListener("blur", function () { setTimeout(function () { brandList.hidden = true; }, 150); });
  brandInput.addEventListener("keydown", function (ev) {
    if (ev.key === "Enter") {
      var first = brandList.querySelector(".gk-brand-option");
      pickBrand(first ? first.dataset.account : brandInput.value.trim());
    }
  });
  function pickBrand(account) {
    if (!account) return;
    brandList.hidden = true;
    var keep = {brand: account, view: state.view && state.view !== "welcome" ? state.view : "overview",
                budget: state.budget, currency: state.currency};
    Object.keys(state).forEach(function (k) { if (k.indexOf("cost_") === 0) keep[k] = state[k]; });
    state = keep;
    closeAccount();
    show(state.view);
  }

  // -- views -------------------------------------------------------------------------------------
  var tabs = document.querySelectorAll(".gk-tabs button");
  Array.prototype.forEach.call(tabs, function (b) {
    b.addEventListener("click", function () {
      if (!state.brand) { showError("Pick a brand first: type a handle in the box at the top."); return; }
      state.view = b.dataset.view; show(state.view);
    });
  });
  var renderers = {};
  function show(view) {
    errorBox.hidden = true;
    if (!state.brand) view = "welcome";
    status.view = view; status.brand = state.brand || null;
    ["welcome", "overview", "shortlist", "landscape", "plan", "changes"].forEach(function (name) {
      document.getElementById("gk-view-" + name).hidden = name !== view;
    });
    Array.prototype.forEach.call(tabs, function (b) { b.classList.toggle("gk-on", b.dataset.view === view); });
    brandInput.value = state.brand || "";
    document.title = state.brand ? "graphkit: " + state.brand + " · " + view : "graphkit";
    writeUrl();
    renderers[view](document.getElementById("gk-view-" + view));
    if (state.account) openAccount(state.account, true);
  }
  function done(name) {
    status.drawn[name] = true;
    status.drawnAt = status.drawnAt || {};
    status.drawnAt[name] = Math.round(performance.now());  // ms since the page started loading
    status.ready = status.pending === 0;
    writeStatus();
  }

  renderers.welcome = function (root) {
    clear(root);
    append(root, el("h1", null, "Find the influencers your audience already follows"),
           el("p", "gk-lead", "Pick a brand (an account with followers) in the box at the top. graphkit shows its " +
              "audience, the accounts that audience follows ranked and explained, the communities they form, " +
              "and a plan for a budget."));
    var list = el("ol", "gk-welcome-brands");
    root.appendChild(el("h2", null, "Accounts with the most observed followers"));
    root.appendChild(list);
    api("/api/brands", "q=").then(function (data) {
      data.brands.slice(0, 10).forEach(function (b) {
        var item = el("li");
        item.appendChild(button(b.account, function () { pickBrand(b.account); }, "gk-account-link"));
        item.appendChild(el("span", "gk-muted", " " + b.observed.toLocaleString("en-US") + " observed of " +
                            b.followers.toLocaleString("en-US") + " followers"));
        list.appendChild(item);
      });
      done("welcome");
    }, failed);
  };

  renderers.overview = function (root) {
    clear(root);
    var heading = el("h1", null, "Audience of " + state.brand);
    root.appendChild(heading);
    api("/api/overview", params(["brand"])).then(function (data) {
      var s = data.summary;
      var cards = el("div", "gk-cards");
      function card(value, caption, hint) {
        var c = el("div", "gk-card");
        append(c, el("b", null, value), el("span", null, caption));
        if (hint) c.title = hint;
        cards.appendChild(c);
      }
      card(s.followers.toLocaleString("en-US"), "followers in the graph");
      card(s.observed.toLocaleString("en-US") + " (" + (100 * s.observed_share).toFixed(1) + "%)",
           "observed: following list loaded", "Only observed followers count in audience shares.");
      if (s.margin_of_error !== null) {
        card("± " + (100 * s.margin_of_error).toFixed(1) + " pts",
             "margin of error of a share (" + Math.round(100 * s.confidence) + " %)",
             "Worst case (a 50 % share) measured on the observed followers" + (s.margin_population ?
               ", corrected for the " + s.margin_population.toLocaleString("en-US") + " followers in all" : "") +
             "; the same as graphkit affinity's header.");
      }
      card(s.following.toLocaleString("en-US"), "accounts " + s.brand + " follows");
      if (s.followers_count !== null) card(s.followers_count.toLocaleString("en-US"), "declared followers (profile)");
      root.appendChild(cards);
      if (s.sample_warning) {
        root.appendChild(el("p", "gk-note", s.sample_warning.charAt(0).toUpperCase() + s.sample_warning.slice(1) + "."));
      }
      if (s.observed === 0) {
        root.appendChild(el("p", "gk-note", "None of " + s.brand + "'s followers is observed: load their following " +
                            "lists (graphkit load following FILE --of NAME) to rank what they follow."));
      }
      if (data.tierMix) {
        root.appendChild(el("h2", null, "What the audience follows, by tier"));
        root.appendChild(el("p", "gk-lead", "Share of the observed audience's follows that go to accounts of each tier " +
                            "(tier from the declared follower count; unknown when no profile is loaded)."));
        var rows = data.tierMix.rows.map(function (r, i) {
          return [r[0], r[3], data.tierMix.display[i][3] + " of follows · " + data.tierMix.display[i][1] + " accounts",
                  TIER_COLORS[r[0]]];
        });
        root.appendChild(barChart(rows, "Share of the audience's follows by tier"));
      }
      drawStatus(root, data.status);
      done("overview");
    }, failed);
  };
  var TIER_COLORS = {unknown: "#bdbdbd", regular: "#8c9aa8", nano: "#009e73", micro: "#56b4e9", mid: "#0072b2",
                     macro: "#e69f00", mega: "#d55e00"};
  function drawStatus(root, st) {
    status.generation = st.generation;
    if (st.crawls && st.crawls.length) {
      root.appendChild(el("h2", null, "Crawls"));
      var list = el("ul", "gk-crawls");
      st.crawls.forEach(function (c) {
        var item = el("li");
        item.appendChild(el("b", null, c.platform + " " + c.job));
        item.appendChild(el("span", "gk-muted", c.finished ? " finished " + c.finished :
                            " unfinished (" + (c.stage || "started") + "): running, or resumable"));
        item.appendChild(el("div", "gk-crawl-progress", c.text));
        if (c.updated) item.appendChild(el("div", "gk-muted", "started " + c.started + ", updated " + c.updated));
        list.appendChild(item);
      });
      root.appendChild(list);
    }
    root.appendChild(el("h2", null, "Data"));
    root.appendChild(el("p", "gk-lead", st.accounts.toLocaleString("en-US") + " accounts, " +
                        st.follows.toLocaleString("en-US") + " follows, " + st.observed.toLocaleString("en-US") +
                        " observed, in " + st.workspace + (st.updated ? " (updated " + st.updated + ")" : "") + "."));
    var sources = {columns: [{name: "kind", heading: "Kind", kind: "text", explanation: "What was loaded"},
                             {name: "owner", heading: "Of", kind: "text", explanation: "Whose list it is"},
                             {name: "path", heading: "File", kind: "text", explanation: "The file loaded"},
                             {name: "format", heading: "Format", kind: "text", explanation: "Format detected"},
                             {name: "loaded_at", heading: "Loaded", kind: "text", explanation: "When it was loaded"}],
                   rows: [], display: []};
    st.sources.forEach(function (s) {
      var row = [s.kind, s.owner, s.path, s.format, s.loaded_at];
      sources.rows.push(row);
      sources.display.push(row.map(function (v) { return v === null || v === undefined ? "" : String(v); }));
    });
    root.appendChild(dataTable(sources));
  }

  renderers.shortlist = function (root) {
    clear(root);
    root.appendChild(el("h1", null, "Shortlist for " + state.brand));
    root.appendChild(el("p", "gk-lead", "The accounts " + state.brand + "'s observed followers follow, ranked by one " +
                        "explained score. Filters narrow the view; they do not change anyone's score or rank."));
    var form = el("div", "gk-filters");
    var niche = input("search", state.niche || "", {placeholder: "e.g. hiking, camping", id: "gk-f-niche"});
    var match = checkbox(state.match !== "0");
    match.id = "gk-f-match";
    var tiersBox = el("span", "gk-tier-boxes");
    var wanted = (state.tier || "").split(",").filter(Boolean);
    settings.tiers.forEach(function (t) {
      var label = el("label", "gk-chip");
      var box = checkbox(wanted.indexOf(t) >= 0);
      box.value = t; box.className = "gk-f-tier"; box.id = "gk-f-tier-" + t;
      append(label, box, document.createTextNode(" " + t));
      tiersBox.appendChild(label);
    });
    var minAudience = input("number", state.min || "1", {min: "1", step: "1", id: "gk-f-min"});
    var excl = checkbox(state.excl === "1"); excl.id = "gk-f-excl";
    var followers = select([["keep", "keep them"], ["exclude", "leave them out"], ["only", "only them"]], state.followers || "keep");
    followers.id = "gk-f-followers";
    var top = select([["25", "25"], ["50", "50"], ["100", "100"], ["250", "250"], ["500", "500"]], state.top || "50");
    top.id = "gk-f-top";
    append(form,
      field("Niche terms", niche, "Scores niche fit; with 'only matching', keeps accounts whose profile matches a term"),
      field("only matching", match),
      field("Tiers", tiersBox, "Keep only these tiers (none ticked: every tier)"),
      field("Min. audience followers", minAudience, "Keep accounts followed by at least this many observed followers"),
      field("Leave out accounts " + state.brand + " follows", excl),
      field(state.brand + "'s own followers", followers),
      field("Rows", top));
    root.appendChild(form);
    var info = el("div", "gk-info");
    var body = el("div", "gk-result");
    root.appendChild(info); root.appendChild(body);
    function apply() {
      state.niche = niche.value.trim();
      state.match = match.checked ? "" : "0";
      state.tier = Array.prototype.filter.call(tiersBox.querySelectorAll("input"), function (b) { return b.checked; })
        .map(function (b) { return b.value; }).join(",");
      state.min = minAudience.value && minAudience.value !== "1" ? minAudience.value : "";
      state.excl = excl.checked ? "1" : "";
      state.followers = followers.value === "keep" ? "" : followers.value;
      state.top = top.value === "50" ? "" : top.value;
      writeUrl(); load();
    }
    [match, minAudience, excl, followers, top].forEach(function (n) { n.addEventListener("change", apply); });
    tiersBox.addEventListener("change", apply);
    niche.addEventListener("change", apply);
    function load() {
      api("/api/shortlist", params(SHORTLIST)).then(function (data) {
        clear(info); clear(body);
        var formula = data.weights.map(function (w) { return w.weight.toFixed(2) + "·" + w.heading; }).join(" + ");
        append(info,
          el("p", "gk-summary", data.brand + ": " + data.observed.toLocaleString("en-US") + " of " +
             data.followers.toLocaleString("en-US") + " followers observed; " + data.candidates.toLocaleString("en-US") +
             " candidates, " + data.matched.toLocaleString("en-US") + " match" + (data.filters.length ? " (" + data.filters.join("; ") + ")" : "") +
             "; showing " + data.table.rows.length + "."),
          el("p", "gk-formula", "Score = " + formula + ". Hover a heading or a number for what it means."));
        data.notes.forEach(function (n) { info.appendChild(el("p", "gk-note", n)); });
        var tools = el("div", "gk-tools");
        append(tools, downloadLinks("/download/shortlist", params(SHORTLIST)),
               el("span", "gk-muted", " The address bar holds this view: copy it to share."));
        info.appendChild(tools);
        body.appendChild(dataTable(data.table, {
          onAccount: function (name) { openAccount(name); },
          sort: state.sort || "rank", ascending: state.asc === "1",
          onSort: function (name) {
            if ((state.sort || "rank") === name) state.asc = state.asc === "1" ? "" : "1";
            else { state.sort = name === "rank" ? "" : name; state.asc = ""; }
            writeUrl(); load();
          }
        }));
        status.shortlist = {rows: data.table.rows.length, matched: data.matched,
                            accounts: data.table.rows.map(function (r) { return r[1]; })};
        done("shortlist");
      }, failed);
    }
    load();
  };

  var landscapeController = null;
  renderers.landscape = function (root) {
    clear(root);
    if (landscapeController && landscapeController.kill) { landscapeController.kill(); landscapeController = null; }
    root.appendChild(el("h1", null, "Influencer landscape of " + state.brand));
    root.appendChild(el("p", "gk-lead", "The accounts " + state.brand + "'s audience follows most, linked when their " +
                        "audiences overlap and grouped into communities: which communities the audience lives in, " +
                        "and who leads each. Click an account for why it ranks."));
    var form = el("div", "gk-filters");
    var topN = select([["100", "100"], ["300", "300"], ["600", "600"], ["1000", "1,000"], ["2000", "2,000"]], state.ltop || "300");
    var metric = select([["jaccard", "Jaccard"], ["cosine", "cosine"]], state.metric || "jaccard");
    var k = select([["3", "3"], ["5", "5"], ["8", "8"], ["12", "12"]], state.k || "5");
    var size = select([["audience_share", "audience share"], ["score", "score"]], state.size || "audience_share");
    var seed = input("number", state.rseed || "0", {min: "0", step: "1"});
    var niche = input("search", state.niche || "", {placeholder: "e.g. hiking, camping"});
    append(form, field("Accounts", topN, "The top N of the ranking"),
      field("Overlap", metric, "Jaccard: shared / all followers of the two; cosine: kinder to a small account inside a big one"),
      field("Links per account", k, "Each account keeps its most similar accounts"),
      field("Size", size), field("Random seed", seed, "Seed of the community detection (Louvain)"),
      field("Niche terms", niche, "Niche terms of the ranking"));
    root.appendChild(form);
    var info = el("p", "gk-summary");
    var host = el("div", "gk-land-host");
    host.id = "gk-landscape";
    var table = el("div", "gk-result");
    append(root, info, host, table);
    function apply() {
      state.ltop = topN.value === "300" ? "" : topN.value;
      state.metric = metric.value === "jaccard" ? "" : metric.value;
      state.k = k.value === "5" ? "" : k.value;
      state.size = size.value === "audience_share" ? "" : size.value;
      state.rseed = seed.value && seed.value !== "0" ? seed.value : "";
      state.niche = niche.value.trim();
      writeUrl(); renderers.landscape(root);
    }
    [topN, metric, k, size, seed, niche].forEach(function (n) { n.addEventListener("change", apply); });
    api("/api/landscape", params(LANDSCAPE)).then(function (data) {
      info.textContent = data.summary;
      landscapeController = window.GraphkitLandscape.mount(host, data.payload, {
        onSelect: function (name) { openAccount(name); }
      });
      table.appendChild(el("h2", null, "Communities"));
      table.appendChild(dataTable(data.clusters));
      status.landscape = {nodes: data.payload.nodes.id.length, clusters: data.payload.clusters.length};
      done("landscape");
    }, failed);
  };
  renderers.changes = function (root) {  // static/changes.js draws it
    window.GraphkitChanges.render(root, {api: api, params: params, state: function () { return state; }, done: done,
                                         failed: failed, writeUrl: writeUrl, status: status});
  };
  window.gkApp = {
    landscape: function () { return landscapeController ? landscapeController.status() : null; },
    landscapeController: function () { return landscapeController; },
    state: function () { return state; },
    status: function () { return status; }
  };

  renderers.plan = function (root) {
    clear(root);
    root.appendChild(el("h1", null, "Plan for " + state.brand));
    root.appendChild(el("p", "gk-lead", "Which influencers to pay for, within a budget, for the most deduplicated reach " +
                        "into " + state.brand + "'s observed audience: a follower who follows three of them counts once."));
    var form = el("div", "gk-filters");
    var budget = input("number", state.budget || "5000", {min: "1", step: "any", id: "gk-p-budget"});
    var currency = input("text", state.currency || settings.currency || "", {size: "5", placeholder: "EUR", id: "gk-p-currency"});
    var niche = input("search", state.niche || "", {placeholder: "e.g. hiking, camping"});
    append(form, field("Budget", budget), field("Currency", currency, "A code (EUR) or a symbol ($)"),
           field("Niche terms", niche, "Weigh each reached follower 1 + its niche overlap"));
    var prices = el("div", "gk-filters gk-prices");
    prices.appendChild(el("span", "gk-field-label", "Price per tier:"));
    var priceInputs = {};
    settings.tiers.forEach(function (t) {
      var current = state["cost_" + t] || (settings.costs[t] !== undefined ? String(settings.costs[t]) : "");
      var box = input("number", current, {min: "0", step: "any", placeholder: "no price", id: "gk-p-cost-" + t});
      priceInputs[t] = box;
      prices.appendChild(field(t, box, "Price of one " + t + " account (empty: not planned)"));
    });
    var planTiers = el("span", "gk-tier-boxes");
    var wanted = (state.ptier || "").split(",").filter(Boolean);
    settings.tiers.forEach(function (t) {
      var label = el("label", "gk-chip"), box = checkbox(wanted.indexOf(t) >= 0);
      box.value = t;
      append(label, box, document.createTextNode(" " + t));
      planTiers.appendChild(label);
    });
    form.appendChild(field("Only tiers", planTiers, "Plan only these tiers (none ticked: every priced tier)"));
    append(root, form, prices);
    var info = el("div", "gk-info"), body = el("div", "gk-result");
    append(root, info, body);
    function apply() {
      state.budget = budget.value;
      state.currency = currency.value.trim() === (settings.currency || "") ? "" : currency.value.trim();
      state.niche = niche.value.trim();
      settings.tiers.forEach(function (t) {
        var v = priceInputs[t].value.trim(), base = settings.costs[t] !== undefined ? String(settings.costs[t]) : "";
        state["cost_" + t] = v !== base ? v : "";
      });
      state.ptier = Array.prototype.filter.call(planTiers.querySelectorAll("input"), function (b) { return b.checked; })
        .map(function (b) { return b.value; }).join(",");
      writeUrl(); load();
    }
    [budget, currency, niche].forEach(function (n) { n.addEventListener("change", apply); });
    prices.addEventListener("change", apply);
    planTiers.addEventListener("change", apply);
    function picks() { return (state.pick || "").split(",").filter(Boolean); }
    function setPicks(list) { state.pick = list.join(","); writeUrl(); load(); }
    function load() {
      api("/api/plan", params(PLAN)).then(function (data) {
        clear(info); clear(body);
        append(info,
          el("p", "gk-summary", "Plan (" + data.method + "): " + data.summary.plan + "."),
          el("p", "gk-summary", "Naive pick, same budget: " + data.summary.naive + "."),
          el("p", "gk-note", data.summary.candidates + "; costs: " + data.costsSource + ". Modified greedy for " +
             "budgeted maximum coverage (Khuller, Moss & Naor 1999): at least " + data.guarantee + " of the best " +
             "possible reach, and never less than the naive pick."));
        if (data.weighted) info.appendChild(el("p", "gk-note", "Reach is fractional because niche weighting counts " +
          "each follower 1 + its niche overlap (0 to 1): a follower whose profile is all about the niche counts double."));
        body.appendChild(el("h2", null, "Reach against budget"));
        body.appendChild(curveChart(data.curve, data.currency));
        // the plan above the naive pick (as in the report): both tables whole, nothing clipped
        body.appendChild(el("h2", null, "The plan"));
        body.appendChild(downloadLinks("/download/plan", params(PLAN) + "&which=plan"));
        body.appendChild(dataTable(data.plan, {onAccount: openAccount, rowAction: function (row) {
          var name = row[1], inPicks = picks().indexOf(name) >= 0;
          return button(inPicks ? "picked" : "pick", function () {
            if (!inPicks) setPicks(picks().concat([name]));
          }, "gk-small");
        }}));
        body.appendChild(button("Start my picks from this plan", function () {
          setPicks(data.plan.rows.map(function (r) { return r[1]; }));
        }));
        body.appendChild(el("h2", null, "The naive pick (top of the ranking that fits)"));
        body.appendChild(downloadLinks("/download/plan", params(PLAN) + "&which=naive"));
        body.appendChild(dataTable(data.naive, {onAccount: openAccount}));
        body.appendChild(el("h2", null, "My picks"));
        var adder = el("div", "gk-filters");
        var addInput = input("search", "", {placeholder: "add an account by handle", id: "gk-p-add"});
        addInput.addEventListener("keydown", function (ev) {
          if (ev.key === "Enter" && addInput.value.trim()) setPicks(picks().concat([addInput.value.trim().replace(/^@/, "")]));
        });
        append(adder, addInput, button("Add", function () {
          if (addInput.value.trim()) setPicks(picks().concat([addInput.value.trim().replace(/^@/, "")]));
        }), picks().length ? button("Clear", function () { setPicks([]); }) : null);
        body.appendChild(adder);
        if (data.selection) {
          body.appendChild(el("p", "gk-summary", picks().length + " picked, " + data.selection.spent + " spent, " +
                              "deduplicated reach " + data.selection.table.display.slice(-1)[0][6] + " (" +
                              data.selection.table.display.slice(-1)[0][7] + " of the observed audience)."));
          if (data.selection.unpriced.length) body.appendChild(el("p", "gk-note", "No price for: " + data.selection.unpriced.join(", ")));
          body.appendChild(downloadLinks("/download/plan", params(PLAN) + "&which=selection"));
          body.appendChild(dataTable(data.selection.table, {onAccount: openAccount, rowAction: function (row) {
            return button("remove", function () { setPicks(picks().filter(function (p) { return p !== row[1]; })); }, "gk-small");
          }}));
          status.selection = {reach: data.selection.reach, accounts: picks()};
        } else {
          body.appendChild(el("p", "gk-muted", "Pick accounts from the plan, the shortlist or an account's card to " +
                              "see their deduplicated reach; remove one and see what it added."));
          status.selection = null;
        }
        status.plan = {reach: data.reach, naiveReach: data.naiveReach, accounts: data.plan.rows.map(function (r) { return r[1]; })};
        done("plan");
      }, failed);
    }
    load();
  };

  // -- the account card ----------------------------------------------------------------------------
  var accountBox = document.getElementById("gk-account");
  function closeAccount() {
    accountBox.hidden = true; clear(accountBox);
    if (state.account) { state.account = ""; writeUrl(); }
    status.account = null; writeStatus();
  }
  function openAccount(name, quiet) {
    if (!name) return;
    state.account = name;
    if (!quiet) writeUrl();
    accountBox.hidden = false;
    clear(accountBox).appendChild(el("p", "gk-muted", "Loading " + name + "…"));
    api("/api/account", params(["brand", "account", "niche", "pick"])).then(function (data) {
      clear(accountBox);
      var head = el("div", "gk-account-head");
      append(head, el("h2", null, data.account), button("×", closeAccount, "gk-close"));
      accountBox.appendChild(head);
      var line = el("p", "gk-account-tier", "Tier: " + data.tier);
      if (data.profileUrl) {
        var link = el("a", null, "profile");
        link.href = data.profileUrl; link.rel = "noopener noreferrer"; link.target = "_blank";
        line.appendChild(document.createTextNode(" · "));
        line.appendChild(link);
      }
      accountBox.appendChild(line);
      accountBox.appendChild(el("p", "gk-account-share", data.audienceCount.toLocaleString("en-US") + " of " + data.brand +
                                "'s " + data.observed.toLocaleString("en-US") + " observed followers follow it (" +
                                data.audienceShare + ")."));
      if (data.ranking.length) {
        accountBox.appendChild(el("h3", null, "Why it ranks"));
        var table = el("table", "gk-kv");
        data.ranking.forEach(function (r) {
          var tr = el("tr");
          var name = el("td", null, r.heading); name.title = r.explanation;
          var value = el("td", "gk-num", r.display); value.title = r.explanation;
          append(tr, name, value);
          table.appendChild(tr);
        });
        accountBox.appendChild(table);
      }
      if (data.profile.length) {
        accountBox.appendChild(el("h3", null, "Profile"));
        var profile = el("table", "gk-kv");
        data.profile.forEach(function (p) {
          var tr = el("tr");
          append(tr, el("td", null, p.heading), el("td", null, p.display));
          profile.appendChild(tr);
        });
        accountBox.appendChild(profile);
      }
      accountBox.appendChild(el("h3", null, "Plan"));
      var picked = (state.pick || "").split(",").filter(Boolean);
      var inPlan = picked.indexOf(data.account) >= 0;
      if (data.planOverlap) {
        var o = data.planOverlap;
        accountBox.appendChild(el("p", null, inPlan ?
          "In my picks: it adds " + o.new_reach.toLocaleString("en-US") + " followers no other pick reaches." :
          "My picks reach " + o.shared_with_plan.toLocaleString("en-US") + " of its audience already; adding it reaches " +
          o.new_reach.toLocaleString("en-US") + " more."));
      }
      accountBox.appendChild(button(inPlan ? "Remove from my picks" : "Add to my picks", function () {
        var list = picked.filter(function (p) { return p !== data.account; });
        if (!inPlan) list.push(data.account);
        state.pick = list.join(",");
        writeUrl();
        if (status.view === "plan") renderers.plan(document.getElementById("gk-view-plan"));
        openAccount(data.account);
      }));
      if (data.lookalikes) {
        accountBox.appendChild(el("h3", null, "Lookalikes (similar audiences)"));
        accountBox.appendChild(dataTable(data.lookalikes, {onAccount: function (n) { openAccount(n); }}));
      }
      data.notes.forEach(function (n) { accountBox.appendChild(el("p", "gk-note", n)); });
      status.account = {account: data.account, components: data.ranking.length, tier: data.tier};
      writeStatus();
    }, function (err) { clear(accountBox); accountBox.appendChild(el("p", "gk-note", err.message)); failed(err); });
  }
  window.addEventListener("keydown", function (ev) { if (ev.key === "Escape" && !accountBox.hidden) closeAccount(); });

  // -- a load or a crawl changed the workspace: redraw -----------------------------------------------
  setInterval(function () {
    if (document.hidden || status.pending) return;
    fetch("/api/status", {credentials: "same-origin"}).then(function (r) { return r.ok ? r.json() : null; })
      .then(function (st) {
        if (!st) return;
        if (status.generation !== null && st.generation !== status.generation && state.brand) {
          status.generation = st.generation;
          show(status.view);
        }
        status.generation = st.generation;
      }, function () {});
  }, 5000);

  readUrl();
  show(state.view || "overview");
})();
