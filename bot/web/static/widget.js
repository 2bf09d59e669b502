/* Oefengesprek embed for an LMS page:
 *   <script src="https://oefengesprek.school.nl/widget.js" data-height="700px" data-scenario="2.3-inbound-printer"></script>
 * inserts an iframe with the chat (/embed) right after the script tag, or inside the
 * element named by data-target="#id". data-scenario preselects a scenario; add data-vast="1"
 * to lock the widget to it (no picker: the student goes straight to its briefing).
 * The LMS origin must be listed in the server's OEFENGESPREK_FRAME_ANCESTORS setting. */
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script) return;
  var origin = new URL(script.src, location.href).origin;
  var src = origin + "/embed";
  var scenario = script.getAttribute("data-scenario");
  if (scenario) {
    src += "?scenario=" + encodeURIComponent(scenario);
    if (/^(1|true|ja)$/i.test(script.getAttribute("data-vast") || "")) src += "&vast=1";
  }
  var frame = document.createElement("iframe");
  frame.src = src;
  frame.title = script.getAttribute("data-title") || "Oefengesprek: oefen een klantgesprek";
  frame.setAttribute("loading", "lazy");
  frame.setAttribute("referrerpolicy", "no-referrer");
  frame.style.width = script.getAttribute("data-width") || "100%";
  frame.style.height = script.getAttribute("data-height") || "700px";
  frame.style.maxWidth = "100%";
  frame.style.border = "1px solid #c9ced6";
  frame.style.borderRadius = "8px";
  var target = script.getAttribute("data-target");
  var host = target ? document.querySelector(target) : null;
  if (host) host.appendChild(frame);
  else script.parentNode.insertBefore(frame, script.nextSibling);
})();
