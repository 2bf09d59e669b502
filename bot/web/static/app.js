/* Oefengesprek chat widget. Plain JS, no build step, no third parties.
 * Everything that comes from people or the server is put on the page with textContent,
 * never innerHTML. */
(function () {
  "use strict";

  var API = "/api/v1";
  var STORE_KEY = "oefengesprek.gesprek";
  var MAX_LEN = 2000;

  var state = {
    csrf: null,
    student: null,
    scenarios: [],
    conversation: null, // the current conversation view from the server
    busy: false
  };

  function $(id) { return document.getElementById(id); }

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

  function showError(text) {
    var box = $("error");
    box.textContent = text;
    box.hidden = !text;
  }

  function show(view) {
    ["login", "pick", "chat", "report"].forEach(function (v) { $("view-" + v).hidden = v !== view; });
    $("who").hidden = !state.student || view === "login";
  }

  /* --- talking to the server ------------------------------------------------------ */

  function api(method, path, body) {
    var headers = { "Accept": "application/json" };
    if (body !== undefined) headers["Content-Type"] = "application/json";
    if (method !== "GET" && state.csrf) headers["X-CSRF-Token"] = state.csrf;
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
          var err = new Error((data && data.detail) || "Er ging iets mis (" + res.status + "). Probeer het opnieuw.");
          err.status = res.status;
          err.code = data && data.code;
          throw err;
        }
        return data;
      });
    }, function () {
      var err = new Error("Geen verbinding met de server. Controleer je internet en probeer het opnieuw.");
      err.status = 0;
      throw err;
    });
  }

  /* --- sign in -------------------------------------------------------------------- */

  function startUp() {
    api("GET", "/me").then(function (me) {
      state.student = me.student;
      state.csrf = me.csrf_token;
      $("who-name").textContent = me.student.display_name;
      return loadScenarios().then(resume);
    }, function (err) {
      if (err.status === 401 || err.status === 403) {
        show("login");
        if (err.code === "guest_access_disabled" || /school/.test(err.message)) {
          $("login-form").hidden = true;
          $("login-disabled").hidden = false;
        }
        $("login-name").focus();
      } else {
        showError(err.message);
      }
    });
  }

  function onLogin(ev) {
    ev.preventDefault();
    var name = $("login-name").value.trim();
    if (!name) { showError("Vul je naam in."); $("login-name").focus(); return; }
    showError("");
    api("POST", "/guest", { display_name: name }).then(function (res) {
      state.student = res.student;
      state.csrf = res.csrf_token;
      $("who-name").textContent = res.student.display_name;
      return loadScenarios().then(showPicker);
    }).catch(function (err) {
      if (err.code === "guest_access_disabled") {
        $("login-form").hidden = true;
        $("login-disabled").hidden = false;
      }
      showError(err.message);
    });
  }

  /* --- scenario picker ------------------------------------------------------------ */

  function loadScenarios() {
    return api("GET", "/scenarios").then(function (data) { state.scenarios = data.scenarios || []; });
  }

  function scenarioById(id) {
    for (var i = 0; i < state.scenarios.length; i++) if (state.scenarios[i].id === id) return state.scenarios[i];
    return null;
  }

  function werkprocesText(sc) {
    var titles = sc.werkproces_titles || {};
    return (sc.werkprocessen || []).map(function (code) {
      return "Werkproces " + code + (titles[code] ? " – " + titles[code] : "");
    }).join("; ");
  }

  function renderPicker() {
    var list = $("scenario-list");
    clear(list);
    var wanted = new URLSearchParams(location.search).get("scenario");
    state.scenarios.forEach(function (sc, i) {
      var id = "scenario-" + i;
      var persona = sc.persona || {};
      var summary = sc.summary || {};
      var who = [persona.name, (summary.persona && summary.persona.function) || null, persona.company].filter(Boolean).join(", ");
      var input = el("input", { type: "radio", name: "scenario", value: sc.id, id: id });
      input.setAttribute("aria-describedby", id + "-desc");
      if ((wanted && wanted === sc.id) || (!wanted && i === 0)) input.checked = true;
      var card = el("div", { className: "scenario" },
        input,
        el("label", { htmlFor: id, className: "scenario-title", text: sc.title || sc.id }),
        el("div", { id: id + "-desc", className: "scenario-desc" },
          el("p", { className: "muted", text: werkprocesText(sc) }),
          el("p", { text: (sc.role === "leverancier" ? "Gesprek met leverancier: " : "Gesprek met klant: ") + who }),
          el("div", { className: "scenario-brief" },
            el("p", { text: sc.briefing || "" }),
            summary.goal ? el("p", { className: "goal" }, el("strong", { text: "Doel: " }), summary.goal) : null
          )
        )
      );
      list.appendChild(card);
    });
    if (!state.scenarios.length) list.appendChild(el("p", { text: "Er zijn nog geen scenario's beschikbaar." }));
    updateDifficulties();
  }

  function selectedScenario() {
    var checked = document.querySelector("input[name=scenario]:checked");
    return checked ? scenarioById(checked.value) : null;
  }

  function updateDifficulties() {
    var sc = selectedScenario();
    var select = $("difficulty");
    var keep = select.value;
    clear(select);
    var levels = (sc && sc.difficulties && sc.difficulties.length) ? sc.difficulties : ["makkelijk", "gemiddeld", "moeilijk"];
    var def = (sc && sc.summary && sc.summary.default_difficulty) || "gemiddeld";
    levels.forEach(function (level) {
      var opt = el("option", { value: level, text: level.charAt(0).toUpperCase() + level.slice(1) });
      if (level === (keep && levels.indexOf(keep) >= 0 ? keep : def)) opt.selected = true;
      select.appendChild(opt);
    });
  }

  function showPicker() {
    renderPicker();
    show("pick");
    loadHistory();
    loadProgress();
    $("pick-title").focus && $("pick-title").setAttribute("tabindex", "-1");
    $("pick-title").focus();
  }

  function loadHistory() {
    api("GET", "/sessions").then(function (data) {
      var items = (data.sessions || []).slice(0, 10);
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

  function loadProgress() {
    api("GET", "/me/progress").then(function (data) {
      var p = data.progress || {};
      var comps = p.competencies || {};
      var chart = $("progress-chart");
      clear(chart);
      var names = Object.keys(comps).filter(function (n) { return (comps[n].points || []).length; });
      names.forEach(function (name) {
        var pts = comps[name].points;
        var last = pts[pts.length - 1].score;
        var bar = el("div", { className: "bar" });
        bar.style.width = Math.max(0, Math.min(100, last)) + "%";
        chart.appendChild(el("div", { className: "row", attrs: { role: "listitem" } },
          el("span", { className: "name", text: name }),
          el("span", { className: "track", attrs: { "aria-hidden": "true" } }, bar),
          el("span", { className: "value", text: "laatst " + Math.round(last) + ", " + (TREND[comps[name].trend] || comps[name].trend) })
        ));
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
    api("POST", "/sessions", { scenario: sc.id, difficulty: $("difficulty").value, mode: mode }).then(function (conv) {
      localStorage.setItem(STORE_KEY, conv.id);
      openChat(conv);
    }).catch(function (err) { showError(err.message); }).then(function () { $("start-button").disabled = false; });
  }

  /* --- the chat ------------------------------------------------------------------- */

  function resume() {
    var id = null;
    try { id = localStorage.getItem(STORE_KEY); } catch (e) { id = null; }
    if (!id) { showPicker(); return; }
    openConversation(id);
  }

  function openConversation(id) {
    return api("GET", "/sessions/" + encodeURIComponent(id)).then(function (conv) {
      try { localStorage.setItem(STORE_KEY, conv.id); } catch (e) { /* private mode */ }
      if (conv.finished) showReport(conv); else openChat(conv);
    }, function (err) {
      if (err.status === 404) { try { localStorage.removeItem(STORE_KEY); } catch (e) { /* ignore */ } showPicker(); }
      else showError(err.message);
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

  function addHint(item, analysis, hint) {
    var labels = (analysis && analysis.labels) || [];
    var reaction = analysis && analysis.reaction;
    if (!hint && !labels.length && !reaction) return;
    var aside = el("aside", { className: "hint", attrs: { "aria-label": "Tip bij deze beurt" } });
    if (labels.length) aside.appendChild(el("p", { className: "labels", text: "Herkend: " + labels.map(labelText).join(", ") }));
    if (reaction && reaction.reason) aside.appendChild(el("p", { className: "verdict-" + reaction.verdict, text: "Jouw reactie: " + reaction.reason }));
    if (hint) aside.appendChild(el("p", null, el("strong", { text: "Tip: " }), hint));
    item.appendChild(aside);
  }

  function openChat(conv) {
    state.conversation = conv;
    var info = conv.scenario_info || {};
    var persona = info.persona || {};
    $("chat-persona").textContent = persona.name || "Gesprekspartner";
    $("chat-company").textContent = persona.company ? "– " + persona.company : "";
    $("chat-scenario").textContent = (info.title || conv.scenario) + (conv.difficulty ? " · " + conv.difficulty : "");
    $("chat-mode").textContent = conv.mode === "toets" ? "Toets: geen tips tijdens het gesprek" : "Oefenen: met tips";
    $("chat-briefing").textContent = info.briefing || "";
    var log = $("log");
    clear(log);
    (conv.messages || []).forEach(function (m) { log.appendChild(messageItem(conv, m, conv.mode === "oefenen")); });
    if (!(conv.messages || []).length) {
      log.appendChild(el("li", { className: "msg start-note", text: "Jij begint het gesprek: begroet " +
        (persona.name || "je gesprekspartner") + " en stel je voor." }));
    }
    $("end-confirm").hidden = true;
    show("chat");
    scrollToEnd();
    $("message").focus();
  }

  function scrollToEnd() {
    var log = $("log");
    log.scrollTop = log.scrollHeight;
  }

  function setTyping(on) {
    var conv = state.conversation;
    var name = conv ? speakerName(conv, "klant") : "De klant";
    $("typing").textContent = on ? name + " typt…" : "";
    $("typing").hidden = !on;
  }

  function onSend(ev) {
    if (ev) ev.preventDefault();
    if (state.busy || !state.conversation) return;
    var box = $("message");
    var text = box.value.trim();
    if (!text) { showError("Je bericht is leeg. Typ eerst iets."); box.focus(); return; }
    if (text.length > MAX_LEN) { showError("Je bericht is te lang (maximaal " + MAX_LEN + " tekens)."); return; }
    showError("");
    state.busy = true;
    $("send").disabled = true;
    setTyping(true);
    var conv = state.conversation;
    api("POST", "/sessions/" + encodeURIComponent(conv.id) + "/messages", { text: text }).then(function (res) {
      box.value = "";
      updateCounter();
      var log = $("log");
      var note = log.querySelector(".start-note");
      if (note) log.removeChild(note);
      var mine = messageItem(conv, res.student_message, false);
      if (conv.mode === "oefenen") addHint(mine, res.analysis, res.hint);
      log.appendChild(mine);
      (res.messages || []).forEach(function (m) { log.appendChild(messageItem(conv, m, false)); });
      scrollToEnd();
      if (res.finished) {
        say("Het gesprek is afgelopen.");
        return openConversation(conv.id);
      }
    }).catch(function (err) {
      showError(err.message);
      if (err.code === "conversation_finished") openConversation(conv.id);
    }).then(function () {
      state.busy = false;
      $("send").disabled = false;
      setTyping(false);
      box.focus();
    });
  }

  function updateCounter() {
    var n = $("message").value.length;
    $("counter").textContent = n + " / " + MAX_LEN;
    $("counter").className = n > MAX_LEN ? "over" : "muted";
  }

  function onEnd() {
    $("end-confirm").hidden = false;
    $("end-yes").focus();
  }

  function confirmEnd() {
    var conv = state.conversation;
    if (!conv) return;
    $("end-yes").disabled = true;
    say("Het gesprek wordt beoordeeld…");
    api("POST", "/sessions/" + encodeURIComponent(conv.id) + "/end").then(function () {
      return openConversation(conv.id);
    }).catch(function (err) { showError(err.message); }).then(function () { $("end-yes").disabled = false; });
  }

  /* --- the report ----------------------------------------------------------------- */

  function scoreText(v) { return v === null || v === undefined ? "geen score" : Math.round(v) + " van 100"; }

  function showReport(conv) {
    state.conversation = conv;
    var report = conv.report || {};
    var info = conv.scenario_info || {};
    $("report-scenario").textContent = (info.title || conv.scenario) + " · " + (conv.mode === "toets" ? "toets" : "oefenen");
    $("report-score").textContent = "Totaalscore: " + scoreText(report.score);

    var chart = $("chart");
    clear(chart);
    var comps = report.competencies || {};
    var scored = Object.keys(comps).filter(function (n) { return comps[n] !== null && comps[n] !== undefined; });
    var unscored = Object.keys(comps).filter(function (n) { return comps[n] === null || comps[n] === undefined; });
    scored.forEach(function (name) {
      var v = comps[name];
      var bar = el("div", { className: "bar" });
      bar.style.width = Math.max(0, Math.min(100, v)) + "%";
      chart.appendChild(el("div", { className: "row", attrs: { role: "listitem" } },
        el("span", { className: "name", text: name }),
        el("span", { className: "track", attrs: { "aria-hidden": "true" } }, bar),
        el("span", { className: "value", text: scoreText(v) })
      ));
    });
    if (!scored.length) chart.appendChild(el("p", { text: "Geen competentiescores in dit gesprek." }));
    $("unscored").textContent = unscored.length ? "Niet beoordeeld in dit gesprek: " + unscored.join(", ") + "." : "";

    var fb = $("feedback");
    clear(fb);
    (report.feedback || []).forEach(function (f) {
      var li = el("li", { className: f.kind === "goed" ? "good" : "improve" });
      li.appendChild(el("strong", { text: f.kind === "goed" ? "Goed: " : "Verbeterpunt: " }));
      if (f.turn !== null && f.turn !== undefined) {
        li.appendChild(turnLink(f.turn));
        li.appendChild(document.createTextNode(" "));
      }
      if (f.quote) li.appendChild(el("q", { text: f.quote }));
      li.appendChild(el("span", { text: " " + (f.text || "") }));
      if (f.suggestion) li.appendChild(el("span", { className: "suggestion", text: " Tip: " + f.suggestion }));
      if (f.competency) li.appendChild(el("span", { className: "muted", text: " (" + f.competency + ")" }));
      fb.appendChild(li);
    });
    if (!(report.feedback || []).length) fb.appendChild(el("li", { text: "Geen feedbackpunten." }));

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
      if (m.speaker === "student") item.id = "beurt-" + m.turn;
      tr.appendChild(item);
    });
    show("report");
    $("report-title").focus();
  }

  function turnLink(turn) {
    var a = el("a", { href: "#beurt-" + turn, text: "beurt " + turn });
    return a;
  }

  function newConversation() {
    try { localStorage.removeItem(STORE_KEY); } catch (e) { /* ignore */ }
    state.conversation = null;
    showError("");
    showPicker();
  }

  /* --- wiring --------------------------------------------------------------------- */

  document.addEventListener("DOMContentLoaded", function () {
    $("login-form").addEventListener("submit", onLogin);
    $("pick-form").addEventListener("submit", onStart);
    $("scenario-list").addEventListener("change", updateDifficulties);
    $("composer").addEventListener("submit", onSend);
    $("message").addEventListener("input", updateCounter);
    $("message").addEventListener("keydown", function (ev) {
      if (ev.key === "Enter" && !ev.shiftKey && !ev.isComposing) { ev.preventDefault(); onSend(); }
    });
    $("end").addEventListener("click", onEnd);
    $("end-yes").addEventListener("click", confirmEnd);
    $("end-no").addEventListener("click", function () { $("end-confirm").hidden = true; $("message").focus(); });
    $("again").addEventListener("click", newConversation);
    $("new-conversation").addEventListener("click", newConversation);
    startUp();
  });
})();
