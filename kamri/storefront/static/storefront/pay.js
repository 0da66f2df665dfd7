// Card payment with Stripe.js (localstripe's in the demo): the card becomes a token in the browser, the
// server attaches it and confirms; a 3-D Secure card comes back with a client secret that Stripe.js finishes.
// The order counts as paid only when Stripe's signed webhook reaches the server.
(function () {
  "use strict";
  var form = document.getElementById("card-form");
  if (!form || typeof Stripe === "undefined") {
    var box = document.getElementById("card-error");
    if (form && box) { box.textContent = form.dataset.errorUnreachable; box.hidden = false; }
    return;
  }
  var stripe = Stripe(form.dataset.publishableKey);
  var card = stripe.elements().create("card");
  card.mount("#card-element");
  var errorBox = document.getElementById("card-error");
  var button = document.getElementById("pay");

  function fail(message) {
    errorBox.textContent = message;
    errorBox.hidden = false;
    button.disabled = false;
  }

  if (form.dataset.clientSecret) {
    // 3-D Secure: Stripe.js shows the bank's check, then the thanks page waits for the webhook.
    button.disabled = true;
    stripe.confirmCardPayment(form.dataset.clientSecret).then(function (result) {
      if (result.error) { fail(form.dataset.errorAuth); return; }
      window.location.assign(form.dataset.next);
    });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    button.disabled = true;
    errorBox.hidden = true;
    stripe.createToken(card).then(function (result) {
      if (result.error || !result.token) { fail(form.dataset.errorIncomplete); return; }
      document.getElementById("card-token").value = result.token.id;
      form.submit();
    }, function () { fail(form.dataset.errorIncomplete); });
  });
})();
