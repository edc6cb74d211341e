// credbridge pages: progressive enhancement only. Every form works without this file.
// - Drop zones: a file dropped on a zone goes into its file input, and the form is submitted
//   as if the person had picked it and pressed the button.
// - The chosen file's name is announced in the zone's live region.
// - Forms with data-confirm ask before submitting (erasing a credential).
(function () {
  "use strict";

  function describe(files) {
    if (!files || files.length === 0) return "";
    if (files.length === 1) return "Chosen: " + files[0].name;
    return "Chosen: " + files.length + " files";
  }

  function enhance(zone) {
    var input = zone.querySelector('input[type="file"]');
    var status = zone.querySelector(".drop-status");
    if (!input) return;
    input.addEventListener("change", function () {
      if (status) status.textContent = describe(input.files);
    });
    ["dragenter", "dragover"].forEach(function (name) {
      zone.addEventListener(name, function (event) {
        event.preventDefault();
        zone.classList.add("dragging");
      });
    });
    ["dragleave", "dragend"].forEach(function (name) {
      zone.addEventListener(name, function () {
        zone.classList.remove("dragging");
      });
    });
    zone.addEventListener("drop", function (event) {
      event.preventDefault();
      zone.classList.remove("dragging");
      var files = event.dataTransfer && event.dataTransfer.files;
      if (!files || files.length === 0) return;
      input.files = files;
      if (status) status.textContent = describe(files) + ". Verifying…";
      var form = input.form;
      if (form) {
        if (typeof form.requestSubmit === "function") form.requestSubmit();
        else form.submit();
      }
    });
  }

  function confirmForms() {
    document.querySelectorAll("form[data-confirm]").forEach(function (form) {
      form.addEventListener("submit", function (event) {
        if (!window.confirm(form.getAttribute("data-confirm"))) event.preventDefault();
      });
    });
  }

  function start() {
    document.querySelectorAll("[data-dropzone]").forEach(enhance);
    confirmForms();
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
