// The snippet builder: the snippet and the preview follow each choice at once (without the script, the
// button makes them). The page's own words and the centre's address come from data attributes.
const form = document.getElementById("snippet-form");
const snippet = document.getElementById("snippet");
const preview = document.querySelector(".widget-preview");
const FILTERS = ["theme", "audience", "format", "language", "partner"];

function escape(text) {
  return text.replace(/&/g, "&amp;").replace(/"/g, "&quot;").replace(/</g, "&lt;");
}

function update() {
  const data = new FormData(form);
  const lang = data.get("lang");
  const args = new URLSearchParams();
  FILTERS.forEach((name) => { if (data.get(name)) args.set(name, data.get(name)); });
  const limit = parseInt(data.get("limit"), 10);
  const most = parseInt(form.dataset.most, 10);
  if (limit >= 1 && limit <= most && limit !== parseInt(form.dataset.limit, 10)) args.set("limit", String(limit));
  const query = args.toString() ? "?" + args : "";
  const base = form.dataset.base;
  const title = JSON.parse(form.dataset.titles)[lang];
  if (data.get("kind") === "iframe") {
    snippet.value = `<iframe src="${base}/embed/${lang}/${query}" title="${escape(title)}" width="100%" ` +
      `height="640" loading="lazy" style="border: 0; max-width: 100%;"></iframe>`;
  } else {
    let attributes = "";
    args.forEach((value, name) => { attributes += ` data-${name}="${escape(value)}"`; });
    snippet.value = `<div data-cdm-widget data-lang="${lang}"${attributes}></div>\n` +
      `<script src="${base}/widget.js" async></script>`;
  }
  preview.src = `/embed/${lang}/${query}`;
  preview.title = title;
}

if (form && snippet && preview) {
  form.addEventListener("change", update);
  snippet.addEventListener("focus", () => snippet.select());
}
