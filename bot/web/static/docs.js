/* Renders /openapi.json as a readable list of endpoints, with request schemas. */
(function () {
  "use strict";
  function el(tag, text, cls) { var n = document.createElement(tag); if (text) n.textContent = text; if (cls) n.className = cls; return n; }
  function resolve(spec, schema) {
    if (schema && schema.$ref) {
      var parts = schema.$ref.replace(/^#\//, "").split("/");
      var node = spec; parts.forEach(function (p) { node = node && node[p]; });
      return node || schema;
    }
    return schema;
  }
  fetch("/openapi.json").then(function (r) { return r.json(); }).then(function (spec) {
    document.getElementById("api-intro").textContent = (spec.info.title || "") + " " + (spec.info.version || "") + " – " + (spec.info.description || "");
    var box = document.getElementById("endpoints");
    Object.keys(spec.paths).forEach(function (path) {
      var ops = spec.paths[path];
      Object.keys(ops).forEach(function (method) {
        var op = ops[method];
        var card = el("section", null, "endpoint");
        var h = el("h2");
        h.appendChild(el("span", method.toUpperCase(), "method"));
        h.appendChild(document.createTextNode(" " + path));
        card.appendChild(h);
        if (op.summary) card.appendChild(el("p", op.summary));
        var body = op.requestBody && op.requestBody.content && op.requestBody.content["application/json"];
        if (body) {
          card.appendChild(el("p", "Body (JSON):"));
          card.appendChild(el("pre", JSON.stringify(resolve(spec, body.schema), null, 2)));
        }
        card.appendChild(el("p", "Antwoorden: " + Object.keys(op.responses || {}).join(", "), "muted"));
        box.appendChild(card);
      });
    });
  }).catch(function () {
    document.getElementById("endpoints").textContent = "Het schema kon niet worden geladen.";
  });
})();
