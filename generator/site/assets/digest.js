// topic-digest: click a header of a `.digest-sortable` table to sort by it.
(function () {
  function sortable(root) {
    root.querySelectorAll(".digest-sortable table").forEach(function (table) {
      if (table.dataset.digestSortable) return;
      table.dataset.digestSortable = "1";
      table.querySelectorAll("th").forEach(function (th, column) {
        th.style.cursor = "pointer";
        th.title = "Sort by this column";
        th.addEventListener("click", function () {
          var body = table.tBodies[0];
          var rows = Array.prototype.slice.call(body.rows);
          var descending = th.dataset.order !== "desc";
          rows.sort(function (a, b) {
            var x = a.cells[column].textContent.trim();
            var y = b.cells[column].textContent.trim();
            return descending ? y.localeCompare(x) : x.localeCompare(y);
          });
          table.querySelectorAll("th").forEach(function (other) { delete other.dataset.order; });
          th.dataset.order = descending ? "desc" : "asc";
          rows.forEach(function (row) { body.appendChild(row); });
        });
      });
    });
  }
  if (typeof document$ !== "undefined") {
    document$.subscribe(function () { sortable(document); });
  } else {
    document.addEventListener("DOMContentLoaded", function () { sortable(document); });
  }
})();

// topic-digest: the "Copy" button of an entry's Cite block copies its BibTeX.
// One listener on the document serves every page Material's instant loading shows.
(function () {
  function selectText(node) {
    var range = document.createRange();
    range.selectNodeContents(node);
    var selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
  }
  function done(button, label) {
    button.textContent = label;
    setTimeout(function () { button.textContent = "Copy"; }, 2000);
  }
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest(".digest-copy");
    if (!button) return;
    var code = button.parentElement.querySelector("code");
    if (!code) return;
    var text = code.textContent;
    // The clipboard API needs a secure context (https or localhost); elsewhere the
    // text is selected and copied the old way, or left selected for Ctrl+C.
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(
        function () { done(button, "Copied"); },
        function () { selectText(code); done(button, "Press Ctrl+C"); }
      );
    } else {
      selectText(code);
      var copied = false;
      try { copied = document.execCommand("copy"); } catch (error) { copied = false; }
      done(button, copied ? "Copied" : "Press Ctrl+C");
    }
  });
})();
