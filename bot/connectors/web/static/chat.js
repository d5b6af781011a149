/* Concierge website chat: talks to the `web` socket.io channel of `rasa run`.
 *
 * Everything shown is built with DOM nodes and textContent (never innerHTML), so a message or a
 * catalog title is always text. Image URLs are used only when they are http(s).
 * The server issues the session: its id and a signed token (session_token event) live in
 * localStorage; after a reload the page sends the token back and the server sends the conversation
 * so far. A page never picks a session id itself.
 */
(function () {
  "use strict";

  var STORAGE_KEY = "concierge.web.session";
  var TOKEN_KEY = "concierge.web.token";
  var app = document.getElementById("app");
  var log = document.getElementById("log");
  var form = document.getElementById("composer");
  var input = document.getElementById("input");
  var statusEl = document.getElementById("status");
  var typing = document.getElementById("typing");
  var userEvent = app.getAttribute("data-user-event") || "user_uttered";
  var botEvent = app.getAttribute("data-bot-event") || "bot_uttered";
  var socketPath = app.getAttribute("data-socket-path") || "/socket.io";

  var storage = (function () {
    var memory = {};
    try {
      var probe = "__concierge_probe__";
      window.localStorage.setItem(probe, "1");
      window.localStorage.removeItem(probe);
      return {
        get: function (k) { return window.localStorage.getItem(k); },
        set: function (k, v) { window.localStorage.setItem(k, v); },
        remove: function (k) { window.localStorage.removeItem(k); }
      };
    } catch (e) {
      return {
        get: function (k) { return memory[k] || null; },
        set: function (k, v) { memory[k] = v; },
        remove: function (k) { delete memory[k]; }
      };
    }
  })();

  var sessionId = storage.get(STORAGE_KEY);
  var sessionToken = storage.get(TOKEN_KEY);
  var confirmed = false;
  var pending = [];
  var typingTimer = null;

  // ---------------------------------------------------------------- DOM helpers
  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text !== undefined && text !== null && text !== "") { node.textContent = String(text); }
    return node;
  }

  function safeUrl(value) {
    if (typeof value !== "string" || !value) { return null; }
    try {
      var url = new URL(value, window.location.href);
      return (url.protocol === "http:" || url.protocol === "https:") ? url.href : null;
    } catch (e) {
      return null;
    }
  }

  function ordinal(n) {
    var mod100 = n % 100;
    if (mod100 >= 10 && mod100 <= 20) { return n + "th"; }
    return n + ({ 1: "st", 2: "nd", 3: "rd" }[n % 10] || "th");
  }

  function money(price, currency) {
    var value = Number(price);
    if (price === null || price === undefined || isNaN(value)) { return ""; }
    try {
      return new Intl.NumberFormat("en-US", { style: "currency", currency: currency || "USD" }).format(value);
    } catch (e) {
      return value.toFixed(2) + " " + (currency || "");
    }
  }

  function scrollDown() {
    window.scrollTo(0, document.documentElement.scrollHeight);
  }

  function setStatus(state, text) {
    app.setAttribute("data-state", state);
    statusEl.textContent = text;
  }

  function showTyping(on) {
    typing.hidden = !on;
    if (typingTimer) { clearTimeout(typingTimer); typingTimer = null; }
    if (on) { typingTimer = setTimeout(function () { typing.hidden = true; }, 30000); }
  }

  function hideHint() {
    var hint = document.getElementById("hint");
    if (hint) { hint.remove(); }
  }

  // ---------------------------------------------------------------- sending
  function send(text, display) {
    text = String(text || "").trim();
    if (!text) { return; }
    renderUser(display || text);
    var data = { message: text, session_id: sessionId };
    if (display && display !== text) { data.metadata = { display: display }; }
    if (confirmed) {
      socket.emit(userEvent, data);
    } else {
      pending.push(data);
    }
    showTyping(true);
    scrollDown();
  }

  function button(title, payload, className) {
    var b = el("button", className || "btn", title);
    b.type = "button";
    b.setAttribute("data-payload", payload);
    b.addEventListener("click", function () {
      if (b.disabled) { return; }
      send(payload, title);
    });
    return b;
  }

  // ---------------------------------------------------------------- rendering
  function renderUser(text) {
    hideHint();
    var row = el("div", "msg msg--user");
    row.appendChild(el("div", "bubble", text));
    log.appendChild(row);
    return row;
  }

  function chips(values, limit) {
    var list = el("ul", "chips");
    (values || []).slice(0, limit || 100).forEach(function (v) { list.appendChild(el("li", "chip", v)); });
    return list;
  }

  function image(item, className) {
    var src = safeUrl(item.image_url);
    if (!src) { return null; }
    var img = el("img", className || "card__img");
    img.src = src;
    img.alt = String(item.title || "");
    img.loading = "lazy";
    img.referrerPolicy = "no-referrer";
    img.addEventListener("error", function () { img.remove(); });
    return img;
  }

  function itemCard(item, position) {
    var card = el("article", "card");
    card.setAttribute("data-item-id", String(item.id || ""));
    card.setAttribute("data-position", String(position));
    var img = image(item);
    if (img) {
      card.appendChild(img);
      card.classList.add("card--pictured");
      img.addEventListener("error", function () { card.classList.remove("card--pictured"); });
    }
    var body = el("div", "card__body");
    body.appendChild(el("span", "card__pos", "#" + position));
    body.appendChild(el("h3", "card__title", item.title));
    body.appendChild(el("span", "card__price", money(item.price, item.currency)));
    if (item.brand) { body.appendChild(el("span", "card__brand", item.brand)); }
    if (item.features && item.features.length) { body.appendChild(chips(item.features, 4)); }
    if (item.reason) { body.appendChild(el("p", "card__reason", item.reason)); }
    if (item.variants && item.variants.length) {
      body.appendChild(el("span", "card__note", "Also in " + item.variants.length + " other version" +
        (item.variants.length > 1 ? "s" : "")));
    }
    card.appendChild(body);
    var actions = el("div", "card__actions");
    var nth = ordinal(position);
    actions.appendChild(button("More like this", "more like the " + nth + " one", "btn item-action"));
    actions.appendChild(button("Not this", "not the " + nth + " one", "btn btn--quiet item-action"));
    actions.appendChild(button("Details", "tell me about the " + nth + " one", "btn btn--quiet item-action"));
    card.appendChild(actions);
    return card;
  }

  function cardList(items) {
    // an earlier list's positions no longer name the same items: retire its buttons
    Array.prototype.forEach.call(log.querySelectorAll(".cards .item-action"), function (b) { b.disabled = true; });
    var grid = el("div", "cards");
    grid.setAttribute("data-count", String(items.length));
    items.forEach(function (item, i) { grid.appendChild(itemCard(item || {}, i + 1)); });
    return grid;
  }

  function detailCard(item) {
    var card = el("article", "card card--detail");
    card.setAttribute("data-item-id", String(item.id || ""));
    var img = image(item);
    if (img) { card.appendChild(img); }
    var body = el("div", "card__body");
    body.appendChild(el("h3", "card__title", item.title));
    body.appendChild(el("span", "card__price", money(item.price, item.currency)));
    if (item.brand) { body.appendChild(el("span", "card__brand", "by " + item.brand)); }
    if (item.features && item.features.length) { body.appendChild(chips(item.features)); }
    if (item.description) { body.appendChild(el("p", "card__desc", item.description)); }
    if (item.in_stock !== undefined) { body.appendChild(el("span", "card__note", item.in_stock ? "In stock" : "Out of stock")); }
    if (item.variants && item.variants.length) {
      var list = el("ul", "chips");
      item.variants.slice(0, 8).forEach(function (v) {
        list.appendChild(el("li", "chip", String(v.title || "") + (v.price !== undefined ? " · " + money(v.price, item.currency) : "")));
      });
      body.appendChild(el("span", "card__note", "Other versions:"));
      body.appendChild(list);
    }
    card.appendChild(body);
    return card;
  }

  function cellValue(value) {
    if (value === true) { return el("span", "yes", "✓ yes"); }
    if (value === false) { return el("span", "no", "— no"); }
    return document.createTextNode(value === null || value === undefined ? "–" : String(value));
  }

  function comparison(payload) {
    var wrap = document.createDocumentFragment();
    var items = payload.items || [];
    var tableWrap = el("div", "table-wrap");
    var table = el("table", "compare");
    var head = el("thead");
    var headRow = el("tr");
    headRow.appendChild(el("th", "", ""));
    items.forEach(function (item, i) {
      var pos = item.position || i + 1;
      headRow.appendChild(el("th", "", "#" + pos + " " + String(item.title || "")));
    });
    head.appendChild(headRow);
    table.appendChild(head);
    var body = el("tbody");
    (payload.rows || []).forEach(function (row) {
      var tr = el("tr");
      tr.appendChild(el("th", "", row.label));
      (row.values || []).forEach(function (v) {
        var td = el("td");
        td.appendChild(cellValue(v));
        tr.appendChild(td);
      });
      body.appendChild(tr);
    });
    table.appendChild(body);
    tableWrap.appendChild(table);
    wrap.appendChild(tableWrap);
    if (payload.summary) { wrap.appendChild(el("p", "summary", payload.summary)); }
    return wrap;
  }

  function answerValue(answer) {
    if (!answer || answer.value === null || answer.value === undefined) { return "not stated in the catalog"; }
    if (answer.value === true) { return "yes"; }
    if (answer.value === false) { return "no"; }
    if (typeof answer.value === "object") { return JSON.stringify(answer.value); }
    return String(answer.value);
  }

  function itemAnswers(payload) {
    var list = el("ul", "answers");
    var answers = payload.answers || [];
    (payload.items || []).forEach(function (item, i) {
      var answer = answers.filter(function (a) { return a && a.id === item.id; })[0] || answers[i] || null;
      var li = el("li", "answer");
      li.setAttribute("data-item-id", String(item.id || ""));
      li.appendChild(el("div", "answer__title", String(item.title || "") + " · " + money(item.price, item.currency)));
      var field = answer && answer.field && answer.field !== "unknown" ? String(answer.field) + ": " : "";
      li.appendChild(el("div", "", field + answerValue(answer)));
      list.appendChild(li);
    });
    return list;
  }

  function custom(payload) {
    if (!payload || typeof payload !== "object") { return null; }
    switch (payload.type) {
      case "recommendations":
        return (payload.items && payload.items.length) ? cardList(payload.items) : null;
      case "no_results":
        return (payload.nearest && payload.nearest.length) ? cardList(payload.nearest) : null;
      case "item_details":
        return payload.item ? detailCard(payload.item) : null;
      case "comparison":
        return comparison(payload);
      case "item_answer":
        return itemAnswers(payload);
      default:
        return null;  // explanation, question, handoff, privacy...: the text and buttons say it
    }
  }

  function renderBot(message) {
    hideHint();
    if (!message || typeof message !== "object") { return; }
    // quick replies belong to the latest message only
    Array.prototype.forEach.call(log.querySelectorAll(".quick .btn"), function (b) { b.disabled = true; });
    var row = el("div", "msg msg--bot");
    if (message.custom && message.custom.type) { row.setAttribute("data-type", String(message.custom.type)); }
    if (message.text) { row.appendChild(el("div", "bubble", message.text)); }
    var extra = custom(message.custom);
    if (extra) { row.appendChild(extra); }
    var img = message.image ? image({ image_url: message.image, title: "" }, "card__img") : null;
    if (img) { row.appendChild(img); }
    if (message.buttons && message.buttons.length) {
      var quick = el("div", "quick");
      message.buttons.forEach(function (b) {
        if (b && b.title && b.payload) { quick.appendChild(button(b.title, b.payload)); }
      });
      row.appendChild(quick);
    }
    if (row.childNodes.length) { log.appendChild(row); }
  }

  function clearLog() {
    while (log.firstChild) { log.removeChild(log.firstChild); }
  }

  // ---------------------------------------------------------------- socket
  var socket = window.io({ path: socketPath, transports: ["websocket", "polling"] });

  socket.on("connect", function () {
    setStatus("online", "online");
    confirmed = false;
    socket.emit("session_request", { session_token: sessionToken });
  });
  socket.on("disconnect", function () { setStatus("offline", "reconnecting…"); confirmed = false; });
  socket.on("connect_error", function () { setStatus("offline", "can't reach the assistant, retrying…"); });

  socket.on("session_token", function (data) {
    if (!data || typeof data.token !== "string") { return; }
    sessionToken = data.token;
    storage.set(TOKEN_KEY, data.token);
  });

  socket.on("session_confirm", function (id) {
    if (typeof id !== "string") { return; }
    sessionId = id;
    storage.set(STORAGE_KEY, id);
    app.setAttribute("data-session", id);
  });

  socket.on("session_history", function (data) {
    if (!data || data.session_id !== sessionId) { return; }
    var messages = data.messages || [];
    if (messages.length) {
      clearLog();
      messages.forEach(function (m) {
        if (m.sender === "user") { renderUser(m.text); } else { renderBot(m); }
      });
    }
    confirmed = true;
    app.setAttribute("data-ready", "true");
    while (pending.length) {
      var data2 = pending.shift();
      data2.session_id = sessionId;
      socket.emit(userEvent, data2);
    }
    scrollDown();
  });

  socket.on(botEvent, function (message) {
    showTyping(false);
    renderBot(message);
    scrollDown();
  });

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var text = input.value;
    input.value = "";
    send(text);
    input.focus();
  });

  document.getElementById("new-chat").addEventListener("click", function () {
    storage.remove(STORAGE_KEY);
    storage.remove(TOKEN_KEY);
    sessionId = null;
    sessionToken = null;
    confirmed = false;
    clearLog();
    var hint = el("p", "hint", "New conversation. What are you looking for?");
    hint.id = "hint";
    log.appendChild(hint);
    app.removeAttribute("data-ready");
    socket.emit("session_request", { session_token: null });
  });
})();
