/* Progressive enhancement only: every feature works without this file.
   - "Link to this passage" copies the passage's permanent address to the clipboard;
   - "Copy citation" copies a passage's citation (the text stays selectable without it);
   - the sort menu re-runs the search when changed;
   - a passage inside a collapsed boilerplate section opens when it is the target;
   - the filter panel starts closed on narrow screens. */
(function () {
  "use strict";
  document.documentElement.classList.replace("no-js", "js");

  function permalink(id) {
    return location.origin + location.pathname + "#" + id;
  }

  function copyLink(event) {
    var link = event.target.closest("[data-copy-link]");
    if (!link || !navigator.clipboard) { return; }
    var id = link.getAttribute("href").slice(1);
    event.preventDefault();
    history.replaceState(null, "", location.pathname + location.search + "#" + id);
    openTarget();
    navigator.clipboard.writeText(permalink(id)).then(function () {
      var before = link.textContent;
      link.textContent = "Link copied";
      link.classList.add("copied");
      setTimeout(function () { link.textContent = before; link.classList.remove("copied"); }, 2000);
    }, function () { location.hash = id; });
  }

  function copyCitation(event) {
    var button = event.target.closest("[data-copy-citation]");
    if (!button || !navigator.clipboard) { return; }
    var text = document.getElementById(button.getAttribute("data-copy-citation")).textContent;
    navigator.clipboard.writeText(text.trim()).then(function () {
      button.textContent = "Citation copied";
      setTimeout(function () { button.textContent = "Copy citation"; }, 2000);
    });
  }

  function openTarget() {
    var id = decodeURIComponent(location.hash.slice(1));
    var target = id && document.getElementById(id);
    if (!target) { return; }
    var details = target.closest("details");
    if (details && !details.open) { details.open = true; target.scrollIntoView(); }
    document.querySelectorAll(".passage.is-target").forEach(function (el) {
      el.classList.remove("is-target");
    });
    if (target.classList.contains("passage")) {
      target.classList.add("is-target");
      // after the browser's own jump to the fragment, which happens once the page loads
      if (document.readyState === "complete") { showHeading(target); } else {
        window.addEventListener("load", function () { showHeading(target); }, { once: true });
      }
    }
  }

  // A passage opened by its link is shown with its section's heading above it when both
  // fit on the screen (the heading's breadcrumb too, if it fits); otherwise the passage alone,
  // a fifth of the way down (its CSS scroll-margin).
  function showHeading(passage) {
    var section = passage.closest(".report-section");
    if (!section) { return; }
    var candidates = [section.querySelector(".heading-path"), section.querySelector("h2")];
    var room = window.innerHeight * 0.9 - passage.getBoundingClientRect().height;
    for (var i = 0; i < candidates.length; i++) {
      var heading = candidates[i];
      if (!heading) { continue; }
      var above = passage.getBoundingClientRect().top - heading.getBoundingClientRect().top;
      if (above >= 0 && above + 16 <= room) {
        window.scrollTo(0, window.scrollY + heading.getBoundingClientRect().top - 16);
        return;
      }
    }
  }

  function autosubmit() {
    document.querySelectorAll("select[data-autosubmit]").forEach(function (select) {
      select.addEventListener("change", function () { select.form.submit(); });
    });
  }

  function collapseFilters() {
    if (!window.matchMedia("(max-width: 40em)").matches) { return; }
    document.querySelectorAll("details[data-collapse-narrow]").forEach(function (d) {
      var chosen = d.querySelector(".facet-link.selected");
      if (!chosen) { d.open = false; }
    });
  }

  document.addEventListener("click", copyLink);
  document.addEventListener("click", copyCitation);
  window.addEventListener("hashchange", openTarget);
  document.addEventListener("DOMContentLoaded", function () {
    autosubmit();
    collapseFilters();
    openTarget();
  });
}());
