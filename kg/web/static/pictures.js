// The pictures page: each picture's query is sent to this server's endpoint and its answer drawn
// with Observable Plot (vendored by `make vendor`). Every drawn mark comes from a row of the answer.
(function () {
  "use strict";
  var config = JSON.parse(document.getElementById("pictures-config").textContent);
  var BASE = "https://w3id.org/sco-rats/";
  var ROLE_ORDER = ["chair", "host", "member", "observer", "dialogue partner", "delegation", "speaker"];

  function shorten(text, n) { return text && text.length > n ? text.slice(0, n - 1) + "…" : text; }
  function local(iri) { return iri && iri.indexOf(BASE) === 0 ? "/" + iri.slice(BASE.length) : iri; }
  function rows(answer) {
    return answer.results.bindings.map(function (b) {
      var row = {};
      Object.keys(b).forEach(function (k) { row[k] = b[k].value; });
      return row;
    });
  }
  function ask(query) {
    return fetch(config.endpoint, {method: "POST", body: new URLSearchParams({query: query}),
                                   headers: {Accept: "application/sparql-results+json"}})
      .then(function (r) { return r.json().then(function (j) { if (!r.ok) throw new Error(j.error); return rows(j); }); });
  }
  // A stated date as a Date, or null when it has no year ("--11-07").
  function when(text) {
    if (!text) return null;
    var m = /^(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?/.exec(text);
    return m ? new Date(Date.UTC(+m[1], m[2] ? m[2] - 1 : 0, m[3] ? +m[3] : 1)) : null;
  }
  function note(section, text) { section.querySelector(".notes").textContent = text; }
  function link(svg, data, key) {  // marks link to the entity pages
    if (!svg) return;
    d3.select(svg).selectAll("[aria-label=dot] circle, [aria-label=cell] rect").each(function (d, i) {
      var iri = data[i] && data[i][key];
      if (iri) this.setAttribute("data-href", local(iri));
    }).style("cursor", "pointer").on("click", function () { var h = this.getAttribute("data-href"); if (h) location.href = h; });
  }

  var draw = {
    timeline: function (data, section) {
      var placed = data.filter(function (d) { return when(d.start); });
      placed.forEach(function (d) { d.date = when(d.start); d.series = d.seriesLabel || d.kindLabel; });
      var unplaced = data.filter(function (d) { return !when(d.start); });
      note(section, unplaced.length ? "Not placed (no year stated, or no date): " + unplaced.map(function (d) {
        return d.label + (d.start ? " (" + d.start + ")" : ""); }).join("; ") : "");
      // Labels of neighbouring meetings of a series take turns above, below and further above their
      // line, cut at 45 characters (the whole name is the dot's title), so they do not print over each other.
      var OFFSETS = [-14, 16, -27], bySeries = {};
      placed.slice().sort(function (a, b) { return a.date - b.date; }).forEach(function (d) {
        var seen = bySeries[d.series] = (bySeries[d.series] || 0) + 1;
        d.slot = (seen - 1) % OFFSETS.length;
        d.short = shorten(d.label, 45);
      });
      function labels(slot) {
        return Plot.text(placed.filter(function (d) { return d.slot === slot; }),
                         {x: "date", y: "series", text: "short", dy: OFFSETS[slot], fontSize: 10});
      }
      var svg = Plot.plot({
        width: 1000, height: 130 + 62 * new Set(placed.map(function (d) { return d.series; })).size, marginLeft: 330,
        marginRight: 140, x: {label: "start date", type: "utc", nice: true, inset: 60},
        y: {label: null, tickFormat: function (series) { return shorten(series, 52); }},
        marks: [Plot.ruleY(placed, {y: "series", stroke: "#ddd"}),
                Plot.dot(placed, {x: "date", y: "series", r: 7, fill: "kindLabel", title: function (d) { return d.label + "\n" + d.start; }}),
                labels(0), labels(1), labels(2)],
        color: {legend: true}
      });
      link(svg, placed, "meeting");
      return {svg: svg, marks: placed.length};
    },
    roles: function (data, section) {
      // The usual roles first, in their order; a role the ontology added since (such as "forces")
      // after them, with a colour of its own: a cell whose role had no colour was not drawn.
      var order = ROLE_ORDER.slice(), cells = {};
      data.forEach(function (d) {
        var role = d.roleLabel || "other role", key = d.state + " " + d.meeting;
        if (order.indexOf(role) < 0) order.push(role);
        var cell = cells[key] || (cells[key] = {state: d.stateLabel || local(d.state), stateIri: d.state,
                                                meeting: d.meeting, roles: []});
        if (cell.roles.indexOf(role) < 0) cell.roles.push(role);
      });
      var list = Object.keys(cells).map(function (k) {
        var c = cells[k];
        c.roles.sort(function (a, b) { return order.indexOf(a) - order.indexOf(b); });
        c.role = c.roles[0]; c.text = c.roles.join(", ");
        return c;
      });
      // One column per meeting IRI (two meetings may share a label), named by the meeting's label.
      var meetings = [], names = {};
      data.forEach(function (d) {
        if (meetings.indexOf(d.meeting) < 0) meetings.push(d.meeting);
        names[d.meeting] = names[d.meeting] || d.meetingLabel || local(d.meeting);
      });
      note(section, list.length + " (state, meeting) pairs from " + data.length + " stated roles.");
      var svg = Plot.plot({
        // Meeting names are long: the column labels are slanted and cut at 40 characters.
        width: 1000, height: 220 + 24 * new Set(list.map(function (d) { return d.state; })).size, marginLeft: 170,
        marginBottom: 200, marginRight: 60,
        x: {domain: meetings, label: null, tickRotate: -35, tickFormat: function (iri) { return shorten(names[iri], 40); }},
        y: {label: null},
        color: {legend: true, domain: order},
        marks: [Plot.cell(list, {x: "meeting", y: "state", fill: "role", inset: 1, title: "text"}),
                Plot.text(list, {x: "meeting", y: "state", text: "text", fontSize: 9, fill: "black"})]
      });
      link(svg, list, "stateIri");
      return {svg: svg, marks: list.length};
    },
    figures: function (data, section) {
      data.forEach(function (d) {
        d.year = when(d.when) ? String(when(d.when).getUTCFullYear()) : "year not stated";
        d.amount = +d.value;
        d.text = (d.qualifierLabel && d.qualifierLabel !== "exactly" ? d.qualifierLabel + " " : "") + d.value +
                 (d.period ? " (" + d.period + ")" : "");
        d.row = d.measureLabel + (d.areaLabel ? ", " + d.areaLabel : "") + (d.year !== "year not stated" ? " (" + d.year + ")" : "");
      });
      note(section, data.length + " figures. The axis is logarithmic: the figures range from " +
           d3.min(data, function (d) { return d.amount; }) + " to " + d3.max(data, function (d) { return d.amount; }) + ".");
      var svg = Plot.plot({
        width: 1100, height: 60 + 22 * new Set(data.map(function (d) { return d.row; })).size, marginLeft: 460, marginRight: 240,
        x: {type: "log", label: "value as reported", grid: true}, y: {label: null},
        color: {legend: true},
        marks: [Plot.dot(data, {x: "amount", y: "row", fill: "year", r: 5, title: function (d) { return d.text + " — " + (d.meetingLabel || ""); }}),
                Plot.text(data, {x: "amount", y: "row", text: "text", dx: 10, textAnchor: "start", fontSize: 10})]
      });
      link(svg, data, "statistic");
      return {svg: svg, marks: data.length};
    },
    disagreements: function (data, section) {
      var table = document.createElement("table");
      table.innerHTML = "<tr><th>entity</th><th>property</th><th>value</th><th>stated by</th><th>quote</th></tr>";
      data.forEach(function (d) {
        var tr = table.insertRow();
        [[d.entityLabel || d.entity, local(d.entity)], [d.property.split("#").pop()], [d.value, local(d.value)],
         [d.source.split("/").pop(), local(d.source)], [d.quote || ""]].forEach(function (c) {
          var td = tr.insertCell();
          if (c[1] && c[1] !== c[0] && c[1].charAt(0) === "/") { var a = document.createElement("a"); a.href = c[1]; a.textContent = c[0]; td.appendChild(a); }
          else td.textContent = c[0];
        });
      });
      note(section, data.length ? "" : "The sources agree on every single-valued property.");
      return {svg: table, marks: data.length};
    }
  };

  config.pictures.forEach(function (picture) {
    var section = document.getElementById(picture.id), box = section.querySelector(".plot");
    ask(picture.query).then(function (data) {
      var drawn = draw[picture.id](data, section);
      box.textContent = "";
      box.appendChild(drawn.svg);
      box.setAttribute("data-rows", String(data.length));
      box.setAttribute("data-marks", String(drawn.marks));
      box.setAttribute("data-status", "drawn");
    }).catch(function (e) {
      box.textContent = "Could not draw: " + e.message;
      box.className += " error";
      box.setAttribute("data-status", "error");
    });
  });
})();
