/* The report form: a pin on the map (tap, drag, or "use my location"), the address box
   with type-ahead (htmx fills the datalist) and the nearest address to the pin, nearby
   reports of the same problem, and a draft kept on the device while offline. The form
   works without any of this: the address box alone is enough to report. */
(function () {
  "use strict";
  var form = document.getElementById("report-form");
  if (!form) { return; }
  var lat = document.getElementById("id_lat");
  var long = document.getElementById("id_long");
  var address = document.getElementById("id_address");
  var addressId = document.getElementById("id_address_id");
  var statusLine = document.getElementById("location-status");
  var nearby = document.getElementById("nearby");
  var mapEl = document.getElementById("report-map");
  var draftKey = "civic311-draft-" + form.dataset.draftKey;
  var draftStatus = document.getElementById("draft-status");
  var pin = null;
  var addressTypedByPerson = !!address.value;

  function say(text) { if (statusLine) { statusLine.textContent = text; } }

  function refreshNearby() {
    if (!nearby || !lat.value || typeof htmx === "undefined") { return; }
    htmx.ajax("GET", nearby.dataset.url + "?lat=" + encodeURIComponent(lat.value) + "&long=" + encodeURIComponent(long.value), { target: "#nearby", swap: "innerHTML" });
  }

  function reverseLookup() {
    var url = mapEl.dataset.nearestUrl + "?lat=" + encodeURIComponent(lat.value) + "&long=" + encodeURIComponent(long.value);
    fetch(url, { headers: { "Accept": "application/json" } }).then(function (r) { return r.json(); }).then(function (answer) {
      if (answer.inside === false) { say(answer.message); return; }
      say("");
      if (answer.address && !addressTypedByPerson) {
        address.value = answer.address;
        addressId.value = answer.address_id;
      }
    }).catch(function () { /* offline: the pin alone is enough */ });
  }

  function placePin(lonLat, fromAddress) {
    lat.value = lonLat[1].toFixed(6);
    long.value = lonLat[0].toFixed(6);
    if (pin) {
      pin.getGeometry().setCoordinates(ol.proj.fromLonLat(lonLat));
    }
    if (!fromAddress) { reverseLookup(); }
    refreshNearby();
    saveDraft();
  }

  if (mapEl && window.civicMap) {
    var start = lat.value ? [parseFloat(long.value), parseFloat(lat.value)] : window.civicMap.CENTRE;
    pin = new ol.Feature(new ol.geom.Point(ol.proj.fromLonLat(start)));
    pin.setStyle(window.civicMap.pinStyle("#d54309"));
    var pins = new ol.Collection([pin]);
    var layer = new ol.layer.Vector({ source: new ol.source.Vector({ features: pins }) });
    var map = window.civicMap.makeMap(mapEl, start, lat.value ? 17 : 13, [layer]);
    if (!lat.value) { pin.setStyle(null); }
    var drag = new ol.interaction.Translate({ features: pins });
    drag.on("translateend", function () {
      addressTypedByPerson = false;
      placePin(ol.proj.toLonLat(pin.getGeometry().getCoordinates()));
    });
    map.addInteraction(drag);
    map.on("singleclick", function (event) {
      pin.setStyle(window.civicMap.pinStyle("#d54309"));
      addressTypedByPerson = false;
      placePin(ol.proj.toLonLat(event.coordinate));
    });
    window.civicReportMap = { map: map, pin: pin, place: placePin };
  }

  var locate = document.getElementById("use-my-location");
  if (locate && "geolocation" in navigator) {
    locate.hidden = false;
    locate.addEventListener("click", function () {
      say(locate.dataset.working || "…");
      navigator.geolocation.getCurrentPosition(function (position) {
        var lonLat = [position.coords.longitude, position.coords.latitude];
        if (pin) {
          pin.setStyle(window.civicMap.pinStyle("#d54309"));
          window.civicReportMap.map.getView().animate({ center: ol.proj.fromLonLat(lonLat), zoom: 17 });
        }
        addressTypedByPerson = false;
        placePin(lonLat);
      }, function () { say(""); }, { enableHighAccuracy: true, timeout: 10000 });
    });
  }

  // Choosing a suggestion from the datalist moves the pin to that address.
  address.addEventListener("input", function () { addressTypedByPerson = true; addressId.value = ""; });
  address.addEventListener("change", function () {
    var options = document.querySelectorAll("#address-suggestions option");
    for (var i = 0; i < options.length; i++) {
      if (options[i].value === address.value) {
        addressId.value = options[i].dataset.id;
        var lonLat = [parseFloat(options[i].dataset.long), parseFloat(options[i].dataset.lat)];
        if (pin) {
          pin.setStyle(window.civicMap.pinStyle("#d54309"));
          window.civicReportMap.map.getView().animate({ center: ol.proj.fromLonLat(lonLat), zoom: 17 });
        }
        placePin(lonLat, true);
        return;
      }
    }
  });

  // --- The draft: everything typed is kept on this device until the report is sent. ---
  function fields() {
    return Array.prototype.filter.call(form.elements, function (el) {
      var keptHidden = { lat: 1, "long": 1, address_id: 1, attempt: 1 };
      return el.name && el.type !== "file" && el.name !== "csrfmiddlewaretoken" &&
        el.name !== "website" && (el.type !== "hidden" || keptHidden[el.name]);
    });
  }
  function saveDraft() {
    var data = {};
    fields().forEach(function (el) {
      if (el.type === "radio" || el.type === "checkbox") {
        if (el.checked) { (data[el.name] = data[el.name] || []).push(el.value); }
      } else { data[el.name] = el.value; }
    });
    try { localStorage.setItem(draftKey, JSON.stringify(data)); } catch (e) { /* storage full or off */ }
  }
  function restoreDraft() {
    var saved;
    try { saved = JSON.parse(localStorage.getItem(draftKey) || "null"); } catch (e) { saved = null; }
    if (!saved || form.dataset.bound === "true") { return; }
    fields().forEach(function (el) {
      if (!(el.name in saved)) { return; }
      if (el.type === "radio" || el.type === "checkbox") {
        el.checked = saved[el.name].indexOf(el.value) !== -1;
      } else if (!el.value || el.type === "hidden" || el.tagName === "SELECT") { el.value = saved[el.name]; }
    });
    if (saved.lat && pin) {
      pin.setStyle(window.civicMap.pinStyle("#d54309"));
      var lonLat = [parseFloat(saved["long"]), parseFloat(saved.lat)];
      pin.getGeometry().setCoordinates(ol.proj.fromLonLat(lonLat));
      window.civicReportMap.map.getView().setCenter(ol.proj.fromLonLat(lonLat));
    }
    if (draftStatus) { draftStatus.textContent = draftStatus.dataset.restored || ""; }
  }
  restoreDraft();
  form.addEventListener("input", saveDraft);
  form.addEventListener("change", saveDraft);

  var waiting = false;
  form.addEventListener("submit", function (event) {
    saveDraft();
    try { sessionStorage.setItem("civic311-sending", draftKey); } catch (e) { /* private mode */ }
    if (!navigator.onLine) {
      event.preventDefault();
      waiting = true;
      if (draftStatus) { draftStatus.textContent = draftStatus.dataset.offline || ""; }
    }
  });
  window.addEventListener("online", function () {
    if (waiting) {
      waiting = false;
      if (draftStatus) { draftStatus.textContent = draftStatus.dataset.sending || ""; }
      form.submit();
    }
  });
})();

