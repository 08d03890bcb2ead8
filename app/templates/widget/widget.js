/* The Cité des métiers' widget: the next sessions, read from the public API, in a page of another site.
   Put <div data-cdm-widget data-lang="fr|nl|en" [data-theme, data-audience, data-format, data-language,
   data-partner, data-limit]></div> where the list goes, and this script once. No framework, no cookie. */
(function () {
  "use strict";
  var WORDS = {{ words|tojson }};
  var LANGS = {{ langs|list|tojson }};
  var FILTERS = {{ filters|list|tojson }};
  var LIMIT = {{ limit_default }}, MOST = {{ limit_max }};
  var TAGS = {fr: "fr-BE", nl: "nl-BE", en: "en-GB"};
  var script = document.currentScript;
  var base = script ? new URL(script.src, location.href).origin : "";
  var counter = 0;

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text) node.textContent = text;
    return node;
  }

  function brusselsDay(date, lang, options) {
    return new Intl.DateTimeFormat(TAGS[lang], Object.assign({timeZone: "Europe/Brussels"}, options)).format(date);
  }

  function styles() {
    if (document.querySelector("link[data-cdm-widget-css]")) return;
    var link = el("link");
    link.rel = "stylesheet";
    link.href = base + "/static/widget.css";
    link.setAttribute("data-cdm-widget-css", "");
    document.head.appendChild(link);
  }

  function item(s, lang, w) {
    var start = new Date(s.start), end = new Date(s.end);
    var li = el("li", "cdmw-item");
    var title = el("h3", "cdmw-title");
    var a = el("a", "", s.title);
    a.href = s.url;
    title.appendChild(a);
    li.appendChild(title);
    var day = brusselsDay(start, lang, {weekday: "long", day: "numeric", month: "long"});
    var hours = brusselsDay(start, lang, {hour: "2-digit", minute: "2-digit", hour12: false}) + "–" +
      brusselsDay(end, lang, {hour: "2-digit", minute: "2-digit", hour12: false});
    var when = el("p", "cdmw-when");
    var time = el("time", "", day + ", " + hours);
    time.setAttribute("datetime", s.start);
    when.appendChild(time);
    li.appendChild(when);
    var seats = s.seats_left > 0 ? (s.seats_left === 1 ? w.seat_one : w.seat_other).replace("%(num)d", s.seats_left)
      : w.full;
    li.appendChild(el("p", "cdmw-facts", (w.formats[s.format] || s.format) + " · " + seats));
    var go = el("a", "cdmw-register", s.seats_left > 0 ? w.register : w.waitlist);
    go.href = s.url + "#register-title";
    go.appendChild(el("span", "cdmw-hidden", " – " + s.title + ", " + day));
    var p = el("p", "cdmw-action");
    p.appendChild(go);
    li.appendChild(p);
    return li;
  }

  function show(box) {
    var lang = box.getAttribute("data-lang");
    if (LANGS.indexOf(lang) < 0) lang = "fr";
    var w = WORDS[lang];
    var limit = parseInt(box.getAttribute("data-limit"), 10);
    if (!(limit >= 1 && limit <= MOST)) limit = LIMIT;
    var today = brusselsDay(new Date(), "en", {}).split("/");  // en-GB: dd/mm/yyyy
    var first = today[2] + "-" + today[1] + "-" + today[0];
    var last = new Date(Date.UTC(+today[2], +today[1] - 1, +today[0] + 90)).toISOString().slice(0, 10);
    var query = new URLSearchParams({lang: lang, from: first, to: last, limit: "100"});
    var calendar = new URLSearchParams();
    FILTERS.forEach(function (name) {
      var value = box.getAttribute("data-" + name);
      if (value) { query.set(name, value); calendar.set(name, value); }
    });
    var id = "cdmw-heading-" + (++counter);
    var section = el("section", "cdmw");
    section.setAttribute("lang", lang);
    section.setAttribute("aria-labelledby", id);
    var heading = el("h2", "cdmw-heading", w.heading);
    heading.id = id;
    section.appendChild(heading);
    var status = el("p", "cdmw-status", w.loading);
    status.setAttribute("role", "status");
    section.appendChild(status);
    var more = el("p", "cdmw-more");
    var link = el("a", "", w.calendar);
    link.href = base + "/" + lang + "/" + (calendar.toString() ? "?" + calendar : "");
    more.appendChild(link);
    box.textContent = "";
    box.appendChild(section);
    fetch(base + "/api/v1/sessions?" + query, {credentials: "omit", headers: {Accept: "application/json"}})
      .then(function (answer) { if (!answer.ok) throw new Error(answer.status); return answer.json(); })
      .then(function (data) {
        var now = Date.now();
        var next = data.sessions.filter(function (s) {
          return s.status === "scheduled" && new Date(s.start).getTime() > now;
        }).slice(0, limit);
        if (!next.length) { status.textContent = w.none; } else {
          status.remove();
          var list = el("ul", "cdmw-list");
          next.forEach(function (s) { list.appendChild(item(s, lang, w)); });
          section.appendChild(list);
        }
        section.appendChild(more);
      })
      .catch(function () { status.textContent = w.error; section.appendChild(more); });
  }

  function start() {
    styles();
    Array.prototype.forEach.call(document.querySelectorAll("[data-cdm-widget]"), show);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
