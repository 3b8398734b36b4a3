/*
 * What the admin panels share: the admin API as JSON with the session's CSRF token (errors become the
 * problem+json detail), table cells, and action buttons that report through the panel's notice line and
 * reload the panel.
 */
(function () {
  'use strict';

  function request(session, method, path, body) {
    var headers = { 'Accept': 'application/json', 'X-CSRF-Token': session.csrfToken };
    if (body !== undefined) { headers['Content-Type'] = 'application/json'; }
    return fetch(path, { method: method, headers: headers, credentials: 'same-origin',
      body: body === undefined ? undefined : JSON.stringify(body) }).then(function (response) {
      if (response.ok) {
        return response.status === 204 ? null : response.json();
      }
      return response.json().then(function (problem) {
        throw new Error((problem && problem.detail) || ('HTTP ' + response.status));
      }, function () { throw new Error('HTTP ' + response.status); });
    });
  }

  function cell(row, text) {
    var td = document.createElement('td');
    td.textContent = text;
    row.appendChild(td);
    return td;
  }

  /** A button in {@code td} running {@code run}; its message (or failure) goes to {@code notice}, then {@code reload}. */
  function action(td, label, run, notice, reload) {
    var button = document.createElement('button');
    button.type = 'button';
    button.className = 'button';
    button.textContent = label;
    button.addEventListener('click', function () {
      button.disabled = true;
      Promise.resolve().then(run).then(function (message) {
        if (message) { notice(message); }
        return reload();
      }).catch(function (error) {
        notice(label + ' failed: ' + error.message);
      }).finally(function () { button.disabled = false; });
    });
    td.appendChild(button);
  }

  window.Bastion = window.Bastion || {};
  window.Bastion.AdminApi = { request: request, cell: cell, action: action };
}());
