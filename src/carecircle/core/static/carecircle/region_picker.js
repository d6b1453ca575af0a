/* The region picker (core/widgets.py: RegionField). Each <span data-region-picker> holds a select of
   the user's regions (what the page offers without JavaScript); this script puts in its place a
   search box with a drill-down list (district → street → community) read from data-url
   (core/views_regions.py), and posts the chosen region's 12-digit code under the select's name.
   A name typed and not picked is posted as it is (the form reads an exact name in the user's scope).

   Keyboard: ↓/↑ move through the list, Enter picks (or opens a region that cannot be picked),
   → opens the highlighted region's children, ← goes back up, Esc closes the list.
   When a region is picked the span sends a "regionpicked" event (bubbling) whose detail is the
   region's row: code, name, label, level, latitude, longitude. */
(function () {
  "use strict";
  if (window.ccRegionPicker) return;  // the widget's script tag comes once per field
  var serial = 0;

  function make(tag, attrs, text) {
    var el = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { el.setAttribute(k, attrs[k]); });
    if (text != null) el.textContent = text;
    return el;
  }

  function Picker(box) {
    var select = box.querySelector("select");
    if (!select || box.dataset.ready) return;
    box.dataset.ready = "1";
    var t = box.dataset, n = ++serial, self = this;
    var listId = "region-picker-list-" + n;
    this.box = box;
    this.level = t.level ? parseInt(t.level, 10) : 0;
    this.rows = [];
    this.active = -1;
    this.parent = "";
    this.timer = null;
    this.seq = 0;

    this.hidden = make("input", {type: "hidden", name: select.name});
    this.hidden.value = select.value;
    this.input = make("input", {
      type: "text", role: "combobox", autocomplete: "off", "aria-autocomplete": "list",
      "aria-expanded": "false", "aria-controls": listId, placeholder: t.textPlaceholder || "",
      "class": "region-picker-input"
    });
    if (select.id) { this.input.id = select.id; }
    if (select.hasAttribute("aria-describedby")) {
      this.input.setAttribute("aria-describedby", select.getAttribute("aria-describedby"));
    }
    if (select.hasAttribute("aria-invalid")) this.input.setAttribute("aria-invalid", "true");
    this.input.value = select.value ? (t.chosen || select.options[select.selectedIndex].text) : "";
    this.chosenLabel = this.input.value;
    this.panel = make("div", {"class": "region-picker-panel", hidden: ""});
    this.crumb = make("div", {"class": "region-picker-crumb"});
    this.up = make("button", {type: "button", "class": "link region-picker-up"}, "← " + (t.textUp || ""));
    this.where = make("span", {"class": "muted"});
    this.crumb.appendChild(this.up);
    this.crumb.appendChild(document.createTextNode(" "));
    this.crumb.appendChild(this.where);
    this.list = make("ul", {id: listId, role: "listbox", "class": "region-picker-list"});
    this.status = make("p", {"class": "muted small region-picker-status", "aria-live": "polite"});
    this.panel.appendChild(this.crumb);
    this.panel.appendChild(this.list);
    this.panel.appendChild(this.status);
    box.removeChild(select);  // its place is taken by the box below (the hidden field posts the code)
    box.appendChild(this.hidden);
    box.appendChild(this.input);
    box.appendChild(this.panel);

    this.input.addEventListener("focus", function () { if (!self.input.value || !self.hidden.value) self.load(); });
    this.input.addEventListener("click", function () { if (self.panel.hidden) self.load(); });
    this.input.addEventListener("input", function () {
      self.hidden.value = self.input.value.trim();  // a name, until one is picked
      clearTimeout(self.timer);
      self.timer = setTimeout(function () { self.load(); }, 200);
    });
    this.input.addEventListener("keydown", function (e) { self.key(e); });
    this.up.addEventListener("click", function (e) { e.preventDefault(); self.open(self.upTo); self.input.focus(); });
    this.list.addEventListener("mousedown", function (e) { e.preventDefault(); });  // keep the focus in the box
    this.list.addEventListener("click", function (e) {
      var li = e.target.closest("li[data-index]");
      if (!li) return;
      e.preventDefault();
      var row = self.rows[parseInt(li.dataset.index, 10)];
      if (e.target.closest("[data-open]") || !row.selectable) self.open(row.code); else self.choose(row);
    });
    document.addEventListener("click", function (e) { if (!box.contains(e.target)) self.close(); });
  }

  Picker.prototype.query = function () {
    var chosen = this.hidden.value && /^\d{12}$/.test(this.hidden.value);
    return chosen ? "" : this.input.value.trim();
  };

  Picker.prototype.open = function (code) {
    this.parent = code || "";
    this.input.value = "";
    this.load();
  };

  Picker.prototype.load = function () {
    var t = this.box.dataset, self = this, q = this.query(), seq = ++this.seq;
    var params = new URLSearchParams({perm: t.perm || ""});
    if (this.level) params.set("level", String(this.level));
    if (q) params.set("q", q); else if (this.parent) params.set("parent", this.parent);
    fetch(t.url + "?" + params.toString(), {headers: {Accept: "application/json"}, credentials: "same-origin"})
      .then(function (r) {
        if (!r.ok) throw new Error(String(r.status));
        return r.json();
      })
      .then(function (data) { if (seq === self.seq) self.show(data, q); })
      .catch(function () {
        if (seq !== self.seq) return;
        self.rows = [];
        self.list.textContent = "";
        self.status.textContent = t.textError || "";
        self.expand(true);
      });
  };

  Picker.prototype.show = function (data, q) {
    var t = this.box.dataset, self = this;
    this.rows = data.results || [];
    this.active = this.rows.length ? 0 : -1;
    this.upTo = data.up || "";
    this.crumb.hidden = !data.parent || !!q;
    this.where.textContent = data.parent ? data.parent.label : (t.textTop || "");
    this.list.textContent = "";
    this.rows.forEach(function (row, i) {
      var li = make("li", {role: "option", id: self.list.id + "-" + i, "data-index": String(i),
        "aria-selected": "false", "class": row.selectable ? "" : "muted"});
      var name = make("span", {"class": "region-picker-name"}, row.name);
      li.appendChild(name);
      if (row.path) li.appendChild(make("span", {"class": "muted small"}, " " + row.path));
      if (row.has_children) {
        var more = make("span", {"class": "region-picker-open", "data-open": "", "aria-hidden": "true",
          title: t.textOpen || ""}, " ›");
        li.appendChild(more);
      }
      self.list.appendChild(li);
    });
    var found = (t.textFound || "%s").replace("%s", String(this.rows.length));
    this.status.textContent = !this.rows.length ? (t.textNone || "") : data.more ? (t.textMore || "") : found;
    this.mark();
    this.expand(true);
  };

  Picker.prototype.mark = function () {
    var self = this;
    Array.prototype.forEach.call(this.list.children, function (li, i) {
      li.setAttribute("aria-selected", i === self.active ? "true" : "false");
      li.classList.toggle("active", i === self.active);
    });
    if (this.active >= 0) {
      this.input.setAttribute("aria-activedescendant", this.list.id + "-" + this.active);
      var li = this.list.children[this.active];
      if (li && li.scrollIntoView) li.scrollIntoView({block: "nearest"});
    } else {
      this.input.removeAttribute("aria-activedescendant");
    }
  };

  Picker.prototype.expand = function (on) {
    this.panel.hidden = !on;
    this.input.setAttribute("aria-expanded", on ? "true" : "false");
  };

  Picker.prototype.close = function () {
    if (!this.input.value && /^\d{12}$/.test(this.hidden.value)) this.input.value = this.chosenLabel;
    this.expand(false);
  };

  Picker.prototype.choose = function (row) {
    this.hidden.value = row.code;
    this.input.value = this.chosenLabel = row.label;
    this.close();
    this.status.textContent = (this.box.dataset.textChosen || "") + " " + row.label;
    this.box.dispatchEvent(new CustomEvent("regionpicked", {bubbles: true, detail: row}));
  };

  Picker.prototype.key = function (e) {
    var row = this.rows[this.active];
    if (e.key === "ArrowDown" || e.key === "ArrowUp") {
      e.preventDefault();
      if (this.panel.hidden) { this.load(); return; }
      if (!this.rows.length) return;
      var step = e.key === "ArrowDown" ? 1 : -1;
      this.active = (this.active + step + this.rows.length) % this.rows.length;
      this.mark();
    } else if (e.key === "Enter") {
      if (this.panel.hidden || !row) return;  // an open list takes Enter; a closed one lets the form have it
      e.preventDefault();
      if (row.selectable) this.choose(row); else if (row.has_children) this.open(row.code);
    } else if (e.key === "ArrowRight" && row && row.has_children && !this.panel.hidden) {
      e.preventDefault();
      this.open(row.code);
    } else if (e.key === "ArrowLeft" && !this.panel.hidden && !this.crumb.hidden && !this.input.value) {
      e.preventDefault();
      this.open(this.upTo);
    } else if (e.key === "Escape") {
      this.close();
    }
  };

  var STYLE = ".region-picker{display:block;position:relative}.region-picker [hidden]{display:none!important}" +
    ".region-picker-panel{border:1px solid #c9d1d9;border-radius:6px;background:#fff;margin-top:.2rem;padding:.3rem .5rem;max-width:36rem}" +
    ".region-picker-list{list-style:none;margin:0;padding:0;max-height:16rem;overflow-y:auto}" +
    ".region-picker-list li{padding:.35rem .4rem;cursor:pointer;border-radius:4px}" +
    ".region-picker-list li.active,.region-picker-list li:hover{background:#e6f1ec}" +
    ".region-picker-open{float:right;font-weight:600;padding:0 .4rem}";

  function start() {
    if (!document.getElementById("region-picker-style")) {
      var style = make("style", {id: "region-picker-style"}, STYLE);
      document.head.appendChild(style);
    }
    Array.prototype.forEach.call(document.querySelectorAll("[data-region-picker]"), function (box) {
      new Picker(box);
    });
  }
  window.ccRegionPicker = {start: start};
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start); else start();
})();
