/* The portal's form widgets, without inline script (CSP script-src 'self').
 * - Region pickers: <select data-region-picker> become searchable Tom Select boxes (served from the installed
 *   django-tomselect package; loaded only on pages that have a picker). Typing "板橋" finds 新北市板橋區.
 * - 民國 date boxes: <input data-roc-date> show what is typed in both calendars as it is typed. */
(function () {
  "use strict";
  var script = document.currentScript;

  function stylesheet(href) {
    var css = document.createElement("link");
    css.rel = "stylesheet";
    css.href = href;
    document.head.appendChild(css);
  }

  function loadTomSelect(done) {
    if (window.TomSelect) { done(); return; }
    stylesheet(script.dataset.tomselectCss);
    stylesheet(script.dataset.widgetsCss);
    var js = document.createElement("script");
    js.src = script.dataset.tomselectJs;
    js.onload = done;
    document.head.appendChild(js);
  }

  // The bundle names each chip's remove button "Remove <region>" for screen readers, in English whatever the
  // page's language: rename them in the reader's words as chips appear.
  function localiseRemoveButtons(picker, word) {
    if (!word) { return; }
    function rename() {
      picker.wrapper.querySelectorAll(".item .remove").forEach(function (button) {
        var item = button.closest(".item");
        var label = item ? item.firstChild && item.firstChild.textContent : "";
        var wanted = (word + " " + (label || "")).trim();
        if (button.getAttribute("aria-label") !== wanted) { button.setAttribute("aria-label", wanted); }
      });
    }
    rename();
    new MutationObserver(rename).observe(picker.wrapper, {childList: true, subtree: true});
  }

  function regionPickers() {
    var selects = document.querySelectorAll("select[data-region-picker]");
    if (!selects.length) { return; }
    loadTomSelect(function () {
      selects.forEach(function (select) {
        if (select.tomselect) { return; }
        var multiple = select.multiple;
        var empty = select.querySelector('option[value=""]');
        var settings = {
          maxOptions: null,
          allowEmptyOption: false,  // the empty choice ("---", all regions) is the placeholder, cleared by ×
          placeholder: empty ? empty.textContent : "",
          searchField: ["text"],
          sortField: [{field: "$order"}],  // the official order of the <option>s, not alphabetical
          plugins: multiple
            ? {remove_button: {title: select.dataset.removeTitle || "×"}}
            : {clear_button: {title: select.dataset.clearTitle || "×"}},
          render: {
            no_results: function () {
              var div = document.createElement("div");
              div.className = "no-results";
              div.textContent = select.dataset.noResults || "—";
              return div;
            }
          }
        };
        var picker = new window.TomSelect(select, settings);
        if (multiple) { localiseRemoveButtons(picker, select.dataset.removeTitle); }
      });
    });
  }

  var ROC = /^\s*(?:民國)?\s*(\d{1,3})\s*[年\/.\-]\s*(\d{1,2})\s*[月\/.\-]\s*(\d{1,2})\s*日?\s*$/;
  var GREG = /^\s*(\d{4})\s*[年\/.\-]\s*(\d{1,2})\s*[月\/.\-]\s*(\d{1,2})\s*日?\s*$/;
  var COMPACT = /^\s*(\d{6,8})\s*$/;

  function parseDate(text) {
    var m, y, mo, d;
    if ((m = GREG.exec(text))) { y = +m[1]; mo = +m[2]; d = +m[3]; }
    else if ((m = ROC.exec(text))) { y = +m[1] + 1911; mo = +m[2]; d = +m[3]; }
    else if ((m = COMPACT.exec(text))) {
      var s = m[1];
      y = +s.slice(0, -4); mo = +s.slice(-4, -2); d = +s.slice(-2);
      if (s.length < 8) { y += 1911; }
    } else { return null; }
    var date = new Date(Date.UTC(y, mo - 1, d));
    if (date.getUTCFullYear() !== y || date.getUTCMonth() !== mo - 1 || date.getUTCDate() !== d) { return null; }
    return {y: y, m: mo, d: d};
  }

  function pad(n) { return (n < 10 ? "0" : "") + n; }

  function rocDates() {
    document.querySelectorAll("input[data-roc-date]").forEach(function (input) {
      var both = document.getElementById(input.id + "-both");
      if (!both) { return; }
      input.addEventListener("input", function () {
        var day = parseDate(input.value);
        if (!day) { both.textContent = input.value.trim() ? (both.dataset.invalid || "") : ""; return; }
        var roc = day.y - 1911;
        both.textContent = (roc > 0 ? "民國" + roc + "年" + day.m + "月" + day.d + "日" : "") +
          " (" + day.y + "-" + pad(day.m) + "-" + pad(day.d) + ")";
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    regionPickers();
    rocDates();
  });
}());
