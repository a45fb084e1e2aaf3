/* graphkit serve: the Changes view (what changed in the audience between two load dates).
 *
 * The table comes from /api/changes, which is graphkit's `changes` query (the same as
 * `graphkit changes BRAND --since --until`); this file only draws it. Every string from
 * the data is set with textContent (UI.el).
 */
(function () {
  "use strict";

  var UI = window.GraphkitUI;
  var el = UI.el, clear = UI.clear, append = UI.append, field = UI.field, select = UI.select,
      dataTable = UI.dataTable;

  function dateLabel(iso) { return iso.replace("T", " ").replace(/:00\+00:00$/, " UTC"); }

  /* Draw the view into `root`; `app` is the page's {api, params, state(), done, failed, writeUrl, status}. */
  function render(root, app) {
    var state = app.state();
    clear(root);
    root.appendChild(el("h1", null, "What changed in " + state.brand + "'s audience"));
    root.appendChild(el("p", "gk-lead", "New and lost followers, the accounts whose share of the observed audience " +
                        "rose or fell (ranked by the two-proportion z-test of the change, so a few followers more " +
                        "do not top the list), creators who moved up or down a tier, and renamed handles."));
    var form = el("div", "gk-filters");
    var body = el("div", "gk-result");
    root.appendChild(form); root.appendChild(body);
    app.api("/api/changes", app.params(["brand", "since", "until"])).then(function (data) {
      var options = data.dates.map(function (d) { return [d, dateLabel(d)]; });
      var since = select(options, data.since || ""); since.id = "gk-c-since";
      var until = select(options, data.until || ""); until.id = "gk-c-until";
      function apply() {
        var current = app.state();
        current.since = since.value; current.until = until.value;
        app.writeUrl(); render(root, app);
      }
      since.addEventListener("change", apply); until.addEventListener("change", apply);
      append(form, field("From", since, "The workspace as it stood at this load"),
             field("To", until, "... compared with the workspace at this load"));
      if (data.note) body.appendChild(el("p", "gk-note", data.note));
      var drawn = {};
      if (data.summary) {
        var s = data.summary;
        body.appendChild(el("p", "gk-lead", s.followers_since.toLocaleString("en-US") + " → " +
          s.followers_until.toLocaleString("en-US") + " followers (" + s.new_followers.toLocaleString("en-US") +
          " new, " + s.lost_followers.toLocaleString("en-US") + " lost); " + s.observed_since.toLocaleString("en-US") +
          " → " + s.observed_until.toLocaleString("en-US") + " observed."));
      }
      data.sections.forEach(function (section) {
        var count = section.total === null ? String(section.shown) : section.shown + " of " + section.total;
        var box = el("section", "gk-changes-section");
        box.id = "gk-changes-" + section.name;
        append(box, el("h2", null, section.title.charAt(0).toUpperCase() + section.title.slice(1) + " (" + count + ")"));
        box.appendChild(section.shown ? dataTable(section.table) : el("p", "gk-muted", "None."));
        body.appendChild(box);
        var column = section.table.columns.map(function (c) { return c.name; }).indexOf("account");
        drawn[section.name] = section.table.rows.map(function (r) { return r[column]; });
      });
      app.status.changes = {since: data.since, until: data.until, dates: data.dates, sections: drawn};
      app.done("changes");
    }, app.failed);
  }

  window.GraphkitChanges = {render: render};
})();
