// A date typed without its time (or any half-typed value) leaves a datetime-local
// input empty as far as the form is concerned. The admin's forms are sent with
// novalidate (the server's errors are shown in the page's language), so an optional
// time such as a rally's end went out empty and the server used its default
// (start + 2 hours) without a word. Such a submission stops at the field, with the
// browser's own message.
document.addEventListener(
  "submit",
  (event) => {
    const inputs = event.target.querySelectorAll('input[type="datetime-local"]');
    const half = Array.from(inputs).find((input) => input.validity.badInput);
    if (half) {
      event.preventDefault();
      half.reportValidity();
      releaseButton(event.submitter);
    }
  },
  true,
);

// Wagtail's "Save draft" and "Publish" turn into a disabled "Saving…" for 30 seconds
// once clicked (its w-progress controller, armed just after this submit): give the
// button back so the editor can send again once the time is whole.
function releaseButton(button) {
  if (!button) return;
  window.setTimeout(() => {
    const progress = window.wagtail?.app?.getControllerForElementAndIdentifier(
      button,
      "w-progress",
    );
    progress?.deactivate();
  });
}
