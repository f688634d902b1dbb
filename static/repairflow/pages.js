// What the pages do in the browser. Never inline (no <script> with content, no on...= attribute,
// no javascript: URL): the CSP runs only scripts from files of this origin.
"use strict";

// A link marked data-history-back goes back a page (the 400 page's "Back").
document.addEventListener("click", (event) => {
  const link = event.target.closest("a[data-history-back]");
  if (link) {
    event.preventDefault();
    history.back();
  }
});
