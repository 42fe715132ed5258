// The report's only script, inline and framework-free: sort the flows table by a header click,
// filter it (text, protocol, host, translated, tunnel), show it in pages, open a flow's details
// when its number is clicked, and open every <details> while printing. It reads data-* attributes
// that flows-table.ts wrote; it never builds markup from strings, so it cannot inject any.

export const TABLE_SCRIPT = String.raw`
(function () {
  'use strict';
  // Filters and buttons are shown only once this runs (styles.ts hides them without JavaScript).
  document.documentElement.className += ' js';
  var table = document.getElementById('flows');
  if (!table) return;
  var body = table.tBodies[0];
  var rows = Array.prototype.slice.call(body.rows);
  var pageSize = Number(table.getAttribute('data-page-size')) || 50;
  var page = 0;
  var sortKey = null, sortDir = 1;
  var byId = function (id) { return document.getElementById(id); };
  var text = byId('flt-text'), proto = byId('flt-proto'), host = byId('flt-host'), nat = byId('flt-nat'), tunnel = byId('flt-tunnel');

  function matches(tr) {
    var q = text.value.trim().toLowerCase();
    if (q && q.split(/\s+/).some(function (w) { return tr.getAttribute('data-text').indexOf(w) < 0; })) return false;
    if (proto.value && tr.getAttribute('data-proto') !== proto.value) return false;
    if (host.value && tr.getAttribute('data-hosts').split('\u001f').indexOf(host.value) < 0) return false;
    if (nat.value) {
      var state = tr.getAttribute('data-nat');
      if (nat.value === 'translated' ? state === 'none' : state !== nat.value) return false;
    }
    if (tunnel.value && tr.getAttribute('data-tunnel') !== tunnel.value) return false;
    return true;
  }

  function render() {
    var shown = rows.filter(matches);
    var pages = Math.max(1, Math.ceil(shown.length / pageSize));
    if (page >= pages) page = pages - 1;
    rows.forEach(function (tr) { tr.classList.add('filtered-out'); tr.classList.remove('off-page'); });
    shown.forEach(function (tr, i) {
      tr.classList.remove('filtered-out');
      if (Math.floor(i / pageSize) !== page) tr.classList.add('off-page');
    });
    byId('flt-count').textContent = shown.length === rows.length ? rows.length + ' flows' : shown.length + ' of ' + rows.length + ' flows';
    byId('pg-info').textContent = 'page ' + (page + 1) + ' of ' + pages;
    byId('pg-prev').disabled = page === 0;
    byId('pg-next').disabled = page >= pages - 1;
    table.closest('section').classList.toggle('single-page', pages === 1);
  }

  function cellValue(tr, index, type) {
    var cell = tr.cells[index];
    var v = cell.hasAttribute('data-v') ? cell.getAttribute('data-v') : cell.textContent.trim();
    return type === 'num' ? Number(v) : v;
  }

  function compare(a, b) {
    if (typeof a === 'number' && typeof b === 'number') return a - b;
    return String(a).localeCompare(String(b), undefined, { numeric: true });
  }

  Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th, index) {
    th.querySelector('button').addEventListener('click', function () {
      var key = th.getAttribute('data-key'), type = th.getAttribute('data-type');
      sortDir = sortKey === key ? -sortDir : 1;
      sortKey = key;
      Array.prototype.forEach.call(table.tHead.rows[0].cells, function (other) { other.setAttribute('aria-sort', 'none'); });
      th.setAttribute('aria-sort', sortDir > 0 ? 'ascending' : 'descending');
      rows.sort(function (a, b) {
        return sortDir * compare(cellValue(a, index, type), cellValue(b, index, type)) || compare(cellValue(a, 0, 'num'), cellValue(b, 0, 'num'));
      });
      rows.forEach(function (tr) { body.appendChild(tr); });
      page = 0;
      render();
    });
  });

  [text, proto, host, nat, tunnel].forEach(function (el) {
    el.addEventListener('input', function () { page = 0; render(); });
    el.addEventListener('change', function () { page = 0; render(); });
  });
  byId('pg-prev').addEventListener('click', function () { page--; render(); });
  byId('pg-next').addEventListener('click', function () { page++; render(); });

  function openTarget() {
    var el = location.hash ? document.getElementById(decodeURIComponent(location.hash.slice(1))) : null;
    for (var node = el; node; node = node.parentElement) if (node.tagName === 'DETAILS') node.open = true;
  }
  window.addEventListener('hashchange', openTarget);
  openTarget();

  var closedForPrint = [];
  window.addEventListener('beforeprint', function () {
    closedForPrint = Array.prototype.filter.call(document.querySelectorAll('details'), function (d) { return !d.open; });
    closedForPrint.forEach(function (d) { d.open = true; });
  });
  window.addEventListener('afterprint', function () { closedForPrint.forEach(function (d) { d.open = false; }); });

  render();
})();
`;
