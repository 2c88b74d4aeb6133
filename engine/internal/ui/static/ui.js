// Keeps a page of the streaming UI live: asks the server for the page's
// content again (?partial=1&v=VERSION waits until the data changes) and
// swaps it in, keeping open error details open.
(function () {
  "use strict";
  var content = document.getElementById("content");
  var live = document.getElementById("live");
  if (!content) return;
  var version = content.getAttribute("data-version");
  function sleep(ms) { return new Promise(function (r) { setTimeout(r, ms); }); }
  function setLive(ok, text) {
    if (!live) return;
    live.className = ok ? "live" : "live off";
    live.textContent = text;
  }
  async function loop() {
    for (;;) {
      if (document.hidden) { await sleep(1000); continue; }
      try {
        var u = new URL(window.location.href);
        u.searchParams.set("partial", "1");
        u.searchParams.set("v", version);
        var r = await fetch(u, { cache: "no-store" });
        var html = await r.text();
        var v = r.headers.get("X-UI-Version");
        if (v && v !== version) {
          var open = [];
          content.querySelectorAll("details[open]").forEach(function (d) { if (d.id) open.push(d.id); });
          content.innerHTML = html;
          open.forEach(function (id) { var d = document.getElementById(id); if (d) d.open = true; });
          version = v;
        }
        setLive(true, "live · " + new Date().toLocaleTimeString());
        await sleep(400);
      } catch (e) {
        setLive(false, "disconnected, retrying");
        await sleep(2000);
      }
    }
  }
  loop();
})();
