/* digits report pages: draws the charts described in #chart-data with uPlot, and sorts tables on header click. */
(function () {
  'use strict';

  function chartData() {
    var el = document.getElementById('chart-data');
    return el ? JSON.parse(el.textContent) : [];
  }

  function fmt(decimals) {
    return function (u, v) { return v == null ? '—' : v.toFixed(decimals); };
  }

  function seriesOf(c, s) {
    var o = { label: s.label, stroke: s.color, width: 2, value: fmt(c.decimals), spanGaps: false };
    if (s.dash) o.dash = s.dash;  // [line, gap, ...] in pixels
    if (c.kind === 'bars') {
      o.fill = s.color + 'cc';
      o.width = 0;
      o.paths = uPlot.paths.bars({ size: [0.35, 64], align: s.label === 'dev' ? -1 : 1 });
      o.points = { show: false };
    } else if (c.kind === 'history') {
      o.points = { show: s.label !== 'threshold', size: 7 };
    } else if (s.points) {
      o.paths = function () { return null; };
      o.points = { show: true, size: 10, fill: s.color, stroke: s.color };
    } else {
      o.points = { show: c.x.length < 30, size: 5 };
    }
    return o;
  }

  function options(c, width) {
    var bars = c.kind === 'bars', history = c.kind === 'history';
    var x = bars
      ? { label: '', splits: function () { return c.x; },
          values: function (u, splits) { return splits.map(function (i) { return c.xNames[i] == null ? '' : c.xNames[i]; }); } }
      : history ? {} : { label: c.xLabel, incrs: [1, 2, 5, 10, 20, 50] };
    // a history's legend names the point under the cursor: its date, commit and run
    var xValue = bars ? function (u, v) { return v == null ? '' : c.xNames[v]; }
      : history ? function (u, v) { var i = c.x.indexOf(v); return i < 0 ? '' : c.xNames[i]; }
      : function (u, v) { return v == null ? '' : v; };
    var ySize = c.decimals > 2 ? 64 : 56;
    var opts = {
      width: width, height: bars ? 300 : 240,
      scales: { x: { time: history }, y: {} },
      axes: [x, { label: c.yLabel, size: ySize, values: function (u, v) { return v.map(function (n) { return n.toFixed(c.decimals > 2 ? 3 : 0); }); } }],
      series: [{ label: bars ? 'variant' : history ? 'run' : c.xLabel, value: xValue }]
        .concat(c.series.map(function (s) { return seriesOf(c, s); })),
      cursor: { drag: { x: false, y: false } }
    };
    if (bars || history) {
      // accuracies: a range around the figures (and the threshold), within [0, 1], never one auto-scaled to 1.5
      var all = [];
      c.series.forEach(function (s) { s.values.forEach(function (v) { if (v != null) all.push(v); }); });
      var lo = Math.min.apply(null, all), hi = Math.max.apply(null, all);
      opts.scales.y.range = [Math.max(0, Math.floor((lo - 0.01) * 100) / 100), Math.min(1, Math.ceil((hi + 0.005) * 100) / 100)];
    }
    if (bars) {
      opts.scales.x.range = [-0.5, c.x.length - 0.5];
    } else if (c.x.length === 1) {
      var pad = history ? 86400 : 1;  // a lone run: a day either side
      opts.scales.x.range = [c.x[0] - pad, c.x[0] + pad];
    }
    return opts;
  }

  function draw() {
    var plots = [];
    window.digitsCharts = {};  // by chart id, for the browser tests
    chartData().forEach(function (c) {
      var el = document.getElementById('chart-' + c.id);
      if (!el) return;
      var data = [c.x].concat(c.series.map(function (s) { return s.values; }));
      var plot = new uPlot(options(c, el.clientWidth || 600), data, el);
      plots.push({ plot: plot, el: el });
      window.digitsCharts[c.id] = plot;
    });
    var pending = null;
    window.addEventListener('resize', function () {
      clearTimeout(pending);
      pending = setTimeout(function () {
        plots.forEach(function (p) { p.plot.setSize({ width: p.el.clientWidth, height: p.plot.height }); });
      }, 100);
    });
  }

  function sortKey(row, col, numeric) {
    var cell = row.cells[col];
    var raw = cell.hasAttribute('data-sort') ? cell.getAttribute('data-sort') : cell.textContent.trim();
    if (!numeric) return raw.toLowerCase();
    var n = parseFloat(raw);
    return isNaN(n) ? null : n;
  }

  function sortBy(table, th, col) {
    var ascending = th.getAttribute('aria-sort') !== 'ascending';
    table.querySelectorAll('thead th').forEach(function (h) { h.removeAttribute('aria-sort'); });
    th.setAttribute('aria-sort', ascending ? 'ascending' : 'descending');
    var numeric = th.getAttribute('data-type') === 'num';
    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows);
    rows.sort(function (a, b) {
      var x = sortKey(a, col, numeric), y = sortKey(b, col, numeric);
      if (x === y) return 0;
      if (x === null || x === '') return 1;   // rows without a value go last either way
      if (y === null || y === '') return -1;
      return (x < y ? -1 : 1) * (ascending ? 1 : -1);
    });
    rows.forEach(function (r) { body.appendChild(r); });
  }

  function sortable() {
    document.querySelectorAll('table.sortable').forEach(function (table) {
      table.querySelectorAll('thead th').forEach(function (th, col) {
        th.tabIndex = 0;
        th.addEventListener('click', function () { sortBy(table, th, col); });
        th.addEventListener('keydown', function (e) { if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); sortBy(table, th, col); } });
      });
    });
  }

  draw();
  sortable();
  window.digitsReady = true;  // the browser tests wait for this
})();
