// The event page is cached for everyone; the places left (or "full", or the waitlist)
// come from its small places/ fragment, which every RSVP refreshes. Without JavaScript
// the RSVP button leads to the RSVP page, which shows them too.
document.querySelectorAll("[data-places]").forEach(function (box) {
  fetch(box.dataset.places, { credentials: "same-origin" })
    .then(function (response) {
      return response.ok ? response.text() : null;
    })
    .then(function (html) {
      if (html === null) return;
      var fresh = new DOMParser()
        .parseFromString(html, "text/html")
        .querySelector("[data-places]");
      if (fresh) box.replaceWith(document.adoptNode(fresh));
    })
    .catch(function () {});
});