/* USWDS writes its file box's words in English from its script: put the page's own words
   (given on the input, in the page's language) in their place whenever it writes them. */
(function () {
  "use strict";
  var input = document.getElementById("id_photos");
  if (!input || !input.dataset.chooseText) { return; }
  var words = input.dataset;

  function setText(node, text) {
    if (node && text && node.textContent !== text) { node.textContent = text; }
  }

  function selectedWords(english) {
    var many = /^(\d+) files selected/.exec(english);
    if (many) { return [words.manySelectedText.replace("{count}", many[1]), words.changeManyText]; }
    if (/^Selected file/.test(english)) { return [words.oneSelectedText, words.changeOneText]; }
    return null;
  }

  function spoken(english) {
    if (english === "No files selected.") { return words.noneSelectedText; }
    var one = /^You have selected the file: (.*)$/.exec(english);
    if (one) { return words.spokenOneText.replace("{name}", one[1]); }
    var many = /^You have selected (\d+) files: (.*)$/.exec(english);
    if (many) { return words.spokenManyText.replace("{count}", many[1]).replace("{names}", many[2]); }
    return null;
  }

  function translate(box) {
    var drag = box.querySelector(".usa-file-input__drag-text");
    var instructions = box.querySelector(".usa-file-input__instructions");
    if (instructions) {
      setText(instructions.querySelector(".usa-file-input__choose"), drag ? words.chooseText : words.chooseAloneText);
    }
    setText(drag, words.dragText);
    var heading = box.querySelector(".usa-file-input__preview-heading");
    var first = heading && heading.firstChild;
    var found = first && first.nodeType === Node.TEXT_NODE ? selectedWords(first.nodeValue) : null;
    if (found) {
      if (first.nodeValue !== found[0] + " ") { first.nodeValue = found[0] + " "; }
      setText(heading.querySelector(".usa-file-input__choose"), found[1]);
      input.setAttribute("aria-label", found[1]);
    } else if (!heading && drag && input.getAttribute("aria-label") !== words.dragText + " " + words.chooseText) {
      input.setAttribute("aria-label", words.dragText + " " + words.chooseText);
    }
    box.querySelectorAll(".usa-sr-only").forEach(function (node) {
      var text = spoken(node.textContent);
      setText(node, text);
    });
  }

  function start() {
    var box = input.closest(".usa-file-input");
    if (!box) { return; }
    translate(box);
    new MutationObserver(function () { translate(box); }).observe(box, { childList: true, subtree: true, characterData: true });
  }
  if (document.readyState === "complete") { start(); } else { window.addEventListener("load", start); }
})();
