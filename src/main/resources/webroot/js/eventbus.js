/*
 * A small client for the Vert.x SockJS event-bus bridge, over SockJS's raw WebSocket endpoint
 * (<mount>/websocket). Same-origin, so the session cookie rides along and the bridge knows the user.
 *
 * Frames are JSON: we send {type:"register"|"send"|"ping", ...}; the bridge answers with
 * {type:"rec", address, body} (also for replies, addressed to our replyAddress) and
 * {type:"err", body:"access_denied"|...} or, for a failed reply, {type:"err", address, failureCode, message}.
 * The bridge writes binary WebSocket frames, so both binary and text frames are decoded.
 *
 * Subscriptions survive reconnects: after a drop the client reconnects with exponential backoff and
 * registers every subscribed address again.
 */
(function () {
  'use strict';

  var PING_INTERVAL_MS = 5000;   // the bridge closes sockets idle for longer than its ping timeout (10 s)
  var MIN_BACKOFF_MS = 500;
  var MAX_BACKOFF_MS = 15000;
  var DEFAULT_TIMEOUT_MS = 10000;

  function randomId() {
    // The bridge refuses reply addresses longer than 36 characters; 32 hex digits it is.
    var bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return (b < 16 ? '0' : '') + b.toString(16); }).join('');
  }

  function defaultUrl(path) {
    var scheme = window.location.protocol === 'https:' ? 'wss://' : 'ws://';
    return scheme + window.location.host + path;
  }

  /**
   * @param {string} path bridge mount path, e.g. "/admin/eventbus"
   * @param {{onState?: function(string, object=): void}} options onState gets "connecting" | "open" | "closed"
   */
  function EventBus(path, options) {
    this.url = defaultUrl(path.replace(/\/$/, '') + '/websocket');
    this.onState = (options && options.onState) || function () {};
    this.onError = (options && options.onError) || function () {};
    this.handlers = {};        // address -> [handler]
    this.pending = {};         // replyAddress -> {resolve, reject, timer}
    this.socket = null;
    this.state = 'closed';
    this.backoffMs = MIN_BACKOFF_MS;
    this.pingTimer = null;
    this.reconnectTimer = null;
    this.closedByUs = false;
    this.opens = 0;            // successful connections so far; more than one means it reconnected
    this.decoder = new TextDecoder('utf-8');
  }

  EventBus.prototype.connect = function () {
    var self = this;
    self.closedByUs = false;
    self.setState('connecting');
    var socket;
    try {
      socket = new WebSocket(self.url);
    } catch (e) {
      self.scheduleReconnect();
      return;
    }
    socket.binaryType = 'arraybuffer';
    self.socket = socket;
    socket.onopen = function () {
      self.backoffMs = MIN_BACKOFF_MS;
      self.opens += 1;
      Object.keys(self.handlers).forEach(function (address) { self.write({ type: 'register', address: address, headers: {} }); });
      self.pingTimer = window.setInterval(function () { self.write({ type: 'ping' }); }, PING_INTERVAL_MS);
      self.setState('open');
    };
    socket.onmessage = function (event) { self.receive(event.data); };
    socket.onclose = function (event) {
      window.clearInterval(self.pingTimer);
      self.pingTimer = null;
      self.socket = null;
      self.failPending('disconnected');
      if (self.closedByUs) {
        self.setState('closed', { code: event.code });
      } else {
        self.scheduleReconnect();
      }
    };
    // onerror is always followed by onclose; nothing to do here.
    socket.onerror = function () {};
  };

  EventBus.prototype.close = function () {
    this.closedByUs = true;
    window.clearTimeout(this.reconnectTimer);
    if (this.socket) {
      this.socket.close();
    }
  };

  /** Calls handler(body, frame) for every message published to address, across reconnects. */
  EventBus.prototype.subscribe = function (address, handler) {
    var list = this.handlers[address];
    if (!list) {
      list = this.handlers[address] = [];
      if (this.state === 'open') {
        this.write({ type: 'register', address: address, headers: {} });
      }
    }
    list.push(handler);
  };

  /** Request/reply: resolves with the reply body, rejects on failure, disconnect or timeout. */
  EventBus.prototype.request = function (address, body, timeoutMs) {
    var self = this;
    return new Promise(function (resolve, reject) {
      if (self.state !== 'open') {
        reject(new Error('not connected'));
        return;
      }
      var replyAddress = randomId();
      var timer = window.setTimeout(function () {
        delete self.pending[replyAddress];
        reject(new Error('timeout waiting for a reply from ' + address));
      }, timeoutMs || DEFAULT_TIMEOUT_MS);
      self.pending[replyAddress] = { resolve: resolve, reject: reject, timer: timer };
      self.write({ type: 'send', address: address, body: body, headers: {}, replyAddress: replyAddress });
    });
  };

  EventBus.prototype.write = function (frame) {
    if (this.socket && this.socket.readyState === WebSocket.OPEN) {
      this.socket.send(JSON.stringify(frame));
    }
  };

  EventBus.prototype.receive = function (data) {
    var frame;
    try {
      frame = JSON.parse(typeof data === 'string' ? data : this.decoder.decode(data));
    } catch (e) {
      this.onError('unreadable frame from the event bus');
      return;
    }
    var pending = frame.address && this.pending[frame.address];
    if (pending) {
      delete this.pending[frame.address];
      window.clearTimeout(pending.timer);
      if (frame.type === 'err') {
        pending.reject(new Error(frame.message || frame.failureType || 'request failed'));
      } else {
        pending.resolve(frame.body);
      }
      return;
    }
    if (frame.type === 'err') {
      this.onError(frame.body || frame.message || 'event bus error');
      return;
    }
    if (frame.type === 'rec') {
      (this.handlers[frame.address] || []).forEach(function (handler) { handler(frame.body, frame); });
    }
  };

  EventBus.prototype.failPending = function (reason) {
    var pending = this.pending;
    this.pending = {};
    Object.keys(pending).forEach(function (key) {
      window.clearTimeout(pending[key].timer);
      pending[key].reject(new Error(reason));
    });
  };

  EventBus.prototype.scheduleReconnect = function () {
    var self = this;
    var delay = self.backoffMs;
    self.backoffMs = Math.min(MAX_BACKOFF_MS, self.backoffMs * 2);
    // A little jitter so several open dashboards do not reconnect in lockstep after a restart.
    delay = Math.round(delay * (0.8 + Math.random() * 0.4));
    self.reconnectTimer = window.setTimeout(function () { self.connect(); }, delay);
    self.setState('closed', { retryInMs: delay });
  };

  EventBus.prototype.setState = function (state, detail) {
    this.state = state;
    this.onState(state, detail || {});
  };

  window.Bastion = window.Bastion || {};
  window.Bastion.EventBus = EventBus;
}());
