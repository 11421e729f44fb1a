// Sort a table by a column when its heading is pressed. Progressive enhancement:
// without JavaScript the table is complete and readable in registry order.
(function () {
  "use strict";
  function sortBy(table, index, button) {
    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows);
    var ascending = button.getAttribute("data-order") !== "ascending";
    var collator = new Intl.Collator(document.documentElement.lang || undefined, { numeric: true, sensitivity: "base" });
    rows.sort(function (a, b) {
      var result = collator.compare(a.cells[index].textContent.trim(), b.cells[index].textContent.trim());
      return ascending ? result : -result;
    });
    rows.forEach(function (row) { body.appendChild(row); });
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th) {
      th.removeAttribute("aria-sort");
      var other = th.querySelector("button");
      if (other) { other.removeAttribute("data-order"); }
    });
    button.setAttribute("data-order", ascending ? "ascending" : "descending");
    button.parentNode.setAttribute("aria-sort", ascending ? "ascending" : "descending");
  }
  function enhance(table) {
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th, index) {
      var button = document.createElement("button");
      button.type = "button";
      while (th.firstChild) { button.appendChild(th.firstChild); }
      th.appendChild(button);
      button.addEventListener("click", function () { sortBy(table, index, button); });
    });
  }
  document.querySelectorAll("table.hs-sortable").forEach(enhance);
})();
