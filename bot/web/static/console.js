/* Fremad console: small partial updates without a framework (no inline script, CSP-safe).
 *  form[data-partial]      submitted with fetch; every element with an id in the answer
 *                          replaces the element with that id on the page
 *  form[data-include=ID]   also sends the field with that id (the editor's text)
 *  textarea[data-live-check=URL]  sends its form there while typing; marks come back
 *  [data-goto-line=N]      jumps the editor to line N
 *  form[data-confirm=TEXT] asks first
 *  a[data-go]              followed at once (after signing in)
 */
(function () {
  "use strict";

  function swap(html) {
    var holder = document.createElement("template");
    holder.innerHTML = html;
    // A copy: each replaceWith() moves an element out of the live collection.
    Array.prototype.slice.call(holder.content.children).forEach(function (fresh) {
      var old = fresh.id && document.getElementById(fresh.id);
      if (old) { old.replaceWith(fresh); }
    });
    syncGutter();
    document.dispatchEvent(new CustomEvent("fremad:swapped"));
  }

  function formData(form, submitter) {
    var data = submitter ? new FormData(form, submitter) : new FormData(form);
    var include = form.getAttribute("data-include");
    if (include) {
      include.split(",").forEach(function (id) {
        var field = document.getElementById(id.trim());
        if (field) { data.set(field.name, field.value); }
      });
    }
    return data;
  }

  function send(url, data) {
    return fetch(url, {
      method: "POST",
      body: data,
      credentials: "same-origin",
      headers: { "X-Fremad-Partial": "1" }
    }).then(function (answer) { return answer.text(); });
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    var question = form.getAttribute("data-confirm");
    if (question && !window.confirm(question)) { event.preventDefault(); return; }
    if (!form.hasAttribute("data-partial")) { return; }
    event.preventDefault();
    var submitter = event.submitter || null;
    form.setAttribute("aria-busy", "true");
    send(form.action, formData(form, submitter)).then(swap).finally(function () {
      form.removeAttribute("aria-busy");
    });
  });

  var timer = null;
  var latest = 0;
  function liveCheck(area) {
    var form = area.form;
    var mine = ++latest;
    send(area.getAttribute("data-live-check"), formData(form, null)).then(function (html) {
      if (mine === latest) { swap(html); }
    });
  }

  function gutter() {
    var area = document.querySelector("textarea[data-gutter]");
    return area ? [area, document.getElementById(area.getAttribute("data-gutter"))] : null;
  }

  function syncGutter() {
    var pair = gutter();
    if (pair && pair[1]) { pair[1].scrollTop = pair[0].scrollTop; }
  }

  document.addEventListener("input", function (event) {
    var area = event.target;
    if (!area.hasAttribute || !area.hasAttribute("data-live-check")) { return; }
    clearTimeout(timer);
    timer = setTimeout(function () { liveCheck(area); }, 300);
  });

  document.addEventListener("scroll", function (event) {
    if (event.target.hasAttribute && event.target.hasAttribute("data-gutter")) { syncGutter(); }
  }, true);

  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("[data-goto-line]");
    if (!link) { return; }
    var pair = gutter();
    if (!pair) { return; }
    event.preventDefault();
    var area = pair[0];
    var wanted = parseInt(link.getAttribute("data-goto-line"), 10);
    var lines = area.value.split("\n");
    var start = 0;
    for (var i = 0; i < wanted - 1 && i < lines.length; i++) { start += lines[i].length + 1; }
    var end = start + (lines[wanted - 1] || "").length;
    area.focus();
    area.setSelectionRange(start, end);
    var lineHeight = parseFloat(getComputedStyle(area).lineHeight) || 18;
    area.scrollTop = Math.max(0, (wanted - 4) * lineHeight);
    syncGutter();
  });

  document.addEventListener("DOMContentLoaded", function () {
    var go = document.querySelector("a[data-go]");
    if (go) { window.location.replace(go.href); }
  });
}());
