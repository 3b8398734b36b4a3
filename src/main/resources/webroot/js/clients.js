/*
 * The Clients panel (admin role): the token endpoint's backend-service clients from GET /admin/api/clients;
 * register one (name, granted scopes, and a JWKS, a JWKS URL or a generated secret shown once), disable or
 * enable it, delete it. Every change sends the session's CSRF token and is audited by the server.
 */
(function () {
  'use strict';

  var session = null;

  function $(id) { return document.getElementById(id); }

  function notice(text) {
    $('clients-notice').textContent = text || '';
    $('clients-notice').hidden = !text;
  }

  var shared = window.Bastion.AdminApi;

  function api(method, path, body) {
    return shared.request(session, method, path, body);
  }

  var cell = shared.cell;

  function action(td, label, run) {
    shared.action(td, label, run, notice, load);
  }

  function describeMethod(client) {
    if (client.authMethod === 'client_secret') { return 'client secret'; }
    return client.jwksUri ? 'private_key_jwt (' + client.jwksUri + ')' : 'private_key_jwt (' + client.jwksKeys + ' key(s))';
  }

  function render(clients) {
    var body = $('client-rows');
    body.textContent = '';
    clients.forEach(function (client) {
      var row = document.createElement('tr');
      row.dataset.client = client.name;
      row.dataset.clientId = client.clientId;
      cell(row, client.name);
      cell(row, client.clientId).className = 'mono';
      cell(row, describeMethod(client));
      cell(row, client.scopes.join(' '));
      cell(row, client.disabled ? 'disabled' : 'enabled');
      var actions = cell(row, '');
      var base = '/admin/api/clients/' + encodeURIComponent(client.clientId);
      action(actions, client.disabled ? 'Enable' : 'Disable', function () {
        return api('POST', base + (client.disabled ? '/enable' : '/disable')).then(function () {
          return client.name + (client.disabled ? ' enabled.' : ' disabled: it gets no new tokens.');
        });
      });
      action(actions, 'Delete', function () {
        if (!window.confirm('Delete the client ' + client.name + '? It can no longer get tokens.')) { return null; }
        return api('DELETE', base).then(function () { return client.name + ' deleted.'; });
      });
      body.appendChild(row);
    });
  }

  function load() {
    return api('GET', '/admin/api/clients').then(function (reply) { render(reply.clients); }).catch(function (error) {
      notice('Clients could not be loaded: ' + error.message);
    });
  }

  function credential() {
    return document.querySelector('#client-form input[name=client-credential]:checked').value;
  }

  function showCredentialFields() {
    $('client-jwks-field').hidden = credential() !== 'jwks';
    $('client-jwks-uri-field').hidden = credential() !== 'jwksUri';
  }

  function create(event) {
    event.preventDefault();
    var name = $('client-name').value.trim();
    var request = { name: name, scopes: $('client-scopes').value.trim() };
    var kind = credential();
    if (kind === 'jwks') {
      try {
        request.jwks = JSON.parse($('client-jwks').value);
      } catch (e) {
        notice('The JWK Set is not valid JSON.');
        return;
      }
    } else if (kind === 'jwksUri') {
      request.jwksUri = $('client-jwks-uri').value.trim();
    } else {
      request.generateSecret = true;
    }
    $('client-create').disabled = true;
    $('client-secret-box').hidden = true;
    api('POST', '/admin/api/clients', request).then(function (created) {
      $('client-name').value = '';
      $('client-scopes').value = '';
      $('client-jwks').value = '';
      $('client-jwks-uri').value = '';
      if (created.clientSecret) {
        $('client-secret-id').textContent = created.clientId;
        $('client-secret').textContent = created.clientSecret;
        $('client-secret-box').hidden = false;
      }
      notice('Client ' + name + ' registered with id ' + created.clientId + '.');
      return load();
    }).catch(function (error) {
      notice('Registering the client failed: ' + error.message);
    }).finally(function () { $('client-create').disabled = false; });
  }

  var mounted = false;

  window.Bastion = window.Bastion || {};
  window.Bastion.Clients = {
    /** Called by the shell when the panel opens. */
    show: function (current) {
      session = current;
      if (!mounted) {
        mounted = true;
        $('client-form').addEventListener('submit', create);
        document.querySelectorAll('#client-form input[name=client-credential]').forEach(function (radio) {
          radio.addEventListener('change', showCredentialFields);
        });
      }
      load();
    }
  };
}());
