// The curation page: text → POST /draft → the mapping in CodeMirror → POST /validate as the curator
// types (the engine's errors on their line, the HTML report under the editor) → POST /sources with
// the token. The token is only ever sent in the Authorization header: never in a URL, never stored.
(function () {
  "use strict";
  var config = JSON.parse(document.getElementById("curate-config").textContent);
  function $(id) { return document.getElementById(id); }
  var textBox = $("text"), idBox = $("source-id"), checkStatus = $("check-status");
  var PLACEHOLDER_ID = "new-source";  // checked under this id until the curator names the source
  var WORDS = {
    400: "The server could not read what was sent", 401: "The server needs the token to add a source",
    403: "The server refused the token", 404: "The server has no such route", 406: "The server cannot answer in that format",
    408: "The request took too long to arrive", 409: "This source is already in the graph",
    413: "This is too large for the server", 415: "The server does not take this kind of body",
    422: "The source contradicts the graph, so it was not added", 429: "Too many requests: wait a moment and try again",
    503: "The server is busy or the work took too long"
  };

  // One request; resolves to {status, ok, json, text, location} and never rejects (network errors included).
  function post(url, body, headers) {
    return fetch(url, {method: "POST", body: JSON.stringify(body), credentials: "same-origin",
                       headers: Object.assign({"Content-Type": "application/json"}, headers || {})})
      .then(function (r) {
        return r.text().then(function (text) {
          var json = null;
          if ((r.headers.get("Content-Type") || "").indexOf("json") >= 0) { try { json = JSON.parse(text); } catch (e) { json = null; } }
          return {status: r.status, ok: r.ok, json: json, text: text, location: r.headers.get("Location")};
        });
      }, function (e) { return {status: 0, ok: false, json: null, text: "", error: e.message}; });
  }
  // What went wrong, in plain words: the status said as a sentence, then the server's own message.
  function explain(res) {
    if (res.status === 0) return "Could not reach the server (" + (res.error || "no answer") + "). Is it still running?";
    var said = res.json && res.json.error ? res.json.error : "";
    var words = WORDS[res.status] || (res.status >= 500 ? "The server failed to answer" : "The server refused the request");
    return words + (said ? ": " + said : ".") + " (HTTP " + res.status + ")";
  }
  function say(element, message, kind) {
    element.textContent = message;
    element.className = element.className.replace(/\b(error|ok|warn|busy)\b/g, "").trim() + (kind ? " " + kind : "");
  }

  // The HTML report, shown in a shadow root (its own styles stay inside); links to our IRIs open here.
  function showReport(box, html) {
    var doc = new DOMParser().parseFromString(html, "text/html");
    var root = box.shadowRoot || box.attachShadow({mode: "open"});
    root.innerHTML = "<style>.body{font:14px/1.5 system-ui,sans-serif;color:#222} h1{font-size:1.1rem;margin:.2rem 0}</style>";
    doc.querySelectorAll("style").forEach(function (s) { root.appendChild(document.importNode(s, true)); });
    var body = document.createElement("div");
    body.className = "body";
    Array.prototype.forEach.call(doc.body.childNodes, function (n) { body.appendChild(document.importNode(n, true)); });
    body.querySelectorAll("a[href]").forEach(function (a) {
      var href = a.getAttribute("href");
      if (href.indexOf(config.base) === 0) a.setAttribute("href", "/" + href.slice(config.base.length));
    });
    root.appendChild(body);
    box.setAttribute("data-shown", "report");
    return doc;
  }
  function showError(box, message) {
    var root = box.shadowRoot || box.attachShadow({mode: "open"});
    root.innerHTML = "";
    var p = document.createElement("p");
    p.style.cssText = "color:#b00020;font:14px/1.5 system-ui,sans-serif";
    p.textContent = message;
    root.appendChild(p);
    box.setAttribute("data-shown", "error");
  }

  // The editor: CodeMirror 5 with YAML highlighting and the lint addon fed by POST /validate.
  var editor = window.CodeMirror ? CodeMirror.fromTextArea($("mapping"), {
    mode: "yaml", lineNumbers: true, indentUnit: 2, tabSize: 2, lineWrapping: true, viewportMargin: Infinity,
    gutters: ["CodeMirror-lint-markers"],
    lint: {getAnnotations: check, async: true, delay: config.delay, highlightLines: true},
    extraKeys: {Tab: function (cm) { cm.execCommand(cm.somethingSelected() ? "indentMore" : "insertSoftTab"); },
                "Shift-Tab": "indentLess"}
  }) : null;
  function mapping() { return editor ? editor.getValue() : $("mapping").value; }
  var checks = 0;
  window.curation = {editor: editor, checks: function () { return checks; }};

  // The line of a message of the engine ("mapping of x, line 16, fact 1: …", "line 1, column 9: …").
  function lineOf(message) {
    var m = /\bline (\d+)(?:, column (\d+))?/.exec(message || "");
    return m ? {line: +m[1] - 1, column: m[2] ? +m[2] - 1 : 0} : null;
  }
  function annotation(at, message, severity) {
    var line = Math.max(0, Math.min(at.line, editor.lineCount() - 1));
    var text = editor.getLine(line), start = text.length - text.replace(/^[\s-]+/, "").length;
    return {from: CodeMirror.Pos(line, start), to: CodeMirror.Pos(line, text.length),
            message: message, severity: severity};
  }
  // The findings of a report that quote the submitted source, on the line of the mapping with that quote.
  function findingsOnLines(doc, sourceId) {
    var found = [], lines = mapping().split("\n");
    doc.querySelectorAll("section.finding").forEach(function (section) {
      var severity = /Violation/.test(section.className) ? "error" : "warning";
      var messages = Array.prototype.slice.call(section.querySelectorAll(":scope > p"), 1)
        .map(function (p) { return p.textContent.trim(); }).join(" ");
      section.querySelectorAll("blockquote").forEach(function (q) {
        var link = q.querySelector("a[href]"), from = link && /\/source\/([^/]+)$/.exec(link.getAttribute("href"));
        if (!from || from[1] !== sourceId) return;
        var quote = /\u201c([\s\S]*)\u201d/.exec(q.textContent);
        if (!quote) return;
        for (var i = 0; i < lines.length; i++) {
          if (/^\s*-?\s*quote:/.test(lines[i]) && lines[i].indexOf(quote[1].slice(0, 60)) >= 0) {
            found.push(annotation({line: i}, section.querySelector(".sev").textContent + ": " + messages, severity));
            break;
          }
        }
      });
    });
    return found;
  }

  // Asked by the lint addon ~600 ms after the last change: validate, mark lines, show the report.
  function check(text, done) {
    var seq = ++checks, id = idBox.value.trim() || PLACEHOLDER_ID;
    if (!text.trim() || !textBox.value.trim()) {
      checkStatus.setAttribute("data-state", "idle");
      say(checkStatus, !textBox.value.trim() ? "Paste or upload the source text: the mapping is checked against it." :
          "Draft or write the mapping: it is checked as you type.");
      done([]);
      return;
    }
    checkStatus.setAttribute("data-state", "checking");
    say(checkStatus, "Checking…", "busy");
    post(config.validate, {id: id, mapping: text, text: textBox.value}, {Accept: "text/html"}).then(function (res) {
      if (seq !== checks) { done([]); return; }  // a later check is under way; the lint addon drops this one
      var box = $("report");
      if (res.ok) {
        var doc = showReport(box, res.text);
        var summary = doc.querySelector("p");
        checkStatus.setAttribute("data-state", "ok");
        checkStatus.removeAttribute("data-line");
        var counts = summary ? summary.textContent.trim() : "", violations = /^(\d+) violation/.exec(counts);
        say(checkStatus, "The engine reads the mapping. " + counts, violations && +violations[1] ? "warn" : "ok");
        done(findingsOnLines(doc, id));
        return;
      }
      var said = res.json && res.json.error, at = res.status === 400 ? lineOf(said) : null, message;
      if (at) {  // "mapping of ID, line 16, fact 1: quote not found …" → "Line 16 — fact 1: quote not found …"
        message = "Line " + (at.line + 1) + " — " + said.replace(/^mapping of .*?, line \d+(?:, column \d+)?[,:]\s*/, "");
      } else {
        message = res.status === 400 && said ? "The mapping engine refuses the mapping: " + said : explain(res);
      }
      checkStatus.setAttribute("data-state", "error");
      if (at) checkStatus.setAttribute("data-line", String(at.line + 1)); else checkStatus.removeAttribute("data-line");
      say(checkStatus, message, "error");
      showError(box, "No validation report until the engine reads the mapping and its text: see the message above.");
      done(at ? [annotation(at, said, "error")] : []);
    });
  }
  var pending = null;
  function recheck() {  // the text or the id changed: check again once the curator pauses
    clearTimeout(pending);
    if (editor) pending = setTimeout(function () { editor.performLint(); }, config.delay);
  }
  textBox.addEventListener("input", recheck);
  idBox.addEventListener("input", recheck);

  function readFile(input, then) {
    var file = input.files && input.files[0];
    if (!file) return;
    var reader = new FileReader();
    reader.onload = function () { then(String(reader.result), file.name); };
    reader.onerror = function () { say($("draft-status"), "Could not read " + file.name + ": " + reader.error, "error"); };
    reader.readAsText(file, "utf-8");
  }
  $("text-file").addEventListener("change", function () {
    readFile(this, function (text, name) {
      textBox.value = text;
      if (!idBox.value.trim()) idBox.value = name.replace(/\.[^.]*$/, "").replace(/[^A-Za-z0-9._-]+/g, "-");
      say($("draft-status"), "Read " + name + " (" + text.length.toLocaleString() + " characters).");
      recheck();
    });
  });
  $("mapping-file").addEventListener("change", function () {
    readFile(this, function (text) { if (editor) editor.setValue(text); else $("mapping").value = text; });
  });

  $("draft").addEventListener("click", function () {
    var status = $("draft-status"), button = this;
    if (!textBox.value.trim()) { say(status, "Paste or upload a text first.", "error"); return; }
    var language = $("language").value;
    button.disabled = true;
    say(status, "Drafting…", "busy");
    post(config.draft, language ? {text: textBox.value, language: language} : {text: textBox.value},
         {Accept: "application/json"}).then(function (res) {
      button.disabled = false;
      if (!res.ok || !res.json || typeof res.json.mapping !== "string") { say(status, explain(res), "error"); return; }
      if (editor) editor.setValue(res.json.mapping); else $("mapping").value = res.json.mapping;
      status.setAttribute("data-language", res.json.language);
      say(status, "Drafted (" + res.json.language + "). Every fact is a proposal: read each against the text.", "ok");
    });
  });

  $("submit").addEventListener("click", function () {
    var outcome = $("outcome"), token = $("token").value.trim(), id = idBox.value.trim(), button = this;
    var reason = $("override-reason").value.trim();
    var missing = !token ? "Give the token: the server adds sources only for curators who have it." :
        !id ? "Give the source an id (letters, digits, '.', '_' or '-'): it names the source in the graph." :
        !textBox.value.trim() || !mapping().trim() ? "Give both the text and its mapping." : null;
    if (missing) { outcome.setAttribute("data-outcome", "incomplete"); say(outcome, missing, "error"); return; }
    outcome.removeAttribute("data-outcome");
    var body = {id: id, mapping: mapping(), text: textBox.value};
    button.disabled = true;
    say(outcome, "Submitting…", "busy");
    post(config.sources + (reason ? "?override_reason=" + encodeURIComponent(reason) : ""), body,
         {Authorization: "Bearer " + token, Accept: "text/html"}).then(function (res) {
      button.disabled = false;
      outcome.textContent = "";
      outcome.className = "";
      if (res.status === 201) {
        outcome.setAttribute("data-outcome", "accepted");
        outcome.className = "ok";
        outcome.appendChild(document.createTextNode("Accepted: the source is in the graph. "));
        var page = document.createElement("a");
        page.href = "/source/" + encodeURIComponent(id);
        page.textContent = "its page";
        outcome.appendChild(page);
        outcome.appendChild(document.createTextNode(" · "));
        var record = document.createElement("a");
        record.href = res.location || config.sources + "/" + encodeURIComponent(id);
        record.textContent = "its intake record";
        outcome.appendChild(record);
        var report = document.createElement("div");
        report.className = "report";
        outcome.appendChild(report);
        showReport(report, res.text);
        return;
      }
      outcome.setAttribute("data-outcome", "refused");
      var message = document.createElement("p");
      message.className = "error";
      message.textContent = explain(res);
      outcome.appendChild(message);
      if (res.status === 422) {  // the refusal's report, as HTML: the same check, as a dry run
        var box = document.createElement("div");
        box.className = "report";
        outcome.appendChild(box);
        post(config.validate, body, {Accept: "text/html"}).then(function (again) {
          if (again.ok) showReport(box, again.text); else showError(box, explain(again));
        });
      }
    });
  });
})();
