// The portal's only script: live progress for background jobs (and their result shown where they started),
// and confirm() on dangerous buttons. No inline scripts anywhere, so the Content Security Policy can forbid them.
(function () {
  "use strict";

  // Replace the elements with these ids by their fresh copies from the same page, fetched again: the result
  // of a job (the selection's candidates, the issued notices) appears where it was started, without a reload.
  function refreshParts(ids, box) {
    return fetch(window.location.href, { credentials: "same-origin", headers: { Accept: "text/html" } })
      .then(function (r) { return r.ok ? r.text() : Promise.reject(r.status); })
      .then(function (html) {
        var fresh = new DOMParser().parseFromString(html, "text/html");
        ids.split(/\s+/).forEach(function (id) {
          if (!id) { return; }
          var now = document.getElementById(id);
          var next = fresh.getElementById(id);
          if (now && next) { now.replaceWith(document.importNode(next, true)); }
          else if (now && !next) { now.remove(); }
        });
        var messages = fresh.querySelector(".messages");
        var current = document.querySelector(".messages");
        if (current) { current.remove(); }
        if (messages && box && box.parentNode) { box.parentNode.insertBefore(document.importNode(messages, true), box); }
        document.body.setAttribute("data-refreshed", "1");
      });
  }

  function pollJob(box) {
    var url = box.getAttribute("data-job-url");
    var bar = box.querySelector(".job-progress");
    var percent = box.querySelector(".job-percent");
    var status = box.querySelector(".job-status");
    var message = box.querySelector(".job-message");
    var error = box.querySelector(".job-error");
    var result = box.querySelector(".job-result");
    var done = box.querySelector(".job-done");
    function tick() {
      fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (r) { return r.ok ? r.json() : Promise.reject(r.status); })
        .then(function (job) {
          if (bar) { bar.value = job.progress; bar.textContent = job.progress + "%"; }
          if (percent) { percent.textContent = job.progress; }
          if (status) { status.textContent = job.status_display || job.status; }
          if (message) { message.textContent = job.message || ""; }
          if (error) { error.textContent = job.error || ""; }
          box.setAttribute("data-job-status", job.status);
          if (job.status === "succeeded" || job.status === "failed") {
            if (result && job.result_url) { result.hidden = false; }
            if (done && job.status === "succeeded") { done.hidden = false; }
            var parts = box.getAttribute("data-refresh-on-finish");
            if (parts) {
              refreshParts(parts, box).then(function () {
                box.setAttribute("data-job-finished", "1");
              }, function () { window.location.reload(); });
              return;
            }
            var reload = box.getAttribute("data-reload-on-finish");
            if (reload) { window.location.href = reload; }
            return;
          }
          window.setTimeout(tick, 1000);
        })
        .catch(function () { window.setTimeout(tick, 3000); });
    }
    var initial = box.getAttribute("data-job-status");
    if (initial !== "succeeded" && initial !== "failed") { tick(); }
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-job-url]").forEach(pollJob);
    // Delegated, so buttons that arrive with a refreshed part ask too.
    document.addEventListener("click", function (ev) {
      var el = ev.target.closest ? ev.target.closest("[data-confirm]") : null;
      if (el && !window.confirm(el.getAttribute("data-confirm"))) { ev.preventDefault(); }
    });
    document.querySelectorAll("select[data-autosubmit]").forEach(function (el) {
      el.addEventListener("change", function () { el.form.submit(); });
    });
  });
})();
