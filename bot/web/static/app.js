/* Oefengesprek chat widget. Plain JS, no build step, no third parties.
 * Everything that comes from people or the server is put on the page with textContent,
 * never innerHTML. */
(function () {
  "use strict";

  var API = "/api/v1";
  var STORE_KEY = "oefengesprek.gesprek";
  var MAX_LEN = maxLength();
  var RETRY_DELAYS = [1000, 2500]; // automatic retries of a send after a network or 502/503/504 error
  var VIEWS = ["loading", "offline", "login", "pick", "chat", "report"];
  var ERROR_SLOT = { login: "login-error", pick: "pick-error", chat: "chat-error", report: "report-error" };

  var params = new URLSearchParams(location.search);
  var WANTED = params.get("scenario");
  var LOCKED = WANTED && /^(1|true|ja)$/i.test(params.get("vast") || "") ? WANTED : null;
  // level and mode set by the link (an LMS launch: niveau=, modus=); locked with the scenario
  var SET_LEVEL = params.get("niveau");
  var SET_MODE = /^(oefenen|toets)$/.test(params.get("modus") || "") ? params.get("modus") : null;

  var state = {
    csrf: null,
    student: null,
    scenarios: [],
    conversation: null, // the current conversation view from the server
    view: "loading",
    busy: false,
    pending: null,      // {text, key}: the message being sent, kept for a retry with the same key
    endKey: null,       // the Idempotency-Key of the end call, kept until it succeeds
    start: null,        // {body, key}: the start request, kept for a retry with the same key
    assignments: [],    // scenarios the student's teachers set (GET /klassen), shown first
    counterLevel: "ok",
    atEnd: true         // the message list is scrolled to its newest message
  };

  function $(id) { return document.getElementById(id); }

  /* The limit the server enforces, written into the page by the server (meta tag). */
  function maxLength() {
    var meta = document.querySelector('meta[name="oefengesprek-max-message-length"]');
    var n = meta ? parseInt(meta.getAttribute("content"), 10) : NaN;
    return n > 0 ? n : 2000;
  }

  /* Build an element: el("p", {className: "x"}, "text", childNode, ...) */
  function el(tag, props) {
    var node = document.createElement(tag);
    if (props) {
      Object.keys(props).forEach(function (k) {
        if (k === "text") node.textContent = props[k];
        else if (k === "attrs") Object.keys(props.attrs).forEach(function (a) { node.setAttribute(a, props.attrs[a]); });
        else node[k] = props[k];
      });
    }
    for (var i = 2; i < arguments.length; i++) {
      var c = arguments[i];
      if (c === null || c === undefined || c === false) continue;
      node.appendChild(typeof c === "string" ? document.createTextNode(c) : c);
    }
    return node;
  }

  function clear(node) { while (node.firstChild) node.removeChild(node.firstChild); }

  function timeOf(iso) {
    if (!iso) return "";
    try {
      return new Intl.DateTimeFormat("nl-NL", { hour: "2-digit", minute: "2-digit" }).format(new Date(iso));
    } catch (e) { return ""; }
  }

  function say(text) { $("status").textContent = text; }

  function working(text) { $("working").textContent = text || ""; }

  /* Errors appear in the current view, next to what the student was doing (for the chat:
   * right above the composer), in a role="alert" element so screen readers announce them. */
  function errorSlot() {
    if (state.view === "chat" && !$("finished").hidden) return $("finished-error");
    return $(ERROR_SLOT[state.view] || "pick-error");
  }

  function showError(text) {
    var slot = errorSlot();
    Object.keys(ERROR_SLOT).forEach(function (v) { if ($(ERROR_SLOT[v]) !== slot) $(ERROR_SLOT[v]).textContent = ""; });
    if (slot !== $("finished-error")) $("finished-error").textContent = "";
    slot.textContent = text || "";
  }

  function show(view) {
    state.view = view;
    VIEWS.forEach(function (v) { $("view-" + v).hidden = v !== view; });
    $("who").hidden = !state.student || view === "login" || view === "offline" || view === "loading";
    document.body.classList.toggle("chat-open", view === "chat");
    if (view === "chat") fitViewport();
  }

  /* --- the visible viewport: keep the composer above the on-screen keyboard ----------- */

  function fitViewport() {
    var vv = window.visualViewport;
    var root = document.documentElement.style;
    if (!vv) return;
    root.setProperty("--app-height", Math.round(vv.height) + "px");
    root.setProperty("--app-top", Math.round(vv.offsetTop) + "px");
    if (state.view === "chat" && (state.atEnd || document.activeElement === $("message"))) scrollToEnd();
  }

  /* The newest message stays in view when the message area shrinks (keyboard, briefing). */
  function followLog() {
    var log = $("log");
    log.addEventListener("scroll", function () {
      state.atEnd = log.scrollTop + log.clientHeight >= log.scrollHeight - 8;
    }, { passive: true });
    if (window.ResizeObserver) {
      new ResizeObserver(function () { if (state.atEnd && state.view === "chat") scrollToEnd(); }).observe(log);
    }
  }

  /* --- talking to the server ------------------------------------------------------ */

  function newKey() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    var bytes = new Uint8Array(16);
    crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return (b + 256).toString(16).slice(1); }).join("");
  }

  function transient(err) { return err.status === 0 || err.status === 502 || err.status === 503 || err.status === 504; }

  var OFFLINE = "Geen verbinding met de server.";
  var UNAVAILABLE = "De server is tijdelijk niet beschikbaar.";

  function api(method, path, body, idempotencyKey) {
    var headers = { "Accept": "application/json" };
    if (body !== undefined) headers["Content-Type"] = "application/json";
    if (method !== "GET" && state.csrf) headers["X-CSRF-Token"] = state.csrf;
    if (idempotencyKey) headers["Idempotency-Key"] = idempotencyKey;
    return fetch(API + path, {
      method: method,
      headers: headers,
      credentials: "same-origin",
      body: body === undefined ? undefined : JSON.stringify(body)
    }).then(function (res) {
      return res.text().then(function (raw) {
        var data = null;
        try { data = raw ? JSON.parse(raw) : null; } catch (e) { data = null; }
        if (!res.ok) {
          var fallback = res.status >= 500 ? UNAVAILABLE : "Er ging iets mis (" + res.status + ").";
          var err = new Error((data && typeof data.detail === "string" && data.detail) || fallback);
          err.status = res.status;
          err.code = data && data.code;
          err.retryAfter = parseInt(res.headers.get("Retry-After") || "", 10) || 0;
          throw err;
        }
        return data;
      });
    }, function () {
      var err = new Error(OFFLINE);
      err.status = 0;
      throw err;
    });
  }

  /* A write that may be retried: the same Idempotency-Key on every attempt, so the server
   * stores it once. Retries only after errors where the request may not have arrived. */
  function apiWithRetry(path, body, key, attempt) {
    attempt = attempt || 0;
    return api("POST", path, body, key).catch(function (err) {
      if (!transient(err) || attempt >= RETRY_DELAYS.length) throw err;
      var wait = Math.min(Math.max(RETRY_DELAYS[attempt], err.retryAfter * 1000), 5000);
      working("Geen antwoord van de server, opnieuw proberen…");
      say("Geen antwoord van de server, opnieuw proberen…");
      return new Promise(function (resolve) { setTimeout(resolve, wait); }).then(function () {
        return apiWithRetry(path, body, key, attempt + 1);
      });
    });
  }

  /* What to do after an error, in words: the server's message, then when to try again
   * (only for errors where trying again can help), then what is kept. */
  function withAdvice(err, kept) {
    var text = err.message;
    if (transient(err)) {
      text += err.retryAfter > 1 ? " Probeer het over " + err.retryAfter + " seconden opnieuw." : " Probeer het zo opnieuw.";
    }
    return kept ? text + " " + kept : text;
  }

  /* --- start-up, sign in and out -------------------------------------------------- */

  function startUp() {
    show("loading");
    api("GET", "/me").then(function (me) {
      signedIn(me.student, me.csrf_token);
      return loadScenarios().then(loadGroups).then(resume);
    }).catch(function (err) {
      if (err.status === 401 || err.status === 403) {
        showLogin(err.code === "guest_access_disabled" || /school/.test(err.message));
      } else {
        showOffline(err);
      }
    });
  }

  function showOffline(err) {
    $("offline-text").textContent = err.status === 0
      ? "Oefengesprek kan de server nu niet bereiken. Je eerdere gesprekken zijn bewaard."
      : err.message + " Je eerdere gesprekken zijn bewaard.";
    show("offline");
    $("offline-title").focus();
  }

  function showLogin(disabled) {
    state.student = null;
    state.csrf = null;
    show("login");
    $("login-form").hidden = !!disabled;
    $("login-disabled").hidden = !disabled;
    if (!disabled) { $("login-name").value = ""; $("login-name").focus(); }
  }

  function signedIn(student, csrf) {
    state.student = student;
    state.csrf = csrf;
    $("who-name").textContent = student.display_name;
  }

  function onLogin(ev) {
    ev.preventDefault();
    var name = $("login-name").value.trim();
    if (!name) { showError("Vul je naam in."); $("login-name").focus(); return; }
    showError("");
    api("POST", "/guest", { display_name: name }).then(function (res) {
      signedIn(res.student, res.csrf_token);
      return loadScenarios().then(loadGroups).then(showPicker);
    }).catch(function (err) {
      if (err.code === "guest_access_disabled") { showLogin(true); return; }
      showError(withAdvice(err));
    });
  }

  /* Sign out: the server clears the cookie, the widget forgets the conversation, and the
   * next student at this computer starts at the name field. */
  function logout() {
    $("logout").disabled = true;
    api("POST", "/logout", {}).catch(function (err) {
      if (err.status === 404 || err.status === 405) return api("POST", "/auth/logout", {});
      throw err;
    }).then(signedOut, function (err) {
      if (err.status === 401) { signedOut(); return; } // already signed out
      showError("Afmelden is niet gelukt. " + withAdvice(err, "Lukt het niet, sluit dan de browser helemaal af."));
    }).then(function () { $("logout").disabled = false; });
  }

  function signedOut() {
    try { localStorage.removeItem(STORE_KEY); } catch (e) { /* private mode */ }
    state.conversation = null;
    state.pending = null;
    state.endKey = null;
    state.start = null;
    state.assignments = [];
    showGroups([]);
    $("message").value = "";
    updateCounter();
    $("who-name").textContent = "";
    showLogin(false);
    say("Je bent afgemeld.");
  }

  /* --- scenario picker ------------------------------------------------------------ */

  function loadScenarios() {
    return api("GET", "/scenarios").then(function (data) { state.scenarios = data.scenarios || []; });
  }

  function scenarioById(id) {
    for (var i = 0; i < state.scenarios.length; i++) if (state.scenarios[i].id === id) return state.scenarios[i];
    return null;
  }

  function lockedScenario() { return LOCKED ? scenarioById(LOCKED) : null; }

  function werkprocesText(sc) {
    var titles = sc.werkproces_titles || {};
    return (sc.werkprocessen || []).map(function (code) {
      return "Werkproces " + code + (titles[code] ? " – " + titles[code] : "");
    }).join("; ");
  }

  function roleText(sc) { return sc.role === "leverancier" ? "Leveranciersgesprek" : "Klantgesprek"; }

  function defaultDifficulty(sc) { return (sc.summary && sc.summary.default_difficulty) || "gemiddeld"; }

  function assignmentFor(sc) {
    for (var i = 0; i < state.assignments.length; i++) if (state.assignments[i].scenario === sc.id) return state.assignments[i];
    return sc.assigned ? {} : null;
  }

  function isAssigned(sc) { return !!assignmentFor(sc); }

  function assignmentText(a) {
    var text = "Opdracht van je docent";
    if (a.deadline) {
      try {
        text += ", vóór " + new Intl.DateTimeFormat("nl-NL", { day: "numeric", month: "long" }).format(new Date(a.deadline));
      } catch (e) { /* no date */ }
    }
    return text;
  }

  /* The student's klassen and their assignments. Servers without klassen (404) hide the form. */
  function loadGroups() {
    return api("GET", "/klassen").then(function (data) {
      state.assignments = data.assignments || [];
      $("join").hidden = false;
      showGroups(data.groups || []);
    }, function () {
      state.assignments = [];
      $("join").hidden = true;
    });
  }

  function showGroups(groups) {
    var names = groups.map(function (g) { return g.name; });
    $("join-groups").textContent = names.length ? "Je zit in: " + names.join(", ") + "." : "";
    $("join-summary").textContent = names.length ? "Nog een klascode invoeren" : "Klascode van je docent invoeren";
  }

  function onJoin(ev) {
    ev.preventDefault();
    var code = $("join-code").value.trim().toUpperCase();
    $("join-error").textContent = "";
    if (!code) { $("join-error").textContent = "Vul de klascode in die je van je docent hebt gekregen."; $("join-code").focus(); return; }
    $("join-button").disabled = true;
    api("POST", "/klassen", { code: code }).then(function (data) {
      state.assignments = data.assignments || [];
      $("join-code").value = "";
      $("join").open = false;
      showGroups(data.groups || []);
      renderPicker();
      say("Je bent lid van de klas. Opdrachten van je docent staan bovenaan.");
    }).catch(function (err) {
      $("join-error").textContent = withAdvice(err);
    }).then(function () { $("join-button").disabled = false; });
  }

  /* Preselected first, then the ones the teacher assigned, then the rest in server order. */
  function orderedScenarios() {
    var rank = function (sc) { return sc.id === WANTED ? 0 : isAssigned(sc) ? 1 : 2; };
    return state.scenarios.map(function (sc, i) { return { sc: sc, i: i }; })
      .sort(function (a, b) { return rank(a.sc) - rank(b.sc) || a.i - b.i; })
      .map(function (x) { return x.sc; });
  }

  function scenarioCard(sc, i, checked, expanded) {
    var id = "scenario-" + i;
    var persona = sc.persona || {};
    var summary = sc.summary || {};
    var who = [persona.name, (summary.persona && summary.persona.function) || null, persona.company].filter(Boolean).join(", ");
    var input = el("input", { type: "radio", name: "scenario", value: sc.id, id: id, checked: checked });
    input.setAttribute("aria-describedby", id + "-meta");
    var codes = (sc.werkprocessen || []).join(", ");
    var more = el("details", { className: "scenario-more", open: expanded },
      el("summary", null, "Meer over dit gesprek", el("span", { className: "visually-hidden", text: ": " + (sc.title || sc.id) })),
      el("p", { className: "muted", text: werkprocesText(sc) }),
      el("p", { text: "Gesprek met " + (summary.counterpart || (sc.role === "leverancier" ? "leverancier" : "klant")) + ": " + who }),
      el("p", { text: sc.briefing || "" }),
      summary.goal ? el("p", { className: "goal" }, el("strong", { text: "Doel: " }), summary.goal) : null
    );
    // locked to one scenario: nothing to choose, so a heading instead of a radio button
    return el("div", { className: "scenario" },
      expanded ? null : input,
      expanded ? el("h2", { className: "scenario-title", text: sc.title || sc.id })
        : el("label", { htmlFor: id, className: "scenario-title", text: sc.title || sc.id }),
      el("p", { className: "scenario-meta", id: id + "-meta" },
        isAssigned(sc) ? el("span", { className: "tag", text: assignmentText(assignmentFor(sc)) }) : null,
        (codes ? "Werkproces " + codes + " · " : "") + roleText(sc) + " · niveau " +
          ((assignmentFor(sc) || {}).difficulty || defaultDifficulty(sc))),
      more
    );
  }

  function renderPicker() {
    var list = $("scenario-list");
    clear(list);
    var locked = lockedScenario();
    var shown = locked ? [locked] : orderedScenarios();
    var wanted = scenarioById(WANTED);
    shown.forEach(function (sc, i) {
      var checked = locked ? true : wanted ? sc.id === wanted.id : i === 0;
      list.appendChild(scenarioCard(sc, i, checked, !!locked));
    });
    if (!state.scenarios.length) list.appendChild(el("p", { text: "Er zijn nog geen scenario's beschikbaar." }));
    $("pick-title").textContent = locked ? "Je opdracht" : "Kies een oefengesprek";
    $("pick-legend").textContent = "Scenario";
    $("pick-legend").className = locked ? "visually-hidden" : "";
    $("view-pick").classList.toggle("locked", !!locked);
    updateDifficulties();
  }

  function selectedScenario() {
    if (lockedScenario()) return lockedScenario();
    var checked = document.querySelector("input[name=scenario]:checked");
    return checked ? scenarioById(checked.value) : null;
  }

  function updateDifficulties() {
    var sc = selectedScenario();
    var select = $("difficulty");
    var keep = select.value;
    clear(select);
    var levels = (sc && sc.difficulties && sc.difficulties.length) ? sc.difficulties : ["makkelijk", "gemiddeld", "moeilijk"];
    var def = sc ? defaultDifficulty(sc) : "gemiddeld";
    var assignment = sc && assignmentFor(sc);
    if (assignment && assignment.difficulty && levels.indexOf(assignment.difficulty) >= 0) keep = def = assignment.difficulty;
    levels.forEach(function (level) {
      var opt = el("option", { value: level, text: level.charAt(0).toUpperCase() + level.slice(1) });
      if (level === (keep && levels.indexOf(keep) >= 0 ? keep : def)) opt.selected = true;
      select.appendChild(opt);
    });
    // an assignment also sets the mode the teacher chose
    var mode = assignment && assignment.mode && document.querySelector("input[name=mode][value=" + assignment.mode + "]");
    if (mode) { mode.checked = true; updateModeHelp(); }
    if (lockedScenario()) applyLinkSettings(levels);
  }

  /* A locked link may also fix the level and the mode (niveau=, modus=): preset and not changeable. */
  function applyLinkSettings(levels) {
    var select = $("difficulty");
    if (SET_LEVEL && levels.indexOf(SET_LEVEL) >= 0) {
      select.value = SET_LEVEL;
      select.disabled = true;
    }
    if (SET_MODE) {
      document.querySelectorAll("input[name=mode]").forEach(function (r) {
        r.checked = r.value === SET_MODE;
        r.disabled = r.value !== SET_MODE;
      });
      updateModeHelp();
    }
  }

  function updateModeHelp() {
    var toets = document.querySelector("input[name=mode]:checked").value === "toets";
    $("mode-help").textContent = toets ? "Toets: geen tips, beoordeling aan het eind." : "Oefenen: met tips tijdens het gesprek.";
  }

  function showPicker() {
    renderPicker();
    show("pick");
    if (LOCKED && !lockedScenario()) {
      showError("Het oefengesprek uit deze link bestaat niet (meer). Kies hieronder zelf een gesprek, of vraag je docent om de link te controleren.");
    }
    loadHistory();
    loadProgress();
    $("pick-title").focus();
  }

  function loadHistory() {
    var locked = lockedScenario();
    api("GET", "/sessions").then(function (data) {
      var items = (data.sessions || []).filter(function (s) { return !locked || s.scenario === locked.id; }).slice(0, 10);
      var list = $("history-list");
      clear(list);
      items.forEach(function (s) {
        var sc = scenarioById(s.scenario);
        var label = (sc ? sc.title : s.scenario) + " – " + (s.status === "afgerond"
          ? "afgerond" + (s.score !== null && s.score !== undefined ? ", score " + s.score : "")
          : "nog bezig");
        var btn = el("button", { type: "button", className: "link", text: label });
        btn.addEventListener("click", function () { openConversation(s.id); });
        list.appendChild(el("li", null, btn, el("span", { className: "muted", text: " " + new Date(s.created_at).toLocaleDateString("nl-NL") })));
      });
      $("history").hidden = items.length === 0;
    }).catch(function () { $("history").hidden = true; });
  }

  var TREND = { stijgend: "stijgend ↑", dalend: "dalend ↓", stabiel: "stabiel →", onbekend: "nog geen trend" };

  function barRow(name, value, valueText) {
    var bar = el("div", { className: "bar" });
    bar.style.width = Math.max(0, Math.min(100, value)) + "%";
    return el("li", { className: "row" },
      el("span", { className: "name", text: name }),
      el("span", { className: "track", attrs: { "aria-hidden": "true" } }, bar),
      el("span", { className: "value", text: valueText })
    );
  }

  function loadProgress() {
    if (lockedScenario()) { $("progress").hidden = true; return; }
    api("GET", "/me/progress").then(function (data) {
      var p = data.progress || {};
      var comps = p.competencies || {};
      var chart = $("progress-chart");
      clear(chart);
      var names = Object.keys(comps).filter(function (n) { return (comps[n].points || []).length; });
      names.forEach(function (name) {
        var pts = comps[name].points;
        var last = pts[pts.length - 1].score;
        chart.appendChild(barRow(name, last, "laatst " + Math.round(last) + ", " + (TREND[comps[name].trend] || comps[name].trend)));
      });
      var n = (data.attempts || []).length;
      $("progress-summary").textContent = n + (n === 1 ? " afgerond gesprek" : " afgeronde gesprekken") +
        (p.score && p.score.trend ? "; totaalscore " + (TREND[p.score.trend] || p.score.trend) : "") + ".";
      $("progress").hidden = names.length === 0;
    }).catch(function () { $("progress").hidden = true; });
  }

  function onStart(ev) {
    ev.preventDefault();
    var sc = selectedScenario();
    if (!sc) { showError("Kies eerst een scenario."); return; }
    var mode = document.querySelector("input[name=mode]:checked").value;
    showError("");
    $("start-button").disabled = true;
    say("Het gesprek wordt gestart…");
    var body = { scenario: sc.id, difficulty: $("difficulty").value, mode: mode };
    var same = state.start && JSON.stringify(state.start.body) === JSON.stringify(body);
    if (!same) state.start = { body: body, key: newKey() };
    apiWithRetry("/sessions", body, state.start.key).then(function (conv) {
      state.start = null;
      try { localStorage.setItem(STORE_KEY, conv.id); } catch (e) { /* private mode */ }
      openChat(conv);
    }).catch(function (err) {
      if (!transient(err)) state.start = null;
      working("");
      say("");
      showError("Het gesprek is niet gestart. " + withAdvice(err));
    }).then(function () { $("start-button").disabled = false; });
  }

  /* --- the chat ------------------------------------------------------------------- */

  function resume() {
    var id = null;
    try { id = localStorage.getItem(STORE_KEY); } catch (e) { id = null; }
    if (!id) { showPicker(); return; }
    return openConversation(id, true);
  }

  function openConversation(id, resuming) {
    return api("GET", "/sessions/" + encodeURIComponent(id)).then(function (conv) {
      var locked = lockedScenario();
      if (resuming && locked && conv.scenario !== locked.id) { showPicker(); return; }
      try { localStorage.setItem(STORE_KEY, conv.id); } catch (e) { /* private mode */ }
      if (conv.finished) showReport(conv); else openChat(conv);
    }, function (err) {
      if (err.status === 404) {
        try { localStorage.removeItem(STORE_KEY); } catch (e) { /* ignore */ }
        showPicker();
      } else if (state.view === "loading") {
        showOffline(err);
      } else {
        showError(withAdvice(err, "Je gesprek is bewaard."));
      }
    });
  }

  function speakerName(conv, speaker) {
    if (speaker === "student") return (state.student && state.student.display_name) || "Jij";
    var info = conv.scenario_info || {};
    var persona = info.persona || {};
    if (speaker === "coach") return "Coach";
    return persona.name || (speaker === "leverancier" ? "Leverancier" : "Klant");
  }

  function labelText(label) { return String(label).replace(/\./g, ": ").replace(/_/g, " "); }

  function messageItem(conv, m, withHints) {
    var mine = m.speaker === "student";
    var bubble = el("div", { className: "bubble" },
      el("p", { className: "meta" },
        el("span", { className: "speaker", text: speakerName(conv, m.speaker) }),
        " ",
        el("time", { dateTime: m.created_at || "", text: timeOf(m.created_at) })
      ),
      el("p", { className: "text", text: m.text })
    );
    var item = el("li", { className: "msg " + (mine ? "me" : "them"), id: "turn-" + m.turn + "-" + m.seq }, bubble);
    if (mine) item.setAttribute("data-turn", String(m.turn));
    if (mine && withHints) addHint(item, m.analysis, m.hint);
    return item;
  }

  /* The tip sits right under (phone) or beside (desktop) the student's own turn, inside the
   * message list, so it never pushes the conversation out of view. */
  function addHint(item, analysis, hint) {
    var labels = (analysis && analysis.labels) || [];
    var reaction = analysis && analysis.reaction;
    if (!hint && !labels.length && !reaction) return;
    var box = el("div", { className: "hint" });
    if (labels.length) box.appendChild(el("p", { className: "labels", text: "Herkend: " + labels.map(labelText).join(", ") }));
    if (reaction && reaction.reason) box.appendChild(el("p", { className: "verdict-" + reaction.verdict, text: "Jouw reactie: " + reaction.reason }));
    if (hint) box.appendChild(el("p", null, el("strong", { text: "Tip: " }), hint));
    item.appendChild(box);
  }

  function openChat(conv) {
    state.conversation = conv;
    state.pending = null;
    state.endKey = null;
    var info = conv.scenario_info || {};
    var persona = info.persona || {};
    var sc = scenarioById(conv.scenario) || {};
    $("chat-persona").textContent = persona.name || "Gesprekspartner";
    $("chat-company").textContent = persona.company ? "– " + persona.company : "";
    $("chat-scenario").textContent = (info.title || conv.scenario) + (conv.difficulty ? " · niveau " + conv.difficulty : "");
    $("chat-mode").textContent = conv.mode === "toets" ? "Toets: zonder tips" : "Oefenen: met tips";
    $("chat-briefing").textContent = info.briefing || "";
    var goal = sc.summary && sc.summary.goal;
    $("chat-goal").textContent = goal ? "Doel: " + goal : "";
    var log = $("messages");
    clear(log);
    (conv.messages || []).forEach(function (m) { log.appendChild(messageItem(conv, m, conv.mode === "oefenen")); });
    var fresh = !(conv.messages || []).length;
    if (fresh) {
      log.appendChild(el("li", { className: "msg start-note", text: "Jij begint het gesprek: begroet " +
        (persona.name || "je gesprekspartner") + " en stel je voor." }));
    }
    // the briefing is open until the student's first line (also when the customer opened the call)
    $("briefing").open = !(conv.messages || []).some(function (m) { return m.speaker === "student"; });
    $("end-confirm").hidden = true;
    $("composer").hidden = false;
    $("finished").hidden = true;
    working("");
    show("chat");
    showError("");
    scrollToEnd();
    $("message").focus();
  }

  /* A natural end (the customer said goodbye): the last line stays readable, and one clear
   * step leads to the report. */
  function showFinished(text) {
    $("composer").hidden = true;
    $("end-confirm").hidden = true;
    $("finished-text").textContent = text;
    $("finished").hidden = false;
    $("finished-error").textContent = "";
    scrollToEnd();
    $("to-report").focus({ preventScroll: true });
  }

  function scrollToEnd() {
    var log = $("log");
    log.scrollTop = log.scrollHeight;
    state.atEnd = true;
  }

  function setTyping(on) {
    var conv = state.conversation;
    var name = conv ? speakerName(conv, "klant") : "De klant";
    $("typing").textContent = on ? name + " typt…" : "";
    $("typing").hidden = !on;
  }

  /* Characters as the server counts them: line ends normalised, NFC, spaces trimmed, code points. */
  function countChars(text) {
    text = text.replace(/\r\n/g, "\n");
    if (text.normalize) text = text.normalize("NFC");
    return Array.from(text.trim()).length;
  }

  function onSend(ev) {
    if (ev) ev.preventDefault();
    if (state.busy || !state.conversation) return;
    var box = $("message");
    var text = box.value.trim();
    if (!text) { showError("Je bericht is leeg. Typ eerst iets."); box.focus(); return; }
    var n = countChars(text);
    if (n > MAX_LEN) {
      showError("Je bericht is te lang: " + n + " tekens, maximaal " + MAX_LEN + ". Maak het " + (n - MAX_LEN) +
        " tekens korter; er is nog niets verstuurd.");
      box.focus();
      return;
    }
    showError("");
    $("briefing").open = false;
    if (!state.pending || state.pending.text !== text) state.pending = { text: text, key: newKey() };
    var key = state.pending.key;
    state.busy = true;
    $("send").disabled = true;
    setTyping(true);
    var conv = state.conversation;
    apiWithRetry("/sessions/" + encodeURIComponent(conv.id) + "/messages", { text: text }, key).then(function (res) {
      state.pending = null;
      if (box.value.trim() === text) box.value = "";
      updateCounter();
      var log = $("messages");
      var note = log.querySelector(".start-note");
      if (note) log.removeChild(note);
      var mine = messageItem(conv, res.student_message, false);
      if (conv.mode === "oefenen") addHint(mine, res.analysis, res.hint);
      log.appendChild(mine);
      (res.messages || []).forEach(function (m) { log.appendChild(messageItem(conv, m, false)); });
      scrollToEnd();
      if (res.finished) {
        say("Het gesprek is afgelopen.");
        showFinished("Het gesprek is afgelopen.");
      }
    }).catch(function (err) {
      if (!transient(err)) state.pending = null;
      if (err.code === "conversation_finished") {
        showFinished("Dit gesprek was al afgelopen.");
        return;
      }
      showError("Je bericht is niet verstuurd. " + withAdvice(err, transient(err) ? "Je tekst staat nog in het vak." : ""));
    }).then(function () {
      state.busy = false;
      working("");
      $("send").disabled = false;
      setTyping(false);
      if (!$("composer").hidden) box.focus();
    });
  }

  function updateCounter() {
    var n = countChars($("message").value);
    var counter = $("counter");
    var level = n > MAX_LEN ? "over" : n >= MAX_LEN * 0.9 ? "near" : "ok";
    counter.textContent = level === "over"
      ? n + " / " + MAX_LEN + " tekens: " + (n - MAX_LEN) + " te veel"
      : n + " / " + MAX_LEN + " tekens";
    counter.className = "counter " + (level === "ok" ? "muted" : level);
    $("message").setAttribute("aria-invalid", level === "over" ? "true" : "false");
    if (level !== state.counterLevel) {
      // announce only when the state changes, not on every key
      if (level === "over") say("Je bericht is te lang: maximaal " + MAX_LEN + " tekens.");
      else if (level === "near") say("Bijna het maximum van " + MAX_LEN + " tekens.");
      state.counterLevel = level;
    }
  }

  function onEnd() {
    $("end-confirm").hidden = false;
    $("end-yes").focus();
  }

  function confirmEnd() {
    var conv = state.conversation;
    if (!conv || state.busy) return;
    state.busy = true;
    state.endKey = state.endKey || newKey();
    $("end-yes").disabled = true;
    $("send").disabled = true;
    showError("");
    working("Je gesprek wordt beoordeeld…");
    apiWithRetry("/sessions/" + encodeURIComponent(conv.id) + "/end", {}, state.endKey).then(function () {
      state.endKey = null;
      return openConversation(conv.id);
    }, function (err) {
      if (err.code === "conversation_finished") { state.endKey = null; return openConversation(conv.id); }
      if (!transient(err)) state.endKey = null;
      working("");
      showError("Het gesprek is nog niet beëindigd. " + withAdvice(err, "Je gesprek is bewaard."));
    }).then(function () {
      state.busy = false;
      working("");
      $("end-yes").disabled = false;
      $("send").disabled = false;
    });
  }

  function toReport() {
    var conv = state.conversation;
    if (!conv) return;
    $("to-report").disabled = true;
    openConversation(conv.id).then(function () { $("to-report").disabled = false; });
  }

  /* --- the report ----------------------------------------------------------------- */

  function scoreText(v) { return v === null || v === undefined ? "geen score" : Math.round(v) + " van 100"; }

  function feedbackItem(f) {
    var li = el("li", { className: f.kind === "goed" ? "good" : "improve" });
    li.appendChild(el("strong", { text: f.kind === "goed" ? "Goed: " : "Verbeterpunt: " }));
    if (f.turn !== null && f.turn !== undefined) {
      li.appendChild(turnLink(f.turn));
      li.appendChild(document.createTextNode(" "));
    }
    if (f.quote) li.appendChild(el("q", { text: f.quote }));
    li.appendChild(el("span", { text: " " + (f.text || "") }));
    if (f.suggestion) li.appendChild(el("span", { className: "suggestion", text: " Tip: " + f.suggestion }));
    return li;
  }

  /* Feedback grouped per competency, each group collapsible (closed on a phone). */
  function renderFeedback(items) {
    var box = $("feedback");
    clear(box);
    if (!items.length) { box.appendChild(el("p", { text: "Geen feedbackpunten." })); return; }
    var groups = {};
    var order = [];
    items.forEach(function (f) {
      var name = f.competency || "Algemeen";
      if (!groups[name]) { groups[name] = []; order.push(name); }
      groups[name].push(f);
    });
    var wide = window.matchMedia && window.matchMedia("(min-width: 48rem)").matches;
    order.forEach(function (name) {
      var list = groups[name];
      var good = list.filter(function (f) { return f.kind === "goed"; }).length;
      var counts = [];
      if (good) counts.push(good + " goed");
      if (list.length - good) counts.push((list.length - good) + (list.length - good === 1 ? " verbeterpunt" : " verbeterpunten"));
      var ul = el("ul", { className: "feedback" });
      list.forEach(function (f) { ul.appendChild(feedbackItem(f)); });
      box.appendChild(el("details", { className: "fb-group", open: wide },
        el("summary", null, name + " ", el("span", { className: "fb-count", text: "(" + counts.join(", ") + ")" })),
        ul));
    });
  }

  function dateText(iso) {
    try { return new Intl.DateTimeFormat("nl-NL", { day: "numeric", month: "long" }).format(new Date(iso)); } catch (e) { return ""; }
  }

  /* The teacher's review as the student sees it: an adjusted score with its reason, comments. */
  function renderTeacherFeedback(tf, machineScore) {
    var box = $("teacher-box");
    var list = $("teacher-comments");
    clear(list);
    box.hidden = !tf;
    if (!tf) return;
    var adj = tf.adjusted_score;
    var by = function (item) { return [item.teacher, item.at ? dateText(item.at) : ""].filter(Boolean).join(", "); };
    var before = machineScore !== null && machineScore !== undefined ? " van " + Math.round(machineScore) : "";
    $("teacher-score").textContent = adj
      ? "Je docent heeft je totaalscore aangepast" + before + " naar " + Math.round(adj.score) + " van 100." +
        (adj.reason ? " Reden: " + adj.reason : "") + (by(adj) ? " — " + by(adj) : "")
      : "";
    (tf.comments || []).forEach(function (c) {
      var li = el("li");
      if (c.turn !== null && c.turn !== undefined) { li.appendChild(turnLink(c.turn)); li.appendChild(document.createTextNode(": ")); }
      li.appendChild(el("span", { text: c.text || "" }));
      if (by(c)) li.appendChild(el("span", { className: "muted", text: " — " + by(c) }));
      list.appendChild(li);
    });
  }

  function showReport(conv) {
    state.conversation = conv;
    var report = conv.report || {};
    var info = conv.scenario_info || {};
    $("report-scenario").textContent = (info.title || conv.scenario) + " · " + (conv.mode === "toets" ? "toets" : "oefenen");
    var adjusted = conv.teacher_feedback && conv.teacher_feedback.adjusted_score;
    $("report-score").textContent = "Totaalscore: " + (adjusted
      ? scoreText(adjusted.score) + ", aangepast door je docent"
      : scoreText(report.score));

    var chart = $("chart");
    clear(chart);
    var comps = report.competencies || {};
    var scored = Object.keys(comps).filter(function (n) { return comps[n] !== null && comps[n] !== undefined; });
    var unscored = Object.keys(comps).filter(function (n) { return comps[n] === null || comps[n] === undefined; });
    scored.forEach(function (name) { chart.appendChild(barRow(name, comps[name], scoreText(comps[name]))); });
    if (!scored.length) chart.appendChild(el("li", { text: "Geen competentiescores in dit gesprek." }));
    $("unscored").textContent = unscored.length ? "Niet beoordeeld in dit gesprek: " + unscored.join(", ") + "." : "";

    renderFeedback(report.feedback || []);
    renderTeacherFeedback(conv.teacher_feedback, report.score);

    var missed = $("missed");
    clear(missed);
    (report.missed_signals || []).forEach(function (s) {
      var li = el("li");
      if (s.turn !== null && s.turn !== undefined) { li.appendChild(turnLink(s.turn)); li.appendChild(document.createTextNode(" ")); }
      li.appendChild(el("span", { text: (s.name || labelText(s.signal || "")) + (s.quote ? ": " : "") }));
      if (s.quote) li.appendChild(el("q", { text: s.quote }));
      missed.appendChild(li);
    });
    $("missed-box").hidden = !(report.missed_signals || []).length;

    var checks = $("checks");
    clear(checks);
    (report.checks || []).forEach(function (c) {
      var mark = c.passed === true ? "✔ gehaald" : c.passed === false ? "✘ niet gehaald" : "– niet van toepassing";
      var li = el("li", { className: c.passed === true ? "good" : c.passed === false ? "improve" : "" },
        el("span", { className: "mark", text: mark + ": " }), el("span", { text: c.text || c.id }));
      if (c.evidence_turn !== null && c.evidence_turn !== undefined) { li.appendChild(document.createTextNode(" ")); li.appendChild(turnLink(c.evidence_turn)); }
      checks.appendChild(li);
    });

    var tr = $("transcript");
    clear(tr);
    (conv.messages || []).forEach(function (m) {
      var item = messageItem(conv, m, true);
      if (m.speaker === "student" && m.turn > 0) item.id = "beurt-" + m.turn;  // briefing answers (turn 0) are no beurt
      tr.appendChild(item);
    });
    show("report");
    showError("");
    window.scrollTo(0, 0);
    $("report-title").focus();
  }

  /* A link to the student's turn in the transcript below. */
  function turnLink(turn) {
    return el("a", { href: "#beurt-" + turn, text: "beurt " + turn });
  }

  function newConversation() {
    try { localStorage.removeItem(STORE_KEY); } catch (e) { /* ignore */ }
    state.conversation = null;
    showError("");
    showPicker();
  }

  /* A reload while the server is down: the service worker serves this page from its cache,
   * so the widget can say what happened instead of the browser's error page. */
  function registerServiceWorker() {
    if (!("serviceWorker" in navigator)) return;
    try {
      navigator.serviceWorker.register("/sw.js", { scope: "/" }).catch(function () { /* not allowed here */ });
    } catch (e) { /* not allowed here */ }
  }

  /* --- wiring --------------------------------------------------------------------- */

  document.addEventListener("DOMContentLoaded", function () {
    $("login-form").addEventListener("submit", onLogin);
    $("pick-form").addEventListener("submit", onStart);
    $("join-form").addEventListener("submit", onJoin);
    $("scenario-list").addEventListener("change", updateDifficulties);
    $("pick-form").addEventListener("change", function (ev) { if (ev.target.name === "mode") updateModeHelp(); });
    $("composer").addEventListener("submit", onSend);
    $("message").addEventListener("input", updateCounter);
    $("message").addEventListener("focus", function () { setTimeout(fitViewport, 300); });
    $("message").addEventListener("keydown", function (ev) {
      if (ev.key === "Enter" && !ev.shiftKey && !ev.isComposing) { ev.preventDefault(); onSend(); }
    });
    $("briefing-close").addEventListener("click", function () { $("briefing").open = false; $("message").focus(); });
    $("briefing").addEventListener("keydown", function (ev) {
      if (ev.key === "Escape") { $("briefing").open = false; $("briefing").querySelector("summary").focus(); }
    });
    $("end").addEventListener("click", onEnd);
    $("end-yes").addEventListener("click", confirmEnd);
    $("end-no").addEventListener("click", function () { $("end-confirm").hidden = true; $("message").focus(); });
    $("to-report").addEventListener("click", toReport);
    $("again").addEventListener("click", newConversation);
    $("new-conversation").addEventListener("click", newConversation);
    $("logout").addEventListener("click", logout);
    $("offline-retry").addEventListener("click", startUp);
    if (window.visualViewport) {
      window.visualViewport.addEventListener("resize", fitViewport);
      window.visualViewport.addEventListener("scroll", fitViewport);
    }
    updateCounter();
    followLog();
    registerServiceWorker();
    startUp();
  });
})();
