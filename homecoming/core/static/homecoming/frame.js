/* The page frame of base.html, without a framework. Without script every link stays in view
   and wide tables scroll by themselves (site.css); with it:
   - on a phone the navigation folds behind the menu button (shown here, hidden in the HTML);
   - a table wider than its frame scrolls inside a region that the keyboard can reach and that
     a screen reader names after the table's caption or heading (WCAG 2.1.1, 1.3.1). */
(function () {
  "use strict";

  var button = document.querySelector(".menu-toggle");
  if (button) {
    var menu = document.getElementById(button.getAttribute("aria-controls"));
    var setOpen = function (open) { button.setAttribute("aria-expanded", open ? "true" : "false"); };
    button.hidden = false;
    button.addEventListener("click", function () {
      setOpen(button.getAttribute("aria-expanded") !== "true");
    });
    // Escape folds the menu and gives the focus back to its button.
    menu.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && button.getAttribute("aria-expanded") === "true") {
        setOpen(false);
        button.focus();
      }
    });
  }

  function nameOf(table) {
    if (table.caption) return table.caption.textContent.trim();
    var node = table;
    while (node && node !== document.body) {
      var previous = node.previousElementSibling;
      while (previous) {
        var heading = /^H[1-6]$/.test(previous.tagName) ? previous : previous.querySelector("h1, h2, h3, h4");
        if (heading) return heading.textContent.trim();
        previous = previous.previousElementSibling;
      }
      node = node.parentElement;
    }
    return document.title;
  }

  var frames = [];
  document.querySelectorAll("main table.data").forEach(function (table) {
    if (table.closest(".table-scroll, .table-frame, .scroll-x")) {
      frames.push(table.closest(".table-scroll, .table-frame, .scroll-x"));
      return;
    }
    var frame = document.createElement("div");
    frame.className = "table-scroll";
    table.parentNode.insertBefore(frame, table);
    frame.appendChild(table);
    frames.push(frame);
  });
  // Only a frame that scrolls is a stop for the keyboard, a named region.
  function mark() {
    frames.forEach(function (frame) {
      var table = frame.querySelector("table");
      if (frame.scrollWidth > frame.clientWidth + 1) {
        frame.setAttribute("tabindex", "0");
        frame.setAttribute("role", "region");
        frame.setAttribute("aria-label", nameOf(table));
      } else {
        frame.removeAttribute("tabindex");
        frame.removeAttribute("role");
        frame.removeAttribute("aria-label");
      }
    });
  }
  mark();
  window.addEventListener("resize", mark);
})();
