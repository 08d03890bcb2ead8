/* The attendance sheet: every tap is saved at once; when the network drops, taps wait in a queue
   kept in the browser (localStorage) and are sent again with a growing delay. No tick is lost. */
(function () {
  "use strict";
  var root = document.getElementById("attendance");
  if (!root || !window.fetch) { return; }
  var cfg = root.dataset;
  var storeKey = "attendance-queue-" + cfg.session;
  var statusEl = document.getElementById("att-status");
  var presentEl = document.getElementById("att-present");
  var queue = load();
  var busy = false, failures = 0, timer = null, stopped = false;

  function load() {
    try { return JSON.parse(window.localStorage.getItem(storeKey) || "[]") || []; } catch (e) { return []; }
  }
  function store() {
    try { window.localStorage.setItem(storeKey, JSON.stringify(queue)); } catch (e) { /* memory only */ }
  }
  function say(text) { statusEl.textContent = text; }

  function newKey() {
    if (window.crypto && window.crypto.getRandomValues) {
      var bytes = new Uint8Array(12), out = "";
      window.crypto.getRandomValues(bytes);
      for (var i = 0; i < bytes.length; i++) { out += ("0" + bytes[i].toString(16)).slice(-2); }
      return out;
    }
    return (Date.now().toString(36) + Math.random().toString(36).slice(2)).slice(0, 24);
  }

  function rowOf(target) {
    var sel = target.charAt(0) === "r" ? '[data-registration="' + target.slice(2) + '"]'
                                       : '[data-walkin="' + target.slice(2) + '"]';
    return root.querySelector(".att-row" + sel);
  }

  function showStatus(row, status) {
    if (!row) { return; }
    row.querySelectorAll("button[name=status]").forEach(function (b) {
      b.setAttribute("aria-pressed", b.value === status ? "true" : "false");
    });
  }

  function showPending(target) {
    var row = rowOf(target);
    if (!row) { return; }
    var waiting = queue.some(function (item) { return item.target === target; });
    var mark = row.querySelector(".att-pending");
    mark.hidden = !waiting;
    mark.textContent = waiting ? "(" + cfg.msgPending + ")" : "";
    row.classList.toggle("is-pending", waiting);
  }

  function addWalkinRow(walkin) {
    if (rowOf("w:" + walkin.key)) { return; }
    var li = document.createElement("li");
    li.className = "att-row";
    li.dataset.walkin = walkin.key;
    var form = document.createElement("form");
    form.className = "att-form";
    form.method = "post";
    form.action = cfg.markUrl;
    var name = document.createElement("p");
    name.className = "att-name";
    var label = document.createElement("span");
    label.id = "walkin-new-" + walkin.key;
    label.textContent = walkin.name;
    var tag = document.createElement("span");
    tag.className = "govuk-tag govuk-tag--blue";
    tag.textContent = cfg.msgWalkin;
    var pending = document.createElement("span");
    pending.className = "att-pending";
    pending.hidden = true;
    name.append(label, " ", tag, " ", pending);
    var group = document.getElementById("att-toggle-template").content.firstElementChild.cloneNode(true);
    group.setAttribute("aria-labelledby", label.id);
    form.append(name, group);
    li.append(form);
    document.getElementById("walkins").append(li);
    form.addEventListener("submit", onToggle);
    showStatus(li, walkin.status);
  }

  function enqueue(target, body) {
    // A later tap on the same person replaces the one still waiting (not the one being sent).
    var start = busy ? 1 : 0;
    for (var i = queue.length - 1; i >= start; i--) {
      var item = queue[i];
      if (item.target !== target) { continue; }
      if (item.body.walkin && item.body.walkin.name && body.walkin) {
        item.body.walkin.status = body.walkin.status;  // not created yet: create it with the new mark
        store(); showPending(target); pump();
        return;
      }
      if (!(item.body.walkin && item.body.walkin.name)) { queue.splice(i, 1); }
    }
    queue.push({target: target, body: body});
    store(); showPending(target); pump();
  }

  function onToggle(event) {
    event.preventDefault();
    var button = event.submitter;
    if (!button || button.name !== "status") { return; }
    var row = event.currentTarget.closest(".att-row");
    showStatus(row, button.value);
    if (row.dataset.registration) {
      enqueue("r:" + row.dataset.registration, {registration: Number(row.dataset.registration), status: button.value});
    } else {
      enqueue("w:" + row.dataset.walkin, {walkin: {key: row.dataset.walkin, status: button.value}});
    }
  }

  function retryLater() {
    failures += 1;
    var delay = Math.min(1000 * Math.pow(2, failures - 1), 30000);
    say(cfg.msgRetry);
    clearTimeout(timer);
    timer = setTimeout(pump, delay);
  }

  function done(item) {
    queue.shift();
    store();
    showPending(item.target);
    failures = 0;
  }

  function pump() {
    if (busy || stopped) { return; }
    if (!queue.length) { if (statusEl.textContent) { say(cfg.msgSaved); } return; }
    busy = true;
    clearTimeout(timer);
    say(cfg.msgSaving);
    var item = queue[0];
    fetch(cfg.markUrl, {
      method: "POST", credentials: "same-origin", redirect: "manual",
      headers: {"Content-Type": "application/json", "Accept": "application/json", "X-CSRFToken": cfg.csrf},
      body: JSON.stringify(item.body)
    }).then(function (response) {
      var type = response.headers.get("Content-Type") || "";
      if (response.type === "opaqueredirect" || response.status === 400 || response.status === 401 ||
          response.status === 403) {
        stopped = true;
        say(cfg.msgReload);
        return null;
      }
      if (response.status >= 500 || response.status === 408 || response.status === 429 || type.indexOf("json") < 0) {
        retryLater();
        return null;
      }
      return response.json().then(function (answer) {
        done(item);
        if (answer.ok) {
          presentEl.textContent = answer.present;
        } else {
          var errors = answer.errors || {}, first = Object.keys(errors)[0];
          say(cfg.msgRefused.replace("%(problem)s", first ? errors[first] : response.status));
          return "refused";
        }
        return "saved";
      });
    }, function () {
      retryLater();
      return null;
    }).then(function (outcome) {
      busy = false;
      if (outcome === "saved") { pump(); }
      else if (outcome === "refused") { setTimeout(pump, 0); }
    });
  }

  root.querySelectorAll(".att-form").forEach(function (form) { form.addEventListener("submit", onToggle); });

  var walkinForm = document.getElementById("walkin-form");
  walkinForm.addEventListener("submit", function (event) {
    event.preventDefault();
    var data = new FormData(walkinForm);
    var name = String(data.get("name") || "").trim();
    if (!name) { say(cfg.msgName); walkinForm.elements.name.focus(); return; }
    var walkin = {key: newKey(), name: name, email: String(data.get("email") || "").trim(),
                  audience: String(data.get("audience") || ""), status: "present"};
    addWalkinRow(walkin);
    walkinForm.reset();
    walkinForm.elements.name.focus();
    enqueue("w:" + walkin.key, {walkin: walkin});
  });

  // Scanning: the phone's own camera app always works (the link opens the check-in page);
  // where the browser reads QR codes itself, the sheet scans too.
  function openCheckin(text) {
    var found = /\/(?:fr|nl|en)\/checkin\/([A-Za-z0-9_-]{20,64})/.exec(String(text || ""));
    if (!found) { say(cfg.msgNoCode); return false; }
    window.location.href = cfg.checkinPath.replace("TOKEN", found[1]) + "?session=" + encodeURIComponent(cfg.session);
    return true;
  }
  var linkForm = document.getElementById("att-link");
  linkForm.hidden = false;
  linkForm.addEventListener("submit", function (event) {
    event.preventDefault();
    openCheckin(document.getElementById("att-link-input").value);
  });
  if ("BarcodeDetector" in window && navigator.mediaDevices && navigator.mediaDevices.getUserMedia) {
    var scanButton = document.getElementById("att-scan"), video = document.getElementById("att-video");
    scanButton.parentNode.hidden = false;
    scanButton.addEventListener("click", function () {
      var detector = new window.BarcodeDetector({formats: ["qr_code"]});
      navigator.mediaDevices.getUserMedia({video: {facingMode: "environment"}}).then(function (stream) {
        video.srcObject = stream;
        video.hidden = false;
        video.play();
        var look = function () {
          detector.detect(video).then(function (codes) {
            var hit = codes.some(function (code) { return /\/checkin\//.test(code.rawValue); });
            if (hit) {
              stream.getTracks().forEach(function (t) { t.stop(); });
              openCheckin(codes.filter(function (code) { return /\/checkin\//.test(code.rawValue); })[0].rawValue);
            } else { setTimeout(look, 250); }
          }, function () { setTimeout(look, 500); });
        };
        look();
      }, function () { scanButton.parentNode.hidden = true; });
    });
  }

  // Taps left from an earlier visit (offline, or the page closed too soon) are shown and sent.
  queue.forEach(function (item) {
    if (item.body.walkin && item.body.walkin.name) { addWalkinRow(item.body.walkin); }
    if (item.body.registration) { showStatus(rowOf(item.target), item.body.status); }
    else if (item.body.walkin) { showStatus(rowOf(item.target), item.body.walkin.status); }
    showPending(item.target);
  });
  window.addEventListener("online", function () { failures = 0; pump(); });
  pump();
}());
