/* Status embed: the page's status and its active incidents in another site's page.
 *
 *   <script src="https://status.example.com/embed.js" async></script>
 *
 * shows them where the script stands in the page's body, or in each element marked
 * data-statusgen-embed (anywhere in the page; then the script may also stand in the head).
 * It reads api/v2/summary.json beside itself (the host serving it must allow this origin:
 * Access-Control-Allow-Origin), loads nothing else, and reads again every five minutes.
 * Text from the status page is only ever set as text, never parsed as HTML. The file is ASCII
 * (other characters as \u escapes), so it reads the same whatever charset the host page declares.
 * Written by statusgen; see the Subscribe page of the status site.
 */
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script || !script.src || !window.fetch || !window.URL || !Element.prototype.attachShadow) {
    return;
  }
  var SUMMARY = new URL("api/v2/summary.json", script.src).href;
  var HOME = new URL("./", script.src).href;
  var REFRESH_MS = 300000;
  var STATUS_LABELS = {{ status_labels | tojson }};
  var ICONS = {{ indicator_icons | tojson }};
  var CSS = {{ css | tojson }};
  var MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
  var ACTIVE_MAINTENANCE = ["in_progress", "verifying"];

  function has(table, key) {
    return typeof key === "string" && Object.prototype.hasOwnProperty.call(table, key);
  }

  function pad(n) {
    return (n < 10 ? "0" : "") + n;
  }

  // As the status page writes a moment: "Nov 26, 2026 14:32 UTC".
  function when(value) {
    var d = new Date(value);
    if (typeof value !== "string" || isNaN(d.getTime())) {
      return "";
    }
    return MONTHS[d.getUTCMonth()] + " " + d.getUTCDate() + ", " + d.getUTCFullYear() + " " +
      pad(d.getUTCHours()) + ":" + pad(d.getUTCMinutes()) + " UTC";
  }

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) {
      node.className = className;
    }
    if (text !== undefined && text !== null) {
      node.textContent = String(text);
    }
    return node;
  }

  // A link that opens outside the host page; only http(s) addresses become links.
  function link(href, className, fallback) {
    var node = el("a", className);
    var url;
    try {
      url = new URL(String(href), SUMMARY);
    } catch (e) {
      url = null;
    }
    node.href = url && (url.protocol === "https:" || url.protocol === "http:") ? url.href : fallback;
    node.target = "_blank";
    node.rel = "noopener";
    return node;
  }

  function view(summary) {
    var status = summary && summary.status;
    if (!status || !has(ICONS, status.indicator) || typeof status.description !== "string") {
      throw new Error("not a Statuspage summary");
    }
    var box = el("div", "sge");
    var banner = link(summary.page && summary.page.url, "sge-banner sge-banner--" + status.indicator, HOME);
    var icon = el("span", "sge-icon", ICONS[status.indicator]);
    icon.setAttribute("aria-hidden", "true");
    banner.appendChild(icon);
    banner.appendChild(el("span", "sge-text", status.description));
    box.appendChild(banner);
    var items = (summary.incidents || []).concat((summary.scheduled_maintenances || []).filter(function (m) {
      return ACTIVE_MAINTENANCE.indexOf(m.status) !== -1;
    }));
    if (items.length) {
      var list = el("ul", "sge-list");
      items.forEach(function (incident) {
        var latest = (incident.incident_updates || [])[0] || {};
        var impact = has(ICONS, incident.impact) ? incident.impact : "none";
        var item = el("li", "sge-item sge-item--" + impact);
        var name = link(incident.shortlink, "sge-name", HOME);
        name.textContent = String(incident.name);
        item.appendChild(name);
        var meta = el("span", "sge-meta");
        meta.appendChild(el("strong", null, has(STATUS_LABELS, incident.status) ? STATUS_LABELS[incident.status] : incident.status));
        meta.appendChild(document.createTextNode(" \u00b7 " + when(latest.display_at || incident.updated_at)));
        item.appendChild(meta);
        item.appendChild(el("p", "sge-body", latest.body || ""));
        list.appendChild(item);
      });
      box.appendChild(list);
    }
    return box;
  }

  function unavailable() {
    var box = el("div", "sge");
    var banner = link(HOME, "sge-banner", HOME);
    banner.appendChild(el("span", "sge-text", "Status unavailable: see the status page"));
    box.appendChild(banner);
    return box;
  }

  function show(root, content) {
    var style = el("style", null, CSS);
    while (root.firstChild) {
      root.removeChild(root.firstChild);
    }
    root.appendChild(style);
    root.appendChild(content);
  }

  var roots = [];

  // The marked elements, or else a new one where the script stands in the page's body. Waits for
  // the page to be parsed, so an async script finds marked elements that come after it.
  function start() {
    var hosts = Array.prototype.slice.call(document.querySelectorAll("[data-statusgen-embed]"));
    if (!hosts.length && document.body && document.body.contains(script)) {
      var host = el("div");
      host.setAttribute("data-statusgen-embed", "");
      script.parentNode.insertBefore(host, script);
      hosts = [host];
    }
    roots = hosts.filter(function (h) {
      return !h.shadowRoot;
    }).map(function (h) {
      return h.attachShadow({mode: "open"});
    });
    if (roots.length) {
      load();
      setInterval(load, REFRESH_MS);
    }
  }

  function load() {
    fetch(SUMMARY, {cache: "no-cache", credentials: "omit"}).then(function (response) {
      if (!response.ok) {
        throw new Error(response.status + " " + response.statusText);
      }
      return response.json();
    }).then(function (summary) {
      roots.forEach(function (root) {
        show(root, view(summary));
      });
    }).catch(function () {
      roots.forEach(function (root) {
        show(root, unavailable());
      });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
