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
