// Progress for file uploads: forms marked data-upload-progress are sent with XHR so the upload
// progress can be shown. Without JavaScript the same form posts normally, so nothing depends on this.
(function () {
  "use strict";

  function showResponse(xhr) {
    // Show the answer as the browser would have after a normal POST: the page the server
    // redirected to (with its one-time messages, which a second request would lose) or the form
    // again with its errors. The address bar follows the redirect.
    var url = xhr.responseURL || window.location.href;
    document.open();
    document.write(xhr.responseText);
    document.close();
    if (url !== window.location.href) { window.history.replaceState(null, "", url); }
  }

  function clearErrors(form) {
    // the last attempt's errors are about the last file, not this one: take them away while it goes up
    Array.prototype.forEach.call(form.querySelectorAll(".errorlist, .form-errors"), function (e) { e.remove(); });
    Array.prototype.forEach.call(form.querySelectorAll(".has-error"), function (e) { e.classList.remove("has-error"); });
    Array.prototype.forEach.call(document.querySelectorAll(".message-error"), function (e) { e.remove(); });
  }

  function enhance(form) {
    var progress = form.querySelector("progress");
    var status = form.querySelector(".upload-status");
    form.addEventListener("submit", function (event) {
      if (!window.FormData || !window.XMLHttpRequest) { return; }
      event.preventDefault();
      var xhr = new XMLHttpRequest();
      xhr.open(form.method || "POST", form.action || window.location.href);
      xhr.setRequestHeader("X-Requested-With", "XMLHttpRequest");
      clearErrors(form);
      if (progress) { progress.hidden = false; progress.value = 0; }
      if (status) { status.hidden = false; status.textContent = "Uploading…"; }
      Array.prototype.forEach.call(form.querySelectorAll("button[type=submit]"), function (b) { b.disabled = true; });
      xhr.upload.addEventListener("progress", function (e) {
        if (!e.lengthComputable) { return; }
        var percent = Math.round((e.loaded / e.total) * 100);
        if (progress) { progress.value = percent; }
        if (status) { status.textContent = percent < 100 ? "Uploading… " + percent + "%" : "Processing…"; }
      });
      xhr.addEventListener("load", function () { showResponse(xhr); });
      xhr.addEventListener("error", function () {
        if (status) { status.textContent = "The upload failed. Check your connection and try again."; }
        Array.prototype.forEach.call(form.querySelectorAll("button[type=submit]"), function (b) { b.disabled = false; });
      });
      xhr.send(new FormData(form));
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    Array.prototype.forEach.call(document.querySelectorAll("form[data-upload-progress]"), enhance);
  });
})();
