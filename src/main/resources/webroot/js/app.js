/*
 * The dashboard shell: session check, header, hash routing between panels, sign-out, and the
 * event-bus connection that feeds the Overview.
 */
(function () {
  'use strict';

  var LOGIN_PAGE = '/admin/login.html';
  var SNAPSHOT = 'bastion.metrics.snapshot';
  var HISTORY = 'bastion.metrics.history';
  var PANELS = ['overview', 'security', 'api', 'database', 'backups', 'load', 'alerts', 'audit', 'users', 'clients'];
  var STALE_AFTER_MS = 5000;

  var overview = new window.Bastion.Overview();
  var bus = null;
  var lastSnapshotAt = 0;
  var allowed = ['overview'];   // panels the session's roles open (GET /admin/api/session "panels")
  var session = null;           // the session reply: username, roles, panels, csrfToken

  function toLogin() {
    window.location.replace(LOGIN_PAGE);
  }

  function fetchSession() {
    return fetch('/admin/api/session', { credentials: 'same-origin', headers: { 'Accept': 'application/json' } });
  }

  function showPanel() {
    var wanted = window.location.hash.replace(/^#\/?/, '');
    var active = allowed.indexOf(wanted) >= 0 ? wanted : 'overview';
    PANELS.forEach(function (name) {
      document.getElementById('panel-' + name).hidden = name !== active;
    });
    document.querySelectorAll('#panel-links a').forEach(function (link) {
      if (link.dataset.panel === active) {
        link.setAttribute('aria-current', 'page');
      } else {
        link.removeAttribute('aria-current');
      }
    });
    document.title = document.getElementById(active + '-title').textContent + ' · Bastion';
    if (active === 'overview') {
      overview.resize();
    }
    if (window.Bastion.Waf) {
      if (active === 'security') { window.Bastion.Waf.show(session); } else { window.Bastion.Waf.hide(); }
    }
    if (active === 'audit' && window.Bastion.Audit) {
      window.Bastion.Audit.show(session);
    }
    if (active === 'users' && window.Bastion.Users) {
      window.Bastion.Users.show(session);
    }
    if (active === 'clients' && window.Bastion.Clients) {
      window.Bastion.Clients.show(session);
    }
  }

  /** Hides the links of panels the user's roles do not open (the server refuses their data anyway). */
  function limitPanels(panels) {
    allowed = PANELS.filter(function (name) { return panels.indexOf(name) >= 0; });
    document.querySelectorAll('#panel-links a').forEach(function (link) {
      link.parentElement.hidden = allowed.indexOf(link.dataset.panel) < 0;
    });
  }

  function setConnection(state, text) {
    var el = document.getElementById('connection');
    el.className = 'connection ' + state;
    el.textContent = text;
  }

  function notice(text) {
    var el = document.getElementById('stream-notice');
    el.textContent = text || '';
    el.hidden = !text;
  }

  function onBusState(state, detail) {
    if (state === 'open') {
      setConnection('live', 'live');
      notice('');
      bus.request(HISTORY, {}).then(function (reply) {
        overview.fill(reply && reply.snapshots);
      }, function (error) {
        notice('Chart history unavailable: ' + error.message + '. Live data continues.');
      });
    } else if (state === 'connecting') {
      setConnection('connecting', 'connecting');
    } else {
      setConnection('disconnected', 'disconnected');
      if (!detail.retryInMs) {
        return; // closed on purpose (sign-out)
      }
      notice('Live stream disconnected; reconnecting in ' + Math.ceil(detail.retryInMs / 1000) + ' s.');
      // A socket that drops may mean the session ended: then the login page is the only way on.
      fetchSession().then(function (response) {
        if (response.status === 401) {
          bus.close();
          toLogin();
        }
      }, function () { /* node unreachable: keep retrying */ });
    }
  }

  function onBusError(reason) {
    if (reason === 'access_denied' || reason === 'not_logged_in') {
      notice('The live stream refused this session (' + reason + '). Sign in again to continue.');
    } else {
      notice('Live stream error: ' + reason);
    }
  }

  function watchStaleness() {
    window.setInterval(function () {
      if (bus && bus.state === 'open' && lastSnapshotAt > 0 && Date.now() - lastSnapshotAt > STALE_AFTER_MS) {
        setConnection('stale', 'no data');
      }
    }, 1000);
  }

  function signOut() {
    var button = document.getElementById('sign-out');
    button.disabled = true;
    fetch('/admin/api/session', { method: 'DELETE', credentials: 'same-origin',
      headers: { 'X-CSRF-Token': session.csrfToken } }).then(function () {
      if (bus) { bus.close(); }
      toLogin();
    }, function () {
      button.disabled = false;
      notice('Sign-out failed: Bastion could not be reached.');
    });
  }

  function start(user) {
    if (user.state !== 'signed-in') {
      toLogin(); // a second factor or enrolment is still due
      return;
    }
    session = user;
    limitPanels(user.panels || ['overview']);
    document.getElementById('current-user').textContent = user.username;
    document.getElementById('sign-out').addEventListener('click', signOut);
    document.getElementById('boot').hidden = true;
    document.getElementById('app').hidden = false;
    window.addEventListener('hashchange', showPanel);
    showPanel();

    overview.mount();
    overview.onSnapshot = function (snapshot) {
      lastSnapshotAt = Date.now();
      if (snapshot.node) {
        document.getElementById('node-id').textContent = snapshot.node;
      }
      if (bus.state === 'open') {
        setConnection('live', 'live');
      }
    };
    bus = new window.Bastion.EventBus('/admin/eventbus', { onState: onBusState, onError: onBusError });
    bus.subscribe(SNAPSHOT, function (snapshot) { overview.add(snapshot); });
    bus.connect();
    // Reachable from the devtools console (and the browser test) to inspect or drop the live stream.
    window.Bastion.dashboard = { bus: bus, overview: overview, session: session };
    watchStaleness();
  }

  document.addEventListener('DOMContentLoaded', function () {
    fetchSession().then(function (response) {
      if (response.status === 401) {
        toLogin();
        return null;
      }
      if (!response.ok) {
        throw new Error('HTTP ' + response.status);
      }
      return response.json().then(start);
    }).catch(function (error) {
      document.getElementById('boot').textContent = 'Bastion could not be reached (' + error.message + '). Reload to try again.';
    });
  });
}());
