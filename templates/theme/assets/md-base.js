// Material for MkDocs 9.8.1's inline head script (partials/javascripts/base.html), unchanged except
// that the scope comes from the data-md-scope attribute of this script's own tag. It is a file so that
// the pages' Content-Security-Policy can forbid inline scripts. It defines the globals Material's
// bundle expects (__md_scope, __md_hash, __md_get, __md_set).
__md_scope = new URL(document.currentScript.getAttribute("data-md-scope"), location),
__md_hash = e => [...e].reduce(((e, _) => (e << 5) - e + _.charCodeAt(0)), 0),
__md_get = (e, _ = localStorage, t = __md_scope) => JSON.parse(_.getItem(t.pathname + "." + e)),
__md_set = (e, _, t = localStorage, a = __md_scope) => { try { t.setItem(a.pathname + "." + e, JSON.stringify(_)) } catch (e) {} };
