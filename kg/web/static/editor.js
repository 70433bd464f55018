// The query editor: YASGUI (vendored by `make vendor`) on this server's endpoint.
// Autocompletion asks this server only: the endpoint's predefined prefixes, and the classes and
// properties of the ontology and the data (/sparql/terms.json), instead of prefix.cc and LOV.
(function () {
  "use strict";
  var config = JSON.parse(document.getElementById("workbench-config").textContent);
  var Yasqe = Yasgui.Yasqe;
  var BASE = "https://w3id.org/sco-rats/";

  var prefixList = Object.keys(config.prefixes).sort().map(function (p) { return p + ": <" + config.prefixes[p] + ">"; });
  var termsPromise = null;
  function terms() {
    if (!termsPromise) termsPromise = fetch(config.terms).then(function (r) { return r.json(); });
    return termsPromise;
  }
  function iris(kind) { return function () { return terms().then(function (t) { return t[kind].map(function (x) { return x.iri; }); }); }; }

  Yasqe.forkAutocompleter("prefixes", {name: "kg-prefixes", persistenceId: null, get: function () { return Promise.resolve(prefixList); }}, false);
  Yasqe.forkAutocompleter("class", {name: "kg-classes", bulk: true, persistenceId: null, get: iris("class")}, false);
  Yasqe.forkAutocompleter("property", {name: "kg-properties", bulk: true, persistenceId: null, get: iris("property")}, false);
  Yasqe.defaults.autocompleters = ["variables", "kg-prefixes", "kg-classes", "kg-properties"];
  Yasqe.defaults.prefixCcApi = null;

  // Results shorten IRIs with the same prefixes; the broad kg: goes first so that the longer
  // rats: (the ontology, inside kg:) wins where both fit.
  var resultPrefixes = {kg: config.prefixes.kg};
  Object.keys(config.prefixes).forEach(function (p) { resultPrefixes[p] = config.prefixes[p]; });

  var first = config.examples.filter(function (q) { return q.name === "meetings"; })[0] || config.examples[0];
  Yasgui.defaults.requestConfig.endpoint = config.endpoint;
  var yasgui = new Yasgui(document.getElementById("yasgui"), {
    requestConfig: {endpoint: config.endpoint, method: "POST",
                    acceptHeaderGraph: "text/turtle", acceptHeaderSelect: "application/sparql-results+json"},
    copyEndpointOnNewTab: false,
    endpointCatalogueOptions: {getData: function () { return [{endpoint: config.endpoint}]; }, keys: []},
    persistenceId: "sco-rats-workbench",
    tabName: "Query",
    yasqe: {value: first ? first.query : "SELECT * WHERE { ?s ?p ?o } LIMIT 10"},
    yasr: {prefixes: resultPrefixes}
  });

  function openExample(index) {
    var q = config.examples[index];
    if (!q) return;
    var tab = yasgui.addTab(true, {name: q.name, yasqe: {value: q.query}, requestConfig: {endpoint: config.endpoint}});
    yasgui.selectTabId(tab.getId());
    tab.query().catch(function () {});
  }
  document.getElementById("examples").addEventListener("change", function () {
    if (this.value !== "") openExample(Number(this.value));
    this.value = "";
  });

  // Results link our entities to their pages on this server, not to the w3id.org redirect.
  function localise(root) {
    root.querySelectorAll('a[href^="' + BASE + '"]').forEach(function (a) {
      var path = a.getAttribute("href").slice(BASE.length);
      if (path.indexOf("ontology#") !== 0) a.setAttribute("href", "/" + path);
      a.removeAttribute("target");
    });
  }
  new MutationObserver(function (changes) {
    changes.forEach(function (c) { c.addedNodes.forEach(function (n) { if (n.querySelectorAll) localise(n); }); });
  }).observe(document.getElementById("yasgui"), {childList: true, subtree: true});

  window.workbench = {yasgui: yasgui, openExample: openExample};
})();
