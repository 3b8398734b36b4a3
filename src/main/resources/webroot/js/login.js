/*
 * Login page: the password, then either the second factor (TOTP or recovery code) or, on the first
 * sign-in of an account whose role needs MFA, enrolment: QR code and key from the server, a first code to
 * confirm, and the recovery codes shown once. Every request after the password carries the session's
 * CSRF token in X-CSRF-Token.
 */
(function () {
  'use strict';

  var DASHBOARD = '/admin/';
  var csrfToken = null;
  var useRecovery = false;

  function $(id) { return document.getElementById(id); }

  function showError(message) {
    var box = $('login-error');
    box.textContent = message;
    box.hidden = !message;
  }

  function problemDetail(response) {
    return response.json().then(function (problem) {
      return (problem && (problem.detail || problem.title)) || ('HTTP ' + response.status);
    }, function () {
      return 'HTTP ' + response.status;
    });
  }

  function api(method, path, body) {
    var headers = { 'Accept': 'application/json' };
    if (body !== undefined) { headers['Content-Type'] = 'application/json'; }
    if (csrfToken) { headers['X-CSRF-Token'] = csrfToken; }
    return fetch(path, { method: method, headers: headers, credentials: 'same-origin',
      body: body === undefined ? undefined : JSON.stringify(body) });
  }

  /** Shows exactly one step: 'login', 'mfa', 'enrol' or 'recovery'. */
  function showStep(step) {
    $('login-form').hidden = step !== 'login';
    $('mfa-form').hidden = step !== 'mfa';
    $('enrol-panel').hidden = step !== 'enrol';
    $('recovery-panel').hidden = step !== 'recovery';
    $('login-lead').textContent = {
      login: 'Sign in to the admin dashboard.',
      mfa: 'Enter the code from your authenticator app.',
      enrol: 'One more step before the dashboard.',
      recovery: 'Two-factor sign-in is set up.'
    }[step];
    var focus = { login: 'username', mfa: useRecovery ? 'mfa-recovery' : 'mfa-code', enrol: 'enrol-code', recovery: 'recovery-done' }[step];
    window.setTimeout(function () { $(focus).focus(); }, 0);
  }

  /** Moves on from a session state reported by the server. */
  function proceed(state) {
    if (state.csrfToken) { csrfToken = state.csrfToken; }
    if (state.state === 'signed-in' && state.recoveryCodes) {
      showRecoveryCodes(state.recoveryCodes);
    } else if (state.state === 'signed-in') {
      window.location.assign(DASHBOARD);
    } else if (state.state === 'mfa-required') {
      showStep('mfa');
    } else if (state.state === 'mfa-enrolment-required') {
      startEnrolment();
    } else {
      showStep('login');
    }
  }

  /** Answers a failed step with the server's explanation. */
  function failed(response, prefix) {
    return problemDetail(response).then(function (detail) {
      if (response.status === 401 && prefix === 'Verification failed') {
        // the half-done session may have ended: start again from the password
        return fetch('/admin/api/session', { credentials: 'same-origin' }).then(function (r) {
          if (r.status === 401) { showStep('login'); }
          showError(prefix + ': ' + detail + '.');
        });
      }
      showError(response.status === 429 ? detail + '.' : prefix + ': ' + detail + '.');
      return null;
    });
  }

  function unreachable() {
    showError('Bastion could not be reached. Check that the node is running and try again.');
  }

  function withButton(id, work) {
    var button = $(id);
    button.disabled = true;
    showError('');
    return work().catch(unreachable).finally(function () { button.disabled = false; });
  }

  function signIn(event) {
    event.preventDefault();
    var username = $('username').value.trim();
    var password = $('password').value;
    if (!username || !password) {
      showError('Enter your username and password.');
      return;
    }
    withButton('login-submit', function () {
      return api('POST', '/admin/api/session', { username: username, password: password }).then(function (response) {
        if (response.ok) {
          $('password').value = '';
          return response.json().then(proceed);
        }
        return failed(response, 'Sign-in failed').then(function () { $('password').select(); });
      });
    });
  }

  function verify(event) {
    event.preventDefault();
    var body = useRecovery ? { recoveryCode: $('mfa-recovery').value.trim() } : { code: $('mfa-code').value.trim() };
    if (!(body.code || body.recoveryCode)) {
      showError(useRecovery ? 'Enter one of your recovery codes.' : 'Enter the 6-digit code.');
      return;
    }
    withButton('mfa-submit', function () {
      return api('POST', '/admin/api/session/mfa', body).then(function (response) {
        $('mfa-code').value = '';
        $('mfa-recovery').value = '';
        return response.ok ? response.json().then(proceed) : failed(response, 'Verification failed');
      });
    });
  }

  function toggleRecovery() {
    useRecovery = !useRecovery;
    $('mfa-code-field').hidden = useRecovery;
    $('mfa-recovery-field').hidden = !useRecovery;
    $('mfa-toggle').textContent = useRecovery ? 'Use the authenticator app instead' : 'Use a recovery code instead';
    $(useRecovery ? 'mfa-recovery' : 'mfa-code').focus();
  }

  function startEnrolment() {
    return api('POST', '/admin/api/mfa/enrolment', {}).then(function (response) {
      if (!response.ok) {
        return failed(response, 'Enrolment could not start');
      }
      return response.json().then(function (enrolment) {
        $('enrol-qr').src = enrolment.qrCode;
        $('enrol-secret').textContent = enrolment.secret.replace(/(.{4})/g, '$1 ').trim();
        showStep('enrol');
      });
    }, unreachable);
  }

  function confirmEnrolment(event) {
    event.preventDefault();
    var code = $('enrol-code').value.trim();
    if (!/^[0-9]{6}$/.test(code)) {
      showError('Enter the 6-digit code your app shows.');
      return;
    }
    withButton('enrol-submit', function () {
      return api('POST', '/admin/api/mfa/enrolment/confirm', { code: code }).then(function (response) {
        $('enrol-code').value = '';
        return response.ok ? response.json().then(proceed) : failed(response, 'Not confirmed');
      });
    });
  }

  function showRecoveryCodes(codes) {
    var list = $('recovery-codes');
    list.textContent = '';
    codes.forEach(function (code) {
      var item = document.createElement('li');
      item.textContent = code;
      list.appendChild(item);
    });
    $('enrol-qr').removeAttribute('src');
    $('enrol-secret').textContent = '';
    showStep('recovery');
  }

  document.addEventListener('DOMContentLoaded', function () {
    $('login-form').addEventListener('submit', signIn);
    $('mfa-form').addEventListener('submit', verify);
    $('mfa-toggle').addEventListener('click', toggleRecovery);
    $('enrol-form').addEventListener('submit', confirmEnrolment);
    $('recovery-done').addEventListener('click', function () { window.location.assign(DASHBOARD); });
    // A half-finished sign-in (reload during MFA or enrolment) resumes where it was.
    fetch('/admin/api/session', { credentials: 'same-origin', headers: { 'Accept': 'application/json' } }).then(function (response) {
      return response.ok ? response.json().then(function (state) {
        if (state.state !== 'signed-in') { proceed(state); }
      }) : null;
    }).catch(function () { /* the password form is already showing */ });
  });
}());
