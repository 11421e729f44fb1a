// The personal treatment calendar (progressive enhancement: without JavaScript the form stays
// hidden and the blank calendars remain). Nothing leaves the browser. The rules are the same as in
// hemismart_site/calendar.py, and the tests compare the two event by event.
(function () {
  "use strict";
  var dataElement = document.getElementById("hs-calendar-data");
  var form = document.getElementById("hs-personal");
  if (!dataElement || !form) { return; }
  var data = JSON.parse(dataElement.textContent);
  // Dates follow the page's locale (data.locale: en-GB for the English pages), with the weekday.
  var numbers = new Intl.NumberFormat(data.locale);
  var shortDate = new Intl.DateTimeFormat(data.locale, { weekday: "short", day: "numeric", month: "short", timeZone: "UTC" });
  // The week tables a phone shows have seven narrow columns: weekday and day there, the month once in the caption.
  var weekDay = new Intl.DateTimeFormat(data.locale, { weekday: "short", day: "numeric", timeZone: "UTC" });
  var dayMonth = new Intl.DateTimeFormat(data.locale, { day: "numeric", month: "long", timeZone: "UTC" });
  var longDate = new Intl.DateTimeFormat(data.locale, { weekday: "long", day: "numeric", month: "long", year: "numeric", timeZone: "UTC" });
  var DAY = 86400000;
  form.hidden = false;

  function fill(template, values) {
    return template.replace(/\{(\w+)\}/g, function (match, key) { return key in values ? values[key] : match; });
  }
  function parseDate(value) {
    var m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value || "");
    return m ? new Date(Date.UTC(+m[1], +m[2] - 1, +m[3])) : null;
  }
  function addDays(date, n) { return new Date(date.getTime() + n * DAY); }
  function ymd(date) { return date.toISOString().slice(0, 10).replace(/-/g, ""); }
  function timeline(cycle) {
    for (var i = data.timelines.length - 1; i >= 0; i--) {
      var t = data.timelines[i];
      if (cycle === t.first_cycle || (t.repeats && cycle >= t.first_cycle)) { return t; }
    }
    return null;
  }
  function dateOf(start, cycle, day) { return addDays(start, (cycle - 1) * data.cycle_length + day - 1); }

  // Every day with a medicine in cycles 1..cycles.
  function treatmentDays(start, cycles) {
    var out = [];
    for (var cycle = 1; cycle <= cycles; cycle++) {
      var t = timeline(cycle);
      for (var day = 1; day <= data.cycle_length; day++) {
        var given = t.rows.filter(function (r) { return r.given.indexOf(day) >= 0; }).map(function (r) { return r.name; });
        var uncertain = t.rows.filter(function (r) { return r.uncertain.indexOf(day) >= 0; }).map(function (r) { return r.name; });
        if (given.length || uncertain.length) {
          out.push({ date: dateOf(start, cycle, day), cycle: cycle, day: day, given: given, uncertain: uncertain });
        }
      }
    }
    return out;
  }
  function medicines(ev) {
    var names = ev.given.concat(ev.uncertain.map(function (n) { return fill(data.text.uncertain_medicine, { medicine: n }); }));
    return names.join(data.text.separator);
  }
  function summary(ev) {
    return fill(data.text.event, { cycle: numbers.format(ev.cycle), day: numbers.format(ev.day), medicines: medicines(ev) });
  }
  // A reminder "HH:MM" as an alarm trigger relative to the (all-day) event's start: PT8H, PT8H30M.
  function trigger(reminder) {
    var m = /^(\d{2}):(\d{2})$/.exec(reminder || "");
    if (!m) { return null; }
    return "PT" + (+m[1]) + "H" + (+m[2] ? (+m[2]) + "M" : "");
  }

  // RFC 5545: escape text, fold lines at 75 octets, CRLF line ends.
  function escapeText(s) { return s.replace(/\\/g, "\\\\").replace(/;/g, "\\;").replace(/,/g, "\\,").replace(/\r?\n/g, "\\n"); }
  var encoder = new TextEncoder();
  function fold(line) {
    var parts = [], current = "", length = 0;
    Array.from(line).forEach(function (ch) {
      var size = encoder.encode(ch).length;
      if (length + size > 75) { parts.push(current); current = " "; length = 1; }
      current += ch; length += size;
    });
    parts.push(current);
    return parts.join("\r\n");
  }
  function ics(start, cycles, reminder) {
    var alarm = trigger(reminder);
    var stamp = ymd(start) + "T000000Z";
    var lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:" + data.prodid, "CALSCALE:GREGORIAN",
                 "X-WR-CALNAME:" + escapeText(data.text.name)];
    treatmentDays(start, cycles).forEach(function (ev) {
      lines.push("BEGIN:VEVENT",
        "UID:" + data.nct_id + "-" + start.toISOString().slice(0, 10) + "-c" + ev.cycle + "-d" + ev.day + "@hemismart-site",
        "DTSTAMP:" + stamp,
        "DTSTART;VALUE=DATE:" + ymd(ev.date),
        "DTEND;VALUE=DATE:" + ymd(addDays(ev.date, 1)),
        "SUMMARY:" + escapeText(summary(ev)),
        "DESCRIPTION:" + escapeText(data.text.description),
        "TRANSP:TRANSPARENT");
      if (alarm) {
        lines.push("BEGIN:VALARM", "ACTION:DISPLAY",
          "DESCRIPTION:" + escapeText(fill(data.text.reminder_text, { medicines: medicines(ev) })),
          "TRIGGER:" + alarm, "END:VALARM");
      }
      lines.push("END:VEVENT");
    });
    lines.push("END:VCALENDAR");
    return lines.map(fold).join("\r\n") + "\r\n";
  }

  // Fill the dates into the calendars on the page and make one printable sheet per cycle.
  function showDates(start, cycles) {
    document.querySelectorAll("[data-cycle-first] .hs-date, .hs-date[data-cycle-first]").forEach(function (el) {
      var holder = el.hasAttribute("data-cycle-first") ? el : el.closest("[data-cycle-first]");
      var cycle = +holder.getAttribute("data-cycle-first");
      el.textContent = " " + (el.closest(".hs-week") ? weekDay : shortDate).format(dateOf(start, cycle, +el.getAttribute("data-day")));
    });
    document.querySelectorAll("table.hs-week").forEach(function (table) {
      var row = table.querySelector("[data-cycle-first]");
      var days = table.querySelectorAll(".hs-date[data-day]");
      if (!row || !days.length || !table.caption) { return; }
      var cycle = +row.getAttribute("data-cycle-first");
      var first = dateOf(start, cycle, +days[0].getAttribute("data-day"));
      var last = dateOf(start, cycle, +days[days.length - 1].getAttribute("data-day"));
      var span = table.caption.querySelector(".hs-week__dates");
      if (!span) {
        span = document.createElement("span");
        span.className = "hs-week__dates";
        table.caption.appendChild(span);
      }
      // formatRange ("16.–22. September") is recent in some browsers: two dates otherwise, never an error.
      span.textContent = " · " + (dayMonth.formatRange ? dayMonth.formatRange(first, last)
                                                       : dayMonth.format(first) + " – " + dayMonth.format(last));
    });
    var sheets = document.querySelector(".hs-sheets");
    if (!sheets) { return; }
    sheets.querySelectorAll(".hs-sheet--dated").forEach(function (el) { el.remove(); });
    var templates = Array.prototype.slice.call(sheets.querySelectorAll(".hs-sheet:not(.hs-sheet--dated)"));
    for (var cycle = 1; cycle <= cycles; cycle++) {
      var t = timeline(cycle);
      var source = templates.filter(function (s) { return +s.getAttribute("data-cycle-first") === t.first_cycle; })[0];
      var sheet = source.cloneNode(true);
      sheet.classList.add("hs-sheet--dated");
      sheet.querySelector(".hs-sheet__cycle").textContent = fill(data.text.cycle, { number: numbers.format(cycle) });
      sheet.querySelectorAll(".hs-date").forEach(function (el) {
        el.textContent = shortDate.format(dateOf(start, cycle, +el.getAttribute("data-day")));
      });
      sheets.appendChild(sheet);
    }
    sheets.classList.add("hs-sheets--dated");
  }

  var status = document.getElementById("hs-calendar-status");
  function read() {
    var start = parseDate(form.elements.start.value);
    var cycles = Math.max(+form.elements.cycles.min || 1, Math.min(+form.elements.cycles.max || 1, +form.elements.cycles.value || 1));
    if (!start) { status.textContent = data.text.missing_date; form.elements.start.focus(); return null; }
    status.textContent = "";
    return { start: start, cycles: cycles, reminder: form.elements.reminder ? form.elements.reminder.value : "" };
  }
  // After "Show the dates": say so, then go to the first dated calendar.
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var input = read();
    if (!input) { return; }
    showDates(input.start, input.cycles);
    status.textContent = fill(data.text.shown, { date: longDate.format(input.start) });
    var first = document.querySelector(".hs-pdf ~ h3");  // the first cycle's calendar
    if (first) {
      first.setAttribute("tabindex", "-1");
      first.scrollIntoView({ block: "start" });
      first.focus({ preventScroll: true });
    }
  });
  document.getElementById("hs-ics").addEventListener("click", function () {
    var input = read();
    if (!input) { return; }
    showDates(input.start, input.cycles);
    var blob = new Blob([ics(input.start, input.cycles, input.reminder)], { type: "text/calendar;charset=utf-8" });
    var link = document.createElement("a");
    link.href = URL.createObjectURL(blob);
    link.download = data.ics_name;
    document.body.appendChild(link);
    link.click();
    setTimeout(function () { URL.revokeObjectURL(link.href); link.remove(); }, 0);
  });
  document.getElementById("hs-print").addEventListener("click", function () { window.print(); });

  // A day grid wider than its box (a narrow window) says that it scrolls.
  function markScrolling() {
    document.querySelectorAll(".hs-grid-wrap").forEach(function (wrap) {
      wrap.classList.toggle("hs-grid-wrap--scrolls", wrap.scrollWidth > wrap.clientWidth + 1);
    });
  }
  markScrolling();
  window.addEventListener("resize", markScrolling);
})();
