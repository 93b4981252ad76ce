// A petition's form posts to its sign URL (/petitions/<id>/sign/, no language prefix:
// the fast path), and a form with errors is answered there. The address bar then said
// /petitions/<id>/sign/: reloading it asked to send the form again, and the address
// passed on was not the petition's. Once the errors are shown, the address bar says
// the petition's own address in the reader's language, at its form. Without
// JavaScript the sign URL stays, and opening it leads to the petition in that language.
// A signer thanked after following their verification link (?signed=verified) copies
// the address bar to pass the petition on: it says the petition's own address too, so
// the friends who open it are asked to sign instead of thanked for signing.
(function () {
  var script = document.currentScript;
  var address = script && script.dataset.address;
  if (address && window.history && window.history.replaceState) {
    window.history.replaceState(null, "", address);
  }
})();
