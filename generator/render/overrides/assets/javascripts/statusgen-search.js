/*
 * statusgen: load the search index on first use of the search box, not on every first visit.
 *
 * Material's bundle asks for search/search_index.json as a page loads: its search worker is set up
 * at once on http(s) (setupSearchWorker: `merge(of(location.protocol !== "file:"), watchToggle("search"))`),
 * and the search.highlight feature subscribes to the index too. The index grows with the history, so
 * every first visit of the internal site would download all of it. This script runs before the bundle
 * and holds that one XMLHttpRequest (Material's requestJSON) until the reader turns to search: focus
 * in the search box (click, tap, the "/" or "s" shortcut, a ?q= link), the search toggle, or a ?h=
 * link whose words are to be highlighted. Then the request is sent as Material made it, the worker
 * gets its index, and the query typed meanwhile runs (Material sends the latest query once the worker
 * is ready). Any other request passes untouched.
 */
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script || !window.XMLHttpRequest) return;
  // This file is assets/javascripts/statusgen-search.js: the index is at the site's root.
  var index = new URL("../../search/search_index.json", script.src).href;
  var held = [];
  var released = false;
  var open = XMLHttpRequest.prototype.open;
  var send = XMLHttpRequest.prototype.send;

  XMLHttpRequest.prototype.open = function (method, url) {
    this.statusgenHeld = !released && String(method).toUpperCase() === "GET" &&
      new URL(String(url), document.baseURI).href === index;
    return open.apply(this, arguments);
  };
  XMLHttpRequest.prototype.send = function () {
    if (this.statusgenHeld && !released) {
      held.push([this, arguments]);
      return undefined;
    }
    return send.apply(this, arguments);
  };

  function release() {
    if (released) return;
    released = true;
    held.splice(0).forEach(function (call) { send.apply(call[0], call[1]); });
  }

  var params = new URLSearchParams(location.search);
  if (params.has("h") || params.has("q")) {
    release();
    return;
  }
  document.addEventListener("focusin", function (event) {
    var target = event.target;
    if (target && target.closest && target.closest("[data-md-component=search]")) release();
  }, true);
  document.addEventListener("change", function (event) {
    var target = event.target;
    if (target && target.id === "__search" && target.checked) release();
  }, true);
})();
