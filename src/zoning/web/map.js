(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("zones-data").textContent);
  var year = data.years[data.selected];
  var svg = document.getElementById("map"), view = document.getElementById("view");
  var overlay = Array.prototype.slice.call(document.querySelectorAll("#overlay [data-x]"));
  var quarterPaths = Array.prototype.slice.call(document.querySelectorAll("#quarters .q"));
  var tip = document.getElementById("tip"), hl = document.getElementById("hl"), pinned = null;
  var k = 1, tx = 0, ty = 0;

  function unitPx() { var m = svg.getScreenCTM(); return m ? m.a : 1; }
  function apply() {
    view.setAttribute("transform", "translate(" + tx + " " + ty + ") scale(" + k + ")");
    var u = 1 / unitPx();
    overlay.forEach(function (el) {
      var x = +el.dataset.x * k + tx, y = +el.dataset.y * k + ty;
      el.setAttribute("transform", "translate(" + x + " " + y + ") scale(" + u + ")");
    });
    scaleBar();
    declutter();
  }
  // labels keep their screen size: after each zoom, hide those that would overlap one already
  // shown (school names first, then quarters, then context), and record the boxes shown
  var labelOrder = Array.prototype.slice.call(document.querySelectorAll("#overlay .sl"))
    .concat(Array.prototype.slice.call(document.querySelectorAll("#overlay .ql")))
    .concat(Array.prototype.slice.call(document.querySelectorAll("#overlay .cl")));
  var markers = Array.prototype.slice.call(document.querySelectorAll("#overlay .site path"));
  var SCHOOL_SPOTS = [["0", "-14", "middle", "auto"], ["0", "10", "middle", "hanging"],
                      ["12", "0", "start", "central"], ["-12", "0", "end", "central"]];
  function declutter() {
    var box = document.getElementById("mapbox").getBoundingClientRect(), taken = [];
    function hits(r) {
      return taken.some(function (t) {
        return r.left < t.right && r.right > t.left && r.top < t.bottom && r.bottom > t.top;
      });
    }
    markers.forEach(function (m) { taken.push(m.getBoundingClientRect()); });
    function fits(r) {
      var inside = r.left >= box.left && r.right <= box.right && r.top >= box.top && r.bottom <= box.bottom;
      return inside && r.width > 0 && !hits(r);
    }
    labelOrder.forEach(function (el) {
      el.classList.remove("lbl-hidden");
      var r = el.getBoundingClientRect(), spots = el.classList.contains("sl") ? SCHOOL_SPOTS : [];
      // a school name tries above, below, right and left of its marker before it is hidden
      for (var i = 0; i < spots.length && !fits(r); i++) {
        el.setAttribute("x", spots[i][0]); el.setAttribute("y", spots[i][1]);
        el.setAttribute("text-anchor", spots[i][2]); el.setAttribute("dominant-baseline", spots[i][3]);
        r = el.getBoundingClientRect();
      }
      if (!fits(r)) {
        el.classList.add("lbl-hidden"); el.removeAttribute("data-box"); return;
      }
      taken.push(r);
      el.setAttribute("data-box", [r.left, r.top, r.right, r.bottom].map(function (v) { return v.toFixed(1); }).join(","));
    });
    document.body.setAttribute("data-labels", "ready");
  }
  function formatNumber(v, decimals) {
    var parts = v.toFixed(decimals).split(".");
    parts[0] = parts[0].replace(/\B(?=(\d{3})+(?!\d))/g, data.group);
    return parts.join(data.decimal);
  }
  function scaleBar() {
    var pxPerMetre = unitPx() * k * data.unitsPerMetre, target = 120 / pxPerMetre;
    var power = Math.pow(10, Math.floor(Math.log10(target))), metres = power;
    [1, 2, 5].forEach(function (s) { if (s * power <= target) { metres = s * power; } });
    document.getElementById("scale-bar").style.width = (metres * pxPerMetre).toFixed(1) + "px";
    document.getElementById("scale-text").textContent = metres >= 1000
      ? formatNumber(metres / 1000, metres % 1000 ? 1 : 0) + " km" : formatNumber(metres, 0) + " m";
  }
  function svgPoint(e) {
    var p = svg.createSVGPoint(); p.x = e.clientX; p.y = e.clientY;
    return p.matrixTransform(svg.getScreenCTM().inverse());
  }
  function showTip(item, e, over) {
    tip.textContent = "";
    var head = document.createElement("b"); head.textContent = item.name; tip.appendChild(head);
    var table = document.createElement("table");
    item.rows.forEach(function (r) {
      var tr = table.insertRow(); tr.insertCell().textContent = r[0]; tr.insertCell().textContent = r[1];
    });
    tip.appendChild(table);
    tip.className = over ? "over" : "";
    tip.style.display = "block";
    moveTip(e);
  }
  function moveTip(e) {
    var x = e.clientX + 14, y = e.clientY + 14, w = tip.offsetWidth, h = tip.offsetHeight;
    if (x + w > window.innerWidth - 4) { x = e.clientX - w - 14; }
    if (y + h > window.innerHeight - 4) { y = e.clientY - h - 14; }
    tip.style.left = Math.max(4, x) + "px"; tip.style.top = Math.max(4, y) + "px";
  }
  function target(e) {
    var el = e.target.closest ? e.target.closest(".q, .site") : null;
    if (!el) { return null; }
    return el.classList.contains("q") ? {el: el, item: year.quarters[+el.dataset.k], over: false}
      : {el: el, item: year.schools[+el.dataset.s], over: year.schools[+el.dataset.s].over};
  }
  function focusSchool(sid) {
    svg.classList.toggle("focus", sid !== null);
    quarterPaths.forEach(function (p) { p.classList.toggle("dim", sid !== null && p.dataset.school !== sid); });
  }

  function outline(el) {
    hl.setAttribute("d", el && el.classList && el.classList.contains("q") ? el.getAttribute("d") : "");
  }
  svg.addEventListener("pointerover", function (e) {
    var t = target(e); if (t && !pinned) { showTip(t.item, e, t.over); outline(t.el); }
  });
  svg.addEventListener("pointerout", function (e) {
    if (target(e) && !pinned) { tip.style.display = "none"; outline(null); }
  });
  var drag = null;
  svg.addEventListener("pointerdown", function (e) {
    drag = {x: e.clientX, y: e.clientY, tx: tx, ty: ty, moved: false};
  });
  window.addEventListener("pointermove", function (e) {
    if (drag) {
      var dx = e.clientX - drag.x, dy = e.clientY - drag.y;
      if (!drag.moved && Math.abs(dx) + Math.abs(dy) > 4) { drag.moved = true; svg.classList.add("dragging"); }
      if (drag.moved) { tx = drag.tx + dx / unitPx(); ty = drag.ty + dy / unitPx(); apply(); return; }
    }
    if (!pinned && tip.style.display === "block") { moveTip(e); }
  });
  window.addEventListener("pointerup", function (e) {
    if (drag && !drag.moved && svg.contains(e.target)) {
      var t = target(e);
      pinned = t && t.el !== pinned ? t.el : null;
      outline(pinned);
      if (pinned) { showTip(t.item, e, t.over); } else { tip.style.display = "none"; }
    }
    drag = null; svg.classList.remove("dragging");
  });
  svg.addEventListener("wheel", function (e) {
    e.preventDefault();
    var p = svgPoint(e), nk = Math.min(60, Math.max(0.5, k * Math.exp(-e.deltaY * 0.0015)));
    tx = p.x - (p.x - tx) * nk / k; ty = p.y - (p.y - ty) * nk / k; k = nk;
    apply();
  }, {passive: false});
  document.getElementById("reset").addEventListener("click", function () { k = 1; tx = 0; ty = 0; apply(); });
  Array.prototype.forEach.call(document.querySelectorAll(".legend li.school"), function (li) {
    li.addEventListener("mouseenter", function () { focusSchool(li.dataset.school); });
    li.addEventListener("mouseleave", function () { focusSchool(null); });
  });

  // the school-year switch: fills, school per quarter, split and moved marks, red sites,
  // tooltips, legend, title and notes of the chosen year
  function showYear(index) {
    year = data.years[index];
    quarterPaths.forEach(function (p, i) { p.setAttribute("fill", year.fills[i]); p.dataset.school = year.school[i]; });
    ["hatches", "moved"].forEach(function (id) {
      var flags = id === "hatches" ? year.split : year.changed;
      Array.prototype.forEach.call(document.querySelectorAll("#" + id + " path"), function (p) {
        p.style.display = flags[+p.dataset.k] ? "" : "none";
      });
    });
    Array.prototype.forEach.call(document.querySelectorAll("#overlay .site"), function (g) {
      g.classList.toggle("over", year.schools[+g.dataset.s].over);
    });
    Array.prototype.forEach.call(document.querySelectorAll("[data-year]"), function (el) {
      el.hidden = +el.dataset.year !== year.year;
    });
    document.getElementById("heading").textContent = year.title;
    document.title = year.title;
    tip.style.display = "none"; pinned = null; outline(null);
  }
  document.getElementById("year").addEventListener("change", function (e) { showYear(+e.target.value); });

  // search: a quarter or school by name or id (accents and case ignored) → zoom and highlight
  function plain(text) {
    return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").replace(/đ/g, "d").replace(/Đ/g, "D")
      .toLowerCase().trim();
  }
  var found = null;
  function zoomTo(cx, cy, size) {
    var vb = svg.viewBox.baseVal, nk = Math.min(12, Math.max(1, 0.35 * Math.min(vb.width, vb.height) / size));
    k = nk; tx = vb.x + vb.width / 2 - cx * k; ty = vb.y + vb.height / 2 - cy * k;
    apply();
  }
  function search(text) {
    var q = plain(text), none = document.getElementById("search-none");
    if (found) { found.classList.remove("found"); found = null; }
    none.hidden = true;
    if (!q) { return; }
    var match = function (item) { return plain(item.name) === q || plain(item.id) === q; };
    var part = function (item) { return plain(item.name).indexOf(q) >= 0 || plain(item.id).indexOf(q) >= 0; };
    var qi = year.quarters.findIndex(match), si = year.schools.findIndex(match);
    if (qi < 0 && si < 0) { qi = year.quarters.findIndex(part); si = qi < 0 ? year.schools.findIndex(part) : -1; }
    var el, item, over = false;
    if (si >= 0 && (qi < 0 || match(year.schools[si]))) {
      el = document.querySelector('#overlay .site[data-s="' + si + '"]');
      item = year.schools[si]; over = item.over;
      if (!el) { none.hidden = false; return; }
      zoomTo(+el.dataset.x, +el.dataset.y, 60);
      el.classList.add("found"); found = el; outline(null);
    } else if (qi >= 0) {
      el = quarterPaths[qi]; item = year.quarters[qi];
      var b = el.getBBox();
      zoomTo(b.x + b.width / 2, b.y + b.height / 2, Math.max(b.width, b.height, 20));
      outline(el);
    } else { none.hidden = false; return; }
    pinned = el;
    var r = el.getBoundingClientRect();
    showTip(item, {clientX: r.left + r.width / 2, clientY: r.top + r.height / 2}, over);
  }
  var box = document.getElementById("search");
  box.addEventListener("change", function () { search(box.value); });
  document.getElementById("tools").addEventListener("submit", function (e) { e.preventDefault(); search(box.value); });
  window.addEventListener("resize", apply);
  showYear(data.selected);
  apply();
  var query = new URLSearchParams(window.location.search);
  if (query.get("year") !== null) {
    var wanted = data.years.findIndex(function (y) { return String(y.year) === query.get("year"); });
    if (wanted >= 0) { document.getElementById("year").value = String(wanted); showYear(wanted); }
  }
  if (query.get("q")) { box.value = query.get("q"); search(query.get("q")); }
})();
