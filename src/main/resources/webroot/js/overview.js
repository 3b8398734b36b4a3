/*
 * The Overview panel: stat tiles, store badges and four uPlot time series fed by metric snapshots
 * (MonitoringAddresses.SNAPSHOT). History from bastion.metrics.history fills the charts on open;
 * live snapshots extend them. Snapshots are keyed by their ts, so history and live data may overlap.
 */
(function () {
  'use strict';

  var MAX_POINTS = 600;          // ten minutes at the default one-second interval
  var CHART_HEIGHT = 190;

  var AXIS = { stroke: '#94a3b8', grid: { stroke: 'rgba(148,163,184,0.12)', width: 1 }, ticks: { stroke: 'rgba(148,163,184,0.25)', width: 1 } };

  function axes(unitFormatter) {
    return [
      Object.assign({}, AXIS),
      Object.assign({}, AXIS, { size: 56, values: function (u, splits) { return splits.map(unitFormatter); } })
    ];
  }

  function plain(v) { return v == null ? '' : String(+v.toFixed(2)); }
  function percent(v) { return v == null ? '' : +v.toFixed(1) + '%'; }
  function millis(v) { return v == null ? '' : +v.toFixed(1) + ' ms'; }

  function series(label, color, formatter) {
    return { label: label, stroke: color, width: 2, points: { show: false }, value: function (u, v) { return v == null ? '–' : formatter(v); } };
  }

  var CHARTS = [
    { id: 'chart-rps', legend: false, axes: axes(plain), range: [0, 1],
      series: [series('requests/s', '#38bdf8', plain)], pick: function (s) { return [s.requestsPerSecond]; } },
    { id: 'chart-latency', legend: false, axes: axes(plain), range: [0, 1],
      series: [series('p50', '#34d399', millis), series('p95', '#fbbf24', millis), series('p99', '#f87171', millis)],
      pick: function (s) { var l = s.latencyMs || {}; return [l.p50, l.p95, l.p99]; } },
    { id: 'chart-errors', legend: false, axes: axes(percent), range: [0, 1],
      series: [series('error rate', '#f87171', percent)], pick: function (s) { return [s.errorRate * 100]; } },
    { id: 'chart-elu', legend: false, axes: axes(percent), range: [0, 100],
      series: [series('event loop', '#a78bfa', percent)], pick: function (s) { return [s.eventLoopUtilisation * 100]; } }
  ];

  function formatBytes(bytes) {
    if (bytes == null) { return '–'; }
    var mib = bytes / (1024 * 1024);
    return mib >= 1024 ? (mib / 1024).toFixed(2) + ' GiB' : mib.toFixed(0) + ' MiB';
  }

  function setText(id, text) {
    document.getElementById(id).textContent = text;
  }

  function setBadge(id, detailId, health, detailText) {
    var badge = document.getElementById(id);
    var status = health && health.status ? String(health.status) : 'unknown';
    badge.textContent = status;
    badge.className = 'badge ' + (['pass', 'warn', 'fail'].indexOf(status) >= 0 ? status : 'unknown');
    badge.title = health && health.output ? health.output : '';
    setText(detailId, detailText);
  }

  function Overview() {
    this.snapshots = [];          // oldest first, unique ts
    this.plots = [];
    this.onSnapshot = function () {};
  }

  Overview.prototype.mount = function () {
    var self = this;
    CHARTS.forEach(function (spec) {
      var el = document.getElementById(spec.id);
      var options = {
        width: Math.max(200, el.clientWidth),
        height: CHART_HEIGHT,
        legend: { show: spec.legend },
        cursor: { drag: { x: false, y: false } },
        scales: { x: { time: true }, y: { range: function (u, min, max) { return [Math.min(spec.range[0], min), Math.max(spec.range[1], max * 1.1)]; } } },
        axes: spec.axes,
        series: [{}].concat(spec.series)
      };
      var plot = new window.uPlot(options, self.columns(spec), el);
      self.plots.push({ spec: spec, plot: plot, el: el });
    });
    if (window.ResizeObserver) {
      var observer = new ResizeObserver(function () { self.resize(); });
      self.plots.forEach(function (p) { observer.observe(p.el); });
    }
  };

  Overview.prototype.resize = function () {
    this.plots.forEach(function (p) {
      var width = p.el.clientWidth;
      if (width > 0 && width !== p.plot.width) {
        p.plot.setSize({ width: width, height: CHART_HEIGHT });
      }
    });
  };

  Overview.prototype.columns = function (spec) {
    var xs = [];
    var ys = spec.series.map(function () { return []; });
    this.snapshots.forEach(function (s) {
      xs.push(s.ts / 1000);
      spec.pick(s).forEach(function (v, i) { ys[i].push(typeof v === 'number' && isFinite(v) ? v : null); });
    });
    return [xs].concat(ys);
  };

  /** History from bastion.metrics.history, oldest first; merged with whatever arrived live meanwhile. */
  Overview.prototype.fill = function (history) {
    var byTs = {};
    (history || []).concat(this.snapshots).forEach(function (s) {
      if (s && typeof s.ts === 'number') { byTs[s.ts] = s; }
    });
    this.snapshots = Object.keys(byTs).map(Number).sort(function (a, b) { return a - b; })
      .map(function (ts) { return byTs[ts]; }).slice(-MAX_POINTS);
    this.redraw();
  };

  Overview.prototype.add = function (snapshot) {
    if (!snapshot || typeof snapshot.ts !== 'number') { return; }
    var last = this.snapshots[this.snapshots.length - 1];
    if (last && snapshot.ts <= last.ts) { return; }
    this.snapshots.push(snapshot);
    if (this.snapshots.length > MAX_POINTS) { this.snapshots.shift(); }
    this.redraw();
  };

  Overview.prototype.redraw = function () {
    var self = this;
    self.plots.forEach(function (p) {
      var data = self.columns(p.spec);
      p.plot.setData(data);
      p.el.dataset.points = String(data[0].length);
    });
    var latest = self.snapshots[self.snapshots.length - 1];
    if (latest) {
      self.showLatest(latest);
    }
  };

  Overview.prototype.showLatest = function (s) {
    var latency = s.latencyMs || {};
    setText('stat-rps', s.requestsPerSecond == null ? '–' : (+s.requestsPerSecond).toFixed(1));
    setText('stat-p99', latency.p99 == null ? '–' : (+latency.p99).toFixed(1) + ' ms');
    setText('stat-errors', s.errorRate == null ? '–' : (s.errorRate * 100).toFixed(2) + '%');
    setText('stat-elu', s.eventLoopUtilisation == null ? '–' : (s.eventLoopUtilisation * 100).toFixed(1) + '%');
    setText('stat-heap', formatBytes(s.heapUsedBytes));
    setText('stat-total', s.totalRequests == null ? '–' : Number(s.totalRequests).toLocaleString());
    setBadge('badge-postgres', 'postgres-detail', s.postgres, s.postgres && s.postgres.source ? 'source: ' + s.postgres.source : '–');
    setBadge('badge-redis', 'redis-detail', s.redis, s.redis && s.redis.mode ? 'mode: ' + s.redis.mode : '–');
    var updated = document.getElementById('updated-at');
    var when = new Date(s.ts);
    updated.textContent = when.toLocaleTimeString();
    updated.dateTime = when.toISOString();
    this.onSnapshot(s);
  };

  window.Bastion = window.Bastion || {};
  window.Bastion.Overview = Overview;
}());
