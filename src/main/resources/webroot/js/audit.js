/*
 * The Audit panel (audit.view: admin and security-officer): chain status from GET /admin/api/audit/verify,
 * the newest signed checkpoints from GET /admin/api/audit/checkpoints, and "who accessed patient X" from
 * GET /admin/api/audit/events?patient=X (newest first). Read-only; no inline script or style (strict CSP).
 */
(function () {
  'use strict';

  var session = null;
  var bound = false;

  function $(id) { return document.getElementById(id); }

  function notice(text) {
    $('audit-notice').textContent = text || '';
    $('audit-notice').hidden = !text;
  }

  function api(path) {
    var headers = { 'Accept': 'application/json' };
    if (session && session.csrfToken) { headers['X-CSRF-Token'] = session.csrfToken; }
    return fetch(path, { method: 'GET', headers: headers, credentials: 'same-origin' }).then(function (response) {
      if (response.ok) { return response.json(); }
      return response.json().then(function (problem) {
        throw new Error((problem && problem.detail) || ('HTTP ' + response.status));
      }, function () { throw new Error('HTTP ' + response.status); });
    });
  }

  function cell(row, text) {
    var td = document.createElement('td');
    td.textContent = text === null || text === undefined ? '' : String(text);
    row.appendChild(td);
    return td;
  }

  function verify() {
    $('audit-chain-status').textContent = 'verifying…';
    $('audit-chain-detail').textContent = '';
    $('audit-verify').disabled = true;
    return api('/admin/api/audit/verify').then(function (reply) {
      $('audit-chain-status').textContent = reply.ok ? 'intact' : 'TAMPERED';
      $('audit-chain-status').className = reply.ok ? 'status-ok' : 'status-bad';
      $('audit-chain-detail').textContent = reply.ok
        ? '(' + reply.records + ' records, ' + reply.checkpoints + ' checkpoints verified)'
        : '(first bad sequence ' + reply.firstBadSequence + ', ' + reply.kind + ': ' + (reply.problem || '') + ')';
    }).catch(function (error) {
      $('audit-chain-status').textContent = 'unknown';
      notice('Verification failed: ' + error.message);
    }).finally(function () { $('audit-verify').disabled = false; });
  }

  function checkpoints() {
    return api('/admin/api/audit/checkpoints?limit=20').then(function (reply) {
      var body = $('audit-checkpoints');
      body.textContent = '';
      reply.checkpoints.forEach(function (c) {
        var row = document.createElement('tr');
        cell(row, c.id);
        cell(row, c.seq);
        cell(row, c.node);
        cell(row, new Date(c.signedAt).toLocaleString());
        cell(row, c.hash.substring(0, 16) + '…');
        body.appendChild(row);
      });
      if (reply.checkpoints.length === 0) {
        var empty = document.createElement('tr');
        cell(empty, 'No checkpoint yet.');
        body.appendChild(empty);
      }
    }).catch(function (error) { notice('Checkpoints: ' + error.message); });
  }

  function search(event) {
    event.preventDefault();
    var patient = $('audit-patient').value.trim();
    if (!patient) { notice('Enter a patient id.'); return; }
    notice('');
    api('/admin/api/audit/events?limit=50&patient=' + encodeURIComponent(patient)).then(function (reply) {
      var body = $('audit-rows');
      body.textContent = '';
      reply.events.forEach(function (e) {
        var row = document.createElement('tr');
        row.dataset.seq = e.seq;
        cell(row, new Date(e.recorded).toLocaleString());
        cell(row, e.agent);
        cell(row, e.action);
        cell(row, e.interaction);
        cell(row, e.outcome === '0' ? 'success' : 'failure (' + e.outcome + ')');
        cell(row, (e.entity || []).join(', '));
        body.appendChild(row);
      });
      if (reply.events.length === 0) {
        notice('No audit events for patient ' + reply.patient + '.');
      }
    }).catch(function (error) { notice('Search failed: ' + error.message); });
  }

  window.Bastion = window.Bastion || {};
  window.Bastion.Audit = {
    show: function (current) {
      session = current;
      if (!bound) {
        bound = true;
        $('audit-verify').addEventListener('click', verify);
        $('audit-search').addEventListener('submit', search);
      }
      notice('');
      verify();
      checkpoints();
    }
  };
}());
