/*
 * The Users panel (admin role): lists accounts from GET /admin/api/users and drives the users API -
 * create, change roles, reset password, reset two-factor, disable/enable - and the CLI tokens
 * (create with a role and expiry, shown once; revoke). Every change sends the
 * session's CSRF token; errors are the API's problem+json detail.
 */
(function () {
  'use strict';

  var session = null;

  function $(id) { return document.getElementById(id); }

  function notice(text) {
    $('users-notice').textContent = text || '';
    $('users-notice').hidden = !text;
  }

  var shared = window.Bastion.AdminApi;

  function api(method, path, body) {
    return shared.request(session, method, path, body);
  }

  var cell = shared.cell;

  function action(td, label, run) {
    shared.action(td, label, run, notice, load);
  }

  function render(users) {
    var body = $('users-rows');
    body.textContent = '';
    users.forEach(function (user) {
      var row = document.createElement('tr');
      row.dataset.username = user.username;
      cell(row, user.username);
      cell(row, user.roles.join(', '));
      cell(row, user.mfaEnrolled ? 'enrolled' : 'not enrolled');
      cell(row, user.disabled ? 'disabled' : 'active');
      cell(row, user.lastLoginAt ? new Date(user.lastLoginAt).toLocaleString() : 'never');
      var actions = cell(row, '');
      var base = '/admin/api/users/' + user.id;
      action(actions, 'Roles', function () {
        var roles = window.prompt('Roles of ' + user.username + ' (comma-separated: admin, security-officer, ops, viewer)', user.roles.join(', '));
        if (roles === null) { return null; }
        return api('PUT', base + '/roles', { roles: roles.split(',').map(function (r) { return r.trim(); }).filter(Boolean) })
          .then(function () { return 'Roles of ' + user.username + ' changed.'; });
      });
      action(actions, 'Password', function () {
        var password = window.prompt('New password for ' + user.username + ' (12+ characters)');
        if (password === null) { return null; }
        return api('POST', base + '/password', { password: password }).then(function () { return 'Password of ' + user.username + ' reset.'; });
      });
      // the API refuses both on one's own account (409): another administrator does them
      var self = session !== null && session.username === user.username;
      if (user.mfaEnrolled && !self) {
        action(actions, 'Reset 2FA', function () {
          return api('DELETE', base + '/mfa').then(function () { return user.username + ' will enrol again at next sign-in.'; });
        });
      }
      if (!self) {
        action(actions, user.disabled ? 'Enable' : 'Disable', function () {
          return api('POST', base + (user.disabled ? '/enable' : '/disable')).then(function () {
            return user.username + (user.disabled ? ' enabled.' : ' disabled.');
          });
        });
      }
      body.appendChild(row);
    });
  }

  function renderTokens(tokens) {
    var body = $('token-rows');
    body.textContent = '';
    tokens.forEach(function (token) {
      var row = document.createElement('tr');
      row.dataset.token = token.name;
      var expired = new Date(token.expiresAt).getTime() <= Date.now();
      cell(row, token.name);
      cell(row, token.role);
      cell(row, token.createdBy);
      cell(row, new Date(token.expiresAt).toLocaleString());
      cell(row, token.revokedAt ? 'revoked' : (expired ? 'expired' : 'active'));
      var actions = cell(row, '');
      if (!token.revokedAt && !expired) {
        action(actions, 'Revoke', function () {
          return api('DELETE', '/admin/api/ctl-tokens/' + token.id).then(function () { return 'Token ' + token.name + ' revoked.'; });
        });
      }
      body.appendChild(row);
    });
  }

  function load() {
    return Promise.all([
      api('GET', '/admin/api/users').then(function (reply) { render(reply.users); }),
      api('GET', '/admin/api/ctl-tokens').then(function (reply) { renderTokens(reply.tokens); })
    ]).catch(function (error) {
      notice('Users and tokens could not be loaded: ' + error.message);
    });
  }

  function createToken(event) {
    event.preventDefault();
    var name = $('token-name').value.trim();
    $('token-create').disabled = true;
    api('POST', '/admin/api/ctl-tokens', { name: name, role: $('token-role').value,
      expiresInDays: parseInt($('token-days').value, 10) }).then(function (created) {
      $('token-name').value = '';
      $('token-created').textContent = created.token;
      $('token-created-box').hidden = false;
      return load();
    }).catch(function (error) {
      notice('Creating the token failed: ' + error.message);
    }).finally(function () { $('token-create').disabled = false; });
  }

  function create(event) {
    event.preventDefault();
    var roles = Array.prototype.map.call(document.querySelectorAll('#user-form input[name=role]:checked'), function (box) { return box.value; });
    var username = $('new-username').value.trim();
    $('user-create').disabled = true;
    api('POST', '/admin/api/users', { username: username, password: $('new-password').value, roles: roles }).then(function () {
      $('new-username').value = '';
      $('new-password').value = '';
      notice('User ' + username + ' added.');
      return load();
    }).catch(function (error) {
      notice('Adding the user failed: ' + error.message);
    }).finally(function () { $('user-create').disabled = false; });
  }

  var mounted = false;

  window.Bastion = window.Bastion || {};
  window.Bastion.Users = {
    /** Called by the shell when the panel opens. */
    show: function (current) {
      session = current;
      if (!mounted) {
        mounted = true;
        $('user-form').addEventListener('submit', create);
        $('token-form').addEventListener('submit', createToken);
      }
      load();
    }
  };
}());
