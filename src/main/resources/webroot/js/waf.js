/*
 * Security → WAF (security.view: admin and security-officer): the status from bastion.security.status over
 * the SockJS bridge (GET /admin/api/waf while the stream is not open), refreshed every 5 s while the panel is
 * shown: mode, rules, blocks per minute (uPlot), top rules and tags, recent events (rule ids, tags and
 * variable names only). Changes go through the admin API with the session's CSRF token: mode switch, rule
 * disable/enable, reload. No inline script or style (strict CSP).
 */
(function () {
  'use strict';

  var STATUS = 'bastion.security.status';
  var REFRESH_MS = 5000;
  var CHART_HEIGHT = 190;
  var session = null;
  var bound = false;
  var timer = null;
  var plot = null;
  var disabled = [];

  function $(id) { return document.getElementById(id); }

  function notice(text) {
    $('waf-notice').textContent = text || '';
    $('waf-notice').hidden = !text;
  }

  function problemOf(response) {
    return response.json().then(function (problem) {
      throw new Error((problem && problem.detail) || ('HTTP ' + response.status));
    }, function () { throw new Error('HTTP ' + response.status); });
  }

  function api(method, path, body) {
    var headers = { 'Accept': 'application/json' };
    if (session && session.csrfToken) { headers['X-CSRF-Token'] = session.csrfToken; }
    if (body) { headers['Content-Type'] = 'application/json'; }
    return fetch(path, { method: method, headers: headers, credentials: 'same-origin',
      body: body ? JSON.stringify(body) : undefined }).then(function (response) {
      return response.ok ? response.json() : problemOf(response);
    });
  }

  function status() {
    var dashboard = window.Bastion.dashboard;
    if (dashboard && dashboard.bus && dashboard.bus.state === 'open') {
      return dashboard.bus.request(STATUS, {});
    }
    return api('GET', '/admin/api/waf');
  }

  function cell(row, text) {
    var td = document.createElement('td');
    td.textContent = text === null || text === undefined ? '' : String(text);
    row.appendChild(td);
    return td;
  }

  function button(label, onClick) {
    var b = document.createElement('button');
    b.type = 'button';
    b.className = 'button';
    b.textContent = label;
    b.addEventListener('click', onClick);
    return b;
  }

  function mountChart() {
    var el = $('chart-waf');
    var axis = { stroke: '#94a3b8', grid: { stroke: 'rgba(148,163,184,0.12)', width: 1 }, ticks: { stroke: 'rgba(148,163,184,0.25)', width: 1 } };
    var bars = window.uPlot.paths && window.uPlot.paths.bars ? window.uPlot.paths.bars({ size: [0.7, 40] }) : undefined;
    plot = new window.uPlot({
      width: Math.max(300, el.clientWidth),
      height: CHART_HEIGHT,
      legend: { show: false },
      cursor: { drag: { x: false, y: false } },
      scales: { x: { time: true }, y: { range: function (u, min, max) { return [0, Math.max(4, max * 1.15)]; } } },
      axes: [axis, Object.assign({}, axis, { size: 48 })],
      series: [{},
        { label: 'blocked', stroke: '#f87171', fill: 'rgba(248,113,113,0.45)', width: 1, paths: bars, points: { show: false } },
        { label: 'detected only', stroke: '#fbbf24', width: 2, points: { show: false } }]
    }, [[], [], []], el);
    if (window.ResizeObserver) {
      new ResizeObserver(function () {
        if (el.clientWidth > 0 && el.clientWidth !== plot.width) { plot.setSize({ width: el.clientWidth, height: CHART_HEIGHT }); }
      }).observe(el);
    }
  }

  function render(reply) {
    var waf = reply.waf || {};
    var activity = reply.activity || {};
    $('waf-mode').textContent = waf.mode || '–';
    $('waf-rules').textContent = waf.enabled
      ? waf.ruleCount + ' rules from ' + (waf.files || []).length + ' file(s), loaded ' + new Date(waf.loadedAt).toLocaleString()
      : 'no rules configured (waf.rules)';
    document.querySelectorAll('[data-waf-mode]').forEach(function (b) {
      b.setAttribute('aria-pressed', String(b.dataset.wafMode === waf.mode));
      b.disabled = !waf.enabled;
    });
    $('waf-reload').disabled = !waf.enabled;
    var reload = waf.lastReload;
    $('waf-reload-errors').hidden = !(reload && reload.ok === false);
    if (reload && reload.ok === false) {
      $('waf-reload-errors').textContent = 'The last reload (' + new Date(reload.at).toLocaleString()
        + ') failed; the running rules stayed:\n' + (reload.errors || []).join('\n');
    }
    disabled = waf.disabledRules || [];
    $('waf-blocks-minute').textContent = activity.blocksLastMinute == null ? '–' : activity.blocksLastMinute;
    $('waf-blocks-hour').textContent = activity.blocksLastHour == null ? '–' : activity.blocksLastHour;
    $('waf-detections-hour').textContent = activity.detectionsLastHour == null ? '–' : activity.detectionsLastHour;
    $('waf-disabled-count').textContent = disabled.length;

    var minutes = activity.perMinute || [];
    var data = [minutes.map(function (m) { return m.minute / 1000; }),
      minutes.map(function (m) { return m.blocked; }), minutes.map(function (m) { return m.detected; })];
    if (plot) { plot.setData(data); }
    $('chart-waf').dataset.points = String(data[0].length);
    $('chart-waf').dataset.blocked = String(data[1].reduce(function (a, b) { return a + b; }, 0));

    var rules = $('waf-top-rules');
    rules.textContent = '';
    (activity.topRules || []).forEach(function (r) {
      var row = document.createElement('tr');
      row.dataset.rule = r.id;
      cell(row, r.id);
      cell(row, r.count);
      var actions = cell(row, '');
      if (disabled.indexOf(r.id) < 0) {
        actions.appendChild(button('Disable', function () { toggle(r.id, true); }));
      } else {
        actions.textContent = 'disabled';
      }
      rules.appendChild(row);
    });
    if (!(activity.topRules || []).length) { cell(rules.appendChild(document.createElement('tr')), 'No rule matched in the last hour.'); }

    var tags = $('waf-top-tags');
    tags.textContent = '';
    (activity.topTags || []).forEach(function (t) {
      var row = document.createElement('tr');
      cell(row, t.tag);
      cell(row, t.count);
      tags.appendChild(row);
    });

    var off = $('waf-disabled-rows');
    off.textContent = '';
    disabled.forEach(function (id) {
      var row = document.createElement('tr');
      row.dataset.rule = id;
      cell(row, id);
      cell(row, '').appendChild(button('Enable', function () { toggle(id, false); }));
      off.appendChild(row);
    });
    if (!disabled.length) { cell(off.appendChild(document.createElement('tr')), 'None.'); }

    var events = $('waf-events');
    events.textContent = '';
    (reply.recent || []).forEach(function (e) {
      var row = document.createElement('tr');
      row.dataset.requestId = e.requestId || '';
      cell(row, new Date(e.time).toLocaleTimeString());
      cell(row, e.outcome + (e.outcome === 'detected' && e.wouldBlock ? ' (would block)' : '')).className = 'outcome-' + e.outcome;
      cell(row, (e.ruleIds || []).join(', '));
      cell(row, (e.tags || []).join(', '));
      cell(row, (e.matchedVariables || []).join(', '));
      cell(row, e.anomalyScore);
      cell(row, (e.method || '') + ' ' + (e.route || ''));
      cell(row, e.clientIp);
      cell(row, e.requestId);
      events.appendChild(row);
    });
    if (!(reply.recent || []).length) { cell(events.appendChild(document.createElement('tr')), 'No event yet.'); }
  }

  function refresh() {
    return status().then(render).catch(function (error) { notice('WAF status unavailable: ' + error.message); });
  }

  function change(method, path, body, done) {
    notice('');
    return api(method, path, body).then(function (reply) {
      if (done) { notice(done(reply)); }
      return refresh();
    }).catch(function (error) {
      notice(error.message);
    });
  }

  function toggle(id, disable) {
    return change('POST', '/admin/api/waf/rules/' + encodeURIComponent(id) + (disable ? '/disable' : '/enable'), null,
      function (reply) { return 'Rule ' + reply.id + (reply.disabled ? ' disabled.' : ' enabled.'); });
  }

  function bind() {
    document.querySelectorAll('[data-waf-mode]').forEach(function (b) {
      b.addEventListener('click', function () {
        change('POST', '/admin/api/waf/mode', { mode: b.dataset.wafMode }, function (reply) {
          return 'Mode switched from ' + reply.previous + ' to ' + reply.mode + '.';
        });
      });
    });
    $('waf-reload').addEventListener('click', function () {
      $('waf-reload').disabled = true;
      change('POST', '/admin/api/waf/reload', null, function (reply) {
        return 'Reloaded ' + reply.ruleCount + ' rules in ' + reply.millis + ' ms.';
      }).finally(function () { $('waf-reload').disabled = false; });
    });
    $('waf-disable-form').addEventListener('submit', function (event) {
      event.preventDefault();
      var id = $('waf-rule-id').value.trim();
      if (!/^[0-9]+$/.test(id)) { notice('Enter a rule id (a number).'); return; }
      toggle(Number(id), true);
    });
    mountChart();
  }

  window.Bastion = window.Bastion || {};
  window.Bastion.Waf = {
    show: function (current) {
      session = current;
      if (!bound) {
        bound = true;
        bind();
      }
      if (timer === null) {
        timer = window.setInterval(refresh, REFRESH_MS);
      }
      refresh();
    },
    hide: function () {
      if (timer !== null) {
        window.clearInterval(timer);
        timer = null;
      }
    },
    refresh: refresh
  };
}());
