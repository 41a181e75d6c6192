// The report page's own script (plain ES2017, inlined into index.html): embeds every figure with
// vega-embed, then wires the interactions through Vega signals — the chosen cluster (`selCluster`) and
// the chosen event (`selEvent`). `window.__report` exposes the views and state for tests.
export const PAGE_SCRIPT = String.raw`
(function () {
  "use strict";
  var R = JSON.parse(document.getElementById("report-data").textContent);
  var views = {};
  var errors = [];
  var embedded = {};
  R.embedded.forEach(function (i) { embedded[i] = true; });
  var state = { cluster: 0, event: R.defaultEvent };
  var api = { views: views, errors: errors, state: state, ready: false, renderMs: NaN, readyAtMs: NaN, timings: {} };
  window.__report = api;

  // The table of contents jumps below the sticky header, whatever its wrapped height.
  function headerHeight() {
    var h = document.querySelector("header");
    if (h) document.documentElement.style.setProperty("--header-h", h.getBoundingClientRect().height + "px");
  }
  headerHeight();
  window.addEventListener("resize", headerHeight);

  // Legends become clickable: Vega-Lite does not expose legend interactivity, so patch the compiled Vega spec.
  function patchLegends(spec) {
    (function walk(node) {
      if (!node || typeof node !== "object") return;
      (node.legends || []).forEach(function (lg) {
        if (lg.title !== "Cluster") return;
        lg.encode = lg.encode || {};
        ["symbols", "labels", "entries"].forEach(function (part) {
          var e = lg.encode[part] = lg.encode[part] || {};
          e.interactive = true;
          e.update = e.update || {};
          e.update.cursor = { value: "pointer" };
        });
      });
      (node.marks || []).forEach(walk);
    })(spec);
    return spec;
  }

  // The shared events table goes back into each spec as its own copy (Vega annotates the objects).
  function copyEvents() { return R.events.map(function (r) { return Object.assign({}, r); }); }
  function withEvents(spec) {
    if (spec.datasets && spec.datasets.events === "@events") {
      spec = Object.assign({}, spec, { datasets: Object.assign({}, spec.datasets, { events: copyEvents() }) });
    }
    if (Array.isArray(spec.data)) {
      spec = Object.assign({}, spec, { data: spec.data.map(function (d) { return d.values === "@events" ? Object.assign({}, d, { values: copyEvents() }) : d; }) });
    }
    return spec;
  }

  function setSignal(name, value) {
    var runs = [];
    R.figures.forEach(function (f) {
      var v = views[f.name];
      if (v && f.params.indexOf(name) >= 0) {
        v.signal(name, value);
        // Filtered facets change the layout: let the view shrink as well as grow.
        runs.push(v.resize().runAsync());
      }
    });
    return Promise.all(runs);
  }

  function setCluster(c) {
    c = Number(c) || 0;
    state.cluster = c;
    document.querySelectorAll("#cluster-chooser button").forEach(function (b) {
      b.classList.toggle("on", Number(b.getAttribute("data-cluster")) === c);
    });
    var label = document.getElementById("chosen-cluster");
    if (label) label.textContent = c === 0 ? "all clusters" : "cluster " + c;
    return setSignal("selCluster", c);
  }

  // Figure 10 for events beyond the embedded ones: their 8-bit matrices and waveform envelope sit in
  // #report-packed (base64, zlib per event); the chosen event's bytes are inflated, coloured into tiles (the
  // bytes are palette indices, 255 = NaN) and added as rows to figure 10's named datasets, once per event.
  var fig10 = null;
  R.figures.forEach(function (f) { if (f.name === "10-one-event") fig10 = f; });
  var packed = fig10 && fig10.page ? fig10.page : null;
  var packedText = null;
  var palettes = {};
  var inserted = {};
  var eventRequests = 0;

  function packedBytes(p) {
    if (packedText === null) packedText = document.getElementById("report-packed").textContent.trim();
    var bin = atob(packedText.substr((p.o / 3) * 4, Math.ceil(p.n / 3) * 4));
    var z = new Uint8Array(p.n);
    for (var j = 0; j < p.n; j++) z[j] = bin.charCodeAt(j);
    var stream = new Blob([z]).stream().pipeThrough(new DecompressionStream("deflate"));
    return new Response(stream).arrayBuffer().then(function (b) { return new Uint8Array(b); });
  }

  function palette(name) {
    if (!palettes[name]) {
      var h = packed.palettes[name];
      var pal = new Uint8Array(h.length / 2);
      for (var j = 0; j < pal.length; j++) pal[j] = parseInt(h.substr(2 * j, 2), 16);
      palettes[name] = pal;
    }
    return palettes[name];
  }

  // m = [offset, rows, cols, lo, hi]: one pixel per cell, row 0 at the bottom when bottomUp (as the PNG tiles).
  function tileUrl(bytes, m, pal, bottomUp) {
    var off = m[0], rows = m[1], cols = m[2];
    var c = document.createElement("canvas");
    c.width = Math.max(1, cols);
    c.height = Math.max(1, rows);
    var g = c.getContext("2d");
    var img = g.createImageData(c.width, c.height);
    var d = img.data;
    for (var r = 0; r < rows; r++) {
      var y = bottomUp ? rows - 1 - r : r;
      for (var k = 0; k < cols; k++) {
        var q = bytes[off + r * cols + k];
        if (q === 255) continue;
        var at = 4 * (y * c.width + k);
        d[at] = pal[3 * q];
        d[at + 1] = pal[3 * q + 1];
        d[at + 2] = pal[3 * q + 2];
        d[at + 3] = 255;
      }
    }
    g.putImageData(img, 0, 0);
    return c.toDataURL("image/png");
  }

  function addRows(view, i, p, bytes) {
    function add(name, rows) { view.change(name, vega.changeset().insert(rows)); }
    packed.layers.forEach(function (l) {
      var m = p[l.matrix];
      if (!m) return;
      var x = l.x || p.x;
      add(l.data, [{ url: tileUrl(bytes, m, palette(l.colormap), l.bottomUp), x0: x[0], x1: x[1], y0: l.y[0], y1: l.y[1], e: i }]);
      var lo = { e: i };
      var hi = { e: i };
      lo[l.key] = m[3];
      hi[l.key] = m[4];
      add(l.data + "_range", [lo, hi]);
    });
    if (packed.wave && p.wave) {
      var w = p.wave, t = [], a = [];
      for (var j = 0; j < w[1]; j++) {
        var b = bytes[w[0] + j];
        t.push(w[2] + j * w[3]);
        a.push((b > 127 ? b - 256 : b) * w[4]);
      }
      add(packed.wave, [{ e: i, t: t, a: a }]);
    }
    add(packed.header, [{ e: i, label: p.h }]);
  }

  // A promise of true once event i's rows are in figure 10 (false when it has no packed data or no view yet).
  function insertPacked(i) {
    var view = views["10-one-event"];
    var p = packed && packed.events[i];
    if (!view || !p) return Promise.resolve(false);
    if (!inserted[i]) {
      inserted[i] = packedBytes(p).then(function (bytes) { addRows(view, i, p, bytes); return true; }, function (err) {
        delete inserted[i];
        errors.push("event " + i + ": " + (err && err.message ? err.message : String(err)));
        return false;
      });
    }
    return inserted[i];
  }

  function setEvent(i) {
    i = Number(i);
    var note = document.getElementById("event-note");
    // The latest choice wins, even when an earlier packed event is still being inflated.
    var request = ++eventRequests;
    if (embedded[i]) return showEvent(i);
    return insertPacked(i).then(function (ok) {
      if (request !== eventRequests) return false;
      if (!ok) {
        var id = R.events[i] ? R.events[i].id : i;
        if (note) note.textContent = packed && packed.events[i] ? "Figure 10 could not be drawn for event " + id + " yet; choose it again once the page has finished drawing." : "Event " + id + " has no spectrogram in this report (rejected before the model), so figure 10 cannot show it.";
        return false;
      }
      return showEvent(i);
    });
  }

  function showEvent(i) {
    var note = document.getElementById("event-note");
    if (note) note.textContent = "";
    state.event = i;
    document.querySelectorAll("#catalogue tbody tr").forEach(function (tr) {
      tr.classList.toggle("on", Number(tr.getAttribute("data-event")) === i);
    });
    return setSignal("selEvent", i).then(function () { return true; });
  }
  api.setCluster = setCluster;
  api.setEvent = setEvent;

  function onClick(figure) {
    return function (event, item) {
      if (!item || !item.datum) return;
      var d = item.datum;
      var role = item.mark && item.mark.role ? String(item.mark.role) : "";
      if (role.indexOf("legend") === 0) {
        var v = Number(d.value);
        // Only the cluster legends are interactive (patchLegends); "none" (0) chooses all.
        if (Number.isInteger(v) && v >= 0 && v <= R.k) setCluster(state.cluster === v ? 0 : v);
        return;
      }
      if (typeof d.i === "number" && (figure === "05-map" || figure === "13-pca" || figure === "11-silhouette")) setEvent(d.i);
      if (typeof d.cluster === "number" && d.cluster >= 1) setCluster(state.cluster === d.cluster && typeof d.i !== "number" ? 0 : d.cluster);
    };
  }

  document.querySelectorAll("#cluster-chooser button").forEach(function (b) {
    b.addEventListener("click", function () { setCluster(Number(b.getAttribute("data-cluster"))); });
  });
  var catalogue = document.querySelector("#catalogue tbody");
  if (catalogue) {
    catalogue.addEventListener("click", function (e) {
      var tr = e.target && e.target.closest ? e.target.closest("tr[data-event]") : null;
      if (tr) setEvent(Number(tr.getAttribute("data-event")));
    });
  }

  var t0 = performance.now();
  var baseOpts = { renderer: R.renderer || "canvas", actions: false, patch: patchLegends, tooltip: { theme: "light" } };
  var chain = Promise.resolve();
  R.figures.forEach(function (f) {
    chain = chain.then(function () {
      var el = document.getElementById("vis-" + f.name);
      var start = performance.now();
      return vegaEmbed(el, withEvents(f.spec), Object.assign({ mode: f.mode }, baseOpts)).then(function (res) {
        api.timings[f.name] = performance.now() - start;
        views[f.name] = res.view;
        res.view.addEventListener("click", onClick(f.name));
      }).catch(function (err) {
        errors.push(f.name + ": " + (err && err.message ? err.message : String(err)));
        el.textContent = "This figure could not be drawn: " + (err && err.message ? err.message : String(err));
        el.className += " failed";
      });
    });
  });
  chain.then(function () {
    // Every event's row, once (see html.ts); the chosen one stays marked.
    if (catalogue && R.catalogueRows) {
      var start = performance.now();
      catalogue.innerHTML = R.catalogueRows;
      catalogue.querySelectorAll("tr").forEach(function (tr) { tr.classList.toggle("on", Number(tr.getAttribute("data-event")) === state.event); });
      api.timings.catalogue = performance.now() - start;
    }
    api.renderMs = performance.now() - t0;
    api.readyAtMs = performance.now();
    api.ready = true;
    document.documentElement.setAttribute("data-ready", "1");
  });
})();
`;
