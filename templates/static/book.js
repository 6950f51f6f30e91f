// The booking page lists free times in the therapist's zone, so it works with
// scripts off. This script shows them in the visitor's zone instead (the
// browser's own at first, or one chosen in the picker), regrouping them by
// day in that zone since an evening time may fall on the next day there, and
// puts the zone in the form so the invitation speaks the same time. It also
// keeps the summary beside the button saying the time chosen. Its words
// come from the page, in the page's language (the form's data-* attributes,
// written from the message catalog), and dates are written in that
// language too.
(function () {
  "use strict";

  var form = document.querySelector("form.book-form");
  var summaryTime = document.getElementById("summary-time");
  var lang = document.documentElement.lang || undefined;

  // words is the page's text of a data attribute of the form, with each
  // {name} of values put in.
  function words(name, values, fallback) {
    var text = (form && form.getAttribute("data-" + name)) || fallback;
    Object.keys(values || {}).forEach(function (k) {
      text = text.split("{" + k + "}").join(values[k]);
    });
    return text;
  }

  // summarize writes the chosen time into the summary as the list labels
  // it: "Thursday 3 December at 14:00".
  function summarize() {
    var input = form && form.querySelector('input[name="start"]:checked');
    var label = input && form.querySelector('label[for="' + input.id + '"]');
    if (!summaryTime || !label) {
      return;
    }
    var details = input.closest ? input.closest("details") : null;
    var day = details ? details.querySelector(".day-label") : null;
    summaryTime.textContent = day
      ? words("chosen", { day: day.textContent, time: label.textContent }, "{day} {time}")
      : label.textContent;
  }
  if (form) {
    form.addEventListener("change", function (e) {
      if (e.target && e.target.name === "start") {
        summarize();
      }
    });
  }

  var hidden = document.getElementById("timezone");
  var select = document.getElementById("zone-select");
  var picker = document.getElementById("zone-picker");
  var zoneName = document.getElementById("zone-name");
  var days = document.getElementById("days");
  if (!form || !hidden || !select || !picker || !zoneName || !days || !window.Intl) {
    return;
  }

  function validZone(zone) {
    if (!zone) {
      return false;
    }
    try {
      new Intl.DateTimeFormat("en", { timeZone: zone });
      return true;
    } catch (e) {
      return false;
    }
  }

  function optionOf(value) {
    for (var i = 0; i < select.options.length; i++) {
      if (select.options[i].value === value) {
        return select.options[i];
      }
    }
    return null;
  }

  // dayKey is the date of t in the zone, as YYYY-MM-DD, whatever the locale.
  function dayKey(parts) {
    var p = {};
    parts.forEach(function (part) { p[part.type] = part.value; });
    return p.year + "-" + p.month + "-" + p.day;
  }

  function relabel(zone) {
    // The clock the server writes in this language: 24-hour "09:00" or
    // 12-hour "9:00 AM" (the catalog's format.time).
    var hour12 = form.getAttribute("data-hour12") === "true";
    var time = new Intl.DateTimeFormat(lang, { timeZone: zone, hour: hour12 ? "numeric" : "2-digit", minute: "2-digit", hour12: hour12 });
    var day = new Intl.DateTimeFormat(lang, { timeZone: zone, weekday: "long", day: "numeric", month: "long" });
    var key = new Intl.DateTimeFormat("en-US", { timeZone: zone, year: "numeric", month: "2-digit", day: "2-digit" });
    var groups = [];
    var byKey = {};
    // The server lists slots in time order, so the groups come out in order.
    Array.prototype.forEach.call(days.querySelectorAll("li.slot"), function (li) {
      var input = li.querySelector("input");
      var label = li.querySelector("label");
      var at = new Date(input.value);
      if (!label || isNaN(at.getTime())) {
        return;
      }
      label.textContent = time.format(at);
      var k = dayKey(key.formatToParts(at));
      if (!byKey[k]) {
        byKey[k] = { label: day.format(at), items: [] };
        groups.push(byKey[k]);
      }
      byKey[k].items.push(li);
    });
    if (groups.length === 0) {
      return;
    }
    Array.prototype.forEach.call(days.querySelectorAll("details.day"), function (d) { d.remove(); });
    var open = groups.filter(function (g) {
      return g.items.some(function (li) { return li.querySelector("input").checked; });
    })[0] || groups[0];
    groups.forEach(function (g) { days.appendChild(dayElement(g, g === open)); });
  }

  // dayElement builds one folded day as the server writes it.
  function dayElement(g, open) {
    var details = document.createElement("details");
    details.className = "day";
    details.open = open;
    var summary = document.createElement("summary");
    var heading = document.createElement("h3");
    heading.className = "day-label";
    heading.textContent = g.label;
    var count = document.createElement("span");
    count.className = "day-count";
    // The language's own plural rule picks the form, as the server's does.
    var one = Intl.PluralRules ? new Intl.PluralRules(lang).select(g.items.length) === "one" : g.items.length === 1;
    count.textContent = one
      ? words("count-one", {}, "1")
      : words("count-many", { n: String(g.items.length) }, String(g.items.length));
    summary.appendChild(heading);
    summary.appendChild(document.createTextNode(" "));
    summary.appendChild(count);
    var list = document.createElement("ul");
    list.className = "slot-list";
    g.items.forEach(function (li) { list.appendChild(li); });
    details.appendChild(summary);
    details.appendChild(list);
    return details;
  }

  function use(option) {
    relabel(option.value);
    hidden.value = option.value;
    zoneName.textContent = option.getAttribute("data-name");
    summarize();
  }

  // named calls done with the zone's option, named as people say it (the
  // server lists the common zones with their names; it names any other one
  // on asking), or does nothing when the name cannot be had: the page then
  // keeps the therapist's zone, as without scripts.
  function named(zone, suffix, done) {
    var option = optionOf(zone);
    if (option && option.getAttribute("data-name")) {
      done(option);
      return;
    }
    if (!window.fetch) {
      return;
    }
    var query = "/api/zone?id=" + encodeURIComponent(zone) + (lang ? "&lang=" + encodeURIComponent(lang) : "");
    fetch(query).then(function (r) {
      return r.ok ? r.json() : null;
    }).then(function (z) {
      if (!z || !z.name) {
        return;
      }
      option = document.createElement("option");
      option.value = zone;
      option.textContent = z.label + suffix;
      option.setAttribute("data-name", z.name);
      select.insertBefore(option, select.firstChild);
      done(option);
    }, function () {});
  }

  var detected = "";
  try {
    detected = Intl.DateTimeFormat().resolvedOptions().timeZone || "";
  } catch (e) {
    detected = "";
  }
  // A zone already in the form (it came back with a problem) was the
  // visitor's choice; otherwise the device's own zone.
  var zone = validZone(hidden.value) ? hidden.value : detected;
  if (!validZone(zone)) {
    return; // keep the server's labels and let the invitation use the therapist's zone
  }
  var device = words("device", {}, "");
  device = device ? " " + device : "";
  if (validZone(detected) && detected !== zone) {
    named(detected, device, function () {});
  }
  named(zone, zone === detected ? device : "", function (option) {
    select.value = zone;
    use(option);
    picker.hidden = false;
    select.addEventListener("change", function () {
      var chosen = optionOf(select.value);
      if (chosen && validZone(chosen.value)) {
        use(chosen);
      }
    });
  });
}());
