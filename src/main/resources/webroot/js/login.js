/* Login page: POST /admin/api/session with JSON credentials; on success, on to the dashboard. */
(function () {
  'use strict';

  function showError(message) {
    var box = document.getElementById('login-error');
    box.textContent = message;
    box.hidden = false;
  }

  function problemDetail(response) {
    return response.json().then(function (problem) {
      return (problem && (problem.detail || problem.title)) || ('HTTP ' + response.status);
    }, function () {
      return 'HTTP ' + response.status;
    });
  }

  function signIn(event) {
    event.preventDefault();
    var username = document.getElementById('username').value.trim();
    var password = document.getElementById('password').value;
    var button = document.getElementById('login-submit');
    if (!username || !password) {
      showError('Enter your username and password.');
      return;
    }
    button.disabled = true;
    document.getElementById('login-error').hidden = true;
    fetch('/admin/api/session', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'Accept': 'application/json' },
      credentials: 'same-origin',
      body: JSON.stringify({ username: username, password: password })
    }).then(function (response) {
      if (response.ok) {
        window.location.assign('/admin/');
        return null;
      }
      return problemDetail(response).then(function (detail) {
        showError(response.status === 401 ? 'Sign-in failed: ' + detail + '.' : 'Sign-in failed (' + response.status + '): ' + detail);
        document.getElementById('password').select();
      });
    }).catch(function () {
      showError('Bastion could not be reached. Check that the node is running and try again.');
    }).finally(function () {
      button.disabled = false;
    });
  }

  document.addEventListener('DOMContentLoaded', function () {
    document.getElementById('login-form').addEventListener('submit', signIn);
  });
}());
