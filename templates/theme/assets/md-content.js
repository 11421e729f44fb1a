// Material for MkDocs 9.8.1's inline script after the content (partials/javascripts/content.html),
// unchanged, as a file for the pages' Content-Security-Policy: opening a page at #<id> of a tab's
// radio input selects that tab.
var target = document.getElementById(location.hash.slice(1)); target && target.name && (target.checked = target.name.startsWith("__tabbed_"));
