// Small enhancements; every page works without them.
// - Copy buttons: each element marked data-copy (install commands, a new secret) gets a button
//   that copies its text; the result is announced to screen readers.
// - The release form shows the git fields or the zip field, whichever source is chosen.
(function () {
  "use strict";

  function label(name, fallback) {
    var holder = document.getElementById("js-strings");
    return (holder && holder.getAttribute("data-" + name)) || fallback;
  }

  function copyText(text) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(text);
    }
    return new Promise(function (resolve, reject) {
      var area = document.createElement("textarea");
      area.value = text;
      area.setAttribute("readonly", "");
      area.style.position = "absolute";
      area.style.left = "-9999px";
      document.body.appendChild(area);
      area.select();
      var ok = false;
      try { ok = document.execCommand("copy"); } catch (e) { ok = false; }
      document.body.removeChild(area);
      if (ok) { resolve(); } else { reject(new Error("copy failed")); }
    });
  }

  function addCopyButton(element) {
    var button = document.createElement("button");
    var status = document.createElement("span");
    button.type = "button";
    button.className = "copy-button secondary small";
    button.textContent = label("copy", "Copy");
    status.className = "copy-status";
    status.setAttribute("role", "status");
    button.addEventListener("click", function () {
      copyText(element.textContent.trim()).then(function () {
        status.textContent = label("copied", "Copied");
      }, function () {
        status.textContent = label("copy-failed", "Select the text and copy it yourself");
      });
    });
    var wrapper = document.createElement("div");
    wrapper.className = "copy-row";
    wrapper.appendChild(button);
    wrapper.appendChild(status);
    element.insertAdjacentElement("afterend", wrapper);
  }

  function releaseSource(form) {
    var radios = form.querySelectorAll("input[name=source]");
    if (!radios.length) { return; }
    function update() {
      var chosen = form.querySelector("input[name=source]:checked");
      var value = chosen ? chosen.value : "";
      Array.prototype.forEach.call(form.querySelectorAll("[data-source]"), function (field) {
        field.hidden = value !== "" && field.getAttribute("data-source") !== value;
      });
    }
    Array.prototype.forEach.call(radios, function (radio) { radio.addEventListener("change", update); });
    update();
  }

  document.addEventListener("DOMContentLoaded", function () {
    Array.prototype.forEach.call(document.querySelectorAll("[data-copy]"), addCopyButton);
    Array.prototype.forEach.call(document.querySelectorAll("form"), releaseSource);
  });
})();
