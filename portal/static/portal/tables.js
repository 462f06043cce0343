/* Wide tables scroll sideways inside a frame of their own instead of making the whole page
   wider than a phone's screen. A frame that does scroll takes the keyboard focus (the arrow
   keys then scroll it) and is named after its table's caption or the heading above it.
   Without this script the page itself scrolls sideways, as before. */
(function () {
  function nameOf(table) {
    if (table.caption) return table.caption.textContent.trim();
    let node = table.parentElement;
    while (node && node.tagName !== "MAIN") {
      let sibling = node.previousElementSibling;
      while (sibling) {
        if (/^H[1-6]$/.test(sibling.tagName)) return sibling.textContent.trim();
        sibling = sibling.previousElementSibling;
      }
      node = node.parentElement;
    }
    return document.title;
  }

  function frame(table) {
    let wrapper = table.parentElement;
    if (!wrapper.classList.contains("table-scroll")) {
      wrapper = document.createElement("div");
      wrapper.className = "table-scroll";
      table.before(wrapper);
      wrapper.append(table);
    }
    return wrapper;
  }

  function refresh(root) {
    root.querySelectorAll("main table").forEach(function (table) {
      const wrapper = frame(table);
      if (wrapper.scrollWidth > wrapper.clientWidth) {
        wrapper.setAttribute("role", "region");
        wrapper.setAttribute("aria-label", wrapper.getAttribute("aria-label") || nameOf(table));
        wrapper.tabIndex = 0;
      } else if (!wrapper.hasAttribute("data-fixed-frame")) {
        wrapper.removeAttribute("role");
        wrapper.removeAttribute("tabindex");
      }
    });
  }

  document.addEventListener("DOMContentLoaded", function () { refresh(document); });
  document.addEventListener("htmx:load", function (event) { refresh(event.target); });
  window.addEventListener("resize", function () { refresh(document); });
})();
