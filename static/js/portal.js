// The portal's only script: live progress for background jobs, and confirm() on dangerous buttons.
// No inline scripts anywhere, so the Content Security Policy can forbid them.
(function () {
  "use strict";

  function pollJob(box) {
    var url = box.getAttribute("data-job-url");
    var bar = box.querySelector(".job-progress");
    var percent = box.querySelector(".job-percent");
    var status = box.querySelector(".job-status");
    var message = box.querySelector(".job-message");
    var error = box.querySelector(".job-error");
    var result = box.querySelector(".job-result");
    function tick() {
      fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (r) { return r.ok ? r.json() : Promise.reject(r.status); })
        .then(function (job) {
          if (bar) { bar.value = job.progress; bar.textContent = job.progress + "%"; }
          if (percent) { percent.textContent = job.progress; }
          if (status) { status.textContent = job.status; }
          if (message) { message.textContent = job.message || ""; }
          if (error) { error.textContent = job.error || ""; }
          box.setAttribute("data-job-status", job.status);
          if (job.status === "succeeded" || job.status === "failed") {
            if (result && job.result_url) { result.hidden = false; }
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
    document.querySelectorAll("[data-confirm]").forEach(function (el) {
      el.addEventListener("click", function (ev) {
        if (!window.confirm(el.getAttribute("data-confirm"))) { ev.preventDefault(); }
      });
    });
    document.querySelectorAll("select[data-autosubmit]").forEach(function (el) {
      el.addEventListener("change", function () { el.form.submit(); });
    });
  });
})();
